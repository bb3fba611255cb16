"""Signing keys: Ed25519, P-256 (and P-384 for verifying), as Multikey, JWK and key files.

Signatures come out the way Data Integrity and JOSE write them: Ed25519's 64 bytes, and ECDSA
as IEEE P1363 ``r || s`` (RFC 7518 section 3.4), never DER.

>>> key = generate_key("ed25519")
>>> key.public_key.verify(key.sign(b"hello"), b"hello")
True
>>> public_key_from_multikey(key.public_key.multikey) == key.public_key
True
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from credstack.errors import InvalidInput, KeyManagementError
from credstack.proofs.multibase import (
    CodecName,
    base64url_decode,
    base64url_encode,
    decode_multibase,
    decode_multicodec,
    encode_multibase,
    encode_multicodec,
)

KeyKind = Literal["ed25519", "p256", "p384"]

_EC_CURVES: Final[dict[str, ec.EllipticCurve]] = {"p256": ec.SECP256R1(), "p384": ec.SECP384R1()}
_EC_HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    "p256": hashes.SHA256,
    "p384": hashes.SHA384,
}
_EC_SIZES: Final[dict[str, int]] = {"p256": 32, "p384": 48}
_JOSE_ALGS: Final[dict[str, str]] = {"ed25519": "EdDSA", "p256": "ES256", "p384": "ES384"}
_JWK_CURVES: Final[dict[str, KeyKind]] = {"Ed25519": "ed25519", "P-256": "p256", "P-384": "p384"}
_PUBLIC_CODECS: Final[dict[CodecName, KeyKind]] = {
    "ed25519-pub": "ed25519",
    "p256-pub": "p256",
    "p384-pub": "p384",
}
_PRIVATE_CODECS: Final[dict[CodecName, KeyKind]] = {
    "ed25519-priv": "ed25519",
    "p256-priv": "p256",
    "p384-priv": "p384",
}

_CryptoPublic = Ed25519PublicKey | ec.EllipticCurvePublicKey
_CryptoPrivate = Ed25519PrivateKey | ec.EllipticCurvePrivateKey


def _invalid(message: str) -> KeyManagementError:
    return KeyManagementError(message, code="invalid_key")


def _jwk_crv(kind: KeyKind) -> str:
    return next(crv for crv, k in _JWK_CURVES.items() if k == kind)


class PublicKey:
    """A public key that checks signatures; compare with ``==``."""

    __slots__ = ("_key", "_multikey", "kind", "raw")

    def __init__(self, kind: KeyKind, key: _CryptoPublic) -> None:
        self.kind: KeyKind = kind
        self._key = key
        self._multikey: str | None = None
        if isinstance(key, Ed25519PublicKey):
            self.raw = key.public_bytes_raw()
        else:
            self.raw = key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )

    @classmethod
    def from_raw(cls, kind: KeyKind, raw: bytes) -> PublicKey:
        """From 32 Ed25519 bytes, or a SEC1 (compressed or uncompressed) EC point."""
        try:
            if kind == "ed25519":
                if len(raw) != 32:
                    raise _invalid(f"An Ed25519 public key has 32 bytes, not {len(raw)}.")
                return cls(kind, Ed25519PublicKey.from_public_bytes(raw))
            curve = _EC_CURVES[kind]
            return cls(kind, ec.EllipticCurvePublicKey.from_encoded_point(curve, raw))
        except ValueError as exc:
            raise _invalid(f"The bytes are not a valid {kind} public key.") from exc

    @property
    def multikey(self) -> str:
        """``publicKeyMultibase``: base58btc of the multicodec prefix and the (compressed) key."""
        if self._multikey is None:  # every did:key signature compares it: computed once
            codec = next(c for c, k in _PUBLIC_CODECS.items() if k == self.kind)
            self._multikey = encode_multibase(encode_multicodec(codec, self.raw))
        return self._multikey

    @property
    def jose_alg(self) -> str:
        """The one JOSE ``alg`` this key may verify (RFC 8725 section 3.1: no switching)."""
        return _JOSE_ALGS[self.kind]

    def to_jwk(self) -> dict[str, str]:
        """The public JWK (RFC 8037 for Ed25519, RFC 7518 section 6.2 for EC)."""
        if isinstance(self._key, Ed25519PublicKey):
            return {"kty": "OKP", "crv": "Ed25519", "x": base64url_encode(self.raw)}
        numbers = self._key.public_numbers()
        size = _EC_SIZES[self.kind]
        return {
            "kty": "EC",
            "crv": _jwk_crv(self.kind),
            "x": base64url_encode(numbers.x.to_bytes(size, "big")),
            "y": base64url_encode(numbers.y.to_bytes(size, "big")),
        }

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` signs ``data``; a bad signature is False, never an error."""
        try:
            if isinstance(self._key, Ed25519PublicKey):
                self._key.verify(signature, data)
                return True
            size = _EC_SIZES[self.kind]
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            der = encode_dss_signature(r, s)
            self._key.verify(der, data, ec.ECDSA(_EC_HASHES[self.kind]()))
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and (self.kind, self.raw) == (other.kind, other.raw)

    def __hash__(self) -> int:
        return hash((self.kind, self.raw))

    def __repr__(self) -> str:
        return f"PublicKey({self.kind}, {self.multikey})"


