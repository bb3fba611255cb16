"""What the services need from the outside, as protocols that bootstrap fills in."""

from __future__ import annotations

from typing import Final, Protocol

from credstack.proofs.keys import PrivateKey


class KeyVault(Protocol):
    """Seals private keys for storage and opens them again (``adapters.keystore.KeyStore``)."""

    def seal(self, key: PrivateKey, *, key_id: str) -> bytes: ...

    def unseal(self, sealed: bytes, *, key_id: str) -> PrivateKey: ...


class TaskQueue(Protocol):
    """Long work for later (``jobs/``): a task runs after the current transaction commits."""

    def enqueue(self, task: str, /, **arguments: str) -> None:
        """Run ``task`` with ``arguments`` once this unit of work commits (not if it rolls back)."""


class _NoQueue:
    """For services made without a platform (tests of one service): tasks are dropped."""

    def enqueue(self, task: str, /, **arguments: str) -> None:
        return None


NO_QUEUE: Final[TaskQueue] = _NoQueue()
