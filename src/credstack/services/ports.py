"""What the services need from the outside, as protocols that bootstrap fills in."""

from __future__ import annotations

import uuid
from collections.abc import Generator, Mapping, Sequence
from typing import Final, Protocol

from credstack.errors import Error
from credstack.issue import IssueCall, SignedText, issue_many
from credstack.ledger.checkpoint import Checkpoint
from credstack.proofs.keys import PrivateKey
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.models import Organization


class KeyVault(Protocol):
    """Seals private keys for storage and opens them again (``adapters.keystore.KeyStore``)."""

    def seal(self, key: PrivateKey, *, key_id: str) -> bytes: ...

    def unseal(self, sealed: bytes, *, key_id: str) -> PrivateKey: ...


class SecretVault(Protocol):
    """Seals other secrets (webhook signing secrets) under the master key."""

    def seal_secret(self, secret: bytes, *, purpose: str) -> bytes: ...

    def unseal_secret(self, sealed: bytes, *, purpose: str) -> bytes: ...


class WebhookSender(Protocol):
    """POSTs one signed delivery (``adapters.webhook_sender``); the HTTP status, or
    ``ResolutionError`` when no answer could be had (refused address, timeout...)."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int: ...


class CredentialListener(Protocol):
    """Told of each credential issued and each status change, inside the same transaction
    (``services.pathways.PathwayService`` awards stacked credentials and applies revocations)."""

    def issuing(self, organization: Organization, recipient: str) -> None:
        """Before the status list is locked: take, in this order, the locks ``issued`` needs."""

    def listens(self, organization: Organization) -> bool:
        """Whether ``issued`` has anything to do for the organisation's credentials: a bulk
        batch makes its credentials' records only for listeners that do."""

    def issued(self, record: IssuedCredentialRecord) -> None: ...

    def status_changed(self, record: IssuedCredentialRecord, action: str) -> None: ...


class EventPublisher(Protocol):
    """Announces an event of an organisation to the webhook endpoints that asked for it, in the
    caller's transaction (``services.webhooks.WebhookService``): a change that rolls back
    announces nothing. ``data`` is the event's JSON object."""

    def publish(
        self, organization_id: uuid.UUID, event: str, data: Mapping[str, object]
    ) -> None: ...


class _NoEvents:
    """For services made without a platform (tests of one service): events are dropped."""

    def publish(self, organization_id: uuid.UUID, event: str, data: Mapping[str, object]) -> None:
        return None


NO_EVENTS: Final[EventPublisher] = _NoEvents()


class EvidenceStore(Protocol):
    """Keeps the bytes of submitted evidence files (``adapters.evidence_files`` on disk)."""

    def put(self, key: str, content: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...


class TaskQueue(Protocol):
    """Long work for later (``jobs/``): a task runs after the current transaction commits."""

    def enqueue(self, task: str, /, **arguments: str) -> None:
        """Run ``task`` with ``arguments`` once this unit of work commits (not if it rolls back)."""

    def enqueue_in(self, seconds: float, task: str, /, **arguments: str) -> None:
        """Like ``enqueue``, but the task runs ``seconds`` after the commit (a retry's backoff)."""


class _NoQueue:
    """For services made without a platform (tests of one service): tasks are dropped."""

    def enqueue(self, task: str, /, **arguments: str) -> None:
        return None

    def enqueue_in(self, seconds: float, task: str, /, **arguments: str) -> None:
        return None


NO_QUEUE: Final[TaskQueue] = _NoQueue()


class Mailer(Protocol):
    """Hands a message on (``adapters.mail``: an SMTP server, or the outbox table itself).

    ``send`` raises ``DeliveryFailed`` (``permanent`` when trying again cannot help)."""

    @property
    def transport(self) -> str:
        """How messages leave: ``smtp`` or ``outbox``."""

    @property
    def remote(self) -> bool:
        """True when sending reaches over the network, so it runs as a task (with retries)
        after the transaction commits; False when it is done inside the transaction."""

    def send(self, recipient: str, subject: str, body: str, *, message_id: str) -> None:
        """Hand one plain-text message to one address on; ``message_id`` is its outbox id."""


class Signing(Protocol):
    """Signs a batch of credentials with one key (``adapters.signing_pool``: across processes).

    Each call gives a ``SignedText`` or, for a refused one, its ``Error``, in order; they come
    as they are signed, so the caller stores the first while the rest are being signed. When
    ``parallel``, signing starts at the call, before the generator is read: a caller may start
    the next batch and store the current one meanwhile."""

    @property
    def parallel(self) -> bool:
        """True when signing runs beside the caller (other processes)."""

    def issue_many(
        self, key: PrivateKey, calls: Sequence[IssueCall]
    ) -> Generator[SignedText | Error, None, None]:
        """The batch's credentials, signed."""


class _InProcess:
    parallel = False

    def issue_many(
        self, key: PrivateKey, calls: Sequence[IssueCall]
    ) -> Generator[SignedText | Error, None, None]:
        yield from issue_many(key, calls)


IN_PROCESS: Final[Signing] = _InProcess()


class LedgerRecorder(Protocol):
    """Appends an entry to the transparency ledger in the caller's transaction
    (``services.ledger.LedgerService``)."""

    def record_many(
        self, records: Sequence[tuple[str, str, str, str]], digests: Sequence[str] | None = None
    ) -> int:
        """Append ``(kind, credential id, credential, issuer)`` entries at consecutive indexes
        (a bulk batch, at its end); the first index. ``digests``: the credentials' digests, if
        made already (``SignedText.digest``)."""


class Anchor(Protocol):
    """Publishes a signed checkpoint somewhere else (a file, a timestamping service, a chain);
    returns a receipt to keep. ``adapters.anchor.FileAnchor`` is the default."""

    def publish(self, checkpoint: Checkpoint, note: str) -> str: ...


class LogClient(Protocol):
    """What a witness needs from the log it watches (``adapters.ledger_client``)."""

    def checkpoint(self) -> str: ...

    def consistency(self, old_size: int, new_size: int) -> list[bytes]: ...

    def submit_cosignature(self, note: str) -> None: ...
