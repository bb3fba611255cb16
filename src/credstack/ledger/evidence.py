"""What a verifier checks: a leaf, its inclusion proof, and a signed checkpoint that the
policy trusts (the log's key, and N cosignatures of trusted witnesses).

>>> from credstack.ledger.note import NoteVerifier
>>> LedgerTrust(NoteVerifier("log.example", b"\\x00" * 32), required_witnesses=1)
Traceback (most recent call last):
credstack.errors.LedgerError: The policy requires 1 witnesses but trusts 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from credstack.errors import LedgerError
from credstack.ledger.checkpoint import Checkpoint, open_checkpoint, require_witnesses
from credstack.ledger.entries import Entry
from credstack.ledger.merkle import leaf_hash
from credstack.ledger.note import NoteVerifier
from credstack.ledger.proofs import verify_inclusion


@dataclass(frozen=True)
class LedgerTrust:
    """Whom a verifier trusts: the log's key, witnesses' keys, and how many must cosign."""

    log: NoteVerifier
    witnesses: tuple[NoteVerifier, ...] = ()
    required_witnesses: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.required_witnesses <= len(self.witnesses):
            raise LedgerError(
                f"The policy requires {self.required_witnesses} witnesses but trusts "
                f"{len(self.witnesses)}.",
                code="invalid_witness_policy",
            )


@dataclass(frozen=True)
class InclusionEvidence:
    """One leaf of the log, proven included in the tree of a signed checkpoint."""

    index: int
    leaf: bytes
    proof: Sequence[bytes]
    checkpoint: str


@dataclass(frozen=True)
class CheckedInclusion:
    entry: Entry
    checkpoint: Checkpoint
    witnesses: list[str]


def check_inclusion(evidence: InclusionEvidence, trust: LedgerTrust) -> CheckedInclusion:
    """The entry, once the checkpoint's signatures and the inclusion proof verify."""
    checkpoint, names = _open(evidence.checkpoint, trust)
    verify_inclusion(
        evidence.index,
        checkpoint.size,
        leaf_hash(evidence.leaf),
        evidence.proof,
        checkpoint.root_hash,
    )
    return CheckedInclusion(Entry.decode(evidence.leaf), checkpoint, list(names))


@lru_cache(maxsize=64)
def _open(text: str, trust: LedgerTrust) -> tuple[Checkpoint, tuple[str, ...]]:
    """The checkpoint and its cosigners' names, once its signatures verify. Remembered: a
    busy verifier sees the same few checkpoints for every credential, and the answer
    depends only on the text and whom it trusts (failures are not remembered)."""
    checkpoint, note = open_checkpoint(text, trust.log)
    return checkpoint, tuple(require_witnesses(note, trust.witnesses, trust.required_witnesses))
