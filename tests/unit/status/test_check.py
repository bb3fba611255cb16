"""The Validate Algorithm (section 3.2) on plain documents, and the 1EdTech revocation list."""

from __future__ import annotations

import base64
import gzip
from typing import Any

import pytest

from credstack.errors import InvalidInput
from credstack.status.bitstring import MIN_LENGTH, Bitstring
from credstack.status.check import StatusEntry, purposes_of, read_status
from credstack.status.revocation_list import revocation_listed
from tests.conftest import read_vector_json

URL = "https://issuer.example/status/3"


def entry(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": URL + "#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": URL,
    }
    value.update(changes)
    return {k: v for k, v in value.items() if v is not None}


def listing(bits: Bitstring | None = None, **subject_changes: Any) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "id": URL + "#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": (bits or Bitstring.generate(MIN_LENGTH, [94_567])).encode(),
    }
    subject.update(subject_changes)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {k: v for k, v in subject.items() if v is not None},
    }


def test_a_set_bit_revokes() -> None:
    result = read_status(entry(), listing())
    assert result.revoked
    assert not result.suspended
    assert not result.valid
    assert (result.status, result.message, result.purpose) == (1, "set", "revocation")


def test_a_clear_bit_is_valid() -> None:
    result = read_status(entry(statusListIndex="94566"), listing())
    assert result.valid
    assert not result.revoked
    assert result.message == "unset"


def test_suspension_lists_suspend() -> None:
    result = read_status(
        entry(statusPurpose="suspension"), listing(statusPurpose=["revocation", "suspension"])
    )
    assert result.suspended
    assert not result.revoked


def test_the_1edtech_test_list_has_index_23_set() -> None:
    testlist = read_vector_json("1edtech-validator-ob30/bit-string-list/testlist")
    assert read_status(entry(statusListIndex="23"), testlist).revoked
    assert read_status(entry(statusListIndex="22"), testlist).valid
    assert purposes_of(testlist) == ["revocation"]


def test_a_numeric_index_is_read_and_flagged() -> None:
    # The 1EdTech fixtures write statusListIndex as a JSON number; section 2.1 wants a string.
    checked = StatusEntry.from_json(entry(statusListIndex=23))
    assert (checked.index, checked.index_is_number) == (23, True)
    assert not StatusEntry.from_json(entry()).index_is_number


def test_multi_bit_statuses_read_their_message() -> None:
    bits = Bitstring()
    bits.set_status(10, 2, size=2)
    messages = [
        {"status": "0x0", "message": "pending_review"},
        {"status": "0x1", "message": "accepted"},
        {"status": "0x2", "message": "rejected"},
        {"status": "0x3", "message": "undefined"},
    ]
    result = read_status(
        entry(statusListIndex="10", statusSize=2, statusMessage=messages),
        listing(bits),
        minimum_entries=MIN_LENGTH // 2,
    )
    assert (result.status, result.message) == (2, "rejected")
    assert not result.valid


def test_a_one_bit_status_may_name_its_messages() -> None:
    messages = [{"status": "0x1", "message": "revoked"}, {"status": "0x0", "message": "fine"}]
    result = read_status(entry(statusMessage=messages), listing())
    assert result.message == "revoked"


@pytest.mark.parametrize(
    "changes",
    [
        {"type": "StatusList2021Entry"},
        {"statusPurpose": None},
        {"statusPurpose": ""},
        {"statusPurpose": ["revocation"]},
        {"statusListCredential": None},
        {"statusListCredential": "status/3"},
        {"statusListIndex": None},
        {"statusListIndex": "-1"},
        {"statusListIndex": "1.0"},
        {"statusListIndex": " 1"},
        {"statusListIndex": "1" * 31},
        {"statusListIndex": -1},
        {"statusListIndex": True},
        {"statusListIndex": 1.0},
        {"statusSize": 0},
        {"statusSize": "1"},
        {"statusSize": True},
        {"statusSize": 17},
        {"statusSize": 2},
        {"statusMessage": {"status": "0x0", "message": "x"}},
        {"statusMessage": [{"status": "0x0", "message": "x"}]},
        {"statusMessage": [{"status": "0", "message": "x"}, {"status": "0x1", "message": "y"}]},
        {"statusMessage": [{"status": "0x0", "message": "x"}, {"status": "0x0", "message": "y"}]},
        {"statusMessage": [{"status": "0x0", "message": "x"}, {"status": "0x2", "message": "y"}]},
        {"statusMessage": [{"status": "0x0", "message": "x"}, {"status": "0x1"}]},
        {"statusMessage": ["0x0", "0x1"]},
    ],
)
def test_malformed_entries_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_status(entry(**changes), listing())
    assert caught.value.code == "status_entry_invalid"


def test_an_entry_must_be_an_object() -> None:
    with pytest.raises(InvalidInput, match="not a JSON object"):
        StatusEntry.from_json(["BitstringStatusListEntry"])


