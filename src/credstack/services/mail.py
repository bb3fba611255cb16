"""Outgoing email: messages are written to the outbox in the caller's transaction and
delivered by the ``send_mail`` task once it commits, through the configured ``Mailer``.

With no SMTP server configured the outbox is the delivery: a message is kept there, final,
in the transaction that wrote it. A delivery that fails for a reason that may pass (the server
is down, answers 4xx) is tried again after an exponential backoff: ``retry_seconds``, then
twice that, and so on, up to ``max_attempts`` tries in all; a permanent refusal, or the last
try, marks the message failed. The message row keeps when its next try is due
(``next_attempt_at``): the task queue is asked for the retry, and each server's and worker's
clock asks again for every due one (``requeue_due``), so a restart loses no retry; a try that
is not due yet (a second copy of the task) does nothing.
Once an SMTP server has a message (or it failed for good) its body is emptied: a sign-in link
is a secret. Messages kept in the outbox (no SMTP configured) keep their body: the outbox is
their delivery.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, NamedTuple

from sqlalchemy.orm import Session

from credstack.errors import DeliveryFailed, Forbidden, InvalidInput, NotFound
from credstack.services import validation
from credstack.services.actors import Actor
from credstack.services.ports import Mailer, TaskQueue
from credstack.store.mail import MAIL_STATUSES, MailMessage, MailRepository

SEND_TASK: Final = "send_mail"
# Due tries enqueued per look of the clock; the rest are found by the next one.
DUE_BATCH: Final = 500
_log = logging.getLogger(__name__)


class Letter(NamedTuple):
    """A message to put in the outbox (``send_many``)."""

    recipient: str
    subject: str
    body: str


@dataclass(frozen=True)
class RetryPolicy:
    """How often delivery is tried, and the first wait (doubled after each failure)."""

    max_attempts: int = 5
    retry_seconds: float = 30.0

    def delay(self, attempts: int) -> float:
        """The wait after the ``attempts``-th failed try."""
        return float(self.retry_seconds * 2 ** (attempts - 1))


class MailService:
    def __init__(
        self,
        session: Session,
        mailer: Mailer,
        queue: TaskQueue,
        policy: RetryPolicy,
    ) -> None:
        self._session = session
        self._mailer = mailer
        self._queue = queue
        self._policy = policy
        self._rows = MailRepository(session)

    def send(self, recipient: str, subject: str, body: str, *, purpose: str) -> MailMessage:
        """Put a message in the outbox; it is delivered once the transaction commits."""
        message = self._rows.add(
            MailMessage(
                recipient=recipient,
                subject=subject,
                body=body,
                purpose=purpose,
                status="queued",
                attempts=0,
                next_attempt_at=datetime.now(UTC) if self._mailer.remote else None,
            )
        )
        self._session.flush()
        if self._mailer.remote:
            self._queue.enqueue(SEND_TASK, message_id=str(message.id))
        else:
            self._attempt(message, body)
        return message

    def send_many(self, letters: Sequence[Letter], *, purpose: str) -> int:
        """Put ``letters`` in the outbox in one write (a bulk batch's); how many. They leave once
        the transaction commits, handed to the queue by the clock's look for due tries
        (``requeue_due``, ``DUE_BATCH`` a look), not by a task each: a batch of a thousand
        would otherwise add a thousand tasks to its transaction. With no SMTP server they are
        final in the outbox at once, as ``send``'s are."""
        now = datetime.now(UTC)
        remote = self._mailer.remote
        self._rows.add_many(
            [
                {
                    "id": uuid.uuid4(),
                    "recipient": letter.recipient,
                    "subject": letter.subject,
                    "body": letter.body,
                    "purpose": purpose,
                    "status": "queued" if remote else "sent",
                    "transport": None if remote else self._mailer.transport,
                    "attempts": 0 if remote else 1,
                    "next_attempt_at": now if remote else None,
                    "last_error": None,
                    "created_at": now,
                    "finished_at": None if remote else now,
                }
                for letter in letters
            ],
        )
        return len(letters)

    def deliver(self, message_id: str) -> MailMessage | None:
        """One try at delivering a queued message (the ``send_mail`` task); a message already
        sent or failed is left alone, so a task that runs twice sends once."""
        key = validation.uuid_or_none(message_id)
        message = self._rows.lock(key) if key is not None else None
        if message is None or message.status != "queued" or message.body is None:
            return message
        due = message.next_attempt_at
        if due is not None and due > datetime.now(UTC):
            return message  # a copy of the task ahead of its time: the due one will try
        self._attempt(message, message.body)
        return message

    def _attempt(self, message: MailMessage, body: str) -> None:
        message.attempts += 1
        message.transport = self._mailer.transport
        try:
            self._mailer.send(message.recipient, message.subject, body, message_id=str(message.id))
        except DeliveryFailed as exc:
            message.last_error = exc.message
            if exc.permanent or message.attempts >= self._policy.max_attempts:
                self._finish(message, "failed")
                _log.warning("mail %s failed for good: %s", message.id, exc.message)
            else:
                delay = self._policy.delay(message.attempts)
                message.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay)
                self._queue.enqueue_in(delay, SEND_TASK, message_id=str(message.id))
                _log.info(
                    "mail %s: try %d failed; again in %ss", message.id, message.attempts, delay
                )
        else:
            self._finish(message, "sent")
        self._session.flush()

    def requeue_due(self) -> int:
        """Enqueue the queued messages whose next try is due (the clock of each server and
        worker asks; a retry's own task died with a restarted process); how many."""
        if not self._mailer.remote:
            return 0
        due = self._rows.due_ids(datetime.now(UTC), DUE_BATCH)
        for message_id in due:
            self._queue.enqueue(SEND_TASK, message_id=str(message_id))
        return len(due)

    def requeue(self) -> int:
        """Enqueue every message still queued again (``credstack worker`` starting after a
        crash lost tasks); a message sent twice this way is sent once (``deliver``)."""
        if not self._mailer.remote:
            return 0
        queued = self._rows.queued_ids()
        for message_id in queued:
            self._queue.enqueue(SEND_TASK, message_id=str(message_id))
        return len(queued)

    def outbox(
        self,
        actor: Actor,
        *,
        status: str | None = None,
        recipient: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> list[MailMessage]:
        """A page of the outbox, newest first (the platform operator only)."""
        _operator_only(actor)
        validation.page(offset, limit)
        if status is not None and status not in MAIL_STATUSES:
            raise InvalidInput(
                f"{status!r} is not a message status; use one of {', '.join(MAIL_STATUSES)}.",
                code="invalid_status",
            )
        address = recipient.strip().lower() if recipient else None
        return self._rows.page(status=status, recipient=address, offset=offset, limit=limit)

    def message(self, actor: Actor, message_id: str) -> MailMessage:
        _operator_only(actor)
        key = validation.uuid_or_none(message_id)
        message = self._rows.get(key) if key is not None else None
        if message is None:
            raise NotFound(f"The outbox has no message {message_id!r}.", code="message_not_found")
        return message

    def _finish(self, message: MailMessage, status: str) -> None:
        message.status = status
        message.finished_at = datetime.now(UTC)
        message.next_attempt_at = None
        if self._mailer.transport != "outbox":
            message.body = None


def _operator_only(actor: Actor) -> None:
    if actor.kind != "operator":
        raise Forbidden("Only the platform operator reads the outbox.", code="operator_only")
