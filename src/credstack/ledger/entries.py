"""What a leaf of the log says: a credential was issued, or its status changed.

A leaf's data is the RFC 8785 (JCS) canonical JSON of the entry, so the same entry always has
the same bytes, and anyone can read it. The credential digest is SHA-256 over the credential's
JCS form (a JSON credential) or over the compact JWT's ASCII text: a verifier that received the
credential pretty-printed, or re-serialised by a wallet, computes the same digest.

>>> entry = Entry("credential.issued", "https://x.example/credentials/1", "ab" * 32,
...               "did:web:x.example", "2026-01-01T00:00:00Z")
>>> Entry.decode(entry.encode()) == entry
True
>>> entry.encode()[:40]
b'{"credential":"https://x.example/credent'
>>> credential_digest('{"b": 1, "a": [1, 2]}') == credential_digest({"a": [1, 2], "b": 1})
True
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import rfc8785

from credstack.errors import LedgerError
from credstack.model.jcs import canonicalize

KINDS: Final = (
    "credential.issued",
    "credential.revoked",
    "credential.suspended",
    "credential.unsuspended",
)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_FIELDS = ("credential", "digest", "issuer", "kind", "time")
_BACKFILLED = tuple(sorted((*_FIELDS, "backfill")))


@dataclass(frozen=True)
class Entry:
    """One leaf. ``time`` is when the log appended it. ``backfill`` is set only on an entry
    appended late for an event older than the log (``credstack ledger backfill``): the time
    the database gives for the event, which the log did not see happen."""

    kind: str
    credential: str
    digest: str
    issuer: str
    time: str
    backfill: str | None = None

    def encode(self) -> bytes:
        if self.kind not in KINDS or not _HEX64.match(self.digest):
            raise LedgerError(
                f"A ledger entry is one of {', '.join(KINDS)} with a SHA-256 hex digest.",
                code="invalid_entry",
            )
        names = _FIELDS if self.backfill is None else _BACKFILLED
        return canonicalize({name: getattr(self, name) for name in names})

    @classmethod
    def decode(cls, data: bytes) -> Entry:
        try:
            value = json.loads(data)
        except ValueError as exc:
            raise LedgerError("A ledger leaf is JSON.", code="invalid_entry") from exc
        if (
            not isinstance(value, dict)
            or tuple(sorted(value)) not in (_FIELDS, _BACKFILLED)
            or not all(isinstance(v, str) for v in value.values())
        ):
            raise LedgerError(
                f"A ledger leaf has exactly the string fields {', '.join(_FIELDS)} "
                "(and backfill, on a backfilled one).",
                code="invalid_entry",
            )
        entry = cls(**value)
        if entry.encode() != data:
            raise LedgerError(
                "A ledger leaf is in canonical JSON (RFC 8785).", code="invalid_entry"
            )
        return entry


def credential_digest(credential: str | Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the credential's JCS form, or of a compact JWT's text."""
    if isinstance(credential, str):
        text = credential.strip()
        if not text.startswith("{"):
            return hashlib.sha256(text.encode("ascii", "replace")).hexdigest()
        try:
            credential = json.loads(text)
        except ValueError as exc:
            raise LedgerError("The credential is not JSON.", code="invalid_entry") from exc
    try:
        canonical = canonicalize(credential)
    except (rfc8785.CanonicalizationError, TypeError) as exc:
        raise LedgerError(
            "The credential cannot be put in canonical JSON (RFC 8785).", code="invalid_entry"
        ) from exc
    return hashlib.sha256(canonical).hexdigest()
