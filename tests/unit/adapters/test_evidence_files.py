"""Evidence files on disk: written whole, private, read back; keys only as the service makes
them."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import pytest

from credstack.adapters.evidence_files import FileEvidenceStore
from credstack.errors import NotFound, StorageError

KEY = f"{uuid.uuid4()}/{uuid.uuid4()}/0"


def test_put_then_get(tmp_path: Path) -> None:
    store = FileEvidenceStore(tmp_path / "evidence")
    store.put(KEY, b"%PDF-1.7")
    assert store.get(KEY) == b"%PDF-1.7"
    path = tmp_path / "evidence" / KEY
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["0"]  # no temporary file left
    store.put(KEY, b"again")
    assert store.get(KEY) == b"again"


@pytest.mark.parametrize("key", ["../../etc/passwd", "a/b/c", f"{KEY}/x", "/abs"])
def test_keys_that_the_service_does_not_make_are_refused(tmp_path: Path, key: str) -> None:
    store = FileEvidenceStore(tmp_path)
    with pytest.raises(StorageError, match="Not an evidence key"):
        store.put(key, b"x")
    with pytest.raises(StorageError):
        store.get(key)


def test_missing_and_unwritable(tmp_path: Path) -> None:
    store = FileEvidenceStore(tmp_path)
    with pytest.raises(NotFound):
        store.get(KEY)
    blocked = tmp_path / "file"
    blocked.write_bytes(b"")
    with pytest.raises(StorageError, match="could not be written"):
        FileEvidenceStore(blocked).put(KEY, b"x")
    (tmp_path / KEY).mkdir(parents=True)
    with pytest.raises(StorageError, match="could not be read"):
        store.get(KEY)
