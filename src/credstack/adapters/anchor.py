"""The default anchor: each new checkpoint's digest appended to a local file.

A line is ``<time> <origin> <size> <root hash> sha256:<digest of the signed note>``. Copying
that file somewhere the operator does not control (a public repository, a mailing list) is the
simplest anchor; a real one (OpenTimestamps, a blockchain transaction) implements the same
``Anchor`` port and returns its receipt, which the audit log keeps (docs/ledger.md).

>>> import tempfile, pathlib
>>> from credstack.ledger import Checkpoint
>>> path = pathlib.Path(tempfile.mkdtemp()) / "anchors.txt"
>>> receipt = FileAnchor(path).publish(Checkpoint("log.example", 1, bytes(32)), "note\\n")
>>> path.read_text().split()[1:3]
['log.example', '1']
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from credstack.errors import ConfigurationError
from credstack.ledger import Checkpoint


class FileAnchor:
    def __init__(self, path: Path) -> None:
        self._path = path

    def publish(self, checkpoint: Checkpoint, note: str) -> str:
        digest = hashlib.sha256(note.encode()).hexdigest()
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        root = base64.b64encode(checkpoint.root_hash).decode()
        line = f"{stamp} {checkpoint.origin} {checkpoint.size} {root} sha256:{digest}\n"
        try:
            with self._path.open("a", encoding="utf-8") as handle:
                handle.write(line)
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot append to the anchor file {self._path}: {exc.strerror}.",
                code="anchor_unwritable",
            ) from exc
        return f"file:{self._path}#sha256:{digest}"
