"""Status lists already verified, remembered by their content across verifications.

Checking a ``BitstringStatusListCredential`` costs a canonicalization and a signature check;
a verifier that checks many credentials sees the same few lists again and again. The cache is
keyed by the list's URL and the SHA-256 of its exact JSON, so a list that changed in any way
is checked afresh. What depends on the clock is not remembered: on every use the list's
validity window is checked again, and lists whose proofs expire are not cached at all.

>>> cache = VerifiedLists(maxsize=2)
>>> cache.key("https://example.edu/status/1", {"id": "x"}) is not None
True
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from threading import Lock
from typing import Any, Generic, TypeVar

from credstack.model.plain_json import dumps

Checked = TypeVar("Checked")


class VerifiedLists(Generic[Checked]):
    """A bounded, thread-safe map from (URL, content digest) to a checked list."""

    def __init__(self, maxsize: int = 256) -> None:
        self._maxsize = maxsize
        self._entries: OrderedDict[tuple[str, bytes], Checked] = OrderedDict()
        self._lock = Lock()

    def key(self, url: str, document: Mapping[str, Any]) -> tuple[str, bytes] | None:
        """The cache key of ``document`` as served at ``url``; None when it is not cacheable
        (not exact JSON, or a proof with an expiry, which depends on the clock)."""
        proofs = document.get("proof")
        for proof in proofs if isinstance(proofs, list) else [proofs]:
            if isinstance(proof, Mapping) and "expires" in proof:
                return None
        data = dumps(document)
        return None if data is None else (url, hashlib.sha256(data).digest())

    def get(self, key: tuple[str, bytes]) -> Checked | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, bytes], checked: Checked) -> None:
        with self._lock:
            self._entries[key] = checked
            self._entries.move_to_end(key)
            while len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)
