"""Verifying inclusion and consistency proofs: the algorithms of RFC 9162 sections 2.1.3.2
and 2.1.4.2, step by step.

Each function returns None when the proof holds and raises ``LedgerError`` (with a stable
code) when it does not; nothing here trusts the proof's length, sizes or hash widths.

>>> from credstack.ledger.merkle import MemoryTree, consistency_proof, root
>>> tree = MemoryTree([b"a", b"b", b"c", b"d", b"e"])
>>> verify_consistency(3, 5, consistency_proof(3, 5, tree), root(3, tree), root(5, tree))
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from credstack.errors import LedgerError
from credstack.ledger.merkle import HASH_SIZE, node_hash

SPEC_INCLUSION = "https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.2"
SPEC_CONSISTENCY = "https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4.2"


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from leaf hash ``leaf`` at ``index`` of ``size``."""
    if not 0 <= index < size:
        raise LedgerError(
            f"Leaf index {index} is not below the tree size {size}.",
            code="leaf_index_out_of_range",
        )
    _check_widths([leaf, *proof])
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise _bad_length()
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise _bad_length()
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 section 2.1.3.2: ``leaf`` is leaf ``index`` of the tree of ``size`` with
    ``root``."""
    if not hmac.compare_digest(root_from_inclusion(index, size, leaf, proof), root):
        raise LedgerError(
            "The inclusion proof leads to another root hash than the checkpoint's: the entry "
            "is not in the log as it claims.",
            code="inclusion_proof_mismatch",
        )


def verify_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """RFC 9162 section 2.1.4.2: the tree of ``new_size`` extends the one of ``old_size``."""
    if not 0 < old_size <= new_size:
        raise LedgerError(
            f"A consistency proof needs 0 < first size <= second size, not {old_size} and "
            f"{new_size}.",
            code="invalid_tree_sizes",
        )
    if old_size == new_size:
        if proof:
            raise LedgerError(
                "Two trees of the same size need an empty consistency proof.",
                code="consistency_proof_length",
            )
        _match(old_root, new_root)
        return
    if not proof:
        raise LedgerError("The consistency proof is empty.", code="consistency_proof_length")
    _check_widths(proof)
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # step 2: a power of two is its own first subtree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise _bad_length()
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise _bad_length()
    _match(fr, old_root)
    _match(sr, new_root)


def _match(computed: bytes, expected: bytes) -> None:
    if not hmac.compare_digest(computed, expected):
        raise LedgerError(
            "The consistency proof does not lead to both root hashes: the newer tree does not "
            "extend the older one.",
            code="consistency_proof_mismatch",
        )


def _check_widths(hashes: Sequence[bytes]) -> None:
    if any(len(h) != HASH_SIZE for h in hashes):
        raise LedgerError(
            f"Every hash in a proof is {HASH_SIZE} bytes (SHA-256).", code="invalid_hash_size"
        )


def _bad_length() -> LedgerError:
    return LedgerError(
        "The proof has the wrong number of hashes for these sizes.", code="proof_length"
    )
