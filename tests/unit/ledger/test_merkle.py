"""Edges of proof generation: sizes out of range, missing nodes, what an append reads."""

from __future__ import annotations

import pytest

from credstack.errors import LedgerError
from credstack.ledger.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    NodeMap,
    consistency_proof,
    inclusion_proof,
    left_siblings,
    new_nodes,
    nodes_for_consistency,
    nodes_for_inclusion,
    nodes_for_root,
    root,
)

TREE = MemoryTree([b"a", b"b", b"c", b"d"])


def test_out_of_range_requests_are_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        inclusion_proof(4, 4, TREE)
    assert caught.value.code == "leaf_index_out_of_range"
    assert nodes_for_inclusion(4, 4) == set()
    for old, new in [(0, 3), (3, 2)]:
        with pytest.raises(LedgerError) as caught:
            consistency_proof(old, new, TREE)
        assert caught.value.code == "invalid_tree_sizes"
        with pytest.raises(LedgerError):
            nodes_for_consistency(old, new)


def test_empty_tree_and_missing_nodes() -> None:
    assert root(0, TREE) == EMPTY_ROOT
    assert nodes_for_root(0) == set()
    with pytest.raises(LedgerError) as caught:
        root(3, NodeMap({}))
    assert caught.value.code == "ledger_node_missing"


def test_an_append_reads_its_left_siblings_and_completes_parents() -> None:
    assert left_siblings(3) == {(0, 2), (1, 0)}
    assert left_siblings(4) == set()
    made = new_nodes(3, TREE.node(0, 3), TREE)
    assert [node for node, _ in made] == [(0, 3), (1, 1), (2, 0)]
    assert made[-1][1] == root(4, TREE)
