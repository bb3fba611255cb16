"""RDFC-1.0 over tokens against pyld's URDNA2015 on datasets built to be hard to tell apart.

Small pools of blank nodes, IRIs and predicates give many blank nodes with equal first-degree
hashes, so Hash N-Degree Quads, its permutations and its recursion all run.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld.canon import URDNA2015

from credstack.jsonld.nquads import XSD_STRING, escape
from credstack.jsonld.rdfc import canonicalize

BLANKS = [f"_:n{i}" for i in range(5)]
IRIS = ["<urn:a>", "<urn:b>"]
PREDICATES = ["<urn:p>", "<urn:q>"]
LITERALS = ['"x"', '"y \\" z"']

node = st.sampled_from(BLANKS + IRIS)
quad = st.tuples(
    node,
    st.sampled_from(PREDICATES),
    st.sampled_from(BLANKS + IRIS + LITERALS),
    st.sampled_from(["", "", "", "<urn:g>", *BLANKS[:2]]),
)


def _component(token: str) -> dict[str, str]:
    if token.startswith("<"):
        return {"type": "IRI", "value": token[1:-1]}
    if token.startswith("_:"):
        return {"type": "blank node", "value": token}
    value = token[1:-1].replace('\\"', '"')
    assert escape(value) == token[1:-1]
    return {"type": "literal", "value": value, "datatype": XSD_STRING}


def pyld_canonicalize(
    quads: list[tuple[str, str, str, str]], hash_algorithm: str = "sha256"
) -> str:
    dataset: dict[str, list[dict[str, Any]]] = {}
    for s, p, o, g in quads:
        triple = {"subject": _component(s), "predicate": _component(p), "object": _component(o)}
        dataset.setdefault(g[1:-1] if g.startswith("<") else g or "@default", []).append(triple)
    canon = URDNA2015()
    canon.create_hash = lambda: hashlib.new(hash_algorithm)
    result: str = canon.main(dataset, {"format": "application/n-quads"})
    return result


@settings(max_examples=300, deadline=None)
@given(st.lists(quad, min_size=1, max_size=10))
def test_random_datasets_canonicalize_like_pyld(quads: list[tuple[str, str, str, str]]) -> None:
    assert canonicalize(quads) == pyld_canonicalize(quads)


@settings(max_examples=50, deadline=None)
@given(st.lists(quad, min_size=1, max_size=8))
def test_sha384_like_pyld(quads: list[tuple[str, str, str, str]]) -> None:
    assert canonicalize(quads, "sha384") == pyld_canonicalize(quads, "sha384")


def _cycle(names: list[str], predicate: str = "<urn:p>") -> list[tuple[str, str, str, str]]:
    return [(a, predicate, b, "") for a, b in zip(names, names[1:] + names[:1], strict=True)]


HARD = {
    "two identical cycles": _cycle(BLANKS[:2]) + _cycle(BLANKS[2:4]),
    "a triangle and a pair": _cycle(BLANKS[:3]) + _cycle(BLANKS[3:5]),
    "complete graph": [(a, "<urn:p>", b, "") for a in BLANKS[:4] for b in BLANKS[:4] if a != b],
    "self loops": [(b, "<urn:p>", b, "") for b in BLANKS[:3]],
    "blank graph names": [(b, "<urn:p>", '"x"', g) for b in BLANKS[:2] for g in BLANKS[2:4]],
    "duplicate quads": [("_:n0", "<urn:p>", '"x"', "")] * 2 + [("_:n1", "<urn:p>", '"x"', "")],
    "no blank nodes": [
        ("<urn:a>", "<urn:p>", '"x"', ""),
        ("<urn:a>", "<urn:p>", "<urn:b>", "<urn:g>"),
    ],
}


@pytest.mark.parametrize("name", HARD)
def test_hard_datasets(name: str) -> None:
    assert canonicalize(HARD[name]) == pyld_canonicalize(HARD[name])


def test_canonical_labels_follow_first_degree_hashes() -> None:
    quads = [("_:z", "<urn:p>", '"second"', ""), ("_:y", "<urn:p>", '"first"', "")]
    lines = canonicalize(quads).splitlines()
    assert {line.split()[0] for line in lines} == {"_:c14n0", "_:c14n1"}
    assert canonicalize(list(reversed(quads))) == canonicalize(quads)
