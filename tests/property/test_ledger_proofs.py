"""Proofs for random tree sizes: every generated proof verifies, any changed hash, index or
size is refused, and a stored tree gives the same roots as the recursive definition."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credstack.errors import LedgerError
from credstack.ledger.merkle import (
    MemoryTree,
    NodeMap,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    nodes_for_consistency,
    nodes_for_inclusion,
    nodes_for_root,
    root,
)
from credstack.ledger.proofs import verify_consistency, verify_inclusion

TREE = MemoryTree(i.to_bytes(4, "big") for i in range(300))
sizes = st.integers(min_value=1, max_value=300)


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 9162 section 2.1.1."""
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


@given(sizes)
def test_stored_roots_equal_the_definition(size: int) -> None:
    leaves = [i.to_bytes(4, "big") for i in range(size)]
    assert root(size, TREE) == reference_root(leaves)
    ahead = NodeMap({n: TREE.node(*n) for n in nodes_for_root(size)})
    assert root(size, ahead) == root(size, TREE)


@given(st.data(), sizes)
def test_inclusion_proofs_verify_and_bind(data: st.DataObject, size: int) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = inclusion_proof(index, size, TREE)
    leaf = TREE.node(0, index)
    verify_inclusion(index, size, leaf, proof, root(size, TREE))
    ahead = NodeMap({n: TREE.node(*n) for n in nodes_for_inclusion(index, size)})
    assert inclusion_proof(index, size, ahead) == proof
    assert len(proof) <= size.bit_length()
    if proof:
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        changed = list(proof)
        changed[at] = bytes([changed[at][0] ^ 1]) + changed[at][1:]
        with pytest.raises(LedgerError):
            verify_inclusion(index, size, leaf, changed, root(size, TREE))
    other = data.draw(st.integers(min_value=0, max_value=size))
    if other != index:
        with pytest.raises(LedgerError):
            verify_inclusion(other, size, leaf, proof, root(size, TREE))


@given(st.data(), sizes)
def test_consistency_proofs_verify_and_bind(data: st.DataObject, new: int) -> None:
    old = data.draw(st.integers(min_value=1, max_value=new))
    proof = consistency_proof(old, new, TREE)
    verify_consistency(old, new, proof, root(old, TREE), root(new, TREE))
    ahead = NodeMap({n: TREE.node(*n) for n in nodes_for_consistency(old, new)})
    assert consistency_proof(old, new, ahead) == proof
    if old < new:
        with pytest.raises(LedgerError):
            verify_consistency(old, new, proof, root(new, TREE), root(new, TREE))
        if old > 1:
            with pytest.raises(LedgerError):
                verify_consistency(old - 1, new, proof, root(old - 1, TREE), root(new, TREE))