class PrivateKey:
    """A private key that signs; its ``repr`` never shows secret material."""

    __slots__ = ("_key", "kind", "public_key")

    def __init__(self, kind: KeyKind, key: _CryptoPrivate) -> None:
        self.kind: KeyKind = kind
        self._key = key
        self.public_key = PublicKey(kind, key.public_key())

    @property
    def _secret_bytes(self) -> bytes:
        if isinstance(self._key, Ed25519PrivateKey):
            return self._key.private_bytes_raw()
        return self._key.private_numbers().private_value.to_bytes(_EC_SIZES[self.kind], "big")

    def sign(self, data: bytes) -> bytes:
        """Ed25519 (64 bytes), or ECDSA with the curve's hash as ``r || s``."""
        if isinstance(self._key, Ed25519PrivateKey):
            return self._key.sign(data)
        der = self._key.sign(data, ec.ECDSA(_EC_HASHES[self.kind]()))
        r, s = decode_dss_signature(der)
        size = _EC_SIZES[self.kind]
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    @property
    def secret_multikey(self) -> str:
        """``secretKeyMultibase``: the 32-byte seed or scalar behind its multicodec prefix."""
        codec = next(c for c, k in _PRIVATE_CODECS.items() if k == self.kind)
        return encode_multibase(encode_multicodec(codec, self._secret_bytes))

    def to_jwk(self, private: bool = True) -> dict[str, str]:
        """The JWK; with ``private`` it carries ``d`` and must be kept secret."""
        jwk = self.public_key.to_jwk()
        if private:
            jwk["d"] = base64url_encode(self._secret_bytes)
        return jwk

    def to_key_file(
        self, *, controller: str | None = None, key_id: str | None = None
    ) -> dict[str, str]:
        """The Multikey key pair JSON (https://www.w3.org/TR/cid-1.0/#Multikey).

        ``controller`` and ``key_id`` default to the key's did:key and its verification method.
        """
        did = f"did:key:{self.public_key.multikey}"
        return {
            "type": "Multikey",
            "id": key_id or f"{did}#{self.public_key.multikey}",
            "controller": controller or did,
            "publicKeyMultibase": self.public_key.multikey,
            "secretKeyMultibase": self.secret_multikey,
        }

    def __repr__(self) -> str:
        return f"PrivateKey({self.kind}, public={self.public_key.multikey})"


