"""AchievementCredential and EndorsementCredential: the rules OB 3.0 sets, and the error codes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from credstack.errors import MalformedCredential
from credstack.model import (
    AchievementCredential,
    AchievementSubject,
    EndorsementCredential,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    VerifiableCredential,
)
from credstack.model.common import OBModel
from tests.unit.model.examples import DELETE, VC_V1, changed, credential, endorsement, profile


def rejection(model: type[OBModel], data: Any) -> MalformedCredential:
    with pytest.raises(MalformedCredential) as caught:
        model.from_json(data)
    return caught.value


def test_a_minimal_credential() -> None:
    parsed = AchievementCredential.from_json(credential())
    assert parsed.issuer_id == "https://example.edu/issuers/565049"
    assert parsed.valid_from == datetime(2026, 1, 1, tzinfo=UTC)
    assert parsed.credential_subject.achievement.name == "Teamwork"
    assert parsed.to_dict() == credential()


def test_open_badge_credential_is_the_same_class() -> None:
    assert OpenBadgeCredential is AchievementCredential
    doc = credential(type=["VerifiableCredential", "AchievementCredential"])
    assert AchievementCredential.from_json(doc).type == [
        "VerifiableCredential",
        "AchievementCredential",
    ]


@pytest.mark.parametrize(
    "types",
    [["OpenBadgeCredential"], ["VerifiableCredential"], ["VerifiableCredential", "Other"]],
)
def test_the_type_must_name_both_classes(types: list[str]) -> None:
    error = rejection(AchievementCredential, credential(type=types))
    assert error.code == "invalid_credential"
    assert error.message.startswith("Not a valid AchievementCredential: type must include")


def test_the_issuer_may_be_a_uri() -> None:
    parsed = AchievementCredential.from_json(credential(issuer="did:example:issuer"))
    assert parsed.issuer == "did:example:issuer"
    assert parsed.issuer_id == "did:example:issuer"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("issuer", DELETE, "issuer is required"),
        ("issuer.type", DELETE, "issuer.type is required"),
        ("issuer.type", ["InvalidProfile"], "issuer.type must include 'Profile'"),
        ("issuer", 42, "issuer"),
        ("id", DELETE, "id is required"),
        ("@context", DELETE, "@context is required"),
        ("credentialSubject", DELETE, "credentialSubject is required"),
        ("credentialSubject.achievement", DELETE, "credentialSubject.achievement is required"),
        ("credentialSubject.type", "Learner", "credentialSubject.type must include"),
        ("credentialSubject.achievement.criteria", DELETE, "achievement.criteria is required"),
        ("credentialSubject.creditsEarned", "3", "credentialSubject.creditsEarned"),
        ("validFrom", "2026-01-01", "validFrom '2026-01-01' is not a date-time with a time zone"),
        ("validUntil", "2026-01-01T00:00:00", "validUntil"),
        ("evidence", [{"type": "Proof"}], "evidence[0].type must include 'Evidence'"),
        ("name", ["A", "B"], "name must be a string"),
    ],
)
def test_rejections_name_the_path(path: str, value: Any, message: str) -> None:
    error = rejection(AchievementCredential, changed(credential(), path, value))
    assert error.code == "invalid_credential"
    assert message in error.message


def test_the_recipient_is_an_id_or_an_identifier() -> None:
    no_id = changed(credential(), "credentialSubject.id", DELETE)
    error = rejection(AchievementCredential, no_id)
    assert "credentialSubject names no recipient" in error.message
    identity = {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": "sha256$" + "0" * 64,
        "identityType": "emailAddress",
        "salt": "s",
    }
    with_identifier = changed(no_id, "credentialSubject.identifier", [identity])
    subject = AchievementCredential.from_json(with_identifier).credential_subject
    assert subject.identifier == [IdentityObject.from_json(identity)]


def test_identity_objects_are_strict_about_booleans() -> None:
    identity = {
        "type": "IdentityObject",
        "hashed": "true",
        "identityHash": "a@b.c",
        "identityType": "emailAddress",
    }
    assert "hashed must be true or false" in rejection(IdentityObject, identity).message


def test_valid_from_is_required_or_a_vc11_issuance_date() -> None:
    error = rejection(AchievementCredential, changed(credential(), "validFrom", DELETE))
    assert "has no validFrom" in error.message
    vc11 = changed(credential(), "validFrom", DELETE)
    vc11.update(
        {
            "@context": [VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
            "issuanceDate": "2022-01-01T00:00:00Z",
            "expirationDate": "2030-01-01T00:00:00Z",
        }
    )
    parsed = AchievementCredential.from_json(vc11)
    assert parsed.starts == datetime(2022, 1, 1, tzinfo=UTC)
    assert parsed.ends == datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("prop", ["credentialSchema", "credentialStatus", "refreshService"])
@pytest.mark.parametrize("as_list", [True, False])
def test_entries_without_a_type_have_their_own_code(prop: str, as_list: bool) -> None:
    entry = {"id": "https://example.org/entry"}
    doc = credential(**{prop: [entry] if as_list else entry})
    error = rejection(AchievementCredential, doc)
    assert error.code == "missing_type"
    where = f"{prop}[0]" if as_list else prop
    assert f"{where} has no type" in error.message
    assert rejection(VerifiableCredential, doc).code == "missing_type"
    assert rejection(EndorsementCredential, endorsement(**{prop: entry})).code == "missing_type"


@pytest.mark.parametrize("empty", [None, "", []])
def test_an_empty_type_is_no_type(empty: Any) -> None:
    doc = credential(credentialStatus={"id": "https://example.org/status", "type": empty})
    assert rejection(AchievementCredential, doc).code == "missing_type"


def test_status_schema_refresh_and_terms_are_read() -> None:
    doc = credential(
        credentialSchema=[
            {"id": "https://example.org/s.json", "type": "1EdTechJsonSchemaValidator2019"}
        ],
        credentialStatus={"type": "BitstringStatusListEntry", "statusListIndex": "23"},
        refreshService={"id": "https://example.org/refresh", "type": "1EdTechCredentialRefresh"},
        termsOfUse={"type": "TrustFrameworkPolicy"},
        evidence={"type": "Evidence", "narrative": "Did it."},
        proof={"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z1"},
    )
    parsed = AchievementCredential.from_json(doc)
    assert parsed.credential_status is not None
    assert parsed.credential_status[0].type == ["BitstringStatusListEntry"]
    assert parsed.credential_status[0].model_extra == {"statusListIndex": "23"}
    assert parsed.proof is not None
    assert parsed.proof[0].cryptosuite == "eddsa-rdfc-2022"
    assert parsed.to_dict() == doc


def test_the_first_problem_is_named_and_the_rest_counted() -> None:
    doc = changed(credential(), "issuer.type", DELETE)
    doc = changed(doc, "credentialSubject.achievement", DELETE)
    doc = changed(doc, "validFrom", "yesterday")
    error = rejection(AchievementCredential, doc)
    assert error.message.startswith("Not a valid AchievementCredential: ")
    assert error.message.endswith("(2 more problems).")
    assert error.__cause__ is not None


def test_endorsement_credential() -> None:
    parsed = EndorsementCredential.from_json(endorsement())
    assert parsed.credential_subject.endorsement_comment == "In good standing."
    assert parsed.issuer_id == "https://accreditor.example/issuers/1"
    assert parsed.to_dict() == endorsement()
    error = rejection(EndorsementCredential, changed(endorsement(), "credentialSubject.id", DELETE))
    assert "credentialSubject.id is required" in error.message
    wrong = endorsement(type=["VerifiableCredential", "OpenBadgeCredential"])
    assert "must include 'EndorsementCredential'" in rejection(EndorsementCredential, wrong).message


def test_an_endorsement_needs_a_name_unless_issued_under_vc11() -> None:
    unnamed = changed(endorsement(), "name", DELETE)
    assert "has no name" in rejection(EndorsementCredential, unnamed).message
    vc11 = changed(unnamed, "validFrom", DELETE)
    vc11["issuanceDate"] = "2012-08-01T00:00:00Z"
    assert EndorsementCredential.from_json(vc11).name is None


def test_endorsements_nest_in_profiles_achievements_and_credentials() -> None:
    nested = endorsement()
    doc = credential(issuer=profile(endorsement=[nested]), endorsement=[nested])
    doc = changed(doc, "credentialSubject.achievement.endorsement", [nested])
    parsed = AchievementCredential.from_json(doc)
    assert isinstance(parsed.issuer, Profile)
    assert parsed.issuer.endorsement is not None
    assert parsed.issuer.endorsement[0].name == "Accreditation"
    assert parsed.to_dict() == doc
    broken = changed(doc, "credentialSubject.achievement.endorsement.0.credentialSubject.type", "X")
    error = rejection(AchievementCredential, broken)
    assert "credentialSubject.achievement.endorsement[0].credentialSubject.type" in error.message


def test_single_values_are_read_and_written_back_single() -> None:
    doc = credential(
        type=["VerifiableCredential", "OpenBadgeCredential"],
        issuer=profile(type="Profile"),
        evidence={"type": "Evidence", "id": "https://example.org/work"},
    )
    doc = changed(doc, "credentialSubject.type", "AchievementSubject")
    parsed = AchievementCredential.from_json(doc)
    assert parsed.credential_subject.type == ["AchievementSubject"]
    assert parsed.evidence is not None
    assert parsed.evidence[0].id == "https://example.org/work"
    assert parsed.to_dict() == doc


def test_a_credential_built_in_python_parses_back() -> None:
    subject = AchievementSubject.from_json(credential()["credentialSubject"])
    built = AchievementCredential(
        context=["https://www.w3.org/ns/credentials/v2"],
        id="urn:uuid:1",
        type=["VerifiableCredential", "OpenBadgeCredential"],
        issuer="did:example:issuer",
        valid_from=datetime(2026, 5, 1, 12, 30, tzinfo=UTC),
        credential_subject=subject,
    )
    out = built.to_dict()
    assert out["validFrom"] == "2026-05-01T12:30:00Z"
    assert out["credentialSubject"]["achievement"]["name"] == "Teamwork"
    assert AchievementCredential.from_json(out).to_dict() == out


def test_a_generic_credential_view() -> None:
    doc = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "VerifiableCredential",
        "issuer": {"id": "did:example:issuer", "name": "Anyone"},
        "credentialSubject": [{"id": "did:example:1"}, {"name": "no id"}],
    }
    parsed = VerifiableCredential.from_json(doc)
    assert parsed.issuer_id == "did:example:issuer"
    assert len(parsed.credential_subject) == 2
    assert parsed.starts is None
    assert parsed.to_dict() == doc
    error = rejection(VerifiableCredential, {**doc, "issuer": {"name": "no id"}})
    assert "issuer.id is required" in error.message
