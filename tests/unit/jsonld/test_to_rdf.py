"""The fast path covers each JSON-LD feature credentials use, byte for byte like pyld.

Every case goes through ``assert_fast_path_agrees``: the fast path must handle it without
handing over to pyld, and give pyld's canonical N-Quads.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.jsonld.agree import assert_fast_path_agrees

V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
S = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

SCHEMA = {
    "@vocab": "urn:vocab:",
    "s": S,
    "xsd": XSD,
    "name": "s:name",
    "knows": {"@id": "s:knows", "@type": "@id"},
    "kind": {"@id": "s:kind", "@type": "@vocab"},
    "Thing": "s:Thing",
    "count": {"@id": "s:count", "@type": "xsd:integer"},
    "score": {"@id": "s:score", "@type": "xsd:double"},
    "amount": {"@id": "s:amount", "@type": "xsd:float"},
    "flag": {"@id": "s:flag", "@type": "xsd:boolean"},
    "plain": {"@id": "s:plain", "@type": "@none"},
    "label": {"@id": "s:label", "@language": "fr"},
    "nolang": {"@id": "s:nolang", "@language": None},
    "title": {"@id": "s:title", "@container": "@language"},
    "steps": {"@id": "s:steps", "@container": "@list"},
    "tags": {"@id": "s:tags", "@container": "@set"},
    "claims": {"@id": "s:claims", "@type": "@id", "@container": "@graph"},
}


def doc(**entries: Any) -> dict[str, Any]:
    return {"@context": SCHEMA, "@id": "urn:x:1", **entries}


CASES: dict[str, dict[str, Any]] = {
    "terms and compact IRIs": doc(name="A", **{"s:description": "B", "urn:other:p": "C"}),
    "vocab": doc(undeclared="via @vocab", type="Undeclared"),
    "id coercion": doc(knows=["urn:x:2", "s:Bob", "_:friend"]),
    "vocab coercion": doc(kind=["Thing", "s:Other", "Unlisted"]),
    "datatypes": doc(count=["3", 3, 3.0], amount=[1.5, 2, "2.50"], flag=[True, "false"]),
    "double coercion": doc(score=[2, 2.5, 1e-7]),
    "numbers": doc(n=[0, -7, 10**20, 1.5, -0.25, 1e20, 3.0, 123456.789, 5e-324]),
    "booleans": doc(yes=True, no=False),
    "type none": doc(plain="no language here"),
    "languages": {"@context": [SCHEMA, {"@language": "EN-gb"}], "name": "x", "label": "y"},
    "no language": {"@context": [SCHEMA, {"@language": "de"}], "nolang": "n", "name": "m"},
    "direction": {"@context": [SCHEMA, {"@direction": "rtl"}], "name": "x"},
    "value objects": doc(
        name=[
            {"@value": "typed", "@type": "xsd:token"},
            {"@value": "tagged", "@language": "NL"},
            {"@value": "right", "@direction": "rtl", "@language": "ar"},
            {"@value": "left", "@direction": "ltr"},
            {"@value": None},
            {"@value": 5, "@type": "s:Num"},
            {"@value": "x", "@language": None},
        ]
    ),
    "language map": doc(
        title={"en": "Hello", "FR": ["Salut", "Bonjour"], "@none": "Hi", "de": None}
    ),
    "escapes": doc(name='quote " backslash \\ tab \t newline \n return \r bell \x07 nul \x00'),
    "unicode": doc(name="Zoë 👩🏽‍🎓 データ \u2028 \ufeff"),
    "empty string": doc(name="", label=""),
    "nested nodes": doc(knows={"@id": "urn:x:2", "name": "two", "knows": {"name": "three"}}),
    "blank node ids": {
        "@context": SCHEMA,
        "@id": "_:a",
        "knows": [{"@id": "_:b", "knows": "_:a"}, "_:b"],
    },
    "self reference": {"@context": SCHEMA, "@id": "_:a", "knows": "_:a", "name": "loop"},
    "merged nodes": doc(
        knows=[{"@id": "urn:x:2", "name": "a"}, {"@id": "urn:x:2", "name": ["a", "b"]}]
    ),
    "duplicate values": doc(name=["a", "a"], count=[1, 1.0, "1"], type=["Thing", "Thing"]),
    "true is not one": doc(n=[1, True], m=[0, False]),
    "type aliases": {"@context": [SCHEMA, {"kind_of": "@type"}], "kind_of": "A", "@type": "B"},
    "flattened arrays": doc(name=[["a", ["b"]], None, [], "c"]),
    "empty values": doc(name=None, tags=[], knows={}, other=[{}]),
    "list container": doc(steps=["one", {"name": "two"}, 3, None]),
    "empty lists": doc(steps=[], other={"steps": []}),
    "single item list": doc(steps="only"),
    "graph container": doc(
        claims=[{"name": "in a graph"}, "urn:x:ref", {"@id": "urn:x:9", "knows": "urn:x:1"}]
    ),
    "graph container value": doc(claims={"@value": "v"}),
    "set container": doc(tags=["b", "a", "b"]),
    "node language": doc(knows={"@language": "en", "name": "n"}, other={"@language": "en"}),
    "top-level id only": {"@context": SCHEMA, "@id": "relative"},
    "top-level empty": {"@context": SCHEMA},
    "embedded context": doc(
        knows={"@context": {"name": "urn:other:name"}, "name": "renamed", "knows": {"name": "n"}}
    ),
    "null context": doc(knows={"@context": [None, {"p": "urn:p"}], "p": "reset"}),
}


@pytest.mark.parametrize("name", CASES)
def test_feature(name: str) -> None:
    assert_fast_path_agrees(CASES[name])


SCOPED = {
    "@version": 1.1,
    "@vocab": "urn:v:",
    "type": "@type",
    "Person": {
        "@id": "urn:t:Person",
        "@context": {"@protected": True, "name": "urn:person:name", "pet": "urn:person:pet"},
    },
    "Shop": {"@id": "urn:t:Shop", "@context": {"@propagate": True, "name": "urn:shop:name"}},
    "Dog": {"@id": "urn:t:Dog", "@context": {"name": "urn:dog:name"}},
    "owner": {"@id": "urn:p:owner", "@context": {"name": "urn:owner:name"}},
    "reset": {"@id": "urn:p:reset", "@context": None},
}

SCOPED_CASES: dict[str, dict[str, Any]] = {
    "type-scoped does not propagate": {
        "@context": SCOPED,
        "type": "Person",
        "name": "p",
        "pet": {"name": "no longer person-scoped"},
    },
    "type-scoped kept for values and references": {
        "@context": SCOPED,
        "type": "Person",
        "pet": [{"@value": "v"}, {"@id": "urn:x:ref"}, {"@id": "urn:x:r", "name": "n"}],
    },
    "propagating type-scoped": {
        "@context": SCOPED,
        "type": "Shop",
        "sells": {"name": "still shop-scoped", "type": "Dog", "friend": {"name": "f"}},
    },
    "nested type-scoped": {
        "@context": SCOPED,
        "type": ["Person", "Shop"],
        "pet": {"type": "Dog", "name": "rex", "owner": {"name": "o"}},
    },
    "property-scoped": {"@context": SCOPED, "owner": {"name": "o", "owner": {"name": "oo"}}},
    "null property-scoped": {
        "@context": SCOPED,
        "reset": {"@context": {"q": "urn:q"}, "q": "after reset"},
    },
}


@pytest.mark.parametrize("name", SCOPED_CASES)
def test_scoped_contexts(name: str) -> None:
    assert_fast_path_agrees(SCOPED_CASES[name])


def test_verifiable_presentation_resets_the_context_for_each_credential() -> None:
    # VC 2.0 defines verifiableCredential with "@context": null inside an @graph container.
    credential = {
        "@context": [V2, OB],
        "id": "urn:uuid:c",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.edu/i", "type": "Profile", "name": "I"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": "AchievementSubject", "achievement": {"id": "urn:a"}},
    }
    presentation = {
        "@context": [V2],
        "type": "VerifiablePresentation",
        "holder": "did:example:holder",
        "verifiableCredential": [credential, credential],
    }
    assert_fast_path_agrees(presentation)


def test_a_proof_is_a_graph_of_its_own() -> None:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": "did:key:z6Mk#z6Mk",
        "proofPurpose": "assertionMethod",
        "proofValue": "z3",
    }
    credential = {
        "@context": [V2],
        "type": "VerifiableCredential",
        "issuer": "did:key:z6Mk",
        "credentialSubject": {"id": "did:example:s"},
        "proof": [proof, {**proof, "id": "urn:proof:2", "previousProof": "urn:proof:1"}],
    }
    assert_fast_path_agrees(credential)


@pytest.mark.parametrize("copies", [2, 3, 4])
def test_blank_nodes_that_look_alike(copies: int) -> None:
    # Identical blank nodes share a first-degree hash: Hash N-Degree Quads tells them apart.
    alignment = {"type": "Alignment", "targetName": "x", "targetUrl": "https://e.org/x"}
    credential = {
        "@context": [V2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {
            "type": "AchievementSubject",
            "achievement": {"type": "Achievement", "alignment": [alignment] * copies},
        },
    }
    assert_fast_path_agrees(credential)


def test_symmetric_blank_node_cycles() -> None:
    ring: dict[str, Any] = {
        "@context": SCHEMA,
        "@id": "_:a",
        "knows": {"@id": "_:b", "knows": "_:c"},
    }
    ring["name"] = "ring"
    more = [{"@id": "_:c", "knows": "_:a"}, {"@id": "_:d", "knows": {"@id": "_:e", "knows": "_:d"}}]
    ring["s:related"] = more
    assert_fast_path_agrees(ring)
    assert_fast_path_agrees({"@context": SCHEMA, "name": "two", "knows": [{}, {}, {"knows": {}}]})


def test_sha384_for_ecdsa_p384() -> None:
    assert_fast_path_agrees(CASES["blank node ids"], hash_algorithm="sha384")
