"""SignedCredential: the exact text, the parsed document, and the typed views."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from credstack.errors import MalformedCredential
from credstack.model import AchievementCredential, EndorsementCredential, SignedCredential
from tests.unit.model.examples import DELETE, VC_V1, changed, credential, endorsement

PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "verificationMethod": "did:key:z6Mk#z6Mk",
    "proofPurpose": "assertionMethod",
    "proofValue": "z58",
}


def rejection(raw: str | bytes, **limits: int) -> MalformedCredential:
    with pytest.raises(MalformedCredential) as caught:
        SignedCredential.from_json(raw, **limits)
    return caught.value


def test_the_received_text_is_kept_exactly() -> None:
    text = json.dumps(credential(proof=[PROOF]), indent=3, ensure_ascii=False) + "\n\n"
    signed = SignedCredential.from_json(text)
    assert signed.raw_text == text
    assert signed.document == credential(proof=[PROOF])
    assert SignedCredential.from_json(text.encode()).raw_text == text


def test_an_open_badge_gets_its_typed_view() -> None:
    signed = SignedCredential.from_json(json.dumps(credential(proof=PROOF)))
    assert isinstance(signed.credential, AchievementCredential)
    assert signed.proofs == [PROOF]
    assert signed.id == credential()["id"]
    assert signed.types == ["VerifiableCredential", "OpenBadgeCredential"]
    assert signed.issuer_id == "https://example.edu/issuers/565049"
    assert signed.valid_from == datetime(2026, 1, 1, tzinfo=UTC)
    assert signed.valid_until is None
    assert signed.envelope.issuer_id == signed.issuer_id


def test_an_endorsement_gets_its_typed_view() -> None:
    signed = SignedCredential.from_json(json.dumps(endorsement(validUntil="2030-01-01T00:00:00Z")))
    assert isinstance(signed.credential, EndorsementCredential)
    assert signed.proofs == []
    assert signed.valid_until == datetime(2030, 1, 1, tzinfo=UTC)


def test_another_credential_has_no_open_badges_view() -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": "https://vc.example/issuers/5678",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School"},
        "proof": [PROOF, {**PROOF, "previousProof": "urn:1"}],
    }
    signed = SignedCredential.from_json(json.dumps(doc))
    assert signed.credential is None
    assert signed.issuer_id == "https://vc.example/issuers/5678"
    assert len(signed.proofs) == 2
    assert signed.valid_from is None


def test_vc11_dates_stand_in_for_validity() -> None:
    doc = changed(credential(), "validFrom", DELETE)
    doc.update(
        {
            "@context": [VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
            "issuanceDate": "2010-01-01T00:00:00Z",
            "expirationDate": "2020-01-01T00:00:00+01:00",
        }
    )
    signed = SignedCredential.from_json(json.dumps(doc))
    assert signed.valid_from == datetime(2010, 1, 1, tzinfo=UTC)
    assert signed.valid_until == datetime(2019, 12, 31, 23, tzinfo=UTC)


def test_an_open_badge_that_breaks_the_model_is_refused() -> None:
    doc = changed(credential(), "credentialSubject.achievement", DELETE)
    error = rejection(json.dumps(doc))
    assert error.code == "invalid_credential"
    assert "credentialSubject.achievement is required" in error.message


def test_json_that_is_not_an_object_is_not_a_credential() -> None:
    assert rejection("[]").code == "not_a_credential"


def test_a_document_that_is_not_a_verifiable_credential_is_refused() -> None:
    error = rejection('{"payload": "x", "signatures": []}')
    assert error.code == "invalid_credential"
    assert "@context is required (3 more problems)" in error.message
    error = rejection(json.dumps(credential(type=["OpenBadgeCredential"])))
    assert "type must include 'VerifiableCredential'" in error.message


def test_status_entries_without_a_type_are_refused_with_their_code() -> None:
    doc = credential(credentialStatus={"id": "https://example.org/status#1"})
    assert rejection(json.dumps(doc)).code == "missing_type"


def test_limits_are_passed_to_the_parser() -> None:
    text = json.dumps(credential())
    assert rejection(text, max_bytes=100).code == "too_large"
    assert rejection(text, max_depth=3).code == "too_deep"
    assert rejection(text.replace('"name": "Teamwork"', '"name": "A", "name": "B"')).code == (
        "duplicate_key"
    )


def test_invalid_datetimes_in_a_generic_credential_are_refused() -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-01T00:00:00",
        "credentialSubject": {},
    }
    error = rejection(json.dumps(doc))
    assert "validFrom '2026-01-01T00:00:00' is not a date-time with a time zone" in error.message
