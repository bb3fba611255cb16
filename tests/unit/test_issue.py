"""Issuing: build, check and sign an Open Badges 3.0 credential."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from credstack.errors import InvalidInput, UndefinedTerm
from credstack.issue import (
    SUITES,
    IssueCall,
    SignedText,
    Suite,
    credential_subject,
    issue,
    issue_many,
    timestamp,
)
from credstack.ledger.entries import credential_digest
from credstack.model.identity import hash_identity
from credstack.proofs.did_key import did_key_for
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.verify import check

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def achievement(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": "https://example.edu/achievements/teamwork",
        "type": ["Achievement"],
        "name": "Teamwork",
        "description": "Works well in a team.",
        "criteria": {"narrative": "Nominated by peers."},
    }
    doc.update(changes)
    return doc


def key_for(suite: Suite) -> PrivateKey:
    return generate_key("p256" if suite == "ecdsa-rdfc-2019" else "ed25519")


@pytest.mark.parametrize("suite", SUITES)
def test_each_suite_issues_a_credential_that_verifies(suite: Suite) -> None:
    key = key_for(suite)
    issued = issue(achievement(), key, recipient="did:example:learner", suite=suite)
    report = check(issued.text)
    assert report.valid, [c.to_dict() for c in report.failures]
    assert report.issuer_id == did_key_for(key.public_key)
    assert issued.media_type == ("application/vc+jwt" if suite == "jwt" else "application/vc")
    # Strictly valid: not even the single-value warnings the schema check allows.
    assert ("passed", "ok") in {(c.outcome, c.code) for c in report.check("schema")}


def test_an_email_recipient_is_stored_only_as_a_salted_hash() -> None:
    issued = issue(achievement(), generate_key("ed25519"), recipient="Learner@Example.com")
    assert "example.com" not in issued.text.lower()
    identity = issued.credential["credentialSubject"]["identifier"][0]
    assert identity["hashed"] is True
    assert identity["identityHash"] == hash_identity("learner@example.com", identity["salt"])


def test_the_credential_carries_what_was_asked() -> None:
    until = NOW + timedelta(days=365)
    issued = issue(
        achievement(),
        generate_key("ed25519"),
        recipient="did:example:learner",
        issuer_name="Example Academy",
        valid_from=NOW,
        valid_until=until,
        credential_id="urn:uuid:11111111-2222-4333-8444-555555555555",
    )
    doc = json.loads(issued.text)
    assert doc["validFrom"] == "2026-01-01T00:00:00Z"
    assert doc["validUntil"] == timestamp(until)
    assert doc["issuer"]["name"] == "Example Academy"
    assert doc["id"] == "urn:uuid:11111111-2222-4333-8444-555555555555"
    assert doc["credentialSubject"]["achievement"] == achievement()
    assert doc["name"] == "Teamwork"
    assert check(issued.text, now=until + timedelta(seconds=1)).failures[0].code == "expired"


def test_a_given_issuer_profile_is_used() -> None:
    key = generate_key("ed25519")
    did = did_key_for(key.public_key)
    profile = {"id": did, "type": ["Profile"], "name": "Uni", "url": "https://uni.example"}
    issued = issue(achievement(), key, recipient="did:example:l", issuer=profile)
    assert issued.credential["issuer"]["url"] == "https://uni.example"
    assert check(issued.text).valid


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"suite": "eddsa-rdfc-2022", "key": "p256"}, "key_suite_mismatch"),
        ({"suite": "ecdsa-rdfc-2019", "key": "ed25519"}, "key_suite_mismatch"),
        ({"suite": "rsa-1999", "key": "ed25519"}, "unsupported_cryptosuite"),
        ({"recipient": "not a recipient"}, "invalid_recipient"),
        ({"valid_until": NOW - timedelta(days=1)}, "invalid_validity_window"),
        ({"valid_from": datetime(2026, 1, 1)}, "naive_datetime"),  # noqa: DTZ001 - the point
    ],
)
def test_bad_requests_are_refused_with_a_code(kwargs: dict[str, Any], code: str) -> None:
    key = generate_key(kwargs.pop("key", "ed25519"))
    args: dict[str, Any] = {"recipient": "did:example:learner", "valid_from": NOW}
    args.update(kwargs)
    with pytest.raises(InvalidInput) as caught:
        issue(achievement(), key, **args)
    assert caught.value.code == code


def test_an_incomplete_achievement_is_refused() -> None:
    incomplete = achievement()
    del incomplete["criteria"]
    del incomplete["name"]
    with pytest.raises(InvalidInput):
        issue(incomplete, generate_key("ed25519"), recipient="did:example:learner")


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "jwt"])
def test_undefined_terms_are_refused_at_issue_time(suite: Suite) -> None:
    with pytest.raises(UndefinedTerm):
        issue(
            achievement(favouriteColour="blue"),
            generate_key("ed25519"),
            recipient="did:example:learner",
            suite=suite,
        )


def test_subjects() -> None:
    assert credential_subject("did:web:example.com")["id"] == "did:web:example.com"
    assert "identifier" in credential_subject("a@b.org", salt="s")
    with pytest.raises(InvalidInput):
        credential_subject("")


def test_an_achievement_the_schema_refuses_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        issue(
            achievement(achievementType="NotAnAchievementType"),
            generate_key("ed25519"),
            recipient="did:example:learner",
        )
    assert caught.value.code == "schema_invalid"
    assert "achievementType" in caught.value.message


def test_issuer_name_is_added_to_a_given_profile() -> None:
    key = generate_key("ed25519")
    profile = {"id": did_key_for(key.public_key), "type": ["Profile"]}
    issued = issue(achievement(), key, recipient="did:example:l", issuer=profile, issuer_name="U")
    assert issued.credential["issuer"] == {**profile, "name": "U"}


@pytest.mark.parametrize("suite", SUITES)
def test_integers_javascript_cannot_hold_are_refused(suite: Suite) -> None:
    with pytest.raises(InvalidInput) as caught:
        issue(
            achievement(creditsAvailable=2**53),
            key_for(suite),
            recipient="did:example:learner",
            suite=suite,
        )
    assert caught.value.code == "unsafe_number"
    assert "creditsAvailable" in caught.value.message


@pytest.mark.parametrize(
    ("suite", "refused"),
    [("eddsa-rdfc-2022", True), ("ecdsa-rdfc-2019", True), ("eddsa-jcs-2022", False)],
)
def test_tiny_fractions_are_refused_only_where_rdf_misreads_them(
    suite: Suite, refused: bool
) -> None:
    def run() -> None:
        issue(
            achievement(creditsAvailable=1e-7),
            key_for(suite),
            recipient="did:example:learner",
            suite=suite,
        )

    if refused:
        with pytest.raises(InvalidInput, match="small"):
            run()
    else:
        run()
    issue(
        achievement(creditsAvailable=2**53 - 1, tag=["x"]),
        key_for(suite),
        recipient="did:example:l",
        suite=suite,
    )


def test_a_proof_id_names_the_data_integrity_proof_and_a_jwt_refuses_one() -> None:
    key = generate_key("ed25519")
    issued = issue(achievement(), key, recipient="did:example:learner", proof_id="urn:uuid:9")
    assert issued.credential["proof"][0]["id"] == "urn:uuid:9"
    assert check(issued.text).valid
    with pytest.raises(InvalidInput) as info:
        issue(achievement(), key, recipient="did:example:x", suite="jwt", proof_id="urn:uuid:9")
    assert info.value.code == "unsupported_option"


@pytest.mark.parametrize("suite", SUITES)
def test_a_batch_names_each_credential_by_the_digest_of_its_text(suite: Suite) -> None:
    # The ledger's entry names the credential by credential_digest of the text handed out; a
    # batch makes it from the signed document (no parse): the two must agree.
    calls = [
        IssueCall(
            achievement(
                alignment=[
                    {"type": ["Alignment"], "targetName": "é", "targetUrl": "https://e.example/1"}
                ]
            ),
            "learner@example.com",
            suite=suite,
            result=(
                {"type": ["Result"], "value": "A"},
                {"type": ["Result"], "resultDescription": "urn:uuid:1", "value": "0.75"},
            ),
            evidence=({"type": ["Evidence"], "id": "https://lms.example/1", "name": "\u2028"},),
        )
    ]
    (signed,) = issue_many(key_for(suite), calls)
    assert isinstance(signed, SignedText)
    assert signed.digest == credential_digest(signed.text)
