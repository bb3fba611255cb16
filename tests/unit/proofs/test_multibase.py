from __future__ import annotations

import pytest

from credstack.errors import InvalidInput
from credstack.proofs.multibase import (
    base58btc_decode,
    base64url_decode,
    base64url_encode,
    decode_multibase,
    decode_multicodec,
    encode_multibase,
    encode_multicodec,
)


@pytest.mark.parametrize("data", [b"", b"\x00", b"\x00\x00hello", bytes(range(256))])
def test_multibase_round_trips_in_both_bases(data: bytes) -> None:
    assert decode_multibase(encode_multibase(data)) == data
    assert decode_multibase(encode_multibase(data, "base64url")) == data


def test_base58btc_uses_the_bitcoin_alphabet() -> None:
    assert encode_multibase(b"hello world") == "zStV1DL6CwTryKyV"
    for bad in ("0", "O", "I", "l", "é"):
        with pytest.raises(InvalidInput) as info:
            base58btc_decode("abc" + bad)
        assert info.value.code == "invalid_multibase"


@pytest.mark.parametrize("value", ["", "fabcd", "mAAA", "Zabc"])
def test_unsupported_multibase_prefixes_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput) as info:
        decode_multibase(value)
    assert info.value.code == "invalid_multibase"


def test_base64url_is_unpadded_and_url_safe() -> None:
    assert base64url_encode(b"\xfb\xff") == "-_8"
    assert base64url_decode("-_8") == b"\xfb\xff"


@pytest.mark.parametrize("value", ["-_8=", "+/8", "QR", "A", "ab cd"])
def test_base64url_refuses_padding_other_alphabets_and_stray_bits(value: str) -> None:
    with pytest.raises(InvalidInput) as info:
        base64url_decode(value)
    assert info.value.code == "invalid_base64url"


@pytest.mark.parametrize(
    ("codec", "prefix"),
    [
        ("ed25519-pub", "ed01"),
        ("ed25519-priv", "8026"),
        ("p256-pub", "8024"),
        ("p256-priv", "8626"),
        ("p384-pub", "8124"),
        ("p384-priv", "8726"),
    ],
)
def test_multicodec_prefixes(codec: str, prefix: str) -> None:
    data = encode_multicodec(codec, b"key")  # type: ignore[arg-type]
    assert data.hex() == prefix + b"key".hex()
    assert decode_multicodec(data) == (codec, b"key")


def test_unknown_multicodec_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        decode_multicodec(bytes([0x12, 0x20]) + bytes(32))  # a sha2-256 multihash
    assert info.value.code == "unknown_multicodec"


@pytest.mark.parametrize("text", ["2\n", " 2", "2 "])
def test_base58btc_refuses_whitespace(text: str) -> None:
    with pytest.raises(InvalidInput):
        base58btc_decode(text)


@pytest.mark.parametrize("text", ["QQ\n", "QQ=", "QR", "QQR"])
def test_base64url_refuses_newlines_padding_and_stray_bits(text: str) -> None:
    with pytest.raises(InvalidInput):
        base64url_decode(text)
