"""Multibase and multicodec: how keys and signatures are written as text.

Data Integrity proof values and Multikey public keys are base58btc multibase (prefix ``z``);
JOSE uses base64url without padding (RFC 7515 section 2), which multibase writes with ``u``.
A Multikey is a multicodec prefix (an unsigned varint) followed by the raw key bytes
(https://www.w3.org/TR/cid-1.0/#Multikey).

>>> encode_multibase(bytes([0xED, 0x01]) + bytes(32))[:4]
'z6Mk'
>>> decode_multicodec(bytes([0xED, 0x01]) + bytes(32))[0]
'ed25519-pub'
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final, Literal

import gmpy2

from credstack.errors import InvalidInput

CodecName = Literal["ed25519-pub", "ed25519-priv", "p256-pub", "p256-priv", "p384-pub", "p384-priv"]

# Multicodec table (https://github.com/multiformats/multicodec/blob/master/table.csv): the
# varint bytes each key type starts with. ``0x8026`` is the varint of code 0x1300, and so on.
MULTICODEC_PREFIXES: Final[dict[CodecName, bytes]] = {
    "ed25519-pub": bytes([0xED, 0x01]),
    "ed25519-priv": bytes([0x80, 0x26]),
    "p256-pub": bytes([0x80, 0x24]),
    "p256-priv": bytes([0x86, 0x26]),
    "p384-pub": bytes([0x81, 0x24]),
    "p384-priv": bytes([0x87, 0x26]),
}

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_BASE64URL_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# The characters that may end a group of 2 (values that are multiples of 16) or 3 (of 4).
_CANONICAL_LAST: Final = {
    2: frozenset(_BASE64URL_ALPHABET[::16]),
    3: frozenset(_BASE64URL_ALPHABET[::4]),
}


# Base58 is converted by GMP (gmpy2) rather than by the ``base58`` package, which is pure
# Python and divides the number once per digit: every proof value is encoded on signing and
# decoded on verifying, and that took longer than the hashing. GMP writes base 58 with the
# digits 0-9A-Za-v, which a translation maps to the Bitcoin alphabet. The property tests check
# both directions against the ``base58`` package. The translation runs on bytes: a 256-byte
# table there is several times faster than ``str.translate``, which looks each character up
# in a dict (about 1 µs per signature value).
_BASE58_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_GMP_BASE58_DIGITS: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
_TO_BASE58: Final = bytes.maketrans(_GMP_BASE58_DIGITS.encode(), _BASE58_ALPHABET.encode())
_FROM_BASE58: Final = bytes.maketrans(_BASE58_ALPHABET.encode(), _GMP_BASE58_DIGITS.encode())
_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]*")


def base58btc_encode(data: bytes) -> str:
    """Base58 with the Bitcoin alphabet, without a multibase prefix.

    Each leading zero byte is one ``1``; the rest is the big-endian number in base 58.
    """
    number = int.from_bytes(data, "big")
    digits = (
        gmpy2.mpz(number).digits(58).encode("ascii").translate(_TO_BASE58).decode("ascii")
        if number
        else ""
    )
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + digits


def base58btc_decode(text: str) -> bytes:
    """The bytes of a base58btc string (no multibase prefix); ``InvalidInput`` if malformed."""
    if not _BASE58.fullmatch(text):
        raise InvalidInput(
            "The value is not base58btc: it holds characters outside the Bitcoin alphabet.",
            code="invalid_multibase",
        )
    digits = text.lstrip("1")
    zeros = len(text) - len(digits)
    gmp_digits = digits.encode("ascii").translate(_FROM_BASE58).decode("ascii")
    number = int(gmpy2.mpz(gmp_digits, 58)) if digits else 0
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def base64url_encode(data: bytes) -> str:
    """Base64url without padding, as JOSE writes it (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def base64url_decode(text: str) -> bytes:
    """Strict base64url without padding: other alphabets, padding and stray bits are refused."""
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise InvalidInput(
            "The value is not unpadded base64url (RFC 7515 section 2).", code="invalid_base64url"
        )
    # Refuse non-canonical encodings (unused trailing bits set): one byte string, one text.
    # The unused bits are the low bits of the last character (4 of them after 2 characters of
    # a group, 2 after 3).
    tail = len(text) % 4
    if tail and text[-1] not in _CANONICAL_LAST[tail]:
        raise InvalidInput(
            "The value is not canonical base64url (unused bits are set).",
            code="invalid_base64url",
        )
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("The value is not valid base64url.", code="invalid_base64url") from exc


def encode_multibase(data: bytes, base: Literal["base58btc", "base64url"] = "base58btc") -> str:
    """Multibase text: ``z`` + base58btc, or ``u`` + base64url."""
    if base == "base64url":
        return "u" + base64url_encode(data)
    return "z" + base58btc_encode(data)


def decode_multibase(text: str) -> bytes:
    """Bytes of a multibase string in base58btc (``z``) or base64url (``u``)."""
    if not isinstance(text, str) or not text:
        raise InvalidInput(
            "A multibase value must be a non-empty string.", code="invalid_multibase"
        )
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return base58btc_decode(body)
    if prefix == "u":
        return base64url_decode(body)
    raise InvalidInput(
        f"The multibase prefix {prefix!r} is not supported; use 'z' (base58btc) or 'u' "
        "(base64url).",
        code="invalid_multibase",
    )


def encode_multicodec(codec: CodecName, raw: bytes) -> bytes:
    """``raw`` behind the multicodec prefix of ``codec``."""
    return MULTICODEC_PREFIXES[codec] + raw


def decode_multicodec(data: bytes) -> tuple[CodecName, bytes]:
    """The codec name and the bytes after its prefix; ``InvalidInput`` for unknown codecs."""
    for name, prefix in MULTICODEC_PREFIXES.items():
        if data.startswith(prefix):
            return name, data[len(prefix) :]
    raise InvalidInput(
        "The value does not start with a supported multicodec prefix "
        "(Ed25519, P-256 or P-384 key).",
        code="unknown_multicodec",
    )
