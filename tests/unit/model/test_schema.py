"""The OB 3.0 JSON Schemas: strict first, and single values where arrays are wanted as warnings."""

from __future__ import annotations

import copy
import dataclasses
from types import MappingProxyType
from typing import Any

import pytest

from credstack.errors import ConfigurationError
from credstack.model import schema
from credstack.model.schema import SchemaIssue, kind_of, kind_of_schema, validate
from tests.unit.model.examples import DELETE, VC_V1, changed, credential, endorsement, profile

PROOF = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z1"}


def errors(issues: list[SchemaIssue]) -> list[tuple[str, str]]:
    return [(i.path, i.message) for i in issues if not i.strict_only]


def warnings(issues: list[SchemaIssue]) -> list[str]:
    return [i.path for i in issues if i.strict_only]


def test_valid_documents_have_no_issues() -> None:
    assert validate(credential(proof=[PROOF])) == []
    assert validate(endorsement()) == []
    assert validate(profile()) == []


@pytest.mark.parametrize(
    ("doc", "kind"),
    [
        (credential(), "achievement_credential"),
        (
            credential(type=["VerifiableCredential", "AchievementCredential"]),
            "achievement_credential",
        ),
        (endorsement(), "endorsement_credential"),
        (profile(type="Profile"), "profile"),
        ({"type": ["VerifiableCredential"]}, None),
        ({}, None),
    ],
)
def test_the_schema_is_chosen_by_type(doc: dict[str, Any], kind: str | None) -> None:
    assert kind_of(doc) == kind


def test_a_document_of_no_ob_class_gets_one_issue() -> None:
    [issue] = validate({"type": ["VerifiableCredential", "AlumniCredential"]})
    assert (issue.path, issue.strict_only) == ("/type", False)
    assert "names no Open Badges 3.0 class" in issue.message


def test_an_explicit_kind_wins() -> None:
    issues = validate(credential(), "profile")
    assert errors(issues) == [
        (
            "/type",
            'must include \'Profile\' (it is ["VerifiableCredential", "OpenBadgeCredential"])',
        )
    ]


def test_a_single_proof_is_only_a_strict_issue() -> None:
    issues = validate(credential(proof=PROOF))
    assert issues == [
        SchemaIssue(
            "/proof",
            "is a single value; the strict schema wants an array (JSON-LD allows one value)",
            strict_only=True,
        )
    ]


def test_nested_single_values_are_found_and_located_in_the_document() -> None:
    doc = credential(
        evidence={"type": "Evidence", "name": "Report"}, issuer=profile(type="Profile")
    )
    doc = changed(doc, "credentialSubject.type", "AchievementSubject")
    issues = validate(doc)
    assert errors(issues) == []
    assert warnings(issues) == [
        "/credentialSubject/type",
        "/evidence",
        "/evidence/type",
        "/issuer/type",
    ]


def test_what_wrapping_does_not_fix_remains_an_error() -> None:
    doc = credential(issuer=profile(type="Organization"), proof=PROOF)
    issues = validate(doc)
    assert errors(issues) == [("/issuer/type", "must include 'Profile' (it is 'Organization')")]
    assert warnings(issues) == ["/issuer/type", "/proof"]
    assert issues[0].strict_only is False  # errors come first


