from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey

from credstack.errors import InvalidInput, InvalidJwt, KeyManagementError
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.jose import registered_claims, sign_jwt, verify_jwt
from credstack.proofs.keys import KeyKind, PrivateKey, generate_key
from credstack.proofs.multibase import base64url_encode
from credstack.proofs.resolver import KeyResolver

CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:2b0d5a8e-6a1b-4b0b-9f36-5d7f3b1c0a11",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:example:issuer", "type": ["Profile"]},
    "validFrom": "2026-01-01T00:00:00Z",
    "validUntil": "2027-01-01T00:00:00Z",
    "name": "Teamwork",
    "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"]},
}
NBF, EXP = 1767225600, 1798761600
ED = generate_key("ed25519")
P256 = generate_key("p256")


def _kid(key: PrivateKey) -> str:
    return verification_method_id(key.public_key)


def _segment(value: dict[str, Any]) -> str:
    return base64url_encode(json.dumps(value).encode())


def _token(header: dict[str, Any], payload: dict[str, Any], key: PrivateKey) -> str:
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    return f"{signing_input}.{base64url_encode(key.sign(signing_input.encode()))}"


def _code(token: str, **kw: Any) -> str:
    with pytest.raises(InvalidJwt) as info:
        verify_jwt(token, KeyResolver(), **kw)
    assert isinstance(info.value, InvalidInput)
    assert info.value.message.endswith(".")
    return info.value.code


@pytest.mark.parametrize(("kind", "alg"), [("ed25519", "EdDSA"), ("p256", "ES256")])
def test_sign_and_verify(kind: KeyKind, alg: str) -> None:
    key = generate_key(kind)
    token = sign_jwt(CREDENTIAL, key, kid=_kid(key))
    result = verify_jwt(token, KeyResolver())
    assert result.header == {"alg": alg, "typ": "vc+jwt", "cty": "vc", "kid": _kid(key)}
    assert result.credential == CREDENTIAL
    assert result.payload == {
        **CREDENTIAL,
        "iss": "did:example:issuer",
        "sub": "did:example:learner",
        "nbf": NBF,
        "exp": EXP,
        "jti": CREDENTIAL["id"],
    }
    assert result.verification_method.public_key == key.public_key
    assert not result.vc_claim


def test_claims_can_be_left_out() -> None:
    token = sign_jwt(CREDENTIAL, ED, kid=_kid(ED), vc_jwt_claims=False)
    assert verify_jwt(token, KeyResolver()).payload == CREDENTIAL


def test_registered_claims_follow_the_credential() -> None:
    vc11 = {
        "issuer": "did:example:i",
        "issuanceDate": "2020-01-01T00:00:00.9Z",
        "expirationDate": "2021-01-01T00:00:00+01:00",
        "credentialSubject": [{"id": "did:example:a"}, {"id": "did:example:b"}],
    }
    assert registered_claims(vc11) == {"iss": "did:example:i", "nbf": 1577836800, "exp": 1609455600}
    with pytest.raises(InvalidInput) as info:
        registered_claims({"validFrom": "soon"})
    assert info.value.code == "invalid_datetime"


def test_sign_refuses_a_did_key_that_is_not_the_signing_key() -> None:
    with pytest.raises(KeyManagementError) as info:
        sign_jwt(CREDENTIAL, ED, kid=_kid(P256))
    assert info.value.code == "key_mismatch"


def test_sign_refuses_a_credential_that_contradicts_its_claims() -> None:
    with pytest.raises(InvalidJwt) as info:
        sign_jwt({**CREDENTIAL, "iss": "did:example:other"}, ED, kid=_kid(ED))
    assert info.value.code == "jwt_claims_mismatch"


def test_alg_none_is_refused() -> None:
    payload = registered_claims(CREDENTIAL) | CREDENTIAL
    for alg in ("none", "None", "NONE"):
        token = f"{_segment({'alg': alg, 'kid': _kid(ED)})}.{_segment(payload)}."
        assert _code(token) == "jwt_alg_none"


@pytest.mark.parametrize(
    ("key", "alg"),
    [
        (ED, "ES256"),
        (ED, "HS256"),
        (ED, "RS256"),
        (P256, "EdDSA"),
        (P256, "ES384"),
        (P256, "HS256"),
    ],
)
def test_algorithm_switching_is_refused(key: PrivateKey, alg: str) -> None:
    token = _token({"alg": alg, "kid": _kid(key)}, CREDENTIAL, key)
    assert _code(token) == "jwt_alg_mismatch"


