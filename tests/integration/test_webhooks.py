"""Webhooks through the real services and task function, on SQLite and PostgreSQL, delivered
over real HTTP to a local server that fails first and then succeeds.

The tests commit (the task opens units of work of its own), so they run on a database of their
own. The platform's dispatcher records what would be queued, with its delay, and the test runs
each task through ``Platform.run_task``, as the in-process queue and a worker do.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from credstack.assessment import EvidenceItem
from credstack.bootstrap import Platform
from credstack.errors import Forbidden, InvalidInput, NotFound
from credstack.services.actors import Actor
from credstack.services.assessments import SettingsInput
from credstack.services.issuing import IssueRequest
from credstack.services.pathways import PathwayInput
from credstack.services.webhooks import WebhookService
from credstack.store.webhooks import WebhookDelivery
from tests.integration.databases import DATABASES, own_platform
from tests.receiver import Received, receiving, signature_ok

OPERATOR = Actor.operator("test")
BADGE = {
    "type": ["Achievement"],
    "name": "Hooks",
    "description": "Announced to integrators.",
    "criteria": {"narrative": "Was issued."},
}


class Recorded:
    """A dispatcher that keeps tasks (and their delays) for the test to run."""

    def __init__(self) -> None:
        self.tasks: list[tuple[float, str, dict[str, str]]] = []
        self._asked: list[float] = []

    def __call__(self, task: str, arguments: dict[str, str], delay: float = 0.0) -> None:
        self.tasks.append((delay, task, arguments))
        self._asked.append(time.monotonic())

    def run_all(self, platform: Platform) -> list[float]:
        """Run the queued tasks (and those they queue) in order, each once its delay is over
        (an attempt ahead of its time does nothing); the delays of the webhook deliveries."""
        delays = []
        while self.tasks:
            delay, task, arguments = self.tasks.pop(0)
            wait = self._asked.pop(0) + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if task == "deliver_webhook":
                delays.append(delay)
            platform.run_task(task, arguments)
        return delays


@pytest.fixture(scope="module", params=DATABASES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    with own_platform(
        request.param,
        tmp_path_factory.mktemp("hooks"),
        base_url="https://badges.example.edu",
        secret_key="webhook-integration-master-secret-0123456789",
        allow_private_network=True,
        webhook_retry_seconds=0.5,
        webhook_max_attempts=3,
        evidence_dir=tmp_path_factory.mktemp("evidence"),
    ) as platform:
        yield platform


@pytest.fixture
def queue(platform: Platform) -> Recorded:
    recorded = Recorded()
    platform.dispatch = recorded
    return recorded


def organisation(platform: Platform) -> str:
    slug = f"hooks-{uuid.uuid4().hex[:10]}"
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug=slug, name="Hooks Academy")
    return slug


def test_a_failed_delivery_is_retried_with_backoff_then_delivered(
    platform: Platform, queue: Recorded
) -> None:
    slug = organisation(platform)
    with receiving(500, 204) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(
                OPERATOR, slug, receiver.url, ["credential.issued", "credential.revoked"]
            )
        assert created.secret.startswith("whsec_")
        with platform.unit_of_work() as services:
            record = services.credentials.issue(
                OPERATOR, slug, IssueRequest(recipient="a@example.com", achievement=BADGE)
            )
        assert queue.run_all(platform) == [0.0, 0.5]  # the first try, then one retry
        first, second = receiver.received
    # Both tries are the same message, signed (Standard Webhooks), with the same body.
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert signature_ok(created.secret, first)
    assert signature_ok(created.secret, second)
    assert not signature_ok("whsec_" + "A" * 44, second)
    event = json.loads(second.body)
    assert event["type"] == "credential.issued"
    assert event["data"]["credential"] == record.credential_id
    assert event["data"]["id"] == str(record.id)
    with platform.unit_of_work() as services:
        (delivery,) = services.webhooks.deliveries(OPERATOR, slug, str(created.endpoint.id))
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 204)
    assert delivery.delivered_at is not None
    assert delivery.next_attempt_at is None
    # The secret is stored sealed, never as given.
    with platform.sessions() as session:
        row = session.get(type(created.endpoint), created.endpoint.id)
        assert row is not None
        assert created.secret.encode() not in row.sealed_secret


def test_a_delivery_that_keeps_failing_ends_failed(platform: Platform, queue: Recorded) -> None:
    slug = organisation(platform)
    with receiving(503) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(OPERATOR, slug, receiver.url, ["credential.revoked"])
            record = services.credentials.issue(
                OPERATOR, slug, IssueRequest(recipient="b@example.com", achievement=BADGE)
            )
        assert queue.run_all(platform) == []  # not subscribed to issuance
        with platform.unit_of_work() as services:
            services.credentials.revoke(OPERATOR, slug, record.id)
        assert queue.run_all(platform) == [0.0, 0.5, 1.0]  # three attempts, doubling waits
        assert len(receiver.received) == 3
    with platform.unit_of_work() as services:
        (delivery,) = services.webhooks.deliveries(OPERATOR, slug, str(created.endpoint.id))
        assert (delivery.status, delivery.attempts) == ("failed", 3)
        assert delivery.last_error == "HTTP 503"
        # A failed delivery is not tried again.
        assert services.webhooks.attempt(str(delivery.id)) is None


def test_ping_list_delete_and_refusals(platform: Platform, queue: Recorded) -> None:
    slug = organisation(platform)
    other = organisation(platform)
    with receiving(200) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(
                OPERATOR, slug, receiver.url, ["credential.suspended"], "the LMS"
            )
            endpoint = str(created.endpoint.id)
            services.webhooks.ping(OPERATOR, slug, endpoint)
        queue.run_all(platform)
        (ping,) = receiver.received
    assert json.loads(ping.body)["type"] == "webhook.ping"
    issuer = Actor("token", "t", created.endpoint.organization_id, "issuer")
    with platform.unit_of_work() as services:
        listed = services.webhooks.list(OPERATOR, slug)
        assert [(e.url, e.events, e.description) for e in listed] == [
            (receiver.url, ["credential.suspended"], "the LMS")
        ]
        with pytest.raises(Forbidden):
            services.webhooks.list(issuer, slug)
        with pytest.raises(NotFound):
            services.webhooks.delete(OPERATOR, other, endpoint)
        with pytest.raises(NotFound):
            services.webhooks.ping(OPERATOR, slug, "not-a-uuid")
        with pytest.raises(InvalidInput, match="limit"):
            services.webhooks.deliveries(OPERATOR, slug, endpoint, limit=0)
        services.webhooks.delete(OPERATOR, slug, endpoint)
        assert services.webhooks.list(OPERATOR, slug) == []


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("http://example.com/hook", ["credential.issued"]),  # http, not loopback
        ("ftp://127.0.0.1/hook", ["credential.issued"]),
        ("https://user:pw@example.com/hook", ["credential.issued"]),
        ("https:///no-host", ["credential.issued"]),
        ("https://example.com:99999/hook", ["credential.issued"]),
        ("https://example.com/hook", []),
        ("https://example.com/hook", ["credential.stolen"]),
    ],
)
def test_bad_endpoints_are_refused(
    platform: Platform, queue: Recorded, url: str, events: list[str]
) -> None:
    slug = organisation(platform)
    with platform.unit_of_work() as services, pytest.raises(InvalidInput) as caught:
        services.webhooks.create(OPERATOR, slug, url, events)
    assert caught.value.code in ("invalid_webhook_url", "invalid_webhook_events")
    with platform.unit_of_work() as services:
        assert services.webhooks.list(OPERATOR, slug) == []


def test_private_addresses_are_refused_unless_allowed(platform: Platform, queue: Recorded) -> None:
    """The same delivery with the production policy: loopback is not a public address."""
    slug = organisation(platform)
    with receiving(204) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(OPERATOR, slug, receiver.url, ["credential.issued"])
            services.credentials.issue(
                OPERATOR, slug, IssueRequest(recipient="c@example.com", achievement=BADGE)
            )
        (_, _, arguments) = queue.tasks.pop(0)
        with platform.unit_of_work() as services:
            strict = WebhookService(
                services.webhooks._session,
                platform.keystore,
                services.audit,
                services.organizations,
                sender=type(platform.webhook_sender)(allow_private=False),
            )
            delivery = strict.attempt(arguments["delivery_id"])
        assert receiver.received == []
    assert delivery is not None
    assert delivery.status == "pending"
    assert delivery.last_error is not None
    assert "http" in delivery.last_error or "public" in delivery.last_error
    with platform.unit_of_work() as services:
        refused = services.webhooks.deliveries(OPERATOR, slug, str(created.endpoint.id))
        assert refused[0].attempts == 1


def test_a_delivery_whose_attempt_was_not_recorded_is_queued_again(
    platform: Platform, queue: Recorded
) -> None:
    slug = organisation(platform)
    with receiving(204) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(OPERATOR, slug, receiver.url, ["credential.issued"])
            endpoint = str(created.endpoint.id)
            ping = services.webhooks.ping(OPERATOR, slug, endpoint)
        queue.tasks.clear()
        queue._asked.clear()
        with platform.unit_of_work() as services:
            assert services.webhooks.retry_later(str(ping.id)) is True
        assert [(d, t) for d, t, _ in queue.tasks] == [(0.5, "deliver_webhook")]
        queue.run_all(platform)
        assert len(receiver.received) == 1
    with platform.unit_of_work() as services:
        assert services.webhooks.retry_later(str(ping.id)) is False  # delivered


# The events of bulk jobs, pathways and assessments: each written in the transaction of its
# change, sent by the task, received (signed) by the real local server.


def received_events(secret: str, requests: list[Received]) -> list[dict[str, Any]]:
    assert all(signature_ok(secret, r) for r in requests)
    return [json.loads(r.body) for r in requests]


def published(platform: Platform, slug: str, name: str) -> tuple[str, str]:
    """A published achievement: its uuid and public id."""
    with platform.unit_of_work() as services:
        view = services.achievements.create(
            OPERATOR, organization=slug, achievement={**BADGE, "name": name}, publish=True
        )
    return str(view.record.id), view.record.public_id


def test_a_finished_bulk_job_is_announced_once_with_its_counts(
    platform: Platform, queue: Recorded
) -> None:
    slug = organisation(platform)
    achievement, _ = published(platform, slug, "Bulk")
    rows = "recipient,name\na@example.com,A\nnot-an-address,B\nc@example.com,C\n"
    with receiving(204) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(OPERATOR, slug, receiver.url, ["bulk.completed"])
        with platform.unit_of_work() as services:
            job = services.bulk.create(
                OPERATOR, slug, achievement, rows.encode(), "cohort.csv", skip_invalid=True
            ).job
        queue.run_all(platform)
        # A copy of the job's task that runs after it finished announces nothing more.
        platform.run_task("run_bulk_job", {"job_id": str(job.id)})
        queue.run_all(platform)
        (event,) = received_events(created.secret, receiver.received)
    assert event["type"] == "bulk.completed"
    assert event["data"] == {
        "job": str(job.id),
        "achievementId": achievement,
        "total": 3,
        "issued": 2,
        "failed": 0,
        "invalid": 1,
    }


def unit_pathway(unit: str, stacked: str) -> PathwayInput:
    """A pathway that awards ``stacked`` for the one achievement ``unit`` (public ids)."""
    return PathwayInput(
        name="Path",
        achievement_id=stacked,
        requirements={"type": "achievement", "achievement": unit},
    )


def test_a_pathway_award_is_announced(platform: Platform, queue: Recorded) -> None:
    slug = organisation(platform)
    _, unit = published(platform, slug, "Unit")
    stacked_id, stacked = published(platform, slug, "Certificate")
    with receiving(204) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(OPERATOR, slug, receiver.url, ["pathway.awarded"])
            pathway = services.pathways.create(OPERATOR, slug, unit_pathway(unit, stacked))
        with platform.unit_of_work() as services:
            services.credentials.issue(
                OPERATOR, slug, IssueRequest(recipient="Learner@Example.com", achievement_id=unit)
            )
        queue.run_all(platform)
        (event,) = received_events(created.secret, receiver.received)
    with platform.unit_of_work() as services:
        (award,) = services.pathways.awards(OPERATOR, slug, pathway.id)
        credential = services.credentials.get(str(award.credential_id))
    assert credential.achievement_id is not None
    assert str(credential.achievement_id) == stacked_id
    assert event["type"] == "pathway.awarded"
    assert event["data"] == {
        "pathway": str(pathway.id),
        "award": str(award.id),
        "learner": "learner@example.com",
        "credential": credential.credential_id,
        "id": str(credential.id),
    }


def test_a_bulk_batch_tells_the_listeners_of_each_credential(
    platform: Platform, queue: Recorded
) -> None:
    # A batch makes its credentials' records only for listeners that want them: here both
    # do (an endpoint asks for credential.issued, and a pathway counts the unit).
    slug = organisation(platform)
    unit_id, unit = published(platform, slug, "Unit")
    _, stacked = published(platform, slug, "Certificate")
    with receiving(204) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(
                OPERATOR, slug, receiver.url, ["credential.issued", "pathway.awarded"]
            )
            pathway = services.pathways.create(OPERATOR, slug, unit_pathway(unit, stacked))
        rows = "recipient\na@example.com\nb@example.com\n"
        with platform.unit_of_work() as services:
            job = services.bulk.create(OPERATOR, slug, unit_id, rows.encode(), "c.csv").job
        queue.run_all(platform)
        events = received_events(created.secret, receiver.received)
    with platform.unit_of_work() as services:
        awards = services.pathways.awards(OPERATOR, slug, pathway.id)
        job_rows = services.bulk.rows(OPERATOR, slug, job.id)
    assert sorted(award.learner for award in awards) == ["a@example.com", "b@example.com"]
    announced = {e["data"]["id"] for e in events if e["type"] == "credential.issued"}
    # The two the job issued, and the two stacked credentials their awards issued.
    assert {str(row.credential_id) for row in job_rows} < announced
    assert len(announced) == 4
    assert sum(e["type"] == "pathway.awarded" for e in events) == 2


def test_assessment_decisions_are_announced_without_the_evidence(
    platform: Platform, queue: Recorded
) -> None:
    slug = organisation(platform)
    achievement, _ = published(platform, slug, "Essay")
    rubric = {
        "passThreshold": 1,
        "criteria": [
            {
                "id": "argument",
                "name": "Argument",
                "levels": [
                    {"id": "weak", "name": "Weak", "points": 0},
                    {"id": "sound", "name": "Sound", "points": 1},
                ],
            }
        ],
    }
    secret_text = "My essay, which only the assessors read."
    with receiving(204) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(OPERATOR, slug, receiver.url, ["assessment.decided"])
            services.assessments.configure(
                OPERATOR,
                slug,
                achievement,
                SettingsInput("Write.", rubric, {}, 1),
            )
        outcomes = []
        for level in ("weak", "sound"):
            with platform.unit_of_work() as services:
                submission = services.assessments.submit(
                    OPERATOR,
                    slug,
                    achievement,
                    "essayist@example.com",
                    [EvidenceItem("text", text=secret_text)],
                ).submission
            with platform.unit_of_work() as services:
                decided = services.assessments.review(
                    OPERATOR, slug, submission.id, {"argument": level}
                ).submission
            outcomes.append(decided)
        queue.run_all(platform)
        failed, passed = received_events(created.secret, receiver.received)
        assert all(secret_text.encode() not in r.body for r in receiver.received)
    with platform.unit_of_work() as services:
        credential = services.credentials.get(str(outcomes[1].credential_id))
    assert failed["type"] == passed["type"] == "assessment.decided"
    assert failed["data"] == {
        "submission": str(outcomes[0].id),
        "achievementId": achievement,
        "outcome": "failed",
        "credential": None,
    }
    assert passed["data"] == {
        "submission": str(outcomes[1].id),
        "achievementId": achievement,
        "outcome": "passed",
        "credential": credential.credential_id,
    }


def test_the_new_events_are_offered_and_a_rolled_back_change_announces_nothing(
    platform: Platform, queue: Recorded
) -> None:
    slug = organisation(platform)
    with receiving(204) as receiver:
        with platform.unit_of_work() as services:
            services.webhooks.create(
                OPERATOR,
                slug,
                receiver.url,
                ["bulk.completed", "pathway.awarded", "assessment.decided"],
            )
            org_id = services.organizations.get(slug).id

        def failing_change() -> None:
            with platform.unit_of_work() as services:
                services.webhooks.publish(org_id, "bulk.completed", {"job": "x"})
                raise RuntimeError("the change failed")

        with pytest.raises(RuntimeError):
            failing_change()
        assert queue.run_all(platform) == []
        assert receiver.received == []


def set_next_attempt(platform: Platform, delivery_id: uuid.UUID, at: datetime) -> None:
    with platform.sessions() as session, session.begin():
        row = session.get(WebhookDelivery, delivery_id)
        assert row is not None
        row.next_attempt_at = at


def test_a_retry_whose_task_was_lost_is_found_when_due_and_sent_once(
    platform: Platform, queue: Recorded
) -> None:
    """What a restart does on SQLite (the retry's timer is gone): the row keeps the retry, and
    the clock's look for due attempts (``requeue_due``) finds it; copies of the task, early or
    late, send nothing more."""
    slug = organisation(platform)
    with receiving(500, 204) as receiver:
        with platform.unit_of_work() as services:
            created = services.webhooks.create(OPERATOR, slug, receiver.url, ["credential.issued"])
            ping = services.webhooks.ping(OPERATOR, slug, str(created.endpoint.id))
        _, task, arguments = queue.tasks.pop(0)
        queue._asked.pop(0)
        platform.run_task(task, arguments)  # the first attempt fails
        assert len(receiver.received) == 1
        queue.tasks.clear()  # the retry's own task is lost
        queue._asked.clear()
        set_next_attempt(platform, ping.id, datetime.now(UTC) + timedelta(hours=1))
        assert str(ping.id) not in due_ones(platform, queue)
        platform.run_task("deliver_webhook", arguments)  # a copy ahead of its time
        assert len(receiver.received) == 1
        set_next_attempt(platform, ping.id, datetime.now(UTC) - timedelta(seconds=1))
        assert str(ping.id) in due_ones(platform, queue)
        platform.run_task("deliver_webhook", arguments)  # the due one, which the clock asked for
        platform.run_task("deliver_webhook", arguments)  # a late copy
        assert len(receiver.received) == 2
    with platform.unit_of_work() as services:
        (delivery,) = services.webhooks.deliveries(OPERATOR, slug, str(created.endpoint.id))
        assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert str(ping.id) not in due_ones(platform, queue)


def due_ones(platform: Platform, queue: Recorded) -> list[str]:
    """The deliveries the clock's look enqueues now (other tests' leftovers included)."""
    queue.tasks.clear()
    queue._asked.clear()
    with platform.unit_of_work() as services:
        services.webhooks.requeue_due()
    found = [a["delivery_id"] for _, t, a in queue.tasks if t == "deliver_webhook"]
    queue.tasks.clear()
    queue._asked.clear()
    return found
