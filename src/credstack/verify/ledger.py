"""The ``ledger`` check: is the credential recorded, unchanged, in a transparency log whose
signed checkpoint (and the cosignatures the policy requires) the verifier trusts?

The verifier asks a ``LedgerSource`` (this server's database, for its own credentials) for the
credential's issuance leaf, its inclusion proof and a signed checkpoint, then checks every
part itself (``credstack.ledger.check_inclusion``): the log's signature on the checkpoint, the
witnesses' cosignatures, the proof up to the checkpoint's root, and that the leaf names this
credential with the digest of the very credential being verified. A credential the source does
not know gets no ``ledger`` entry; one logged after the latest checkpoint gets a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from credstack.errors import LedgerError
from credstack.ledger import InclusionEvidence, LedgerTrust, check_inclusion, credential_digest
from credstack.verify.report import VerificationReport

SPEC = "https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.2"


@dataclass(frozen=True)
class LedgerLookup:
    """Whom to trust, and the issuance evidence (None while no checkpoint covers the leaf)."""

    trust: LedgerTrust
    issued: InclusionEvidence | None
    index: int


class LedgerSource(Protocol):
    def lookup(self, credential_id: str) -> LedgerLookup | None: ...


def check_ledger(
    credential: str | Mapping[str, Any],
    credential_id: str | None,
    report: VerificationReport,
    source: LedgerSource | None,
) -> None:
    if source is None or not credential_id:
        return
    found = source.lookup(credential_id)
    if found is None:
        return
    if found.issued is None:
        report.add(
            "ledger",
            "warning",
            "ledger_pending",
            f"The issuance is entry {found.index} of the transparency log, but no signed "
            "checkpoint covers it yet; check again after the next checkpoint.",
            SPEC,
        )
        return
    try:
        checked = check_inclusion(found.issued, found.trust)
    except LedgerError as exc:
        report.add("ledger", "failed", exc.code, f"Transparency log: {exc.message}", SPEC)
        return
    entry = checked.entry
    if entry.kind != "credential.issued" or entry.credential != credential_id:
        report.add(
            "ledger",
            "failed",
            "ledger_entry_mismatch",
            f"The log entry {found.issued.index} is not the issuance of {credential_id}.",
            SPEC,
        )
        return
    if entry.digest != credential_digest(credential):
        report.add(
            "ledger",
            "failed",
            "ledger_digest_mismatch",
            "The credential differs from the one its issuer recorded in the transparency log "
            f"(entry {found.issued.index}): it was changed or re-issued without a record.",
            SPEC,
        )
        return
    cosigned = f", cosigned by {', '.join(checked.witnesses)}" if checked.witnesses else ""
    report.add(
        "ledger",
        "passed",
        "ok",
        f"Recorded at {entry.time} as entry {found.issued.index} of the log "
        f"{checked.checkpoint.origin}, proven in its signed checkpoint of "
        f"{checked.checkpoint.size} entries{cosigned}.",
        SPEC,
    )
