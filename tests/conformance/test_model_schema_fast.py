"""The fast path of ``schema.validate`` (jsonschema-rs) agrees with jsonschema on what is valid.

``validate`` returns ``[]`` at once when jsonschema-rs finds a document valid, and otherwise runs
the jsonschema analysis it always ran. A wrong "valid" would hide errors; a wrong "invalid" only
costs time, but it shows a keyword read differently, and under ``oneOf`` a keyword that refuses
too much makes a document valid. So the two must agree both ways, and this compares them on every
JSON document in the vectors, under each OB 3.0 schema, on tricky values at each place with a
format or a pattern, and on generated mutations of valid documents: wrong types, single values
where arrays are wanted, unknown and missing properties, odd strings and numbers.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from credstack.model import schema
from credstack.model.parse import plain_json
from credstack.model.schema import SCHEMA_URLS, Kind, kind_of, validate
from tests.conftest import VECTORS
from tests.unit.model.examples import achievement, credential, endorsement, profile

KINDS: tuple[Kind, ...] = tuple(SCHEMA_URLS)
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# Values that implementations of JSON Schema (and of RFC 3339 and regular expressions) are known
# to read differently, next to ones that are plainly right or wrong.
TRICKY: tuple[Any, ...] = (
    # date-time (RFC 3339 section 5.6) and date
    "2025-01-01T00:00:00Z",
    "2025-13-01T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2024-02-29T00:00:00Z",
    "2025-01-01",
    "2025-01-01T00:00:00",
    "2025-01-01T00:00:00+01:00",
    "2025-01-01T00:00:00+0100",
    "2025-01-01t00:00:00z",
    "2025-01-01 00:00:00Z",
    "2025-01-01T24:00:00Z",
    "2016-12-31T23:59:60Z",
    "2025-01-01T00:00:00.123456789Z",
    "2025-01-01T00:00:00Z\n",
    "\uff12\uff10\uff12\uff15-01-01T00:00:00Z",
    "1990-05-17",
    "1990-5-17",
    "1990-02-30",
    "1990-05-17\n",
    "1990-05-17T00:00:00Z",
    # patterns: the OB context, language tags, JWS compact serialisation, "ext:" extensions
    OB_CONTEXT,
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\n",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.\u0663.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.30.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3-3.1.0.json",
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "en",
    "en-US",
    "zh-Hant-TW",
    "es-419",
    "es-\u0664\u0661\u0669",
    "en\n",
    "EN",
    "english",
    "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln",
    "a..c",
    "a.b.c\n",
    "a.b",
    "\u00e4.b.c",
    "ext:Custom",
    "Next:thing",
    "ext:",
    "ext:\u00fcml",
    "ext:a\n",
    "MicroCredential",
    "LetterGrade",
    "sourcedId",
    # identifiers, type names and text
    "not a uri",
    "https://\u4f8b\u3048.jp/issuer",
    "did:example:123",
    "urn:uuid:2f5b7e4c-8d7a-4c55-9a55-4a2b8b7d3c10",
    "",
    " ",
    "\u0000",
    "\U0001f393 badge",
    "VerifiableCredential",
    "OpenBadgeCredential",
    "AchievementCredential",
    "EndorsementCredential",
    "Profile",
    "Achievement",
    "AchievementSubject",
    "DataIntegrityProof",
    "Image",
    "IdentityObject",
    "Result",
    # the other JSON types
    0,
    1,
    -1,
    1.0,
    1.5,
    2**64,
    True,
    False,
    None,
    [],
    {},
    [OB_CONTEXT],
    ["VerifiableCredential", "OpenBadgeCredential"],
    {"id": "https://example.edu/x", "type": "Image"},
)


JWS = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"
# A valid credential with a value at every place the schemas give a format or a pattern, the
# embedded issuer and endorsement included (they are checked under their own schemas too).
RICH = credential(
    validUntil="2030-01-01T00:00:00Z",
    awardedDate="2026-01-01T00:00:00Z",
    endorsementJwt=[JWS],
    issuer=profile(
        dateOfBirth="1990-05-17",
        endorsementJwt=[JWS],
        otherIdentifier=[
            {"type": "IdentifierEntry", "identifier": "42", "identifierType": "sourcedId"}
        ],
    ),
    proof=[
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2026-01-01T00:00:00Z",
            "proofPurpose": "assertionMethod",
            "proofValue": "z1",
        }
    ],
    credentialSubject={
        "type": ["AchievementSubject"],
        "activityStartDate": "2025-09-01T00:00:00Z",
        "activityEndDate": "2025-12-01T00:00:00Z",
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": False,
                "identityHash": "learner@example.edu",
                "identityType": "emailAddress",
            }
        ],
        "achievement": achievement(
            achievementType="Badge",
            inLanguage="en",
            endorsementJwt=[JWS],
            endorsement=[endorsement(validUntil="2030-01-01T00:00:00Z")],
            alignment=[
                {
                    "type": ["Alignment"],
                    "targetName": "Teamwork",
                    "targetUrl": "https://example.edu/frameworks/teamwork",
                    "targetType": "CFItem",
                }
            ],
            related=[{"id": "https://example.edu/x", "type": ["Related"], "inLanguage": "en"}],
            resultDescription=[
                {
                    "id": "urn:uuid:5b1e1f2a-0d3e-4a8b-9b3e-2a1c0e8f7d66",
                    "type": ["ResultDescription"],
                    "name": "Grade",
                    "resultType": "LetterGrade",
                }
            ],
        ),
    },
)
ACHIEVEMENT = ("credentialSubject", "achievement")
ENDORSEMENT = (*ACHIEVEMENT, "endorsement", 0)
# (schema, where its document is in RICH, a place with a format or pattern in that document)
RISKY_PLACES: list[tuple[Kind, tuple[str | int, ...], tuple[str | int, ...]]] = [
    *(
        ("achievement_credential", (), place)
        for place in [
            ("@context", 1),
            ("validFrom",),
            ("validUntil",),
            ("awardedDate",),
            ("endorsementJwt", 0),
            ("proof", 0, "created"),
            ("issuer", "dateOfBirth"),
            ("issuer", "endorsementJwt", 0),
            ("issuer", "otherIdentifier", 0, "identifierType"),
            ("credentialSubject", "activityStartDate"),
            ("credentialSubject", "activityEndDate"),
            ("credentialSubject", "identifier", 0, "identityType"),
            (*ACHIEVEMENT, "achievementType"),
            (*ACHIEVEMENT, "inLanguage"),
            (*ACHIEVEMENT, "endorsementJwt", 0),
            (*ACHIEVEMENT, "alignment", 0, "targetType"),
            (*ACHIEVEMENT, "related", 0, "inLanguage"),
            (*ACHIEVEMENT, "resultDescription", 0, "resultType"),
            (*ENDORSEMENT, "@context", 1),
            (*ENDORSEMENT, "validFrom"),
            (*ENDORSEMENT, "validUntil"),
        ]
    ),
    *(
        ("profile", ("issuer",), place)
        for place in [
            ("dateOfBirth",),
            ("endorsementJwt", 0),
            ("otherIdentifier", 0, "identifierType"),
        ]
    ),
    *(
        ("endorsement_credential", ENDORSEMENT, place)
        for place in [("@context", 1), ("validFrom",), ("validUntil",)]
    ),
]


def reference_valid(kind: Kind, instance: Any) -> bool:
    """What ``validate`` answered before the fast path: ``[]`` exactly when jsonschema finds no
    error in the strict schema."""
    return next(schema._validator(kind).iter_errors(instance), None) is None


def agree(kind: Kind, document: Any) -> bool:
    instance = plain_json(document)
    return schema._passes_fast(kind, instance) == reference_valid(kind, instance)


def json_files() -> Iterator[tuple[str, Any]]:
    """Every file in the vectors that holds a JSON object or array, whatever its name says."""
    for path in sorted(VECTORS.rglob("*")):
        if not path.is_file():
            continue
        try:
            value = json.loads(path.read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # PNG, SVG, JWT text, N-Quads
        if isinstance(value, dict | list):
            yield str(path.relative_to(VECTORS)), value


def objects_in(value: Any) -> Iterator[dict[str, Any]]:
    """Each JSON object in ``value``, nested ones too (issuers, endorsements, embedded badges)."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from objects_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from objects_in(item)


