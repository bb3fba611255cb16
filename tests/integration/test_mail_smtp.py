"""Email through a real SMTP server on loopback (aiosmtpd), on SQLite and PostgreSQL: delivery,
a temporary refusal tried again after the backoff, a permanent refusal, a server that is not
there at all; delivered and failed messages keep no body."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import text

from credstack.adapters.mail import SmtpMailer
from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.errors import DeliveryFailed
from credstack.jobs.inprocess import InProcessDispatcher
from credstack.services.actors import Actor
from credstack.store.mail import MailMessage
from tests.integration.conftest import MASTER_SECRET
from tests.integration.smtp import Inbox, free_port


def smtp_platform(database_url: str, tmp_path: Path, port: int) -> Platform:
    return build(
        Settings(
            database_url=database_url,
            base_url="https://badges.example.edu",
            secret_key=MASTER_SECRET,
            key_file=tmp_path / "unused.key",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_starttls=False,
            mail_from="Credstack <wallet@badges.example.edu>",
            mail_max_attempts=3,
            mail_retry_seconds=0.2,
        ),
        migrate=True,
    )


def message(platform: Platform, message_id: uuid.UUID) -> MailMessage:
    with platform.sessions() as session:
        found = session.get(MailMessage, message_id)
        assert found is not None
        return found


def send(platform: Platform, address: str) -> uuid.UUID:
    with platform.unit_of_work() as services:
        return services.mail.send(address, "Hello", "A body.\n", purpose="test").id


def run_queue(platform: Platform, message_id: uuid.UUID, tries: int) -> MailMessage:
    """What the queue does with the message: on SQLite a thread of this process (with real
    timers for the backoff); on PostgreSQL a worker, here the task run as a worker would."""
    if isinstance(platform.dispatch, InProcessDispatcher):
        deadline = time.monotonic() + 15
        while message(platform, message_id).status == "queued":
            assert time.monotonic() < deadline, "the message was never finished"
            time.sleep(0.05)
    else:
        for _ in range(tries):
            # A worker takes the job that waits (procrastinate keeps one waiting per message),
            # and runs a retry once its backoff is over; a try before that is a no-op.
            with platform.engine.begin() as connection:
                connection.execute(
                    text(
                        "DELETE FROM procrastinate_jobs WHERE status = 'todo' "
                        "AND task_name = 'send_mail' AND args->>'message_id' = :id "
                        "AND scheduled_at IS NULL"
                    ),
                    {"id": str(message_id)},
                )
            due = message(platform, message_id).next_attempt_at
            if due is not None:
                time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
            platform.run_task("send_mail", {"message_id": str(message_id)})
    return message(platform, message_id)


def test_the_adapter_delivers_to_a_real_server(inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    mailer = SmtpMailer("127.0.0.1", port, sender="Credstack <a@b.example>", starttls=False)
    mailer.send("ada@example.org", "Subject é", "Body line\n", message_id="m-1")
    [envelope] = handler.received
    assert envelope.rcpt_tos == ["ada@example.org"]
    parsed = message_from_bytes(envelope.content, policy=policy.default)
    assert parsed["Subject"] == "Subject é"
    assert parsed["From"] == "Credstack <a@b.example>"
    assert "m-1" in parsed["Message-ID"]
    assert parsed.get_content() == "Body line\r\n"  # CRLF: SMTP line endings


def test_the_adapter_tells_temporary_from_permanent(inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    mailer = SmtpMailer("127.0.0.1", port, starttls=False)
    handler.answers.append("451 4.3.0 Try again later")
    with pytest.raises(DeliveryFailed, match="451") as temporary:
        mailer.send("ada@example.org", "S", "B", message_id="m")
    assert temporary.value.permanent is False
    handler.refused.add("nobody@example.org")
    with pytest.raises(DeliveryFailed, match="refused the recipient") as permanent:
        mailer.send("nobody@example.org", "S", "B", message_id="m")
    assert permanent.value.permanent is True
    gone = SmtpMailer("127.0.0.1", free_port(), starttls=False, timeout=2)
    with pytest.raises(DeliveryFailed, match="could not be reached") as unreachable:
        gone.send("ada@example.org", "S", "B", message_id="m")
    assert unreachable.value.permanent is False
    # A server that does not speak STARTTLS is refused when STARTTLS is asked for.
    with pytest.raises(DeliveryFailed) as no_tls:
        SmtpMailer("127.0.0.1", port, starttls=True).send("a@example.org", "S", "B", message_id="m")
    assert no_tls.value.permanent is False


def test_a_failed_try_is_made_again_after_the_backoff(
    database_url: str, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    handler.answers.append("451 4.3.0 Try again later")
    platform = smtp_platform(database_url, tmp_path, port)
    try:
        started = time.monotonic()
        message_id = send(platform, "ada@example.org")
        done = run_queue(platform, message_id, tries=2)
        assert (done.status, done.attempts, done.transport) == ("sent", 2, "smtp")
        assert "451" in (done.last_error or "")
        assert done.body is None
        assert handler.tries == 2
        [envelope] = handler.received
        assert envelope.rcpt_tos == ["ada@example.org"]
        if isinstance(platform.dispatch, InProcessDispatcher):
            assert time.monotonic() - started >= 0.2
        else:
            # The retry was handed to procrastinate, scheduled for after the backoff.
            with platform.engine.connect() as connection:
                scheduled = connection.execute(
                    text(
                        "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'send_mail' "
                        "AND args->>'message_id' = :id AND scheduled_at IS NOT NULL"
                    ),
                    {"id": str(message_id)},
                ).scalar()
            assert scheduled == 1
        # Running the task again (a duplicate delivery of the job) sends nothing more.
        platform.run_task("send_mail", {"message_id": str(message_id)})
        assert handler.tries == 2
    finally:
        platform.close()


def test_a_permanent_refusal_fails_at_once(
    database_url: str, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    handler.refused.add("nobody@example.org")
    platform = smtp_platform(database_url, tmp_path, port)
    try:
        done = run_queue(platform, send(platform, "nobody@example.org"), tries=1)
        assert (done.status, done.attempts) == ("failed", 1)
        assert done.last_error == "The mail server refused the recipient (550)."
        assert done.body is None
        assert done.finished_at is not None
    finally:
        platform.close()


def test_a_server_that_never_answers_fails_after_the_last_try(
    database_url: str, tmp_path: Path
) -> None:
    platform = smtp_platform(database_url, tmp_path, free_port())
    try:
        done = run_queue(platform, send(platform, "ada@example.org"), tries=3)
        assert (done.status, done.attempts) == ("failed", 3)
        assert "could not be reached" in (done.last_error or "")
        assert done.body is None
        with platform.unit_of_work() as services:
            failed = services.mail.outbox(Actor.operator(), status="failed", limit=500)
            assert done.id in {m.id for m in failed}
    finally:
        platform.close()


def test_a_worker_starting_again_requeues_what_was_lost(
    database_url: str, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    platform = smtp_platform(database_url, tmp_path, port)
    try:
        # A message whose task was lost (its process died before handing it on).
        lost = uuid.uuid4()
        with platform.sessions.begin() as session:
            session.add(
                MailMessage(
                    id=lost,
                    recipient="lost@example.org",
                    subject="Lost",
                    body="B",
                    purpose="test",
                    status="queued",
                    attempts=0,
                )
            )
        with platform.unit_of_work() as services:
            assert services.mail.requeue() >= 1
        done = run_queue(platform, lost, tries=1)
        assert done.status == "sent"
        assert ["lost@example.org"] in [e.rcpt_tos for e in handler.received]
    finally:
        platform.close()


class Dropped:
    """A dispatcher whose tasks never run: a process that died with its queue."""

    def __init__(self) -> None:
        self.tasks: list[tuple[str, dict[str, str]]] = []

    def __call__(self, task: str, arguments: dict[str, str], delay: float = 0.0) -> None:
        self.tasks.append((task, arguments))


def test_a_retry_lost_with_its_process_is_found_when_due(
    database_url: str, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    handler.answers.append("451 4.3.0 Try again later")
    platform = smtp_platform(database_url, tmp_path, port)
    dropped = Dropped()
    platform.dispatch = dropped
    try:
        message_id = send(platform, "ada@example.org")
        platform.run_task("send_mail", {"message_id": str(message_id)})  # fails: 451
        assert handler.tries == 1
        first = message(platform, message_id)
        assert first.status == "queued"
        assert first.next_attempt_at is not None
        dropped.tasks.clear()
        with platform.sessions() as session, session.begin():
            row = session.get(MailMessage, message_id)
            assert row is not None
            row.next_attempt_at = datetime.now(UTC) + timedelta(hours=1)
        with platform.unit_of_work() as services:
            assert services.mail.requeue_due() == 0
        platform.run_task("send_mail", {"message_id": str(message_id)})  # ahead of its time
        assert handler.tries == 1
        with platform.sessions() as session, session.begin():
            row = session.get(MailMessage, message_id)
            assert row is not None
            row.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)
        with platform.unit_of_work() as services:
            assert services.mail.requeue_due() == 1
        assert dropped.tasks == [("send_mail", {"message_id": str(message_id)})]
        platform.run_task(*dropped.tasks[0])
        done = message(platform, message_id)
        assert (done.status, done.attempts, done.next_attempt_at) == ("sent", 2, None)
        assert handler.tries == 2
    finally:
        platform.close()
