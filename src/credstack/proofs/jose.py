"""VC-JOSE: credentials secured as compact JWS (https://www.w3.org/TR/vc-jose-cose/).

The payload is the credential itself (VC-JOSE-COSE section 3.1.1), with the registered claims
Open Badges 3.0 asks for (OB 3.0 section 8.2.4: ``iss``, ``sub``, ``nbf``, ``exp``, ``jti``),
which must agree with the credential. The older OB 3.0 / VC 1.1 form, with the credential under
``vc``, is accepted when verifying.

The JWS is built and checked here with ``cryptography`` through our key types rather than
with joserfc: the algorithm must be fixed by the *resolved key's* type before any cryptography
runs (RFC 8725 section 3.1, no algorithm switching and no ``none``), our keys already produce
JOSE signature encodings (raw Ed25519; ECDSA as ``r || s``, RFC 7518 section 3.4), and compact
JWS is three base64url segments. The unit tests check interoperability with joserfc both ways.

>>> from credstack.proofs.keys import generate_key
>>> from credstack.proofs.did_key import verification_method_id
>>> from credstack.proofs.resolver import KeyResolver
>>> key = generate_key("p256")
>>> vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
...       "issuer": "did:example:1", "validFrom": "2026-01-01T00:00:00Z",
...       "credentialSubject": {"id": "did:example:2"}}
>>> token = sign_jwt(vc, key, kid=verification_method_id(key.public_key))
>>> verify_jwt(token, KeyResolver()).payload["nbf"]
1767225600
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from credstack.errors import InvalidInput, InvalidJwt, ResolutionError
from credstack.model import plain_json
from credstack.proofs.algorithms import parse_datetime
from credstack.proofs.did_key import check_did_key_method
from credstack.proofs.keys import PrivateKey
from credstack.proofs.multibase import base64url_decode, base64url_encode
from credstack.proofs.resolver import KeyResolver, VerificationMethod

# RFC 7519 section 4.1: registered claims, which are the JWT's and not the credential's.
REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
# Media types a VC-JWT may declare in "typ" (VC-JOSE-COSE 3.1.1; older VC-JWT used "JWT").
_TYPES = {"vc+jwt", "vc+ld+jwt", "jwt"}
# RFC 9864 names Ed25519 "Ed25519"; RFC 8037's "EdDSA" is what most issuers still write.
_ALG_ALIASES = {"EdDSA": {"EdDSA", "Ed25519"}}


@dataclass(frozen=True)
class JwtResult:
    """A verified VC-JWT: the header, the whole payload, and the credential it carries."""

    header: dict[str, Any]
    payload: dict[str, Any]
    credential: dict[str, Any]
    verification_method: VerificationMethod
    # True for the VC 1.1 form, where the credential sat under the "vc" claim.
    vc_claim: bool = False


def _fail(code: str, message: str) -> InvalidJwt:
    return InvalidJwt(message, code=code)


def _encode_json(value: Mapping[str, Any]) -> str:
    data = plain_json.dumps(value)
    if data is None:
        try:
            text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except ValueError as exc:
            raise InvalidInput(
                "The credential holds a number JSON cannot carry (NaN or infinity).",
                code="invalid_json",
            ) from exc
        data = text.encode("utf-8")
    return base64url_encode(data)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # RFC 7515 section 5.2 step 4: refuse duplicate member names.
        names = [name for name, _ in pairs]
        name = next(name for index, name in enumerate(names) if name in names[:index])
        raise _fail("malformed_jwt", f"The JWT repeats the member {name!r}.")
    return result


def _no_constants(name: str) -> Any:
    # RFC 8259 JSON has no NaN or Infinity; Python's parser would accept them, and a NaN
    # "exp" compares false with every time.
    raise _fail("malformed_jwt", f"The JWT holds {name}, which is not JSON.")


def _decode_json(segment: str | bytes, what: str) -> dict[str, Any]:
    """The JSON object in a base64url ``segment`` (or in its already decoded bytes)."""
    try:
        value = json.loads(
            base64url_decode(segment) if isinstance(segment, str) else segment,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constants,
        )
    except (InvalidInput, ValueError, RecursionError) as exc:
        if isinstance(exc, InvalidJwt):
            raise
        raise _fail("malformed_jwt", f"The JWT {what} is not base64url-encoded JSON.") from exc
    if not isinstance(value, dict):
        raise _fail("malformed_jwt", f"The JWT {what} is not a JSON object.")
    return value


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _subject_ids(credential: Mapping[str, Any]) -> list[str]:
    subjects = credential.get("credentialSubject")
    items = subjects if isinstance(subjects, list) else [subjects]
    return [s["id"] for s in items if isinstance(s, Mapping) and isinstance(s.get("id"), str)]


def _numeric_date(value: object, name: str) -> int:
    try:
        moment = parse_datetime(value, name)
    except InvalidInput as exc:
        raise InvalidInput(
            f"The credential's {name} is not a date-time: {value!r}.", code="invalid_datetime"
        ) from exc
    return math.floor(moment.timestamp())


def _dates(credential: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(validFrom, validUntil), or VC 1.1's (issuanceDate, expirationDate)."""
    if "validFrom" in credential or "validUntil" in credential:
        return credential.get("validFrom"), credential.get("validUntil")
    return credential.get("issuanceDate"), credential.get("expirationDate")


