"""A credential as the record views read it: parsed from JSON or a JWT, and its state."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from credstack.errors import MalformedCredential
from credstack.formats.record import RecordItem, moment
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.proofs.multibase import base64url_encode
from tests.unit.formats.records_data import NOW, achievement, signed


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return generate_key("ed25519")


def test_a_json_credential_is_read_as_issued(key: PrivateKey) -> None:
    text = signed(key, achievement("Stats"), 1)
    item = RecordItem.parse(text)
    assert not item.jwt
    assert item.id == "urn:uuid:00000000-0000-4000-8000-000000000001"
    assert item.issuer_id is not None
    assert item.issuer_id.startswith("did:key:")
    assert item.achievement_id == "https://uni.example/achievements/stats"
    assert item.embedded() == json.loads(text)
    assert item.state(NOW) == "valid"


def test_a_jwt_is_read_from_its_payload_and_embedded_as_an_envelope(key: PrivateKey) -> None:
    token = signed(key, achievement("Stats"), 2, suite="jwt")
    item = RecordItem.parse(token + "\n", source="held")
    assert item.jwt
    assert item.source == "held"
    assert item.achievement["name"] == "Stats"
    assert item.embedded() == {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": "data:application/vc+jwt," + token,
        "type": "EnvelopedVerifiableCredential",
    }


def test_a_vc11_jwt_carries_the_credential_in_its_vc_claim() -> None:
    payload = base64url_encode(json.dumps({"iss": "x", "vc": {"id": "urn:vc"}}).encode())
    assert RecordItem.parse(f"e30.{payload}.c2ln").id == "urn:vc"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not.a", "malformed_json"),
        ("e30.!!!.c2ln", "malformed_json"),
        ("[1, 2]", "not_a_credential"),
        (f"e30.{base64url_encode(b'[1]')}.c2ln", "not_a_credential"),
        ("{", "malformed_json"),
    ],
)
def test_what_is_not_a_credential_is_refused(text: str, code: str) -> None:
    with pytest.raises(MalformedCredential) as caught:
        RecordItem.parse(text)
    assert caught.value.code == code


def test_the_state_says_why_a_credential_does_not_count(key: PrivateKey) -> None:
    text = signed(key, achievement("Stats"), 3, valid_until=NOW + timedelta(days=1))
    assert RecordItem.parse(text).state(NOW) == "valid"
    assert RecordItem.parse(text).state(NOW + timedelta(days=2)) == "expired"
    assert RecordItem.parse(text, status="revoked").state(NOW) == "revoked"
    assert RecordItem.parse(text, status="suspended").valid(NOW) is False
    early = RecordItem.parse(text).valid_from
    assert early is not None
    assert RecordItem.parse(text).state(early - timedelta(seconds=1)) == "not_yet_valid"


def test_odd_shapes_read_as_nothing_rather_than_fail() -> None:
    item = RecordItem.parse(
        json.dumps({"issuer": "did:example:u", "credentialSubject": [], "id": 5})
    )
    assert item.issuer == {"id": "did:example:u"}
    assert item.id is None
    assert item.subject == {}
    assert item.achievement_id is None
    bare = RecordItem.parse(json.dumps({"credentialSubject": [{"achievement": "x"}]}))
    assert bare.issuer == {}
    assert bare.issuer_id is None
    assert bare.achievement == {}
    assert bare.valid_from is None
    assert bare.state(NOW) == "valid"


def test_moments_without_a_zone_are_utc() -> None:
    assert moment("2026-01-01T00:00:00") == moment("2026-01-01T00:00:00Z")
    assert moment("yesterday") is None
    assert moment(17) is None
