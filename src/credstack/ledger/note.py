"""Signed notes (c2sp.org/signed-note): text, a blank line, then signature lines.

A signature line is ``— <key name> base64(key ID || signature)``; the key ID is the first four
bytes of ``SHA-256(key name || 0x0A || type || public key)``. Type ``0x01`` is an Ed25519
signature over the note text; type ``0x04`` is a timestamped witness cosignature
(c2sp.org/tlog-cosignature, see ``credstack.ledger.checkpoint``). A verifier key ("vkey") is
``<name>+<hex key ID>+base64(type || public key)``.

The reference example of the Go implementation (golang.org/x/mod/sumdb/note) opens:

>>> vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
>>> note = (
...     "If you think cryptography is the answer to your problem,\\n"
...     "then you don't know what your problem is.\\n\\n"
...     "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
...     "tpRZb6KE6RyyBwJnAM=\\n"
... )
>>> opened = open_note(note, [NoteVerifier.from_vkey(vkey)])
>>> opened.text.splitlines()[1]
"then you don't know what your problem is."
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credstack.errors import LedgerError

SPEC: Final = "https://c2sp.org/signed-note"
ED25519: Final = 0x01
COSIGNATURE: Final = 0x04
DASH: Final = "\u2014 "
MAX_SIGNATURES: Final = 100
MAX_NOTE_BYTES: Final = 1 << 20


def key_id(name: str, kind: int, public_key: bytes) -> bytes:
    """The recommended 4-byte key ID: SHA-256(name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()[:4]


def check_name(name: str) -> str:
    """A key name: non-empty, no Unicode space, no plus."""
    if not name or "+" in name or any(c.isspace() for c in name) or not name.isprintable():
        raise LedgerError(
            f"A key name is non-empty, with no spaces or '+': {name!r} is not.",
            code="invalid_key_name",
        )
    return name


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted key: its name, type (0x01 or 0x04) and the 32-byte Ed25519 public key."""

    name: str
    public_key: bytes
    kind: int = ED25519

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.kind, self.public_key)

    @property
    def vkey(self) -> str:
        material = base64.b64encode(bytes([self.kind]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        """Parse ``<name>+<hex key ID>+<base64(type || key)>``; the ID must match the key."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise _bad_vkey(vkey)
        name, hex_id, material = parts
        try:
            check_name(name)
            raw = base64.b64decode(material, validate=True)
            wanted = bytes.fromhex(hex_id)
        except (LedgerError, ValueError, binascii.Error) as exc:
            raise _bad_vkey(vkey) from exc
        if len(hex_id) != 8 or len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE):
            raise _bad_vkey(vkey)
        verifier = cls(name, raw[1:], raw[0])
        if verifier.key_id != wanted:
            raise _bad_vkey(vkey)
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def _bad_vkey(vkey: str) -> LedgerError:
    return LedgerError(
        f"{vkey[:80]!r} is not a verifier key <name>+<key id>+<base64 key> whose id matches "
        "its Ed25519 key.",
        code="invalid_verifier_key",
    )


@dataclass(frozen=True)
class NoteSigner:
    """Signs notes as ``name`` with an Ed25519 key held elsewhere (``sign`` is its method)."""

    name: str
    public_key: bytes
    sign: Callable[[bytes], bytes]

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.public_key, ED25519)

    def signature_line(self, text: str) -> str:
        signature = self.sign(text.encode())
        blob = base64.b64encode(self.verifier.key_id + signature).decode()
        return f"{DASH}{self.name} {blob}\n"


@dataclass(frozen=True)
class Signature:
    """One signature line: the key name, key ID and what follows it (the signature)."""

    name: str
    key_id: bytes
    value: bytes

    @property
    def line(self) -> str:
        return f"{DASH}{self.name} {base64.b64encode(self.key_id + self.value).decode()}\n"


@dataclass(frozen=True)
class Note:
    """A parsed note: its text (with the final newline) and its signature lines."""

    text: str
    signatures: tuple[Signature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(s.line for s in self.signatures)

    def with_signatures(self, extra: Iterable[Signature]) -> Note:
        """The note with ``extra`` lines added (a line already present is not repeated)."""
        seen = {s.line for s in self.signatures}
        added = tuple(s for s in extra if s.line not in seen)
        return Note(self.text, self.signatures + added)


def sign_note(text: str, signer: NoteSigner) -> str:
    """``text`` (ending in a newline) signed by ``signer``."""
    check_text(text)
    check_name(signer.name)
    return text + "\n" + signer.signature_line(text)


def check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise LedgerError(
            "A note's text ends in a newline and has no blank line or control characters.",
            code="malformed_note",
        )


def parse_note(note: str | bytes) -> Note:
    """Split a signed note into its text and signature lines, checking their syntax."""
    if isinstance(note, bytes):
        if len(note) > MAX_NOTE_BYTES:
            raise _malformed("The note is larger than 1 MiB.")
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _malformed("A note is UTF-8 text.") from exc
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise _malformed("A note has no control characters but newlines.")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise _malformed(
            "A note is text, a blank line and signature lines, each ending in a newline."
        )
    text, lines = note[: split + 1], note[split + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise _malformed(f"A note carries at most {MAX_SIGNATURES} signatures here.")
    return Note(text, tuple(_parse_signature(line) for line in lines))


def _parse_signature(line: str) -> Signature:
    if not line.startswith(DASH):
        raise _malformed("A signature line starts with an em dash and a space.")
    name, _, blob = line[len(DASH) :].partition(" ")
    try:
        check_name(name)
        raw = base64.b64decode(blob, validate=True)
    except (LedgerError, binascii.Error) as exc:
        raise _malformed(f"The signature line of {name!r} cannot be read.") from exc
    if len(raw) < 5 or " " in blob:
        raise _malformed(f"The signature line of {name!r} is too short.")
    return Signature(name, raw[:4], raw[4:])


def _malformed(message: str) -> LedgerError:
    return LedgerError(message, code="malformed_note")


def open_note(note: str | bytes | Note, verifiers: Iterable[NoteVerifier]) -> Note:
    """The note, once an Ed25519 signature of a known key verifies.

    Per the spec, lines from unknown keys are ignored; a known key's line that fails rejects
    the whole note; a note with no verified known signature is rejected.
    """
    parsed = note if isinstance(note, Note) else parse_note(note)
    known = {(v.name, v.key_id): v for v in verifiers if v.kind == ED25519}
    verified = False
    for signature in parsed.signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not verifier.verify(parsed.text.encode(), signature.value):
            raise LedgerError(
                f"The signature of {signature.name} on the note does not verify: the note was "
                "changed after signing, or the key is wrong.",
                code="note_signature_invalid",
            )
        verified = True
    if not verified:
        raise LedgerError(
            "The note carries no signature from a trusted key.", code="note_unverified"
        )
    return parsed
