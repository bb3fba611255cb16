from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from credstack.errors import KeyManagementError
from credstack.proofs.keys import (
    KeyKind,
    PrivateKey,
    PublicKey,
    generate_key,
    key_from_jwk,
    private_key_from_bytes,
    private_key_from_hex,
    private_key_from_key_file,
    private_key_from_multikey,
    public_key_from_multikey,
)
from tests.conftest import read_vector_json, read_vector_text

KINDS: list[KeyKind] = ["ed25519", "p256", "p384"]
ED_SECRET = generate_key("ed25519").secret_multikey
P256_PUBLIC_JWK = generate_key("p256").public_key.to_jwk()
P256_PUBLIC = generate_key("p256").public_key.multikey


@pytest.mark.parametrize(
    ("kind", "prefix", "alg", "size"),
    [("ed25519", "z6Mk", "EdDSA", 64), ("p256", "zDn", "ES256", 64), ("p384", "z82", "ES384", 96)],
)
def test_sign_verify_and_names(kind: KeyKind, prefix: str, alg: str, size: int) -> None:
    key = generate_key(kind)
    signature = key.sign(b"data")
    assert len(signature) == size
    assert key.public_key.verify(signature, b"data")
    assert key.public_key.multikey.startswith(prefix)
    assert key.public_key.jose_alg == alg
    assert key.kind == key.public_key.kind == kind


@pytest.mark.parametrize("kind", KINDS)
def test_verify_is_false_never_an_error(kind: KeyKind) -> None:
    key = generate_key(kind)
    signature = key.sign(b"data")
    assert not key.public_key.verify(signature, b"other")
    assert not key.public_key.verify(signature[:-1], b"data")
    assert not key.public_key.verify(b"", b"data")
    assert not key.public_key.verify(bytes(len(signature)), b"data")
    assert not generate_key(kind).public_key.verify(signature, b"data")


def test_p256_signature_is_p1363_r_then_s() -> None:
    key = generate_key("p256")
    signature = key.sign(b"data")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(_b64(key.public_key.to_jwk()["x"]), "big"),
        int.from_bytes(_b64(key.public_key.to_jwk()["y"]), "big"),
        ec.SECP256R1(),
    ).public_key()
    public.verify(der, b"data", ec.ECDSA(hashes.SHA256()))  # raises if not