def registered_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The JWT claims OB 3.0 section 8.2.4.1 derives from a credential."""
    claims: dict[str, Any] = {}
    issuer = _issuer_id(credential)
    if issuer is not None:
        claims["iss"] = issuer
    subjects = _subject_ids(credential)
    if len(subjects) == 1:
        claims["sub"] = subjects[0]
    valid_from, valid_until = _dates(credential)
    if valid_from is not None:
        claims["nbf"] = _numeric_date(valid_from, "validFrom")
    if valid_until is not None:
        claims["exp"] = _numeric_date(valid_until, "validUntil")
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    return claims


def sign_jwt(
    credential: Mapping[str, Any], key: PrivateKey, *, kid: str, vc_jwt_claims: bool = True
) -> str:
    """A compact JWS whose payload is ``credential`` (plus the OB 3.0 claims by default)."""
    check_did_key_method(kid, key.public_key)
    header = {"alg": key.public_key.jose_alg, "typ": "vc+jwt", "cty": "vc", "kid": kid}
    payload = dict(credential)
    if vc_jwt_claims:
        for name, value in registered_claims(credential).items():
            if name in payload and payload[name] != value:
                raise _fail(
                    "jwt_claims_mismatch",
                    f"The credential has a member {name!r} that contradicts the JWT claim "
                    "derived from it.",
                )
            payload[name] = value
    signing_input = f"{_encode_json(header)}.{_encode_json(payload)}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{base64url_encode(signature)}"


def _check_header(header: Mapping[str, Any]) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise _fail("malformed_jwt", "The JWT header has no algorithm (alg).")
    if alg.lower() == "none":
        raise _fail(
            "jwt_alg_none",
            "The JWT is unsigned (alg 'none'); an unsigned credential proves nothing.",
        )
    if "crit" in header:
        # RFC 7515 section 4.1.11: critical extensions we do not implement must be refused.
        raise _fail("malformed_jwt", "The JWT requires extensions (crit) that are not supported.")
    typ = header.get("typ")
    if typ is not None and (
        not isinstance(typ, str) or typ.lower().removeprefix("application/") not in _TYPES
    ):
        raise _fail("malformed_jwt", f"The JWT has type {typ!r}, not a credential (vc+jwt).")
    return alg


def _resolve(header: Mapping[str, Any], resolver: KeyResolver) -> VerificationMethod:
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _fail(
            "unresolvable_key",
            "The JWT header names no key (kid), so the signer cannot be identified.",
        )
    try:
        return resolver.resolve(kid, purpose="assertionMethod")
    except ResolutionError as exc:
        raise _fail(exc.code, exc.message) from exc


def _credential_of(payload: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The credential, and whether it came in the VC 1.1 ``vc`` claim.

    For the ``vc`` form the claims stand in for absent properties (VC Data Model 1.1, section
    6.3.1): ``iss`` for ``issuer``, ``jti`` for ``id``, ``sub`` for the subject's ``id``,
    ``nbf`` for ``issuanceDate`` and ``exp`` for ``expirationDate``.
    """
    inner = payload.get("vc")
    if not isinstance(inner, Mapping):
        return {k: v for k, v in payload.items() if k not in REGISTERED_CLAIMS}, False
    credential = json.loads(json.dumps(inner))
    if "iss" in payload and "issuer" not in credential:
        credential["issuer"] = payload["iss"]
    if "jti" in payload and "id" not in credential:
        credential["id"] = payload["jti"]
    subject = credential.get("credentialSubject")
    if "sub" in payload and isinstance(subject, dict) and "id" not in subject:
        subject["id"] = payload["sub"]
    for claim, name in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        value = payload.get(claim)
        if isinstance(value, int | float) and name not in credential:
            try:
                moment = datetime.fromtimestamp(value, UTC)
            except (OverflowError, OSError, ValueError):
                continue  # out of range: _check_claims reports the claim as a mismatch
            credential[name] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return credential, True