def test_the_document_is_not_changed() -> None:
    doc = credential(proof=PROOF)
    before = copy.deepcopy(doc)
    validate(doc)
    assert doc == before


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("validFrom", DELETE, ("", "'validFrom' is a required property")),
        ("validFrom", "2010-01-01", ("/validFrom", "'2010-01-01' is not a valid date-time")),
        (
            "validFrom",
            "2010-01-01T00:00:00",
            ("/validFrom", "'2010-01-01T00:00:00' is not a valid date-time"),
        ),
        (
            "@context",
            [VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
            ("/@context/0", f"must be 'https://www.w3.org/ns/credentials/v2' (it is '{VC_V1}')"),
        ),
        (
            "@context",
            ["https://www.w3.org/ns/credentials/v2"],
            ("/@context", "must have at least 2 items (it has 1)"),
        ),
        (
            "credentialSubject.achievement",
            DELETE,
            ("/credentialSubject", "'achievement' is a required property"),
        ),
        (
            "credentialSubject.creditsEarned",
            "3",
            ("/credentialSubject/creditsEarned", "must be of JSON type number (it is '3')"),
        ),
        (
            "credentialSubject.achievement.achievementType",
            "Diploma2",
            (
                "/credentialSubject/achievement/achievementType",
                "'Diploma2' matches none of the allowed forms",
            ),
        ),
    ],
)
def test_errors_name_path_and_reason(path: str, value: Any, expected: tuple[str, str]) -> None:
    assert errors(validate(changed(credential(), path, value))) == [expected]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            "credentialSubject.achievement.inLanguage",
            "english",
            "'english' does not match the pattern ^[a-z]{2,4}",
        ),
        (
            "credentialSubject.result",
            [{"type": ["Result"], "status": "Done"}],
            "'Done' is not one of the 7 allowed values",
        ),
        ("validFrom", 2010, "must be of JSON type string (it is 2010)"),
        (
            "image",
            {"id": "https://x/a.png", "type": "Image", "alt": "A"},
            "Additional properties are not allowed ('alt' was unexpected)",
        ),
    ],
)
def test_more_error_sentences(path: str, value: Any, expected: str) -> None:
    [(_, message)] = errors(validate(changed(credential(), path, value)))
    assert message.startswith(expected)


def test_repeated_errors_are_reported_once(monkeypatch: pytest.MonkeyPatch) -> None:
    real = schema._validator("achievement_credential")

    class Twice:
        def iter_errors(self, instance: Any) -> list[Any]:
            return [*real.iter_errors(instance), *real.iter_errors(instance)]

    monkeypatch.setattr(schema, "_validator", lambda kind: Twice())
    issues = validate(changed(credential(), "validFrom", "yesterday"))
    assert errors(issues) == [("/validFrom", "'yesterday' is not a valid date-time")]


def test_wrapping_stops_after_a_bounded_number_of_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "_MAX_ROUNDS", 1)
    issues = validate(credential(evidence={"type": "Evidence", "name": "Report"}))
    assert warnings(issues) == ["/evidence"]
    assert [path for path, _ in errors(issues)] == ["/evidence/type"]


def test_profile_dates_are_checked() -> None:
    assert errors(validate(profile(dateOfBirth="1990-12-31"))) == []
    assert errors(validate(profile(dateOfBirth="31/12/1990"))) == [
        ("/dateOfBirth", "'31/12/1990' is not a valid date")
    ]


def test_long_values_are_shortened_in_messages() -> None:
    [(_, message)] = errors(validate(credential(name=["x" * 500])))
    assert len(message) < 150
    assert message.endswith("...)")


def test_any_mapping_and_tuples_are_accepted() -> None:
    doc = credential(type=("VerifiableCredential", "OpenBadgeCredential"))
    assert validate(MappingProxyType(doc)) == []


def test_issues_are_values() -> None:
    issue = SchemaIssue("/a", "b")
    assert issue == SchemaIssue("/a", "b", strict_only=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        issue.path = "/c"  # type: ignore[misc]


def test_json_pointers_escape_slash_and_tilde() -> None:
    assert schema._pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"
    assert schema._pointer([]) == ""


def test_credential_schema_urls_name_the_bundled_schemas() -> None:
    for kind, url in schema.SCHEMA_URLS.items():
        assert kind_of_schema(url) == kind
        assert kind_of_schema(url.replace("/schema/json/", "/schema/json-ld/")) == kind
    assert kind_of_schema("https://example.org/schema.json") is None


def test_validators_are_built_once() -> None:
    assert schema._validator("profile") is schema._validator("profile")


def test_a_schema_that_does_not_match_its_pin_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    index = {url: {**entry, "sha256": "0" * 64} for url, entry in schema._index().items()}
    monkeypatch.setattr(schema, "_index", lambda: index)
    with pytest.raises(ConfigurationError, match="does not match its pinned SHA-256"):
        schema._schema.__wrapped__("ob_v3p0_profile_schema.json")
