from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from credstack.errors import (
    InvalidInput,
    KeyManagementError,
    MalformedCredential,
    UnsupportedCryptosuite,
)
from credstack.proofs.data_integrity import ProofCheck, add_proof, verify_proofs
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.proofs.resolver import KeyResolver

CREATED = datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
DOCUMENT: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:2b0d5a8e-6a1b-4b0b-9f36-5d7f3b1c0a11",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example"},
    "validFrom": "2026-01-01T00:00:00Z",
    "name": "Teamwork",
    "credentialSubject": {
        "id": "did:example:learner",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "urn:uuid:7c3e2a10-0f6c-4c8e-8a52-1f3b9e6d4c21",
            "type": ["Achievement"],
            "name": "Teamwork",
            "description": "Works well with others.",
            "criteria": {"narrative": "Peer nominated."},
        },
    },
}
ED = generate_key("ed25519")
P256 = generate_key("p256")


def _sign(
    document: dict[str, Any], key: PrivateKey = ED, suite: str = "eddsa-rdfc-2022", **kw: Any
) -> dict[str, Any]:
    kw.setdefault("created", CREATED)
    return add_proof(
        document,
        key,
        cryptosuite=suite,
        verification_method=verification_method_id(key.public_key),
        **kw,
    )


def _codes(document: dict[str, Any], **kw: Any) -> list[str]:
    return [check.code for check in verify_proofs(document, KeyResolver(), **kw)]


