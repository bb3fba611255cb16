"""What the platform tells a learner by email about their credentials (the outbox's letters)."""

from __future__ import annotations

from typing import Final

from credstack.services.mail import Letter

# The outbox's purpose of a credential's announcement (the operator's list filters by it).
ISSUED: Final = "credential_issued"


def issued_letter(
    recipient: str, achievement: str, issuer: str, credential_url: str, wallet_url: str
) -> Letter:
    """The email that tells a learner a credential was issued to them."""
    return Letter(
        recipient,
        # One line: a name's line break would be a header of its own.
        " ".join(f"Your credential from {issuer}: {achievement}".split())[:300],
        f'{issuer} has issued you the credential "{achievement}".\n\n'
        f"See it, download it or share it:\n{credential_url}\n\n"
        f"Keep it with your other credentials in your wallet: sign in at {wallet_url} with "
        f"this email address ({recipient}).\n",
    )