def test_hmac_with_the_public_key_as_secret_is_refused() -> None:
    # The classic confusion attack: HS256 keyed with the public key bytes.
    import hashlib
    import hmac

    header, payload = _segment({"alg": "HS256", "kid": _kid(ED)}), _segment(CREDENTIAL)
    mac = hmac.new(ED.public_key.raw, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert _code(f"{header}.{payload}.{base64url_encode(mac)}") == "jwt_alg_mismatch"


def test_ed25519_may_be_named_by_its_rfc_9864_name() -> None:
    token = _token({"alg": "Ed25519", "kid": _kid(ED)}, CREDENTIAL, ED)
    assert verify_jwt(token, KeyResolver()).credential == CREDENTIAL


def test_tampering_breaks_the_signature() -> None:
    header, _, signature = sign_jwt(CREDENTIAL, ED, kid=_kid(ED)).split(".")
    changed = {**CREDENTIAL, "name": "Leadership"}
    assert _code(f"{header}.{_segment(changed)}.{signature}") == "invalid_signature"
    other = generate_key("ed25519")
    foreign = _token({"alg": "EdDSA", "kid": _kid(ED)}, CREDENTIAL, other)
    assert _code(foreign) == "invalid_signature"


@pytest.mark.parametrize(
    ("claims", "fragment"),
    [
        ({"iss": "did:example:mallory"}, "iss"),
        ({"sub": "did:example:someone-else"}, "sub"),
        ({"jti": "urn:uuid:other"}, "jti"),
        ({"nbf": NBF + 3600}, "nbf"),
        ({"exp": EXP + 3600}, "exp"),
        ({"exp": "tomorrow"}, "exp"),
        ({"nbf": True}, "nbf"),
    ],
)
def test_claims_must_agree_with_the_credential(claims: dict[str, Any], fragment: str) -> None:
    payload = {**CREDENTIAL, **registered_claims(CREDENTIAL), **claims}
    token = _token({"alg": "EdDSA", "kid": _kid(ED)}, payload, ED)
    with pytest.raises(InvalidJwt) as info:
        verify_jwt(token, KeyResolver())
    assert info.value.code == "jwt_claims_mismatch"
    assert fragment in info.value.message


def test_exp_without_valid_until_is_a_mismatch() -> None:
    credential = {k: v for k, v in CREDENTIAL.items() if k != "validUntil"}
    token = _token({"alg": "EdDSA", "kid": _kid(ED)}, {**credential, "exp": EXP}, ED)
    assert _code(token) == "jwt_claims_mismatch"


def test_the_vc_1_1_form_is_accepted() -> None:
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"name": "Learner"},
    }
    payload = {"vc": vc, "iss": "did:example:issuer", "sub": "did:example:learner",
               "nbf": NBF, "exp": EXP, "jti": "urn:uuid:1"}  # fmt: skip
    result = verify_jwt(_token({"alg": "ES256", "kid": _kid(P256)}, payload, P256), KeyResolver())
    assert result.vc_claim
    assert result.credential == {
        **vc,
        "issuer": "did:example:issuer",
        "id": "urn:uuid:1",
        "credentialSubject": {"name": "Learner", "id": "did:example:learner"},
        "issuanceDate": "2026-01-01T00:00:00Z",
        "expirationDate": "2027-01-01T00:00:00Z",
    }
    contradicting = {**payload, "vc": {**vc, "issuer": "did:example:other"}}
    assert _code(_token({"alg": "ES256", "kid": _kid(P256)}, contradicting, P256)) == (
        "jwt_claims_mismatch"
    )


def test_non_json_numbers_and_absurd_times_are_refused() -> None:
    header = _segment({"alg": "EdDSA", "kid": _kid(ED)})
    payload = base64url_encode(b'{"vc": {}, "exp": NaN}')
    signature = base64url_encode(ED.sign(f"{header}.{payload}".encode()))
    assert _code(f"{header}.{payload}.{signature}") == "malformed_jwt"
    absurd = _token({"alg": "EdDSA", "kid": _kid(ED)}, {"vc": {}, "exp": 10**20}, ED)
    assert _code(absurd) == "jwt_claims_mismatch"