def test_the_purpose_must_match_the_list() -> None:
    # Section 3.2 step 5.
    with pytest.raises(InvalidInput, match="is for 'revocation'") as caught:
        read_status(entry(statusPurpose="suspension"), listing())
    assert caught.value.code == "status_purpose_mismatch"


def test_an_index_past_the_end_is_a_range_error() -> None:
    # Section 3.2 step 10.
    with pytest.raises(InvalidInput, match="outside the status list") as caught:
        read_status(entry(statusListIndex=str(MIN_LENGTH)), listing())
    assert caught.value.code == "status_index_out_of_range"


def test_short_lists_fail_the_minimum_length() -> None:
    # Section 3.2 step 9: a list of fewer than 131,072 entries offers too little privacy.
    short = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(1024))).decode().rstrip("=")
    with pytest.raises(InvalidInput, match="fewer than the 131072") as caught:
        read_status(entry(statusListIndex="1"), listing(encodedList=short))
    assert caught.value.code == "status_list_too_short"
    two_bit = entry(
        statusSize=2, statusMessage=[{"status": hex(i), "message": ""} for i in range(4)]
    )
    with pytest.raises(InvalidInput) as caught:
        read_status(two_bit, listing())
    assert caught.value.code == "status_list_too_short"
    assert read_status(entry(statusListIndex="1"), listing(encodedList=short), minimum_entries=8)


@pytest.mark.parametrize(
    ("document", "why"),
    [
        ({"type": ["VerifiableCredential"]}, "not a BitstringStatusListCredential"),
        ({**listing(), "credentialSubject": [listing()["credentialSubject"]]}, "one Bitstring"),
        (listing(type="StatusList2021"), "one BitstringStatusList"),
        (listing(statusPurpose=None), "one or more strings"),
        (listing(statusPurpose=[]), "one or more strings"),
        (listing(statusPurpose=["revocation", 1]), "one or more strings"),
        (listing(encodedList=None), "no encodedList"),
        (listing(encodedList="uAAAA"), "not GZIP"),
        (
            listing(
                encodedList="H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
            ),
            "'u'",
        ),
    ],
)
def test_malformed_lists_are_refused(document: dict[str, Any], why: str) -> None:
    with pytest.raises(InvalidInput, match=why) as caught:
        read_status(entry(), document)
    assert caught.value.code == "status_list_invalid"


def test_a_bomb_in_the_list_is_refused() -> None:
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(2 * 1024 * 1024))).decode()
    with pytest.raises(InvalidInput) as caught:
        read_status(entry(), listing(encodedList=bomb.rstrip("=")), max_bytes=1024 * 1024)
    assert caught.value.code == "status_list_too_large"


def test_the_1edtech_revocation_list() -> None:
    document = {
        "id": "https://issuer.example/revocations",
        "revokedCredential": [
            {"id": "urn:uuid:a", "revocationReason": "Issued in error."},
            {"id": "urn:uuid:b", "revoked": False},
            {"id": "urn:uuid:c", "revoked": True},
            {"id": "urn:uuid:d", "revoked": "yes"},
            "urn:uuid:e",
        ],
    }
    assert revocation_listed(document, "urn:uuid:a")
    assert not revocation_listed(document, "urn:uuid:b")
    assert revocation_listed(document, "urn:uuid:c")
    assert revocation_listed(document, "urn:uuid:d")  # not an explicit false: fail closed
    assert revocation_listed(document, "urn:uuid:e")
    assert not revocation_listed(document, "urn:uuid:z")
    assert not revocation_listed({}, "urn:uuid:a")
    with pytest.raises(InvalidInput) as caught:
        revocation_listed({"revokedCredential": {"id": "urn:uuid:a"}}, "urn:uuid:a")
    assert caught.value.code == "status_list_invalid"


def test_decoded_lists_are_remembered_within_bounds() -> None:
    from credstack.status import check as status_check
    from credstack.status.bitstring import Bitstring

    status_check._DECODED.clear()
    lists = []
    for index in range(status_check._DECODED_LISTS + 1):
        bits = Bitstring()
        bits.set_status(index, 1)
        lists.append((index, bits.encode()))
    for index, encoded in lists:
        assert status_check._decoded(encoded, 1 << 24).get_status(index) == 1
    assert len(status_check._DECODED) == status_check._DECODED_LISTS
    assert (lists[0][1], 1 << 24) not in status_check._DECODED  # the oldest went first
    again = status_check._decoded(lists[-1][1], 1 << 24)
    assert again is status_check._DECODED[(lists[-1][1], 1 << 24)]
    large = Bitstring((status_check._DECODED_BYTES + 1) * 8).encode()
    status_check._decoded(large, 1 << 24)
    assert (large, 1 << 24) not in status_check._DECODED
