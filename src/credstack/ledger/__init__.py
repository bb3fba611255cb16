"""The transparency ledger: an append-only RFC 9162 Merkle tree of everything issued and
revoked, with signed checkpoints (c2sp.org/tlog-checkpoint), witness cosignatures, and
inclusion and consistency proofs. Pure: no I/O; the store keeps the nodes, services sign.

>>> from credstack.ledger import MemoryTree, consistency_proof, root, verify_consistency
>>> tree = MemoryTree([b"one", b"two", b"three"])
>>> verify_consistency(2, 3, consistency_proof(2, 3, tree), root(2, tree), root(3, tree))
"""

from credstack.ledger.checkpoint import Checkpoint, Cosigner, open_checkpoint, witnessed_by
from credstack.ledger.entries import Entry, credential_digest
from credstack.ledger.evidence import (
    CheckedInclusion,
    InclusionEvidence,
    LedgerTrust,
    check_inclusion,
)
from credstack.ledger.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    NodeMap,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
)
from credstack.ledger.note import NoteSigner, NoteVerifier, open_note, parse_note, sign_note
from credstack.ledger.proofs import verify_consistency, verify_inclusion

__all__ = [
    "EMPTY_ROOT",
    "CheckedInclusion",
    "Checkpoint",
    "Cosigner",
    "Entry",
    "InclusionEvidence",
    "LedgerTrust",
    "MemoryTree",
    "NodeMap",
    "NoteSigner",
    "NoteVerifier",
    "check_inclusion",
    "consistency_proof",
    "credential_digest",
    "inclusion_proof",
    "leaf_hash",
    "open_checkpoint",
    "open_note",
    "parse_note",
    "root",
    "sign_note",
    "verify_consistency",
    "verify_inclusion",
    "witnessed_by",
]