def test_time_claims_against_the_clock() -> None:
    token = sign_jwt(CREDENTIAL, ED, kid=_kid(ED))
    assert verify_jwt(token, KeyResolver(), now=datetime(2026, 6, 1, tzinfo=UTC))
    assert _code(token, now=datetime(2027, 1, 1, tzinfo=UTC)) == "jwt_expired"
    assert _code(token, now=datetime(2025, 12, 31, tzinfo=UTC)) == "jwt_not_yet_valid"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d.e",
        f"{base64url_encode(b'[1]')}.e30.AA",
        f"{base64url_encode(b'not json')}.e30.AA",
        f"{base64url_encode(b'{}')}.e30.AA",
        base64url_encode(b'{"alg":"EdDSA","alg":"none"}') + ".e30.AA",
        f"{_segment({'alg': 'EdDSA', 'kid': 'x', 'crit': ['b64'], 'b64': False})}.e30.AA",
        f"{_segment({'alg': 'EdDSA', 'kid': 'x', 'typ': 'vp+jwt'})}.e30.AA",
        f"{_segment({'alg': 'EdDSA', 'kid': _kid(ED)})}.é.AA",
        f"{_segment({'alg': 'EdDSA', 'kid': _kid(ED)})}.e30.A+A",
    ],
)
def test_malformed_tokens(token: str) -> None:
    assert _code(token) == "malformed_jwt"


def test_payload_must_be_an_object() -> None:
    header = _segment({"alg": "EdDSA", "kid": _kid(ED)})
    payload = base64url_encode(b"[1, 2]")
    signature = base64url_encode(ED.sign(f"{header}.{payload}".encode()))
    assert _code(f"{header}.{payload}.{signature}") == "malformed_jwt"


def test_the_key_must_be_named_and_resolvable() -> None:
    assert _code(_token({"alg": "EdDSA"}, CREDENTIAL, ED)) == "unresolvable_key"
    assert _code(_token({"alg": "EdDSA", "kid": "did:example:1#k"}, CREDENTIAL, ED)) == (
        "unsupported_did_method"
    )
    assert _code(_token({"alg": "EdDSA", "kid": "did:web:example.com#k"}, CREDENTIAL, ED)) == (
        "unresolvable_key"
    )


@pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")
@pytest.mark.parametrize(("key", "jose_key"), [(ED, OKPKey), (P256, ECKey)])
def test_joserfc_interoperates_both_ways(key: PrivateKey, jose_key: Any) -> None:
    alg = key.public_key.jose_alg
    token = sign_jwt(CREDENTIAL, key, kid=_kid(key))
    public = jose_key.import_key(key.public_key.to_jwk())
    decoded = jws.deserialize_compact(token, public, algorithms=[alg])
    assert json.loads(decoded.payload)["iss"] == "did:example:issuer"
    private = jose_key.import_key(key.to_jwk())
    payload = json.dumps({**CREDENTIAL, **registered_claims(CREDENTIAL)}).encode()
    theirs = jws.serialize_compact(
        {"alg": alg, "kid": _kid(key), "typ": "vc+jwt"}, payload, private, algorithms=[alg]
    )
    assert verify_jwt(theirs, KeyResolver()).credential == CREDENTIAL


def test_a_repeated_member_is_refused() -> None:
    header = _segment({"alg": "EdDSA", "kid": _kid(ED)})
    payload = base64url_encode(b'{"iss":"did:example:a","iss":"did:example:b"}')
    signing_input = f"{header}.{payload}"
    token = f"{signing_input}.{base64url_encode(ED.sign(signing_input.encode()))}"
    assert _code(token) == "malformed_jwt"
    with pytest.raises(InvalidJwt, match="repeats the member 'iss'"):
        verify_jwt(token, KeyResolver())


def test_nan_cannot_be_signed() -> None:
    with pytest.raises(InvalidInput) as info:
        sign_jwt({**CREDENTIAL, "score": float("nan")}, ED, kid=_kid(ED))
    assert info.value.code == "invalid_json"


@pytest.mark.parametrize("extra", [{"note": None}, {"scores": (1, 2)}, {"scores": (1, None)}])
def test_nulls_and_tuples_are_signed_as_json(extra: dict[str, Any]) -> None:
    token = sign_jwt({**CREDENTIAL, **extra}, ED, kid=_kid(ED))
    credential = verify_jwt(token, KeyResolver()).credential
    assert credential == json.loads(json.dumps({**CREDENTIAL, **extra}))