def test_the_fast_path_agrees_on_every_json_document_in_the_vectors() -> None:
    disagreements = []
    outcomes = {True: 0, False: 0}
    for name, value in json_files():
        cases: list[tuple[Kind, dict[str, Any]]] = []
        if isinstance(value, dict):
            cases += [(kind, value) for kind in KINDS]  # each document under each schema
        for inner in objects_in(value):
            kind = kind_of(inner)
            if kind is not None and inner is not value:
                cases.append((kind, inner))
        for kind, document in cases:
            instance = plain_json(document)
            expected = reference_valid(kind, instance)
            outcomes[expected] += 1
            if schema._passes_fast(kind, instance) != expected:
                disagreements.append((name, kind, document.get("id")))
    assert disagreements == []
    # The comparison has teeth both ways: the vectors hold many valid and many invalid documents.
    assert outcomes[True] >= 20
    assert outcomes[False] >= 500


def test_the_rich_credential_is_valid_under_each_of_its_schemas() -> None:
    for kind, root, _ in RISKY_PLACES:
        assert reference_valid(kind, plain_json(at(RICH, root))), kind


@pytest.mark.parametrize(("kind", "root", "place"), RISKY_PLACES)
def test_the_fast_path_agrees_on_every_tricky_value_where_formats_and_patterns_apply(
    kind: Kind, root: tuple[str | int, ...], place: tuple[str | int, ...]
) -> None:
    outcomes = set()
    for value in TRICKY:
        document = copy.deepcopy(at(RICH, root))
        at(document, place[:-1])[place[-1]] = copy.deepcopy(value)
        assert agree(kind, document), value
        outcomes.add(reference_valid(kind, plain_json(document)))
    assert outcomes == {True, False}


