"""The official OB 3.0 JSON Schemas against the official examples and fixtures.

Expected results: the "strict schema" column of the vectors README, section 3.1, and sections
1, 3.4 and 4. "invalid: proof is an object" fixtures must give strict-only warnings, no errors.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from credstack.model.schema import SCHEMA_URLS, SchemaIssue, kind_of_schema, validate
from tests.conftest import VECTORS, read_vector_json, vector_path

SPEC = "1edtech-ob3/spec-examples/"
OB30 = "1edtech-validator-ob30/"
EU = "eu-microcredential/educredentials/examples/"
VC11 = "https://www.w3.org/2018/credentials/v1"


def errors(issues: list[SchemaIssue]) -> set[tuple[str, str]]:
    return {(i.path, i.message) for i in issues if not i.strict_only}


def warning_paths(issues: list[SchemaIssue]) -> set[str]:
    return {i.path for i in issues if i.strict_only}


def test_the_bundled_schemas_are_the_official_files() -> None:
    for name in ("achievementcredential", "endorsementcredential", "profile"):
        file = f"ob_v3p0_{name}_schema.json"
        ours = resources.files("credstack.model").joinpath("schemas", file).read_bytes()
        assert ours == vector_path("schemas/" + file).read_bytes()


def test_the_url_map_of_the_vectors_names_our_schemas() -> None:
    url_map: dict[str, str] = read_vector_json("schemas/url-map.json")
    for url, file in url_map.items():
        if "/ob/v3p0/schema/" in url and "getopenbadgecredentialsresponse" not in file:
            assert kind_of_schema(url) is not None, url
    assert set(SCHEMA_URLS.values()) <= set(url_map)


SPEC_EXAMPLES = sorted(p.name for p in (VECTORS / SPEC).glob("*.json"))


@pytest.mark.parametrize("name", [n for n in SPEC_EXAMPLES if n != "examples__01__example.json"])
def test_spec_examples_are_valid_against_the_strict_schema(name: str) -> None:
    assert validate(read_vector_json(SPEC + name)) == []


def test_the_partial_spec_example_fails_for_exactly_what_it_lacks() -> None:
    issues = validate(read_vector_json(SPEC + "examples__01__example.json"))
    assert issues == [
        SchemaIssue("/credentialSubject", "'type' is a required property"),
        SchemaIssue("/credentialSubject", "'achievement' is a required property"),
        SchemaIssue("/issuer", "'type' is a required property"),
    ]


VALID = [
    "simple.json",
    "simple-context-alias.json",
    "simple-context-version.json",
    "simple-did-key-method.json",
    "simple-multiple-proofs.json",
    "complete.json",
    "endorsement-valid.json",
    "sd/derivedcredential.json",
    "simple-err-expired.json",
    "simple-err-proof-value.json",
    "simple-err-proof-method-no-scheme.json",
    "simple-err-proof-method-unknown-scheme.json",
    "simple-err-proof-method-unknown-did-method.json",
]


@pytest.mark.parametrize("name", VALID)
def test_fixtures_valid_against_the_strict_schema(name: str) -> None:
    assert validate(read_vector_json(OB30 + name)) == []


PROOF_IS_AN_OBJECT = [
    "simple-did-web-method.json",
    "simple-err-proof-method.json",
    "bit-string-list/credential-status-revoked.json",
    "bit-string-list/credential-status-revoked-blank-nodes.json",
]


@pytest.mark.parametrize("name", PROOF_IS_AN_OBJECT)
def test_a_single_proof_object_only_warns(name: str) -> None:
    issues = validate(read_vector_json(OB30 + name))
    assert errors(issues) == set()
    assert warning_paths(issues) == {"/proof"}


def test_the_ldp_vector_fails_strictly_only_for_its_proof_object() -> None:
    issues = validate(
        read_vector_json("1edtech-ob3/ldp-vector/linked-data-proof-ob__03__Signed-credential.json")
    )
    assert errors(issues) == set()
    assert warning_paths(issues) == {"/proof"}


VC11_SHAPE = [
    "simple_v1.json",
    "simple-eddsa-2022.json",
    "credential-status-revoked.json",
    "endorsement-err-schema-status-refresh.json",
]


@pytest.mark.parametrize("name", VC11_SHAPE)
def test_vc11_credentials_fail_on_their_shape(name: str) -> None:
    found = errors(validate(read_vector_json(OB30 + name)))
    assert found == {
        ("/@context/0", f"must be 'https://www.w3.org/ns/credentials/v2' (it is '{VC11}')"),
        ("", "'validFrom' is a required property"),
    }


def test_the_endorsement_fixture_with_single_types_warns_about_them() -> None:
    issues = validate(read_vector_json(OB30 + "endorsement-err-schema-status-refresh.json"))
    assert warning_paths(issues) == {"/issuer/type", "/credentialSubject/type"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("simple-err-context.json", {"/@context", "/@context/0", "/credentialSubject", ""}),
        ("simple-err-issuer.json", {"", "/credentialSubject"}),
        ("simple-err-issued.json", {"/credentialSubject"}),
        ("simple-noproof.json", {"/@context/0", "/credentialSubject", ""}),
        ("simple-err-credential-subject-type.json", {"/credentialSubject/type"}),
        (
            "simple-err-credential-subject-identifier-type.json",
            {"/credentialSubject/identifier/0/type"},
        ),
        ("simple-err-credential-subject-result-type.json", {"/credentialSubject/result/1/type"}),
        (
            "simple-err-credential-subject-achievement-result-description-type.json",
            {"/credentialSubject/achievement/resultDescription/2/type"},
        ),
        ("simple-err-credential-subject-profile-type.json", {"/credentialSubject/source/type"}),
        ("simple-err-evidence-type.json", {"/evidence/1/type"}),
        ("simple-err-issuer-type.json", {"/issuer/type"}),
        ("simple-err-issuer-parentorg-type.json", {"/issuer/parentOrg/type"}),
        ("simple-err-issuer-otheridentifier-type.json", {"/issuer/otherIdentifier/1/type"}),
    ],
)
def test_invalid_fixtures_fail_where_the_fault_is(name: str, expected: set[str]) -> None:
    found = {path for path, _ in errors(validate(read_vector_json(OB30 + name)))}
    assert found == expected


def test_not_an_open_badge_has_no_schema() -> None:
    [issue] = validate(read_vector_json(OB30 + "simple-err-type.json"))
    assert issue.path == "/type"
    assert not issue.strict_only


def test_the_vc11_complete_example_is_invalid() -> None:
    assert errors(validate(read_vector_json(OB30 + "complete_v1.json")))


@pytest.mark.parametrize("name", sorted(p.name for p in (VECTORS / EU).glob("*.json")))
def test_eu_microcredential_examples_are_valid_open_badges(name: str) -> None:
    assert validate(read_vector_json(EU + name)) == []


def endorsements(node: Any) -> list[dict[str, Any]]:
    """Every embedded EndorsementCredential, at any depth."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if "EndorsementCredential" in current.get("type", []):
                found.append(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


@pytest.mark.parametrize(
    "relative",
    [
        SPEC + "fullOpenBadge__01__Complete-OpenBadgeCredential.json",
        OB30 + "complete.json",
    ],
)
def test_embedded_endorsements_are_valid_endorsement_credentials(relative: str) -> None:
    embedded = endorsements(read_vector_json(relative)["credentialSubject"])
    embedded += endorsements(read_vector_json(relative).get("endorsement", []))
    assert len(embedded) >= 3
    for endorsement in embedded:
        assert validate(endorsement, "endorsement_credential") == []


def test_issuer_profiles_are_valid_profiles() -> None:
    for relative in (
        OB30 + "complete.json",
        SPEC + "skillAssertionCase__01__Skill-Assertion-CASE.json",
    ):
        assert validate(read_vector_json(relative)["issuer"], "profile") == []
