"""What the services need from the outside, as protocols that bootstrap fills in."""

from __future__ import annotations

from typing import Final, Protocol

from credstack.proofs.keys import PrivateKey
from credstack.store.credentials import IssuedCredentialRecord


class KeyVault(Protocol):
    """Seals private keys for storage and opens them again (``adapters.keystore.KeyStore``)."""

    def seal(self, key: PrivateKey, *, key_id: str) -> bytes: ...

    def unseal(self, sealed: bytes, *, key_id: str) -> PrivateKey: ...


class CredentialListener(Protocol):
    """Told of each credential issued and each status change, inside the same transaction
    (``services.pathways.PathwayService`` awards stacked credentials and applies revocations)."""

    def issued(self, record: IssuedCredentialRecord) -> None: ...

    def status_changed(self, record: IssuedCredentialRecord, action: str) -> None: ...


class EvidenceStore(Protocol):
    """Keeps the bytes of submitted evidence files (``adapters.evidence_files`` on disk)."""

    def put(self, key: str, content: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...


class TaskQueue(Protocol):
    """Long work for later (``jobs/``): a task runs after the current transaction commits."""

    def enqueue(self, task: str, /, **arguments: str) -> None:
        """Run ``task`` with ``arguments`` once this unit of work commits (not if it rolls back)."""


class _NoQueue:
    """For services made without a platform (tests of one service): tasks are dropped."""

    def enqueue(self, task: str, /, **arguments: str) -> None:
        return None


NO_QUEUE: Final[TaskQueue] = _NoQueue()
