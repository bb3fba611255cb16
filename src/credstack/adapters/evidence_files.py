"""Evidence files on local disk, behind ``services.ports.EvidenceStore``.

Keys are made by the service (``<org uuid>/<submission uuid>/<n>``), never from a learner's file
name; each file is written to a temporary name and renamed, so a reader never sees half a file,
with mode 0600. Object storage would be another class with the same two methods.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Final

from credstack.errors import NotFound, StorageError

_KEY: Final = re.compile(r"^[0-9a-f-]{36}/[0-9a-f-]{36}/[0-9]{1,3}$")


class FileEvidenceStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(content)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageError(
                f"The evidence file could not be written: {exc.strerror}.", code="evidence_store"
            ) from exc

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise NotFound("The evidence file is gone.", code="evidence_not_found") from exc
        except OSError as exc:
            raise StorageError(
                f"The evidence file could not be read: {exc.strerror}.", code="evidence_store"
            ) from exc

    def _path(self, key: str) -> Path:
        # The service makes the keys; checking them anyway keeps a bug from writing elsewhere.
        if not _KEY.match(key):
            raise StorageError(f"Not an evidence key: {key!r}.", code="evidence_store")
        return self._root / key
