"""Safe mode on the fast path, and the hand-over to pyld for everything the fast path leaves.

A refusal is raised by the fast path itself (``canonicalize_fast`` does not hand over), with
the class, code and message pyld's path gives.
"""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from credstack.errors import InvalidJsonLd, UndefinedTerm, UnknownContext
from credstack.jsonld import canonicalize
from credstack.jsonld.canon import canonicalize_fast
from credstack.jsonld.contexts import Unsupported
from credstack.jsonld.loader import StaticDocumentLoader
from tests.conftest import read_vector_json
from tests.unit.jsonld.agree import assert_agrees, assert_fast_path_agrees

V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"


def credential(**entries: Any) -> dict[str, Any]:
    return {
        "@context": [V2, OB],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "https://example.edu/issuer",
        "credentialSubject": {"id": "did:example:s", "type": "AchievementSubject"},
        **entries,
    }


REFUSED: dict[str, tuple[dict[str, Any], str]] = {
    "undefined property": (credential(colour="blue"), "undefined_term"),
    "undefined nested property": (
        credential(credentialSubject={"type": "AchievementSubject", "shoeSize": 44}),
        "undefined_term",
    ),
    "keyword-like property": (credential(**{"@colour": "blue"}), "undefined_term"),
    "undefined type": (credential(type=["VerifiableCredential", "Diploma"]), "undefined_term"),
    "undefined nested type": (
        credential(credentialSubject={"type": ["AchievementSubject", "Graduate"]}),
        "undefined_term",
    ),
    "relative id": (credential(id="credentials/1"), "relative_iri"),
    "relative coerced id": (credential(issuer="issuers/1"), "relative_iri"),
    "id with a space": (credential(id="urn:uuid:1 2"), "relative_iri"),
    "coerced IRI with a space": (credential(issuer="https://example.edu/a b"), "relative_iri"),
    # N-Quads' IRIREF forbids these; rdf-canonize would escape them where pyld writes them raw.
    "id with a brace": (credential(id="urn:x:a{b}"), "relative_iri"),
    "coerced IRI with a pipe": (credential(issuer="https://example.edu/a|b"), "relative_iri"),
    "id with a backslash": (credential(id="urn:x:a\\b"), "relative_iri"),
    "id with a newline at the end": (credential(id="urn:x:a\n"), "relative_iri"),
    "property IRI with a caret": (
        {"@context": {"p": "urn:p^q"}, "@id": "urn:x", "p": "value"},
        "undefined_term",
    ),
    "relative vocab value": (
        {"@context": {"kind": {"@id": "urn:kind", "@type": "@vocab"}}, "kind": "Unlisted"},
        "relative_iri",
    ),
    "blank node property": (
        {"@context": {"p": "_:p"}, "@id": "urn:x", "p": "value"},
        "undefined_term",
    ),
    "undefined property wins over an earlier relative id": (
        credential(id="relative", zzz="undefined"),
        "undefined_term",
    ),
    "the same undefined type twice": (
        credential(
            type=["VerifiableCredential", "Diploma"],
            credentialSubject={"type": ["AchievementSubject", "Diploma"]},
        ),
        "undefined_term",
    ),
}


@pytest.mark.parametrize("name", REFUSED)
def test_refusals_happen_on_the_fast_path(name: str) -> None:
    document, code = REFUSED[name]
    outcome = assert_fast_path_agrees(document)
    assert outcome[:3] == ("error", "UndefinedTerm", code), outcome


def test_an_unknown_context_is_refused_on_the_fast_path() -> None:
    with pytest.raises(UnknownContext):
        canonicalize_fast({"@context": ["https://example.org/unbundled"], "@id": "urn:x"})
    nested = credential(credentialSubject={"@context": "https://example.org/other", "a": 1})
    assert assert_fast_path_agrees(nested)[1] == "UnknownContext"
    scoped = {"@context": {"t": {"@id": "urn:t", "@context": "https://example.org/s"}}}
    assert assert_fast_path_agrees(scoped)[1] == "UnknownContext"


EDUCREDENTIAL = (
    "https://raw.githubusercontent.com/educredentials/obv3-examples/refs/heads/main/"
    "contexts/educredential.json"
)


