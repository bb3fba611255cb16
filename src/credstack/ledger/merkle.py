"""RFC 9162 (Certificate Transparency v2) Merkle tree hashing and proof generation.

The tree over leaves ``D[0:n]`` is the one of RFC 9162 section 2.1.1: a leaf hashes as
``SHA-256(0x00 || data)``, an interior node as ``SHA-256(0x01 || left || right)``, and the
left subtree of ``D[a:b]`` holds the largest power of two smaller than ``b - a`` leaves.

Every subtree that proofs and roots need is split into *perfect* subtrees (``2**level``
leaves starting at a multiple of ``2**level``), which a store keeps as nodes
``(level, index)``. A proof for a tree of ``n`` leaves reads O(log n) of them, so proofs stay
logarithmic however large the log grows; ``nodes_for_*`` name them first, so that a store can
read them all in one query.

We write this ourselves: the hashing is a few lines of the RFC, and no maintained Python
library generates proofs from a store of perfect subtrees (pymerkle keeps its own storage;
sigstore only verifies).

>>> tree = MemoryTree([b"a", b"b", b"c"])
>>> proof = inclusion_proof(1, 3, tree)
>>> len(proof)
2
>>> from credstack.ledger.proofs import verify_inclusion
>>> verify_inclusion(1, 3, leaf_hash(b"b"), proof, root(3, tree))
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Final, Protocol

from credstack.errors import LedgerError

LEAF_PREFIX: Final = b"\x00"
NODE_PREFIX: Final = b"\x01"
HASH_SIZE: Final = 32
# MTH({}) = SHA-256() (RFC 9162 section 2.1.1).
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()

Node = tuple[int, int]  # (level, index): the perfect subtree of leaves index*2**level onward


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class NodeSource(Protocol):
    """Where perfect subtree hashes come from: a database table or a ``MemoryTree``."""

    def node(self, level: int, index: int) -> bytes: ...


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1), RFC 9162 section 2.1.1."""
    return 1 << ((n - 1).bit_length() - 1)


def _perfect(start: int, end: int) -> Node | None:
    width = end - start
    if width & (width - 1) == 0 and start % width == 0:
        level = width.bit_length() - 1
        return level, start >> level
    return None


def subtree_hash(start: int, end: int, source: NodeSource) -> bytes:
    """MTH(D[start:end]) for ``0 <= start < end``, from perfect subtree nodes."""
    perfect = _perfect(start, end)
    if perfect is not None:
        return source.node(*perfect)
    k = _split(end - start)
    return node_hash(subtree_hash(start, start + k, source), subtree_hash(start + k, end, source))


def root(size: int, source: NodeSource) -> bytes:
    """The root hash of the tree of the first ``size`` leaves."""
    return EMPTY_ROOT if size == 0 else subtree_hash(0, size, source)


def inclusion_proof(index: int, size: int, source: NodeSource) -> list[bytes]:
    """PATH(index, D[0:size]), RFC 9162 section 2.1.3.1, lowest level first."""
    if not 0 <= index < size:
        raise LedgerError(
            f"Leaf {index} is not in a tree of {size} leaves.", code="leaf_index_out_of_range"
        )
    return [subtree_hash(a, b, source) for a, b in _inclusion_ranges(index, 0, size)]


def consistency_proof(old_size: int, new_size: int, source: NodeSource) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]), RFC 9162 section 2.1.4.1 (empty when equal)."""
    _check_sizes(old_size, new_size)
    return [subtree_hash(a, b, source) for a, b in _consistency_ranges(old_size, new_size)]


def nodes_for_inclusion(index: int, size: int) -> set[Node]:
    """The perfect subtree nodes that ``inclusion_proof(index, size)`` reads."""
    if not 0 <= index < size:
        return set()
    return _nodes(_inclusion_ranges(index, 0, size))


def nodes_for_consistency(old_size: int, new_size: int) -> set[Node]:
    _check_sizes(old_size, new_size)
    return _nodes(_consistency_ranges(old_size, new_size))


def nodes_for_root(size: int) -> set[Node]:
    return _nodes([(0, size)]) if size else set()


def _check_sizes(old_size: int, new_size: int) -> None:
    if not 0 < old_size <= new_size:
        raise LedgerError(
            f"A consistency proof needs 0 < first size <= second size, not {old_size} and "
            f"{new_size}.",
            code="invalid_tree_sizes",
        )


def _inclusion_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()  # the path is listed from the leaf up
    return ranges


def _consistency_ranges(m: int, n: int) -> list[tuple[int, int]]:
    """SUBPROOF(m, D[0:n], true), RFC 9162 section 2.1.4.1, as subtree ranges."""
    ranges: list[tuple[int, int]] = []
    start, end, complete = 0, n, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def _nodes(ranges: Iterable[tuple[int, int]]) -> set[Node]:
    found: set[Node] = set()
    for start, end in ranges:
        _collect(start, end, found)
    return found


def _collect(start: int, end: int, found: set[Node]) -> None:
    perfect = _perfect(start, end)
    if perfect is not None:
        found.add(perfect)
        return
    k = _split(end - start)
    _collect(start, start + k, found)
    _collect(start + k, end, found)


def new_nodes(index: int, leaf: bytes, source: NodeSource) -> list[tuple[Node, bytes]]:
    """The nodes completed by appending leaf hash ``leaf`` at ``index``: the leaf, then each
    parent whose right child it completes (amortised two per append)."""
    made: list[tuple[Node, bytes]] = [((0, index), leaf)]
    level, position, current = 0, index, leaf
    while position & 1:
        current = node_hash(source.node(level, position - 1), current)
        level, position = level + 1, position >> 1
        made.append(((level, position), current))
    return made


def left_siblings(index: int) -> set[Node]:
    """The stored nodes that ``new_nodes(index, ...)`` reads."""
    needed: set[Node] = set()
    level, position = 0, index
    while position & 1:
        needed.add((level, position - 1))
        level, position = level + 1, position >> 1
    return needed


class NodeMap:
    """A ``NodeSource`` over hashes read ahead (for example in one query)."""

    def __init__(self, nodes: Mapping[Node, bytes]) -> None:
        self._nodes = nodes

    def node(self, level: int, index: int) -> bytes:
        try:
            return self._nodes[(level, index)]
        except KeyError:
            raise LedgerError(
                f"The tree has no node at level {level}, index {index}: a leaf is missing.",
                code="ledger_node_missing",
            ) from None


class MemoryTree:
    """Every perfect subtree of a list of leaves, built in memory (tests, audits)."""

    def __init__(self, leaves: Iterable[bytes] = (), *, hashed: bool = False) -> None:
        self.levels: list[list[bytes]] = [[]]
        for item in leaves:
            self.append(item if hashed else leaf_hash(item))

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> None:
        for (level, _index), value in new_nodes(self.size, leaf, self):
            if level == len(self.levels):
                self.levels.append([])
            self.levels[level].append(value)  # appends fill each level in index order

    def node(self, level: int, index: int) -> bytes:
        return self.levels[level][index]
