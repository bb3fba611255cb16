"""The status list credential and the status entry: their shape, and that they sign."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from credstack.errors import InvalidInput
from credstack.proofs.data_integrity import add_proof, verify_proofs
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.keys import generate_key
from credstack.proofs.resolver import KeyResolver
from credstack.status.bitstring import MIN_LENGTH, Bitstring
from credstack.status.credential import status_list_credential, status_list_entry

URL = "https://issuer.example/status/7"
START = datetime(2026, 1, 1, tzinfo=UTC)
KEY = generate_key("ed25519")
METHOD = verification_method_id(KEY.public_key)
ISSUER = METHOD.split("#", 1)[0]


def listing(**changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "issuer": ISSUER,
        "purpose": "revocation",
        "bitstring": Bitstring.generate(MIN_LENGTH, [3]),
        "valid_from": START,
    }
    arguments.update(changes)
    return status_list_credential(URL, **arguments)


def signs_and_verifies(document: dict[str, Any], suite: str = "eddsa-rdfc-2022") -> bool:
    signed = add_proof(document, KEY, cryptosuite=suite, verification_method=METHOD)
    return all(result.verified for result in verify_proofs(signed, KeyResolver()))


def test_the_list_credential_has_the_shape_of_section_2_2() -> None:
    document = listing(valid_until=START + timedelta(days=30), ttl=300_000)
    assert document == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2026-01-31T00:00:00Z",
        "credentialSubject": {
            "id": URL + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": Bitstring.generate(MIN_LENGTH, [3]).encode(),
            "ttl": 300_000,
        },
    }


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_the_list_credential_signs_with_the_bundled_contexts(suite: str) -> None:
    # RDFC refuses undefined terms (safe mode), so this proves every term is defined.
    assert signs_and_verifies(listing(valid_until=START + timedelta(days=1), ttl=1000), suite)
    issuer = {"id": ISSUER, "name": "Example Academy", "description": "Status lists."}
    assert signs_and_verifies(listing(issuer=issuer, purpose=["revocation", "suspension"]))


def test_entries_have_the_shape_of_section_2_1_and_sign() -> None:
    entry = status_list_entry(URL, 94_567, purpose="suspension")
    assert entry == {
        "id": URL + "#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "94567",
        "statusListCredential": URL,
    }
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": {"id": "did:example:learner"},
        "credentialStatus": [
            status_list_entry(URL, 5),
            entry,
            status_list_entry(URL, 9, status_size=2, status_messages=["a", "b", "c", "d"]),
        ],
    }
    assert signs_and_verifies(credential)


def test_multi_bit_entries_carry_a_message_per_value() -> None:
    entry = status_list_entry(URL, 1, status_size=2, status_messages=["ok", "x", "y", "z"])
    assert entry["statusSize"] == 2
    assert entry["statusMessage"][3] == {"status": "0x3", "message": "z"}
    one_bit = status_list_entry(URL, 1, status_messages=["valid", "revoked"])
    assert "statusSize" not in one_bit
    assert one_bit["statusMessage"][1] == {"status": "0x1", "message": "revoked"}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"purpose": "message"}, "unsupported_status_purpose"),
        ({"purpose": []}, "missing_status_purpose"),
        ({"purpose": ["revocation", "revocation"]}, "duplicate_status_purpose"),
        ({"valid_until": START}, "invalid_validity_window"),
        ({"valid_from": datetime(2026, 1, 1)}, "naive_datetime"),  # noqa: DTZ001
        ({"ttl": 0}, "invalid_ttl"),
        ({"ttl": True}, "invalid_ttl"),
    ],
)
def test_list_credentials_refuse_what_would_mislead(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        listing(**changes)
    assert caught.value.code == code


def test_published_lists_are_at_least_16_kib() -> None:
    short = Bitstring.decode(
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * 16)).decode().rstrip("=")
    )
    with pytest.raises(InvalidInput, match="at least 131072 bits") as caught:
        listing(bitstring=short)
    assert caught.value.code == "status_list_too_short"


def test_times_are_written_in_utc() -> None:
    east = timezone(timedelta(hours=2))
    assert listing(valid_from=datetime(2026, 1, 1, 2, tzinfo=east))["validFrom"] == (
        "2026-01-01T00:00:00Z"
    )


@pytest.mark.parametrize(
    "url", ["", "status/7", "https://issuer.example/status#7", "https://a b", None]
)
def test_the_list_url_is_absolute_without_a_fragment(url: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        status_list_entry(url, 1)
    assert caught.value.code == "invalid_status_list_url"
    with pytest.raises(InvalidInput):
        status_list_credential(
            url, issuer=ISSUER, purpose="revocation", bitstring=Bitstring(), valid_from=START
        )


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"index": -1}, "status_index_out_of_range"),
        ({"index": True}, "status_index_out_of_range"),
        ({"index": 1, "purpose": "refresh"}, "unsupported_status_purpose"),
        ({"index": 1, "status_size": 0}, "invalid_status_size"),
        ({"index": 1, "status_size": 17}, "invalid_status_size"),
        ({"index": 1, "status_size": True}, "invalid_status_size"),
        ({"index": 1, "status_size": 2}, "invalid_status_messages"),
        ({"index": 1, "status_size": 2, "status_messages": ["a"] * 3}, "invalid_status_messages"),
        ({"index": 1, "status_messages": ["a", 2]}, "invalid_status_messages"),
    ],
)
def test_entries_refuse_bad_values(arguments: dict[str, Any], code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        status_list_entry(URL, **arguments)
    assert caught.value.code == code