@cache
def valid_bases() -> tuple[tuple[Kind, dict[str, Any]], ...]:
    """Valid OB 3.0 documents to mutate: the small model examples and the valid vectors."""
    bases: list[tuple[Kind, dict[str, Any]]] = [
        ("achievement_credential", credential()),
        ("endorsement_credential", endorsement()),
        ("profile", profile()),
    ]
    for _, value in json_files():
        for inner in objects_in(value):
            kind = kind_of(inner)
            if kind is not None and reference_valid(kind, plain_json(inner)):
                bases.append((kind, inner))
    return tuple(bases)


@cache
def property_names() -> tuple[str, ...]:
    """Every property any OB 3.0 schema names, so that mutations reach optional fields too."""
    names: set[str] = set()
    for kind in KINDS:
        for node in objects_in(schema._validator(kind).schema):
            properties = node.get("properties")
            if isinstance(properties, dict):
                names.update(properties)
    return tuple(sorted(names))


def locations(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from locations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from locations(item, (*path, index))


def at(document: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def values(document: dict[str, Any]) -> st.SearchStrategy[Any]:
    subtrees = [at(document, path) for path in locations(document)]
    return st.one_of(
        st.sampled_from(TRICKY),
        st.sampled_from(subtrees),  # a node where another belongs: a Profile for an Achievement
        st.text(max_size=12),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.sampled_from(TRICKY), max_size=3),
    )


def mutate(data: st.DataObject, document: dict[str, Any]) -> None:
    """One change at a random place: replace, wrap, unwrap, delete, add, append."""
    path = data.draw(st.sampled_from(list(locations(document))))
    node = at(document, path)
    parent = at(document, path[:-1]) if path else None
    operation = data.draw(st.sampled_from(["replace", "wrap", "unwrap", "delete", "add", "append"]))
    if operation == "add" and isinstance(node, dict):
        name = data.draw(st.one_of(st.sampled_from(property_names()), st.text(max_size=8)))
        node[name] = copy.deepcopy(data.draw(values(document)))
    elif operation == "append" and isinstance(node, list):
        node.append(copy.deepcopy(data.draw(values(document))))
    elif parent is None:
        return  # the document itself is only added to
    elif operation == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif operation == "wrap":
        parent[path[-1]] = [node]
    elif operation == "unwrap" and isinstance(node, list) and node:
        parent[path[-1]] = node[0]
    else:
        parent[path[-1]] = copy.deepcopy(data.draw(values(document)))


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_the_fast_path_agrees_on_mutated_credentials(data: st.DataObject) -> None:
    kind, base = data.draw(st.sampled_from(valid_bases()))
    document = copy.deepcopy(base)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        mutate(data, document)
    assert agree(kind, document)
    event("valid" if reference_valid(kind, plain_json(document)) else "invalid")
    # And so the answer of validate() itself is unchanged: [] exactly when jsonschema finds none.
    instance = plain_json(document)
    assert (validate(document, kind) == []) == reference_valid(kind, instance)