def generate_key(kind: KeyKind) -> PrivateKey:
    """A fresh random key of ``kind`` (``ed25519`` or ``p256``; ``p384`` too)."""
    if kind == "ed25519":
        return PrivateKey(kind, Ed25519PrivateKey.generate())
    if kind in _EC_CURVES:
        return PrivateKey(kind, ec.generate_private_key(_EC_CURVES[kind]))
    raise KeyManagementError(
        f"Unknown key type {kind!r}; use ed25519 or p256.", code="unsupported_key_type"
    )


def private_key_from_bytes(kind: KeyKind, secret: bytes) -> PrivateKey:
    """From an Ed25519 32-byte seed (or seed + public key, 64 bytes) or an EC scalar."""
    if kind == "ed25519":
        if len(secret) == 64:
            key = PrivateKey(kind, Ed25519PrivateKey.from_private_bytes(secret[:32]))
            if key.public_key.raw != secret[32:]:
                raise KeyManagementError(
                    "The 64-byte Ed25519 secret ends with a public key that does not belong "
                    "to its seed.",
                    code="key_mismatch",
                )
            return key
        if len(secret) != 32:
            raise _invalid(f"An Ed25519 secret key has 32 bytes (or 64), not {len(secret)}.")
        return PrivateKey(kind, Ed25519PrivateKey.from_private_bytes(secret))
    if kind not in _EC_CURVES:
        raise KeyManagementError(f"Unknown key type {kind!r}.", code="unsupported_key_type")
    if len(secret) != _EC_SIZES[kind]:
        raise _invalid(f"A {kind} secret key has {_EC_SIZES[kind]} bytes, not {len(secret)}.")
    try:
        value = int.from_bytes(secret, "big")
        return PrivateKey(kind, ec.derive_private_key(value, _EC_CURVES[kind]))
    except ValueError as exc:
        raise _invalid(f"The bytes are not a valid {kind} secret key.") from exc


def _multikey_bytes(value: object, what: str) -> tuple[CodecName, bytes]:
    if not isinstance(value, str) or not value.startswith("z"):
        raise _invalid(f"A {what} must be a base58btc multibase string starting with 'z'.")
    try:
        return decode_multicodec(decode_multibase(value))
    except InvalidInput as exc:
        code = "unsupported_key_type" if exc.code == "unknown_multicodec" else "invalid_key"
        raise KeyManagementError(f"The {what} cannot be read: {exc.message}", code=code) from exc


def public_key_from_multikey(value: str) -> PublicKey:
    """The key in a ``publicKeyMultibase`` (Ed25519, P-256 or P-384)."""
    if not isinstance(value, str):
        return _public_key_from_multikey(value)  # refused there, without touching the cache
    return _cached_public_key(value)


# Verification resolves the same few keys over and over; decoding base58 and the curve point
# each time was a measurable part of it. Bounded, so unknown keys cannot grow it.
@lru_cache(maxsize=4096)
def _cached_public_key(value: str) -> PublicKey:
    return _public_key_from_multikey(value)


def _public_key_from_multikey(value: object) -> PublicKey:
    codec, raw = _multikey_bytes(value, "publicKeyMultibase")
    kind = _PUBLIC_CODECS.get(codec)
    if kind is None:
        raise _invalid(f"The value holds a {codec} key where a public key was expected.")
    if kind != "ed25519" and raw[:1] not in (b"\x02", b"\x03"):
        # Multikey requires the compressed point (CID 1.0 section 2.2.2).
        raise _invalid(f"A {kind} Multikey must hold a compressed point.")
    return PublicKey.from_raw(kind, raw)


def private_key_from_multikey(value: str) -> PrivateKey:
    """The key in a ``secretKeyMultibase``."""
    codec, raw = _multikey_bytes(value, "secretKeyMultibase")
    kind = _PRIVATE_CODECS.get(codec)
    if kind is None:
        raise _invalid(f"The value holds a {codec} key where a secret key was expected.")
    return private_key_from_bytes(kind, raw)


