"""The status check of the verifier, with status lists served by an in-memory fetcher."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pytest

from credstack.errors import VerificationFailed
from credstack.proofs.data_integrity import add_proof
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.jose import sign_jwt
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.proofs.resolver import KeyResolver, StaticFetcher
from credstack.status.bitstring import MIN_LENGTH, Bitstring
from credstack.status.credential import status_list_credential, status_list_entry
from credstack.verify import check, verify
from credstack.verify.report import VerificationReport
from credstack.verify.status import StatusLists, check_status

NOW = datetime(2026, 1, 1, tzinfo=UTC)
START = datetime(2025, 1, 1, tzinfo=UTC)
LIST = "https://issuer.example/status/1"
OTHER_LIST = "https://issuer.example/status/2"
REVOCATIONS = "https://issuer.example/revocations"
KEY = generate_key("ed25519")
STRANGER = generate_key("ed25519")


def method(key: PrivateKey) -> str:
    return verification_method_id(key.public_key)


def did(key: PrivateKey) -> str:
    return method(key).split("#", 1)[0]


ISSUER = did(KEY)


def signed_list(
    ones: Iterable[int] = (),
    *,
    url: str = LIST,
    purpose: str | list[str] = "revocation",
    key: PrivateKey = KEY,
    issuer: str | None = None,
    **changes: Any,
) -> dict[str, Any]:
    document = status_list_credential(
        url,
        issuer=issuer or did(key),
        purpose="revocation",
        bitstring=Bitstring.generate(MIN_LENGTH, ones),
        valid_from=START,
    )
    document["credentialSubject"]["statusPurpose"] = purpose
    document.update(changes)
    return add_proof(
        document, key, cryptosuite="eddsa-rdfc-2022", verification_method=method(key), created=START
    )


def credential(*entries: Any, issuer: str = ISSUER, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:7d1c5a7e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2025-06-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    if entries:
        document["credentialStatus"] = entries[0] if len(entries) == 1 else list(entries)
    document.update(changes)
    return document


def run(
    document: dict[str, Any],
    documents: dict[str, Any] | None = None,
    *,
    signers: Iterable[str] = (method(KEY),),
    offline: bool = False,
) -> tuple[list[tuple[str, str]], StaticFetcher]:
    fetcher = StaticFetcher(documents or {})
    report = VerificationReport()
    lists = None if offline else StatusLists(fetcher, KeyResolver(), NOW)
    check_status(document, report, lists, signers=list(signers))
    return [(c.outcome, c.code) for c in report.check("status")], fetcher


def messages(document: dict[str, Any], documents: dict[str, Any]) -> str:
    report = VerificationReport()
    check_status(document, report, StatusLists(StaticFetcher(documents), KeyResolver(), NOW))
    return " ".join(c.message for c in report.check("status"))


def test_no_credential_status_cannot_be_revoked() -> None:
    assert run(credential())[0] == [("skipped", "no_status")]


def test_offline_the_status_is_not_checked() -> None:
    document = credential(
        status_list_entry(LIST, 5), {"type": "1EdTechRevocationList", "id": REVOCATIONS}
    )
    outcomes, fetcher = run(document, offline=True)
    assert outcomes == [("skipped", "status_not_checked")] * 2
    assert fetcher.requests == []
    report = VerificationReport()
    check_status(credential(status_list_entry(LIST, 5)), report)
    assert "not checked: fetching status lists is off" in report.checks[0].message


def test_a_set_bit_revokes() -> None:
    outcomes, _ = run(credential(status_list_entry(LIST, 5)), {LIST: signed_list([5])})
    assert outcomes == [("failed", "revoked")]
    text = messages(credential(status_list_entry(LIST, 5)), {LIST: signed_list([5])})
    assert text.startswith("The issuer revoked this credential")


def test_a_clear_bit_passes() -> None:
    outcomes, _ = run(credential(status_list_entry(LIST, 6)), {LIST: signed_list([5])})
    assert outcomes == [("passed", "ok")]


def test_suspension() -> None:
    listed = {LIST: signed_list([5], purpose="suspension")}
    suspended = credential(status_list_entry(LIST, 5, purpose="suspension"))
    assert run(suspended, listed)[0] == [("failed", "suspended")]
    fine = credential(status_list_entry(LIST, 4, purpose="suspension"))
    assert run(fine, listed)[0] == [("passed", "ok")]


def test_each_entry_is_reported_and_each_list_fetched_once() -> None:
    document = credential(
        status_list_entry(LIST, 5),
        status_list_entry(LIST, 6, purpose="suspension"),
        status_list_entry(OTHER_LIST, 7),
    )
    both = signed_list([6], purpose=["revocation", "suspension"])
    outcomes, fetcher = run(document, {LIST: both, OTHER_LIST: signed_list(url=OTHER_LIST)})
    assert outcomes == [("passed", "ok"), ("failed", "suspended"), ("passed", "ok")]
    assert fetcher.requests == [LIST, OTHER_LIST]


def test_an_unreachable_list_fails_closed() -> None:
    outcomes, _ = run(credential(status_list_entry(LIST, 5)), {})
    assert outcomes == [("failed", "status_list_unreachable")]
    assert "could not be fetched (fetch_failed" in messages(
        credential(status_list_entry(LIST, 5)), {}
    )


def test_a_tampered_list_fails_its_proof() -> None:
    listed = signed_list([5])
    listed["credentialSubject"]["encodedList"] = Bitstring().encode()  # un-revoke index 5
    outcomes, _ = run(credential(status_list_entry(LIST, 5)), {LIST: listed})
    assert outcomes == [("failed", "status_list_unverified")]
    assert "invalid_signature" in messages(credential(status_list_entry(LIST, 5)), {LIST: listed})


def test_an_unsigned_list_is_not_trusted() -> None:
    listed = signed_list([5])
    del listed["proof"]
    outcomes, _ = run(credential(status_list_entry(LIST, 6)), {LIST: listed})
    assert outcomes == [("failed", "status_list_unverified")]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"type": ["VerifiableCredential"]}, "status_list_invalid"),
        ({"validUntil": "2025-12-31T00:00:00Z"}, "status_list_expired"),
        ({"validFrom": "2026-06-01T00:00:00Z"}, "status_list_not_yet_valid"),
        ({"validUntil": "2026-13-01T00:00:00Z"}, "status_list_invalid"),
        ({"issuer": "did:example:someone-else"}, "status_list_issuer_mismatch"),
    ],
)
def test_unusable_lists_fail_with_their_code(changes: dict[str, Any], code: str) -> None:
    outcomes, _ = run(credential(status_list_entry(LIST, 6)), {LIST: signed_list(**changes)})
    assert outcomes == [("failed", code)]


def test_a_list_must_name_its_issuer() -> None:
    document = status_list_credential(
        LIST, issuer=ISSUER, purpose="revocation", bitstring=Bitstring(), valid_from=START
    )
    del document["issuer"]
    listed = add_proof(
        document, KEY, cryptosuite="eddsa-rdfc-2022", verification_method=method(KEY)
    )
    outcomes, _ = run(credential(status_list_entry(LIST, 6)), {LIST: listed})
    assert outcomes == [("failed", "status_list_invalid")]
    assert "names no issuer" in messages(credential(status_list_entry(LIST, 6)), {LIST: listed})


def test_a_list_by_another_party_is_read_with_a_warning() -> None:
    # Section 2.2: the list's issuer MAY differ; the verifier must then trust that party.
    listed = signed_list([5], key=STRANGER)
    outcomes, _ = run(credential(status_list_entry(LIST, 5)), {LIST: listed})
    assert outcomes == [("failed", "revoked"), ("warning", "status_issuer_differs")]
    outcomes, _ = run(credential(status_list_entry(LIST, 6)), {LIST: listed})
    assert outcomes == [("passed", "ok"), ("warning", "status_issuer_differs")]


def test_a_urn_issuer_list_signed_by_the_credential_signer_is_trusted() -> None:
    urn = "urn:uuid:0b5c1f9e-0000-4000-8000-000000000000"
    listed = signed_list([5], issuer=urn)
    outcomes, _ = run(credential(status_list_entry(LIST, 5), issuer=urn), {LIST: listed})
    assert outcomes == [("failed", "revoked")]
    stranger = signed_list([5], issuer=urn, key=STRANGER)
    outcomes, _ = run(credential(status_list_entry(LIST, 5), issuer=urn), {LIST: stranger})
    assert outcomes == [("failed", "revoked"), ("warning", "status_issuer_differs")]


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({**status_list_entry(LIST, 5), "statusPurpose": "suspension"}, "status_purpose_mismatch"),
        (status_list_entry(LIST, MIN_LENGTH), "status_index_out_of_range"),
        ({**status_list_entry(LIST, 5), "statusListIndex": "five"}, "status_entry_invalid"),
        ({"type": "BitstringStatusListEntry"}, "status_entry_invalid"),
        ({"id": LIST + "#5"}, "status_entry_invalid"),
        ("https://issuer.example/status/1#5", "status_entry_invalid"),
    ],
)
def test_entries_that_cannot_be_read_fail(entry: Any, code: str) -> None:
    outcomes, _ = run(credential(entry), {LIST: signed_list([5])})
    assert outcomes == [("failed", code)]


def test_a_numeric_index_is_read_with_a_warning() -> None:
    entry = {**status_list_entry(LIST, 5), "statusListIndex": 5}
    outcomes, _ = run(credential(entry), {LIST: signed_list([5])})
    assert outcomes == [("failed", "revoked"), ("warning", "status_index_not_string")]


def test_other_status_types_are_flagged_not_trusted() -> None:
    entry = {
        "id": "https://example.org/status/2021#9",
        "type": "StatusList2021Entry",
        "statusPurpose": "revocation",
        "statusListIndex": "9",
        "statusListCredential": "https://example.org/status/2021",
    }
    outcomes, fetcher = run(credential(entry))
    assert outcomes == [("warning", "unsupported_status_type")]
    assert fetcher.requests == []


@pytest.mark.parametrize(
    ("purpose", "entry_extra", "ones", "expected"),
    [
        ("refresh", {}, [5], ("warning", "refresh_available")),
        ("refresh", {}, [], ("passed", "ok")),
        ("exampleAudit", {}, [5], ("warning", "unknown_status_purpose")),
    ],
)
def test_other_purposes_do_not_invalidate(
    purpose: str, entry_extra: dict[str, Any], ones: list[int], expected: tuple[str, str]
) -> None:
    entry = {**status_list_entry(LIST, 5), "statusPurpose": purpose, **entry_extra}
    outcomes, _ = run(credential(entry), {LIST: signed_list(ones, purpose=purpose)})
    assert outcomes == [expected]


def test_a_multi_bit_message_is_reported() -> None:
    # 2-bit statuses need twice the bits to hold the minimum of 131,072 entries.
    document = status_list_credential(
        LIST,
        issuer=ISSUER,
        purpose="revocation",
        bitstring=Bitstring(2 * MIN_LENGTH),
        valid_from=START,
    )
    bits = Bitstring(2 * MIN_LENGTH)
    bits.set_status(5, 2, size=2)
    document["credentialSubject"]["encodedList"] = bits.encode()
    document["credentialSubject"]["statusPurpose"] = "message"
    listed = add_proof(
        document, KEY, cryptosuite="eddsa-rdfc-2022", verification_method=method(KEY)
    )
    entry = {
        **status_list_entry(LIST, 5),
        "statusPurpose": "message",
        "statusSize": 2,
        "statusMessage": [
            {"status": hex(i), "message": m}
            for i, m in enumerate(["pending", "accepted", "rejected", "undefined"])
        ],
    }
    outcomes, _ = run(credential(entry), {LIST: listed})
    assert outcomes == [("warning", "status_message")]
    assert "0x2 ('rejected')" in messages(credential(entry), {LIST: listed})


REVOCATION_ENTRY = {"id": REVOCATIONS, "type": "1EdTechRevocationList"}


def revocations(*ids: str) -> dict[str, Any]:
    return {"id": REVOCATIONS, "revokedCredential": [{"id": i} for i in ids]}


def test_1edtech_a_listed_credential_is_revoked() -> None:
    document = credential(REVOCATION_ENTRY)
    outcomes, _ = run(document, {REVOCATIONS: revocations(document["id"])})
    assert outcomes == [("failed", "revoked")]


def test_1edtech_an_unlisted_credential_passes() -> None:
    outcomes, _ = run(credential(REVOCATION_ENTRY), {REVOCATIONS: revocations("urn:x")})
    assert outcomes == [("passed", "ok")]


@pytest.mark.parametrize(
    ("document", "served", "code"),
    [
        (
            credential(REVOCATION_ENTRY),
            {},
            "status_list_unreachable",
        ),
        (credential({"type": "1EdTechRevocationList"}), {}, "status_entry_invalid"),
        (
            credential({"id": "urn:x", "type": "1EdTechRevocationList"}),
            {},
            "status_entry_invalid",
        ),
        (
            credential(REVOCATION_ENTRY, id=None),
            {REVOCATIONS: {}},
            "status_entry_invalid",
        ),
        (
            credential(REVOCATION_ENTRY),
            {REVOCATIONS: {"revokedCredential": "all"}},
            "status_list_invalid",
        ),
    ],
)
def test_1edtech_problems_fail_closed(
    document: dict[str, Any], served: dict[str, Any], code: str
) -> None:
    assert run(document, served)[0] == [("failed", code)]


def test_an_unsigned_list_never_stands_in_for_a_bitstring_list() -> None:
    # One URL named both ways: the unsigned document fetched for the 1EdTech entry must not
    # be taken as an already verified Bitstring Status List.
    unsigned = status_list_credential(
        LIST, issuer=ISSUER, purpose="revocation", bitstring=Bitstring(), valid_from=START
    )
    document = credential({"id": LIST, "type": "1EdTechRevocationList"}, status_list_entry(LIST, 5))
    outcomes, fetcher = run(document, {LIST: unsigned})
    assert outcomes == [("passed", "ok"), ("failed", "status_list_unverified")]
    assert fetcher.requests == [LIST, LIST]


def sign(document: dict[str, Any]) -> dict[str, Any]:
    return add_proof(document, KEY, cryptosuite="eddsa-rdfc-2022", verification_method=method(KEY))


def test_the_pipeline_rejects_a_revoked_credential() -> None:
    revoked = sign(credential(status_list_entry(LIST, 5)))
    fetcher = StaticFetcher({LIST: signed_list([5])})
    report = check(revoked, now=NOW, status_fetcher=fetcher, require_open_badge=False)
    assert not report.valid
    assert [c.code for c in report.failures] == ["revoked"]
    with pytest.raises(VerificationFailed, match="revoked this credential") as caught:
        verify(revoked, now=NOW, status_fetcher=fetcher, require_open_badge=False)
    assert caught.value.code == "revoked"


def test_the_pipeline_accepts_a_good_credential_and_says_so() -> None:
    good = sign(credential(status_list_entry(LIST, 6)))
    fetcher = StaticFetcher({LIST: signed_list([5])})
    report = verify(good, now=NOW, status_fetcher=fetcher, require_open_badge=False)
    assert [(c.outcome, c.code) for c in report.check("status")] == [("passed", "ok")]
    offline = check(good, now=NOW, require_open_badge=False)
    assert offline.valid
    assert [c.code for c in offline.check("status")] == ["status_not_checked"]


def test_jwt_credentials_are_checked_too() -> None:
    token = sign_jwt(credential(status_list_entry(LIST, 5)), KEY, kid=method(KEY))
    report = check(
        token,
        now=NOW,
        status_fetcher=StaticFetcher({LIST: signed_list([5])}),
        require_open_badge=False,
    )
    assert report.format == "jwt"
    assert "revoked" in {c.code for c in report.failures}


def test_a_presentation_fetches_a_shared_list_once() -> None:
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [
            sign(credential(status_list_entry(LIST, 5))),
            sign(credential(status_list_entry(LIST, 6), id="urn:uuid:other")),
        ],
    }
    fetcher = StaticFetcher({LIST: signed_list([5])})
    report = check(presentation, now=NOW, status_fetcher=fetcher, require_open_badge=False)
    assert [child.valid for child in report.children] == [False, True]
    assert fetcher.requests == [LIST]


def test_a_forged_credential_fetches_nothing() -> None:
    entry = status_list_entry(LIST, 7, purpose="revocation")
    signed = add_proof(
        credential(entry), KEY, cryptosuite="eddsa-rdfc-2022", verification_method=method(KEY)
    )
    fetcher = StaticFetcher({LIST: signed_list([7])})
    assert ("failed", "revoked") in {
        (c.outcome, c.code)
        for c in check(signed, now=NOW, status_fetcher=fetcher, require_open_badge=False).check(
            "status"
        )
    }
    forged = {**signed, "validFrom": "2025-06-02T00:00:00Z"}
    fetcher = StaticFetcher({LIST: signed_list([7])})
    report = check(forged, now=NOW, status_fetcher=fetcher, require_open_badge=False)
    assert [(c.outcome, c.code) for c in report.check("status")] == [
        ("skipped", "status_not_checked")
    ]
    assert fetcher.requests == []
