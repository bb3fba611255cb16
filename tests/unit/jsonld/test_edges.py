"""Corners of JSON-LD where the fast path must either match pyld or hand over to it."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.errors import InvalidJsonLd, UndefinedTerm
from credstack.jsonld import canonicalize, reference
from credstack.jsonld.canon import canonicalize_fast
from credstack.jsonld.contexts import Unsupported
from credstack.jsonld.nquads import literal
from credstack.jsonld.rdfc import canonicalize as rdfc
from tests.unit.jsonld.agree import assert_agrees, assert_fast_path_agrees
from tests.unit.jsonld.test_rdfc import pyld_canonicalize

P = {"p": "urn:p", "v": "@value", "t": "urn:t"}
LIST = {"l": {"@id": "urn:l", "@container": "@list"}}
LANGUAGES = {"m": {"@id": "urn:m", "@container": "@language"}}

HANDED_OVER: dict[str, dict[str, Any]] = {
    "@id that expands to nothing": {"@context": P, "@id": "@nothing", "p": 1},
    "@id that is not a string": {"@context": P, "@id": 5, "p": 1},
    "a context holding only @context": {"@context": P, "p": {"@context": {"@context": {}}}},
    "a context key that is not a string": {"@context": P, "p": {"@context": {1: "urn:x"}}},
    "a context that is not JSON": {"@context": P, "p": {"@context": ("urn:a",)}},
    "a relative context URL": {"@context": "relative.jsonld", "p": 1},
    "a vocab value that expands to nothing": {
        "@context": {"k": {"@id": "urn:k", "@type": "@vocab"}},
        "k": "@nothing",
    },
    "a node language that is not a string": {"@context": P, "p": {"@language": 5, "p": 1}},
    "a type that is a number": {"@context": P, "@type": [5], "p": 1},
    "a list container in one context only": {
        "@context": {"l": {"@id": "urn:l", "@container": "@list", "@context": {"l": "urn:l"}}},
        "l": [1, 2],
    },
    "a scoped context that makes the property a keyword": {
        "@context": {"p": {"@id": "urn:p", "@context": {"p": "@id"}}},
        "p": "urn:x",
    },
    "a JSON literal in the scoped context only": {
        "@context": {"p": {"@id": "urn:p", "@context": {"p": {"@id": "urn:p", "@type": "@json"}}}},
        "p": 1,
    },
    "colliding @value": {"@context": P, "p": {"@value": "a", "v": "b"}},
    "an object as @value": {"@context": P, "p": {"@value": {"a": 1}}},
    "a datatype list": {"@context": P, "p": {"@value": "x", "@type": ["urn:d"]}},
    "a relative datatype": {"@context": P, "p": {"@value": "x", "@type": "relative"}},
    "a language that is a number": {"@context": P, "p": {"@value": "x", "@language": 5}},
    "a value object with a property": {"@context": P, "p": {"@value": "x", "t": 1}},
    "a bad direction": {"@context": P, "p": {"@value": "x", "@direction": "up"}},
    "a tagged number": {"@context": P, "p": {"@value": 5, "@language": "en"}},
    "a language map number": {"@context": LANGUAGES, "m": {"en": 5}},
}


@pytest.mark.parametrize("name", HANDED_OVER)
def test_handed_over(name: str) -> None:
    with pytest.raises(Unsupported):
        canonicalize_fast(HANDED_OVER[name])
    assert_agrees(HANDED_OVER[name])


COVERED: dict[str, dict[str, Any]] = {
    "a value object with its own context": {
        "@context": P,
        "p": {"@context": {"q": "urn:q"}, "@value": "x"},
    },
    "a list item that is null": {"@context": LIST, "@id": "urn:x", "l": [{"@value": None}, 1]},
    "a term named _": {"@context": {"_": "urn:underscore:", **P}, "@id": "_:b", "p": "_:c"},
    "a value object in a type-scoped context": {
        "@context": {
            "type": "@type",
            "T": {"@id": "urn:T", "@context": {"n": "urn:n"}},
            "n": "urn:outer-n",
        },
        "type": "T",
        "n": {"@value": "kept in T's context"},
    },
}


@pytest.mark.parametrize("name", COVERED)
def test_covered(name: str) -> None:
    assert_fast_path_agrees(COVERED[name])


def test_a_relative_context_url_is_invalid_json_ld() -> None:
    with pytest.raises(InvalidJsonLd, match="relative IRI"):
        canonicalize({"@context": "relative.jsonld", "@id": "urn:x"})


def test_conflicting_indexes_are_invalid_with_either_hash() -> None:
    document = {
        "@context": P,
        "p": [{"@id": "urn:x", "@index": "a"}, {"@id": "urn:x", "@index": "b"}],
    }
    for hash_algorithm in ("sha256", "sha384"):
        with pytest.raises(InvalidJsonLd, match="not valid JSON-LD"):
            canonicalize(document, hash_algorithm=hash_algorithm)


def test_only_sha256_and_sha384() -> None:
    with pytest.raises(ValueError, match="sha384"):
        canonicalize({"@context": P, "p": 1}, hash_algorithm="md5")


def test_a_literal_must_be_json() -> None:
    with pytest.raises(Unsupported):
        literal(object(), None, None)  # type: ignore[arg-type]


def test_an_expanded_property_must_be_absolute() -> None:
    with pytest.raises(UndefinedTerm, match="'relative'"):
        reference._check_expanded([{"@id": "urn:x", "relative": [{"@value": 1}]}])


def test_a_permutation_dropped_after_recursion() -> None:
    # Found by search: Hash N-Degree Quads abandons a permutation after a recursive step.
    quads = [
        ("_:n0", "<urn:p>", "_:n1", ""),
        ("_:n0", "<urn:p>", "_:n5", ""),
        ("_:n3", "<urn:p>", "_:n5", ""),
        ("_:n2", "<urn:p>", "_:n1", ""),
        ("_:n4", "<urn:p>", "_:n3", ""),
        ("_:n3", "<urn:p>", "_:n0", ""),
    ]
    assert rdfc(quads) == pyld_canonicalize(quads)
