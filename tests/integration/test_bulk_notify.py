"""A bulk job that emails its learners (``notify``), on SQLite and PostgreSQL: one email per
credential it issues, to learners with an address, written in the batch that issues it; none
for a row that replays an earlier credential or a job run again; delivered through a real SMTP
server on loopback by the clock's look for due messages."""

from __future__ import annotations

import uuid
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from credstack.bootstrap import Platform
from credstack.errors import Conflict
from credstack.jobs.tasks import requeue_due, run_bulk_job
from credstack.services.notices import issued_letter
from credstack.store.mail import MailMessage
from tests.integration.databases import DATABASES, own_platform
from tests.integration.smtp import Inbox
from tests.integration.test_bulk import OPERATOR, setup

BASE = "https://badges.example.edu"
SECRET = "bulk-notify-master-secret-0123456789abcdef"


def issue(platform: Platform, slug: str, achievement: str, data: bytes, *, notify: bool) -> str:
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, data, "c.csv", notify=notify)
    assert view.job.notify is notify
    job_id = str(view.job.id)
    run_bulk_job(platform.unit_of_work, job_id, batch_size=2)
    return job_id


def letters(platform: Platform) -> list[MailMessage]:
    with platform.sessions() as session:
        found = session.scalars(
            select(MailMessage).where(MailMessage.purpose == "credential_issued")
        )
        # Sorted here: the databases' collations order mixed case differently.
        return sorted(found, key=lambda m: m.recipient)


def issued_to(platform: Platform, slug: str, job_id: str) -> dict[str, uuid.UUID]:
    with platform.unit_of_work() as services:
        rows = services.bulk.rows(OPERATOR, slug, job_id)
    found = {str(row.data["recipient"]): row.credential_id for row in rows}
    assert None not in found.values()
    return {recipient: uid for recipient, uid in found.items() if uid is not None}


@pytest.fixture(params=DATABASES)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_each_learner_with_an_address_is_emailed_once(kind: str, tmp_path: Path) -> None:
    with own_platform(kind, tmp_path, base_url=BASE, secret_key=SECRET) as platform:
        platform.dispatch = None  # the test runs the job itself
        slug, achievement = setup(platform)
        data = (
            b"recipient,name,idempotency_key\n"
            b"ada@example.com,Ada,k-ada\n"
            b"did:example:grace,Grace,\n"
            b"Bob@Example.com,Bob,\n"
            b"cy@example.com,Cy,\n"
        )
        job_id = issue(platform, slug, achievement, data, notify=True)
        issued = issued_to(platform, slug, job_id)
        sent = letters(platform)
        assert [m.recipient for m in sent] == [
            "Bob@Example.com",
            "ada@example.com",
            "cy@example.com",
        ]
        for m in sent:
            # No SMTP server: the outbox is the delivery, at once, as for any message.
            assert (m.status, m.transport, m.attempts) == ("sent", "outbox", 1)
            assert (
                m.body
                == issued_letter(
                    m.recipient,
                    "Data Literacy",
                    "Bulk Academy",
                    f"{BASE}/credentials/{issued[m.recipient]}",
                    f"{BASE}/wallet",
                ).body
            )
            assert m.subject == "Your credential from Bulk Academy: Data Literacy"
            assert f"{BASE}/credentials/{issued[m.recipient]}\n" in (m.body or "")
        # The job run again finds nothing to issue, and sends nothing.
        assert run_bulk_job(platform.unit_of_work, job_id) == 0
        assert len(letters(platform)) == 3
        # A job without notify sends nothing; one whose row replays an earlier credential (the
        # same Idempotency-Key) does not announce it again, but does announce the new row.
        issue(platform, slug, achievement, b"recipient\ndee@example.com\n", notify=False)
        again = b"recipient,name,idempotency_key\nada@example.com,Ada,k-ada\neve@example.com,Eve,\n"
        job_id = issue(platform, slug, achievement, again, notify=True)
        assert issued_to(platform, slug, job_id)["ada@example.com"] == issued["ada@example.com"]
        assert [m.recipient for m in letters(platform)] == [
            "Bob@Example.com",
            "ada@example.com",
            "cy@example.com",
            "eve@example.com",
        ]


def test_notify_is_part_of_what_an_idempotency_key_asked(kind: str, tmp_path: Path) -> None:
    with own_platform(kind, tmp_path, base_url=BASE, secret_key=SECRET) as platform:
        platform.dispatch = None
        slug, achievement = setup(platform)
        data = b"recipient\nada@example.com\n"
        with platform.unit_of_work() as services:
            first = services.bulk.create(
                OPERATOR, slug, achievement, data, "c.csv", idempotency_key="up-1", notify=True
            )
        with platform.unit_of_work() as services:
            same = services.bulk.create(
                OPERATOR, slug, achievement, data, "c.csv", idempotency_key="up-1", notify=True
            )
        assert same.job.id == first.job.id
        with pytest.raises(Conflict) as refused, platform.unit_of_work() as services:
            services.bulk.create(OPERATOR, slug, achievement, data, "c.csv", idempotency_key="up-1")
        assert refused.value.code == "idempotency_key_reused"


def test_the_emails_leave_through_smtp_after_the_batch(
    kind: str, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    smtp = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_starttls": False,
        "mail_from": "Credstack <wallet@badges.example.edu>",
    }
    with own_platform(kind, tmp_path, base_url=BASE, secret_key=SECRET, **smtp) as platform:
        platform.dispatch = None  # the test runs the tasks as a worker would
        slug, achievement = setup(platform)
        data = b"recipient\nada@example.com\ndid:example:grace\nbob@example.com\n"
        job_id = issue(platform, slug, achievement, data, notify=True)
        issued = issued_to(platform, slug, job_id)
        queued = letters(platform)
        # Written by the batch, due at once, and not sent inside its transaction.
        assert [(m.status, m.attempts) for m in queued] == [("queued", 0)] * 2
        assert all(m.next_attempt_at is not None for m in queued)
        assert handler.received == []
        # The clock's look finds them due and hands them to the queue; a worker sends each.
        assert requeue_due(platform.unit_of_work) == 2
        for m in queued:
            platform.run_task("send_mail", {"message_id": str(m.id)})
        assert sorted(e.rcpt_tos[0] for e in handler.received) == [
            "ada@example.com",
            "bob@example.com",
        ]
        for envelope in handler.received:
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            recipient = envelope.rcpt_tos[0]
            assert parsed["Subject"] == "Your credential from Bulk Academy: Data Literacy"
            assert f"{BASE}/credentials/{issued[recipient]}" in parsed.get_content()
        assert [(m.status, m.body) for m in letters(platform)] == [("sent", None)] * 2
        assert requeue_due(platform.unit_of_work) == 0