def _b64(value: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@pytest.mark.parametrize("kind", KINDS)
def test_multikey_jwk_and_key_file_round_trip(kind: KeyKind) -> None:
    key = generate_key(kind)
    assert public_key_from_multikey(key.public_key.multikey) == key.public_key
    assert private_key_from_multikey(key.secret_multikey).public_key == key.public_key
    assert key_from_jwk(key.public_key.to_jwk()) == key.public_key
    restored = key_from_jwk(key.to_jwk(private=True))
    assert isinstance(restored, PrivateKey)
    assert restored.public_key == key.public_key
    assert "d" not in key.to_jwk(private=False)
    key_file = key.to_key_file()
    assert key_file["type"] == "Multikey"
    assert key_file["controller"] == f"did:key:{key.public_key.multikey}"
    assert key_file["id"] == f"{key_file['controller']}#{key.public_key.multikey}"
    assert private_key_from_key_file(key_file).public_key == key.public_key


def test_key_file_controller_and_id_can_be_given() -> None:
    key = generate_key("ed25519")
    key_file = key.to_key_file(controller="did:web:example.com", key_id="did:web:example.com#k")
    assert (key_file["controller"], key_file["id"]) == (
        "did:web:example.com",
        "did:web:example.com#k",
    )


def test_w3c_vector_key_files_load() -> None:
    pair = read_vector_json("w3c-vc-di-eddsa/keyPair.json")  # privateKeyMultibase spelling
    key = private_key_from_key_file(pair)
    assert key.public_key.multikey == pair["publicKeyMultibase"]
    assert key.secret_multikey == pair["privateKeyMultibase"]
    p256 = read_vector_json("w3c-vc-di-ecdsa/p256KeyPair.json")
    assert private_key_from_key_file(p256).secret_multikey == p256["secretKeyMultibase"]


def test_1edtech_hex_secret_loads_in_both_lengths() -> None:
    secret = read_vector_text("1edtech-ob3/ldp-vector/privateKeyHex.txt")
    public = read_vector_text("1edtech-ob3/ldp-vector/publicKeyHex.txt")
    key = private_key_from_hex(secret)
    assert key.public_key.raw.hex() == public
    assert private_key_from_hex(secret[:64]).public_key == key.public_key
    from_file = private_key_from_key_file({"privateKeyHex": secret, "publicKeyHex": public})
    assert from_file.public_key == key.public_key


def _code(call: Any) -> str:
    with pytest.raises(KeyManagementError) as info:
        call()
    return info.value.code


def test_mismatched_public_parts_are_refused() -> None:
    key, other = generate_key("ed25519"), generate_key("ed25519")
    wrong = {**key.to_key_file(), "publicKeyMultibase": other.public_key.multikey}
    assert _code(lambda: private_key_from_key_file(wrong)) == "key_mismatch"
    secret = key.to_jwk()["d"]
    jwk = {**other.public_key.to_jwk(), "d": secret}
    assert _code(lambda: key_from_jwk(jwk)) == "key_mismatch"
    bad_seed = bytes(32) + other.public_key.raw
    assert _code(lambda: private_key_from_bytes("ed25519", bad_seed)) == "key_mismatch"
    hex_file = {"privateKeyHex": key.to_jwk()["d"], "publicKeyHex": "zz"}
    assert _code(lambda: private_key_from_key_file(hex_file)) == "invalid_key"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: public_key_from_multikey("6Mkabc"), "invalid_key"),
        (lambda: public_key_from_multikey("z0OIl"), "invalid_key"),
        (lambda: public_key_from_multikey("z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"),
         "unsupported_key_type"),
        (lambda: public_key_from_multikey(ED_SECRET), "invalid_key"),
        (lambda: private_key_from_multikey(P256_PUBLIC), "invalid_key"),
        (lambda: PublicKey.from_raw("ed25519", bytes(31)), "invalid_key"),
        (lambda: PublicKey.from_raw("p256", b"\x05" + bytes(32)), "invalid_key"),
        (lambda: private_key_from_bytes("p256", bytes(32)), "invalid_key"),
        (lambda: private_key_from_bytes("p256", bytes(31)), "invalid_key"),
        (lambda: private_key_from_bytes("ed25519", bytes(33)), "invalid_key"),
        (lambda: private_key_from_hex("not hex"), "invalid_key"),
        (lambda: generate_key("rsa"), "unsupported_key_type"),  # type: ignore[arg-type]
        (lambda: key_from_jwk({"kty": "RSA", "n": "x", "e": "AQAB"}), "unsupported_key_type"),
        (lambda: key_from_jwk({"kty": "EC", "crv": "Ed25519", "x": "AA"}), "unsupported_key_type"),
        (lambda: key_from_jwk({"kty": "OKP", "crv": "Ed25519", "x": "AA"}), "invalid_key"),
        (lambda: key_from_jwk({"kty": "OKP", "crv": "Ed25519", "x": "A+"}), "invalid_key"),
        (lambda: private_key_from_key_file({"publicKeyMultibase": "z6Mk"}), "not_a_key_file"),
        (lambda: private_key_from_key_file([]), "not_a_key_file"),  # type: ignore[arg-type]
        (lambda: private_key_from_key_file({"privateKeyJwk": P256_PUBLIC_JWK}), "invalid_key"),
    ],
)  # fmt: skip
def test_bad_keys_raise_key_management_errors(call: Any, code: str) -> None:
    assert _code(call) == code


def test_uncompressed_points_are_not_multikeys() -> None:
    from credstack.proofs.multibase import encode_multibase, encode_multicodec

    key = generate_key("p256")
    jwk = key.public_key.to_jwk()
    uncompressed = b"\x04" + _b64(jwk["x"]) + _b64(jwk["y"])
    assert PublicKey.from_raw("p256", uncompressed) == key.public_key
    multikey = encode_multibase(encode_multicodec("p256-pub", uncompressed))
    assert _code(lambda: public_key_from_multikey(multikey)) == "invalid_key"


def test_private_jwk_key_file_loads() -> None:
    key = generate_key("p256")
    assert private_key_from_key_file({"privateKeyJwk": key.to_jwk()}).public_key == key.public_key


def test_repr_shows_no_secret_and_keys_compare_by_value() -> None:
    key = generate_key("ed25519")
    assert key.secret_multikey not in repr(key)
    assert key.public_key.multikey in repr(key.public_key)
    copy = public_key_from_multikey(key.public_key.multikey)
    assert copy == key.public_key
    assert hash(copy) == hash(key.public_key)
    assert copy != generate_key("ed25519").public_key
    assert copy != key.public_key.multikey
