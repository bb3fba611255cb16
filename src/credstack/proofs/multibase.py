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

import base58

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

_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def base58btc_encode(data: bytes) -> str:
    """Base58 with the Bitcoin alphabet, without a multibase prefix."""
    encoded: bytes = base58.b58encode(data)
    return encoded.decode("ascii")


def base58btc_decode(text: str) -> bytes:
    """The bytes of a base58btc string (no multibase prefix); ``InvalidInput`` if malformed."""
    try:
        decoded: bytes = base58.b58decode(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise InvalidInput(
            "The value is not base58btc: it holds characters outside the Bitcoin alphabet.",
            code="invalid_multibase",
        ) from exc
    return decoded


def base64url_encode(data: bytes) -> str:
    """Base64url without padding, as JOSE writes it (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def base64url_decode(text: str) -> bytes:
    """Strict base64url without padding: other alphabets, padding and stray bits are refused."""
    if not _BASE64URL.match(text) or len(text) % 4 == 1:
        raise InvalidInput(
            "The value is not unpadded base64url (RFC 7515 section 2).", code="invalid_base64url"
        )
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("The value is not valid base64url.", code="invalid_base64url") from exc
    # Refuse non-canonical encodings (unused trailing bits set): one byte string, one text.
    if base64url_encode(data) != text:
        raise InvalidInput(
            "The value is not canonical base64url (unused bits are set).",
            code="invalid_base64url",
        )
    return data


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