@pytest.mark.parametrize(
    ("suite", "key"),
    [
        ("eddsa-rdfc-2022", ED),
        ("eddsa-jcs-2022", ED),
        ("ecdsa-rdfc-2019", P256),
        ("ecdsa-jcs-2019", P256),
    ],
)
def test_add_proof_then_verify(suite: str, key: PrivateKey) -> None:
    original = copy.deepcopy(DOCUMENT)
    signed = _sign(DOCUMENT, key, suite)
    assert original == DOCUMENT  # the input is not changed
    proof = signed["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == suite
    assert proof["created"] == "2026-01-01T12:00:00Z"
    assert proof["proofPurpose"] == "assertionMethod"
    (check,) = verify_proofs(signed, KeyResolver())
    assert check == ProofCheck(
        index=0,
        type="DataIntegrityProof",
        cryptosuite=suite,
        verification_method=verification_method_id(key.public_key),
        verified=True,
        code="ok",
        message=check.message,
        controller=verification_method_id(key.public_key).split("#")[0],
    )


def test_created_defaults_to_now_and_must_carry_a_zone() -> None:
    signed = add_proof(
        DOCUMENT,
        ED,
        cryptosuite="eddsa-rdfc-2022",
        verification_method=verification_method_id(ED.public_key),
    )
    created = datetime.fromisoformat(signed["proof"]["created"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60
    with pytest.raises(InvalidInput) as info:
        _sign(DOCUMENT, created=datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test
    assert info.value.code == "naive_datetime"


def test_proof_sets_and_chains() -> None:
    first = _sign(DOCUMENT, proof_id="urn:uuid:proof-1")
    assert isinstance(first["proof"], dict)
    second = _sign(first, P256, "ecdsa-rdfc-2019", proof_id="urn:uuid:proof-2")
    assert [p["id"] for p in second["proof"]] == ["urn:uuid:proof-1", "urn:uuid:proof-2"]
    chained = _sign(second, previous_proof=["urn:uuid:proof-1", "urn:uuid:proof-2"])
    assert chained["proof"][2]["previousProof"] == ["urn:uuid:proof-1", "urn:uuid:proof-2"]
    assert _codes(chained) == ["ok"] * 3
    # The chained proof signed the two others: changing one breaks it too.
    broken = copy.deepcopy(chained)
    broken["proof"][1]["created"] = "2026-01-01T12:00:01Z"
    assert _codes(broken) == ["ok", "invalid_signature", "invalid_signature"]


def test_add_proof_refusals() -> None:
    signed = _sign(DOCUMENT, proof_id="urn:uuid:proof-1")
    with pytest.raises(InvalidInput) as info:
        _sign(signed, proof_id="urn:uuid:proof-1")
    assert info.value.code == "duplicate_proof_id"
    with pytest.raises(MalformedCredential) as malformed:
        _sign(signed, previous_proof="urn:uuid:nope")
    assert malformed.value.code == "missing_previous_proof"
    with pytest.raises(UnsupportedCryptosuite):
        _sign(DOCUMENT, suite="eddsa-2022")
    with pytest.raises(UnsupportedCryptosuite):
        _sign(DOCUMENT, suite="Ed25519Signature2020")
    with pytest.raises(UnsupportedCryptosuite):
        _sign(DOCUMENT, suite="bbs-2023")
    with pytest.raises(KeyManagementError) as key_error:
        _sign(DOCUMENT, P256, "eddsa-rdfc-2022")
    assert key_error.value.code == "key_type_mismatch"
    with pytest.raises(KeyManagementError) as mismatch:
        add_proof(
            DOCUMENT,
            ED,
            cryptosuite="eddsa-rdfc-2022",
            verification_method=verification_method_id(generate_key("ed25519").public_key),
        )
    assert mismatch.value.code == "key_mismatch"
    with pytest.raises(MalformedCredential):
        _sign({**DOCUMENT, "proof": "not a proof"})


def test_no_proof_is_one_failed_check() -> None:
    (check,) = verify_proofs(DOCUMENT, KeyResolver())
    assert (check.verified, check.code) == (False, "no_proof")
    assert _codes({**DOCUMENT, "proof": []}) == ["no_proof"]


def test_purpose_must_be_the_expected_one() -> None:
    signed = _sign(DOCUMENT)
    assert _codes(signed, expected_purpose="authentication") == ["proof_purpose_mismatch"]
    auth = _sign(DOCUMENT, proof_purpose="authentication")
    assert _codes(auth, expected_purpose="authentication") == ["ok"]
    assert _codes(auth) == ["proof_purpose_mismatch"]


def _with_proof(change: dict[str, Any], remove: tuple[str, ...] = ()) -> dict[str, Any]:
    signed = _sign(DOCUMENT)
    proof = {k: v for k, v in signed["proof"].items() if k not in remove}
    signed["proof"] = {**proof, **change}
    return signed


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({**DOCUMENT, "proof": "z123"}, "malformed_proof"),
        (_with_proof({}, ("proofValue",)), "malformed_proof"),
        (_with_proof({}, ("verificationMethod",)), "malformed_proof"),
        (_with_proof({}, ("proofPurpose",)), "malformed_proof"),
        (_with_proof({"created": "last tuesday"}), "malformed_proof"),
        (_with_proof({"proofValue": "u" + "A" * 86}), "malformed_proof"),
        (_with_proof({"proofValue": "z2"}), "invalid_signature"),
        (_with_proof({"cryptosuite": "bbs-2023"}), "unsupported_cryptosuite"),
        (_with_proof({"type": "Ed25519Signature2018"}), "unsupported_cryptosuite"),
        (_with_proof({"previousProof": "urn:uuid:gone"}), "missing_previous_proof"),
        (_with_proof({"previousProof": []}), "malformed_proof"),
        (_with_proof({"verificationMethod": "did:example:issuer#key-1"}), "unsupported_did_method"),
        (_with_proof({"cryptosuite": "ecdsa-rdfc-2019"}), "key_type_mismatch"),
        (_with_proof({"unknownProofMember": "x"}), "undefined_term"),
        ({**_sign(DOCUMENT), "unknownMember": "x"}, "undefined_term"),
        ({**_sign(DOCUMENT), "@context": [*DOCUMENT["@context"], "https://example.com/ctx"]},
         "unknown_context"),
        ({**_sign(DOCUMENT), "@context": "x"}, "invalid_jsonld"),
        ({**_sign(DOCUMENT), "name": "Changed"}, "invalid_signature"),
    ],
)  # fmt: skip
def test_expected_rejections_are_checks_with_codes(document: dict[str, Any], code: str) -> None:
    (check,) = verify_proofs(document, KeyResolver())
    assert (check.verified, check.code) == (False, code)
    assert check.message.endswith(".")


def test_proof_expiry_is_checked_against_the_given_clock() -> None:
    signed = _with_proof({})
    expiring = _sign(DOCUMENT)
    assert _codes(signed, now=CREATED) == ["ok"]
    expiring["proof"]["expires"] = "2026-06-01T00:00:00Z"  # not signed: fails anyway later
    assert _codes(expiring, now=datetime(2027, 1, 1, tzinfo=UTC)) == ["proof_expired"]


def test_failed_checks_still_say_what_the_proof_was() -> None:
    signed = _with_proof({"cryptosuite": "eddsa-2022", "proofValue": "z2"})
    (check,) = verify_proofs(signed, KeyResolver())
    assert (check.cryptosuite, check.obsolete, check.code) == (
        "eddsa-2022",
        True,
        "invalid_signature",
    )
    assert check.verification_method == verification_method_id(ED.public_key)


def _containers(value: Any) -> dict[int, Any]:
    """Every dict and list in ``value``, by identity (the values keep them alive)."""
    found: dict[int, Any] = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found[id(item)] = item
            stack.extend(item.values())
        elif isinstance(item, list):
            found[id(item)] = item
            stack.extend(item)
    return found


@pytest.mark.parametrize(
    ("suite", "key"),
    [("eddsa-jcs-2022", ED), ("eddsa-rdfc-2022", ED), ("ecdsa-jcs-2019", P256)],
)
def test_the_signed_document_shares_nothing_mutable_with_the_input(
    suite: str, key: PrivateKey
) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["evidence"] = [{"id": "urn:uuid:e1", "type": ["Evidence"], "name": "Report"}]
    first = _sign(document, key, suite, proof_id="urn:uuid:proof-1")
    chained = _sign(
        first, key, suite, proof_id="urn:uuid:proof-2", previous_proof="urn:uuid:proof-1"
    )
    for source, signed in ((document, first), (first, chained)):
        assert not set(_containers(source)) & set(_containers(signed))
    original = copy.deepcopy(first)
    chained["evidence"][0]["type"].append("changed")
    chained["proof"][0]["created"] = "changed"
    chained["@context"].append("https://example.org/changed")
    assert first == original
    assert _codes(first) == ["ok"]


def test_jcs_signs_floats_and_high_keys_through_the_exact_path() -> None:
    # Floats and keys from U+E000 leave the fast JCS path: the signature must still verify,
    # over the bytes rfc8785 writes.
    document = {**DOCUMENT, "credits": 1.5, "\ue000key": "x", "\u00e9": "é"}
    signed = _sign(document, suite="eddsa-jcs-2022")
    assert _codes(signed) == ["ok"]
    assert signed["credits"] == 1.5
    assert type(signed["credits"]) is float
    tampered = {**signed, "credits": 1.25}
    assert _codes(tampered) == ["invalid_signature"]


@pytest.mark.parametrize(
    ("created", "written"),
    [
        (
            datetime(2026, 1, 1, 14, 0, 59, 999999, tzinfo=timezone(timedelta(hours=2))),
            "2026-01-01T12:00:59Z",
        ),
        (datetime(999, 12, 31, 23, 59, tzinfo=UTC), "0999-12-31T23:59:00Z"),
    ],
)
def test_created_is_written_in_utc_to_the_second(created: datetime, written: str) -> None:
    signed = _sign(DOCUMENT, suite="eddsa-jcs-2022", created=created)
    assert signed["proof"]["created"] == written
    assert _codes(signed) == ["ok"]


def _nested(document: dict[str, Any], depth: int) -> dict[str, Any]:
    """``document`` with its subject nested ``depth`` subjects deep (terms all defined)."""
    deep = copy.deepcopy(document)
    inner = deep["credentialSubject"]
    for _ in range(depth):
        inner["credentialSubject"] = {"id": "did:example:inner"}
        inner = inner["credentialSubject"]
    return deep


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_document_too_deep_to_sign_is_refused_with_a_code(suite: str) -> None:
    # Parsed JSON stops at 64 levels (model.parse); a document built in code has no such
    # limit, and signing it must not end in Python's RecursionError.
    with pytest.raises(MalformedCredential) as refused:
        _sign(_nested(DOCUMENT, 5000), suite=suite)
    assert refused.value.code == "too_deep"
    # The same shape a few levels deep signs (JCS: the nested terms need no context).
    assert _codes(_sign(_nested(DOCUMENT, 20), suite="eddsa-jcs-2022")) == ["ok"]


def test_a_document_too_deep_to_verify_fails_its_check_with_a_code() -> None:
    signed = _sign(DOCUMENT, suite="eddsa-jcs-2022")
    deep = _nested(signed, 5000)
    deep["proof"] = signed["proof"]
    (check,) = verify_proofs(deep, KeyResolver())
    assert (check.verified, check.code) == (False, "too_deep")
