"""Checkpoints (c2sp.org/tlog-checkpoint) and witness cosignatures (c2sp.org/tlog-cosignature).

A checkpoint is a signed note whose text is the log's origin, the tree size in decimal and the
base64 root hash, one per line. A witness cosignature is a note signature of type 0x04: the
key ID, a big-endian u64 POSIX time, and an Ed25519 signature over ``cosignature/v1``, ``time
<t>`` and the checkpoint text. The witness thereby says: as of that time, this is the largest
tree of the log it has seen, and it is consistent with every earlier one it saw.

>>> checkpoint = Checkpoint("example.com/behind-the-sofa", 20852163,
...     base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="))
>>> print(checkpoint.text, end="")
example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
>>> Checkpoint.from_text(checkpoint.text) == checkpoint
True
"""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from credstack.errors import LedgerError
from credstack.ledger.merkle import HASH_SIZE
from credstack.ledger.note import (
    COSIGNATURE,
    Note,
    NoteVerifier,
    Signature,
    check_name,
    open_note,
    parse_note,
)

SPEC: Final = "https://c2sp.org/tlog-checkpoint"
COSIGNATURE_SPEC: Final = "https://c2sp.org/tlog-cosignature"
WITNESSES_MISSING: Final = "witnesses_missing"  # the error code, which verifiers look for
_MAX_TIME: Final = 2**63 - 1


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: which log (``origin``), how many leaves, and their root hash."""

    origin: str
    size: int
    root_hash: bytes

    @property
    def text(self) -> str:
        root = base64.b64encode(self.root_hash).decode()
        return f"{self.origin}\n{self.size}\n{root}\n"

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        """The checkpoint of a note text; extension lines are refused (we never write them)."""
        lines = text.split("\n")
        if len(lines) != 4 or lines[3] != "":
            raise _malformed("A checkpoint has three lines: origin, tree size and root hash.")
        origin, size, root = lines[:3]
        if not origin or not size.isascii() or not size.isdigit() or size != str(int(size)):
            raise _malformed("A checkpoint's tree size is a decimal number without leading zeros.")
        try:
            root_hash = base64.b64decode(root, validate=True)
        except binascii.Error as exc:
            raise _malformed("A checkpoint's root hash is base64.") from exc
        if len(root_hash) != HASH_SIZE:
            raise _malformed(f"A checkpoint's root hash has {HASH_SIZE} bytes.")
        return cls(origin, int(size), root_hash)


def _malformed(message: str) -> LedgerError:
    return LedgerError(message, code="malformed_checkpoint")


def open_checkpoint(note: str | bytes | Note, log: NoteVerifier) -> tuple[Checkpoint, Note]:
    """The checkpoint, once the log's signature verifies and its origin is the log's name."""
    opened = open_note(note, [log])
    checkpoint = Checkpoint.from_text(opened.text)
    if checkpoint.origin != log.name:
        raise LedgerError(
            f"The checkpoint is for {checkpoint.origin!r}, not the log {log.name!r}.",
            code="checkpoint_origin_mismatch",
        )
    return checkpoint, opened


def cosignature_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class Cosigner:
    """A witness's Ed25519 key (type 0x04), with ``sign`` the private key's method."""

    name: str
    public_key: bytes
    sign: Callable[[bytes], bytes]

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier(check_name(self.name), self.public_key, COSIGNATURE)

    def cosign(self, checkpoint: Checkpoint, timestamp: int) -> Signature:
        if not 0 <= timestamp <= _MAX_TIME:
            raise LedgerError("A cosignature time is a POSIX time.", code="invalid_timestamp")
        signature = self.sign(cosignature_message(checkpoint.text, timestamp))
        return Signature(self.name, self.verifier.key_id, struct.pack(">Q", timestamp) + signature)


def cosignature_time(signature: Signature, witness: NoteVerifier, text: str) -> int:
    """The time of ``signature`` once it verifies as ``witness``'s cosignature of ``text``."""
    if (signature.name, signature.key_id) != (witness.name, witness.key_id):
        raise LedgerError(
            f"The signature line of {signature.name} is not from the witness {witness.name}.",
            code="cosignature_unknown_witness",
        )
    if len(signature.value) != 8 + 64:
        raise LedgerError(
            "A cosignature holds an 8-byte time and a 64-byte signature.",
            code="cosignature_invalid",
        )
    (timestamp,) = struct.unpack(">Q", signature.value[:8])
    if timestamp > _MAX_TIME or not witness.verify(
        cosignature_message(text, timestamp), signature.value[8:]
    ):
        raise LedgerError(
            f"The cosignature of {witness.name} does not verify.", code="cosignature_invalid"
        )
    return int(timestamp)


def witnessed_by(note: Note, witnesses: Iterable[NoteVerifier]) -> list[str]:
    """The names of the trusted ``witnesses`` whose cosignature on ``note`` verifies.

    A known witness whose line fails to verify rejects the note, as for any known key.
    """
    known = {(w.name, w.key_id): w for w in witnesses if w.kind == COSIGNATURE}
    names: list[str] = []
    for signature in note.signatures:
        witness = known.get((signature.name, signature.key_id))
        if witness is not None and witness.name not in names:
            cosignature_time(signature, witness, note.text)
            names.append(witness.name)
    return names


def require_witnesses(note: Note, witnesses: Iterable[NoteVerifier], required: int) -> list[str]:
    """``witnessed_by``, failing with ``witnesses_missing`` when fewer than ``required``."""
    names = witnessed_by(note, witnesses)
    if len(names) < required:
        raise LedgerError(
            f"The checkpoint has {len(names)} of the {required} witness cosignatures the "
            "policy requires.",
            code=WITNESSES_MISSING,
        )
    return names


__all__ = [
    "Checkpoint",
    "Cosigner",
    "cosignature_time",
    "open_checkpoint",
    "parse_note",
    "require_witnesses",
    "witnessed_by",
]
