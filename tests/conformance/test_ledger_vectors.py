"""The RFC 6962 / RFC 9162 proof vectors of transparency-dev/merkle (vectors README section 1):
every happy path verifies, every changed case is refused; and the proofs we generate for the
happy paths' trees are those very proofs, byte for byte."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from credstack.errors import LedgerError
from credstack.ledger.merkle import MemoryTree, consistency_proof, inclusion_proof, leaf_hash, root
from credstack.ledger.proofs import verify_consistency, verify_inclusion
from tests.conftest import vector_path

FOLDER = "transparency-dev-merkle"
# The leaves of the trees behind the vectors: transparency-dev/merkle's testonly.LeafInputs.
LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]


def cases(kind: str) -> list[Path]:
    found = sorted(vector_path(f"{FOLDER}/{kind}").rglob("*.json"))
    assert len(found) == 98
    return found


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def b64(value: str) -> bytes:
    return base64.b64decode(value)


@pytest.mark.parametrize("path", cases("inclusion"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_inclusion_vector(path: Path) -> None:
    case = load(path)
    proof = [b64(p) for p in case["proof"] or []]

    def run() -> None:
        verify_inclusion(
            case["leafIdx"], case["treeSize"], b64(case["leafHash"]), proof, b64(case["root"])
        )

    if case["wantErr"]:
        with pytest.raises(LedgerError):
            run()
    else:
        run()


@pytest.mark.parametrize("path", cases("consistency"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_consistency_vector(path: Path) -> None:
    case = load(path)
    proof = [b64(p) for p in case["proof"] or []]

    def run() -> None:
        verify_consistency(
            case["size1"], case["size2"], proof, b64(case["root1"]), b64(case["root2"])
        )

    if case["wantErr"]:
        with pytest.raises(LedgerError):
            run()
    else:
        run()


def happy_paths(kind: str) -> list[dict[str, Any]]:
    return [load(p) for p in cases(kind) if p.stem == "happy-path" and p.parent.name != "0"]


def test_generated_inclusion_proofs_equal_the_vectors() -> None:
    tree = MemoryTree(LEAVES)
    checked = 0
    for case in happy_paths("inclusion"):
        index, size = case["leafIdx"], case["treeSize"]
        if size > len(LEAVES):
            continue
        assert leaf_hash(LEAVES[index]) == b64(case["leafHash"])
        assert root(size, tree) == b64(case["root"])
        assert inclusion_proof(index, size, tree) == [b64(p) for p in case["proof"] or []]
        checked += 1
    assert checked >= 3


def test_generated_consistency_proofs_equal_the_vectors() -> None:
    tree = MemoryTree(LEAVES)
    checked = 0
    for case in happy_paths("consistency"):
        old, new = case["size1"], case["size2"]
        if new > len(LEAVES) or old == 0:
            continue
        assert root(old, tree) == b64(case["root1"])
        assert root(new, tree) == b64(case["root2"])
        assert consistency_proof(old, new, tree) == [b64(p) for p in case["proof"] or []]
        checked += 1
    assert checked >= 3