def private_key_from_hex(value: str, kind: KeyKind = "ed25519") -> PrivateKey:
    """From hex, as the 1EdTech vector prints it (the seed, or seed + public key)."""
    try:
        secret = bytes.fromhex(value.strip())
    except ValueError as exc:
        raise _invalid("The secret key is not hexadecimal.") from exc
    return private_key_from_bytes(kind, secret)


def _jwk_part(jwk: Mapping[str, Any], name: str, size: int) -> bytes:
    value = jwk.get(name)
    try:
        data = base64url_decode(value) if isinstance(value, str) else b""
    except InvalidInput as exc:
        raise _invalid(f"The JWK member {name!r} is not base64url.") from exc
    if len(data) != size:
        raise _invalid(f"The JWK member {name!r} must hold {size} bytes.")
    return data


def key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey | PrivateKey:
    """A public key, or a private key when the JWK has ``d`` (checked against ``x``/``y``)."""
    kind = _JWK_CURVES.get(str(jwk.get("crv")))
    expected_kty = "OKP" if kind == "ed25519" else "EC"
    if kind is None or jwk.get("kty") != expected_kty:
        raise KeyManagementError(
            f"JWK kty={jwk.get('kty')!r} crv={jwk.get('crv')!r} is not supported; "
            "use OKP/Ed25519 or EC/P-256.",
            code="unsupported_key_type",
        )
    size = 32 if kind == "ed25519" else _EC_SIZES[kind]
    x = _jwk_part(jwk, "x", size)
    if kind == "ed25519":
        public = PublicKey.from_raw(kind, x)
    else:
        public = PublicKey.from_raw(kind, b"\x04" + x + _jwk_part(jwk, "y", size))
    if "d" not in jwk:
        return public
    private = private_key_from_bytes(kind, _jwk_part(jwk, "d", size))
    if private.public_key != public:
        raise KeyManagementError(
            "The JWK's private part does not belong to its public part.", code="key_mismatch"
        )
    return private


def private_key_from_key_file(document: Mapping[str, Any]) -> PrivateKey:
    """A private key from a key file.

    Accepts the Multikey key pair (``secretKeyMultibase``, or ``privateKeyMultibase`` as the
    W3C vc-di-eddsa vectors write it), a ``privateKeyJwk``, or the 1EdTech ``privateKeyHex``.
    A public key given beside it must match.
    """
    if not isinstance(document, Mapping):
        raise KeyManagementError("A key file must be a JSON object.", code="not_a_key_file")
    secret = document.get("secretKeyMultibase", document.get("privateKeyMultibase"))
    if secret is not None:
        key = private_key_from_multikey(secret)
    elif isinstance(document.get("privateKeyJwk"), Mapping):
        loaded = key_from_jwk(document["privateKeyJwk"])
        if not isinstance(loaded, PrivateKey):
            raise _invalid("The privateKeyJwk has no private part 'd'.")
        key = loaded
    elif isinstance(document.get("privateKeyHex"), str):
        key = private_key_from_hex(document["privateKeyHex"])
    else:
        raise KeyManagementError(
            "The key file holds no secret key (secretKeyMultibase, privateKeyJwk or "
            "privateKeyHex).",
            code="not_a_key_file",
        )
    _check_public_part(document, key)
    return key


def _check_public_part(document: Mapping[str, Any], key: PrivateKey) -> None:
    public: PublicKey | None = None
    if "publicKeyMultibase" in document:
        public = public_key_from_multikey(document["publicKeyMultibase"])
    elif isinstance(document.get("publicKeyHex"), str):
        try:
            public = PublicKey.from_raw(key.kind, binascii.unhexlify(document["publicKeyHex"]))
        except (binascii.Error, ValueError) as exc:
            raise _invalid("The publicKeyHex is not hexadecimal.") from exc
    if public is not None and public != key.public_key:
        raise KeyManagementError(
            "The key file's public key does not belong to its secret key.", code="key_mismatch"
        )