@pytest.mark.parametrize(
    "example",
    [
        "theed_microcredential_full_ho",
        "theed_microcredential_full_mbo",
        "theed_microcredential_minimal_ho",
    ],
)
def test_the_educredentials_context_is_invalid_json_ld(example: str) -> None:
    document = read_vector_json(f"eu-microcredential/educredentials/examples/{example}.json")
    with pytest.raises(UnknownContext, match="educredential"):
        canonicalize_fast(document)
    context = read_vector_json("eu-microcredential/educredentials/contexts/educredential.json")
    loader = StaticDocumentLoader({EDUCREDENTIAL: context})
    with pytest.raises(InvalidJsonLd, match="invalid scoped context"):
        canonicalize_fast(document, loader)
    assert_fast_path_agrees(document, loader)


def test_relative_iris_are_not_resolved_against_a_made_up_base() -> None:
    # pyld would sign <http://example.org/base/credentials/1>; safe mode refuses instead.
    with pytest.raises(UndefinedTerm, match="'credentials/1' is not an absolute IRI"):
        canonicalize(credential(id="credentials/1"))


class Colour(enum.StrEnum):
    BLUE = "Blue"


HANDED_OVER: dict[str, dict[str, Any]] = {
    "reverse property": {"@context": {"parent": {"@reverse": "urn:child"}}, "parent": "urn:p"},
    "@reverse": {"@id": "urn:x", "@reverse": {"urn:child": {"@id": "urn:p"}}},
    "@nest": {"@context": {"n": "@nest", "p": "urn:p"}, "@id": "urn:x", "n": {"p": 1}},
    "@included": {"@context": {"p": "urn:p"}, "@included": [{"@id": "urn:y", "p": 1}]},
    "@graph": {"@context": {"p": "urn:p"}, "@graph": [{"@id": "urn:y", "p": 1}]},
    "index map": {"@context": {"m": {"@id": "urn:m", "@container": "@index"}}, "m": {"a": "x"}},
    "id map": {"@context": {"m": {"@id": "urn:m", "@container": "@id"}}, "m": {"urn:k": {}}},
    "JSON literal": {"@context": {"j": {"@id": "urn:j", "@type": "@json"}}, "j": {"b": [1, 2]}},
    "@list object": {"@context": {"p": "urn:p"}, "p": {"@list": [1, 2]}},
    "list of lists": {"@context": {"l": {"@id": "urn:l", "@container": "@list"}}, "l": [[1], 2]},
    "string as double": {"@context": {"d": {"@id": "urn:d", "@type": XSD_DOUBLE}}, "d": "1.50"},
    "huge integer": {"@context": {"p": "urn:p"}, "p": 10**21},
    "not a number": {"@context": {"p": "urn:p"}, "p": float("nan")},
    "blank node type": {"@context": {"p": "urn:p"}, "@type": "_:t", "p": 1},
    "colliding keywords": {"@context": {"i": "@id"}, "@id": "urn:a", "i": "urn:b"},
    "several refusals": credential(id="relative", type=["VerifiableCredential", "Diploma"]),
    "a tuple": {"@context": {"p": "urn:p"}, "p": ("a", "b")},
    "an enum": {"@context": {"p": "urn:p"}, "@type": [Colour.BLUE], "p": 1},
    "a key that is not a string": {"@context": {"p": "urn:p"}, "p": {1: "x"}},
    "invalid value object": {
        "@context": {"p": "urn:p"},
        "p": {"@value": "x", "@type": "urn:t", "@language": "en"},
    },
}


@pytest.mark.parametrize("name", HANDED_OVER)
def test_what_the_fast_path_leaves_to_pyld(name: str) -> None:
    document = HANDED_OVER[name]
    with pytest.raises(Unsupported):
        canonicalize_fast(document)
    assert_agrees(document)


def test_deep_documents_are_left_to_pyld() -> None:
    deep: dict[str, Any] = {"urn:p": "leaf"}
    for _ in range(2000):
        deep = {"urn:p": deep}
    with pytest.raises(RecursionError):
        canonicalize({"@context": {}, **deep})


def test_the_document_is_not_changed() -> None:
    document = credential(proof={"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"})
    before = json.dumps(document)
    canonicalize(document)
    assert json.dumps(document) == before
