"""A credential as received: the exact text, the document parsed from it, and a typed view.

A proof covers the document as its issuer wrote it, so the verifier checks ``document`` (parsed
from ``raw_text``), never a model written back out. The typed view is for reading.

>>> from credstack.model.signed import SignedCredential
>>> text = '''{
...   "@context": ["https://www.w3.org/ns/credentials/v2"],
...   "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
...   "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:1"}
... }'''
>>> signed = SignedCredential.from_json(text)
>>> signed.issuer_id, signed.valid_from.year, signed.credential, signed.proofs
('did:example:issuer', 2026, None, [])
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credstack.errors import MalformedCredential
from credstack.model.credential import AchievementCredential, EndorsementCredential
from credstack.model.parse import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parse_json
from credstack.model.vc import VerifiableCredential

ACHIEVEMENT_TYPES = frozenset({"AchievementCredential", "OpenBadgeCredential"})
ENDORSEMENT_TYPES = frozenset({"EndorsementCredential"})


@dataclass(frozen=True, eq=False)
class SignedCredential:
    """A received credential, checked at construction; treat ``document`` as read-only.

    ``envelope`` is the Verifiable Credential view every credential has. ``credential`` is the
    Open Badges view when the type names one (AchievementCredential or OpenBadgeCredential,
    EndorsementCredential), else None. ``proofs`` are the embedded proofs as they appear.
    """

    raw_text: str
    document: dict[str, Any]
    envelope: VerifiableCredential
    credential: AchievementCredential | EndorsementCredential | None
    proofs: list[dict[str, Any]]

    @classmethod
    def from_json(
        cls,
        raw: str | bytes,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_depth: int = DEFAULT_MAX_DEPTH,
    ) -> SignedCredential:
        """Parse and check; raise ``MalformedCredential`` (codes of ``parse_json``, then
        ``not_a_credential``, ``invalid_credential`` or ``missing_type``)."""
        document = parse_json(raw, max_bytes=max_bytes, max_depth=max_depth)
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if not isinstance(document, dict):
            raise MalformedCredential(
                "The input is JSON but not an object; a credential is a JSON object.",
                code="not_a_credential",
            )
        envelope = VerifiableCredential.from_json(document)
        kinds = set(envelope.type)
        credential: AchievementCredential | EndorsementCredential | None = None
        if kinds & ACHIEVEMENT_TYPES:
            credential = AchievementCredential.from_json(document)
        elif kinds & ENDORSEMENT_TYPES:
            credential = EndorsementCredential.from_json(document)
        proof = document.get("proof")
        proofs = [] if proof is None else list(proof) if isinstance(proof, list) else [proof]
        return cls(text, document, envelope, credential, proofs)

    @property
    def id(self) -> str | None:
        return self.envelope.id

    @property
    def types(self) -> list[str]:
        return list(self.envelope.type)

    @property
    def issuer_id(self) -> str:
        return self.envelope.issuer_id

    @property
    def valid_from(self) -> datetime | None:
        """validFrom, or issuanceDate in a VC 1.1 credential; aware, or None when absent."""
        return self.envelope.starts

    @property
    def valid_until(self) -> datetime | None:
        """validUntil, or expirationDate in a VC 1.1 credential; aware, or None when absent."""
        return self.envelope.ends
