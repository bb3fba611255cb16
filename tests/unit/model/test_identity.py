"""Salted identity hashes, checked against values derived outside this code."""

from __future__ import annotations

import hashlib

import pytest

from credstack.model import AchievementCredential, IdentityObject
from credstack.model.identity import (
    hash_identity,
    identity_object_for_email,
    matches_identity,
    normalize_email,
)
from credstack.model.schema import validate
from tests.conftest import read_vector_json
from tests.unit.model.examples import credential

# OB 3.0, appendix "Derived types", IdentityHash: "'sha256$b5809d8a...' represents the result of
# calculating a SHA-256 hash on the string 'a@example.comKosher'".
SPEC_HASH = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"


def identity(**changes: object) -> IdentityObject:
    data: dict[str, object] = {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": SPEC_HASH,
        "identityType": "emailAddress",
        "salt": "Kosher",
    }
    data.update(changes)
    return IdentityObject.from_json(data)


def test_the_specification_example() -> None:
    assert hash_identity("a@example.com", "Kosher") == SPEC_HASH


def test_the_1edtech_validator_fixture_recipient() -> None:
    # The validator's OB 2.0 fixtures hash "nobody@example.org" with the salt "deadsea", by the
    # same algorithm OB 3.0 keeps.
    recipient = read_vector_json("1edtech-validator-ob20/basic-assertion.json")["recipient"]
    assert hash_identity("nobody@example.org", recipient["salt"]) == recipient["identity"]


def test_the_hash_is_sha256_of_value_then_salt_in_utf8() -> None:
    expected = hashlib.sha256("élève@example.frpoivre".encode()).hexdigest()
    assert hash_identity("élève@example.fr", "poivre") == "sha256$" + expected


def test_an_email_identity_is_normalised_then_hashed() -> None:
    made = identity_object_for_email("  A@Example.COM\n", salt="Kosher")
    assert made.identity_hash == SPEC_HASH
    assert (made.type, made.hashed, made.identity_type, made.salt) == (
        ["IdentityObject"],
        True,
        "emailAddress",
        "Kosher",
    )
    assert made.to_dict() == {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": SPEC_HASH,
        "identityType": "emailAddress",
        "salt": "Kosher",
    }
    assert normalize_email(" Bob@EXAMPLE.org ") == "bob@example.org"


def test_a_made_identity_passes_model_and_schema_inside_a_credential() -> None:
    doc = credential()
    del doc["credentialSubject"]["id"]
    doc["credentialSubject"]["identifier"] = [identity_object_for_email("a@example.com").to_dict()]
    assert AchievementCredential.from_json(doc).to_dict() == doc
    assert validate(doc) == []


def test_salts_are_random_and_long() -> None:
    first = identity_object_for_email("a@example.com")
    second = identity_object_for_email("a@example.com")
    assert first.salt is not None
    assert len(first.salt) == 32
    assert first.salt != second.salt
    assert first.identity_hash != second.identity_hash
    assert matches_identity(first, "a@example.com")


@pytest.mark.parametrize("value", ["a@example.com", "A@EXAMPLE.COM", " a@example.com"])
def test_matching_a_hashed_email(value: str) -> None:
    assert matches_identity(identity(), value)


@pytest.mark.parametrize("value", ["b@example.com", "a@example.co", ""])
def test_other_values_do_not_match(value: str) -> None:
    assert not matches_identity(identity(), value)


def test_a_wrong_or_missing_salt_does_not_match() -> None:
    assert not matches_identity(identity(salt="kosher"), "a@example.com")
    unsalted = "sha256$" + hashlib.sha256(b"a@example.com").hexdigest()
    assert matches_identity(identity(identityHash=unsalted, salt=None), "a@example.com")


def test_upper_case_hex_and_algorithm_names_match() -> None:
    assert matches_identity(identity(identityHash=SPEC_HASH.upper()), "a@example.com")


def test_md5_hashes_from_older_issuers_match() -> None:
    md5 = "md5$" + hashlib.md5(b"a@example.comKosher", usedforsecurity=False).hexdigest()
    assert matches_identity(identity(identityHash=md5), "a@example.com")


@pytest.mark.parametrize("bad", ["sha1$abcdef", "b5809d8a92f8", "sha512$00", "$"])
def test_unknown_algorithms_match_nothing(bad: str) -> None:
    assert not matches_identity(identity(identityHash=bad), "a@example.com")


def test_plain_text_identities() -> None:
    plain = identity(hashed=False, identityHash="Ada Lovelace", identityType="name", salt=None)
    assert matches_identity(plain, "Ada Lovelace")
    assert not matches_identity(plain, "ada lovelace")  # only email addresses are normalised
    named = identity(hashed=False, identityHash="Zoë Ø", identityType="name")
    assert matches_identity(named, "Zoë Ø")


def test_a_plain_email_identity_matches_case_insensitively() -> None:
    plain = identity(hashed=False, identityHash="a@example.com", salt=None)
    assert matches_identity(plain, "A@Example.com")