def _check_claims(payload: Mapping[str, Any], credential: Mapping[str, Any]) -> None:
    """The claims present must say what the credential says (OB 3.0 section 8.2.4)."""
    problems: list[str] = []
    if "iss" in payload and payload["iss"] != _issuer_id(credential):
        problems.append(f"iss {payload['iss']!r} is not the issuer {_issuer_id(credential)!r}")
    if "sub" in payload and payload["sub"] not in _subject_ids(credential):
        problems.append(f"sub {payload['sub']!r} is not the credential subject's id")
    if "jti" in payload and payload["jti"] != credential.get("id"):
        problems.append(f"jti {payload['jti']!r} is not the credential id")
    valid_from, valid_until = _dates(credential)
    for claim, value, name in (
        ("nbf", valid_from, "validFrom"),
        ("exp", valid_until, "validUntil"),
    ):
        if claim not in payload:
            continue
        claimed = payload[claim]
        try:
            expected = _numeric_date(value, name) if value is not None else None
        except InvalidInput:
            expected = None
        if (
            expected is None
            or not isinstance(claimed, int | float)
            or isinstance(claimed, bool)
            or abs(claimed - expected) >= 1
        ):
            problems.append(f"{claim} {claimed!r} does not match {name} {value!r}")
    if problems:
        raise _fail(
            "jwt_claims_mismatch",
            "The JWT claims contradict the credential: " + "; ".join(problems) + ".",
        )


def _check_time(payload: Mapping[str, Any], now: datetime) -> None:
    """RFC 7519 sections 4.1.4-4.1.5: not after ``exp``, not before ``nbf``."""
    moment = now.timestamp()
    exp, nbf = payload.get("exp"), payload.get("nbf")
    if isinstance(exp, int | float) and moment >= exp:
        raise _fail("jwt_expired", "The JWT has expired (its exp claim has passed).")
    if isinstance(nbf, int | float) and moment < nbf:
        raise _fail("jwt_not_yet_valid", "The JWT is not valid yet (its nbf claim is ahead).")


def verify_jwt(token: str, resolver: KeyResolver, *, now: datetime | None = None) -> JwtResult:
    """Verify a compact VC-JWT; raises ``InvalidJwt`` (an ``InvalidInput``) with a ``code``.

    Codes: ``malformed_jwt``, ``jwt_alg_none``, ``jwt_alg_mismatch``, ``invalid_signature``,
    ``jwt_claims_mismatch``, the resolver's codes (``unresolvable_key``…), and with ``now``
    ``jwt_expired`` / ``jwt_not_yet_valid``.
    """
    parts = token.strip().split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise _fail("malformed_jwt", "The input is not a compact JWS (three dot-separated parts).")
    header = _decode_json(parts[0], "header")
    alg = _check_header(header)
    method = _resolve(header, resolver)
    allowed = _ALG_ALIASES.get(method.public_key.jose_alg, {method.public_key.jose_alg})
    if alg not in allowed:
        raise _fail(
            "jwt_alg_mismatch",
            f"The JWT says alg {alg!r}, but its key {method.id} is {method.public_key.kind} and "
            f"signs only with {method.public_key.jose_alg}.",
        )
    try:
        payload_bytes = base64url_decode(parts[1])
        signature = base64url_decode(parts[2])
    except InvalidInput as exc:
        raise _fail("malformed_jwt", "The JWT payload or signature is not base64url.") from exc
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    if not method.public_key.verify(signature, signing_input):
        raise _fail(
            "invalid_signature",
            f"The JWT signature does not match its content and the key {method.id}: it was "
            "changed after signing, or signed by another key.",
        )
    payload = _decode_json(payload_bytes, "payload")
    credential, vc_claim = _credential_of(payload)
    _check_claims(payload, credential)
    if now is not None:
        _check_time(payload, now)
    return JwtResult(header, payload, credential, method, vc_claim)
