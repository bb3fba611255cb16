"""Webhooks through the real services and task function, on SQLite and PostgreSQL, delivered
over real HTTP to a local server that fails first and then succeeds.

The tests commit (the task opens units of work of its own), so they run on a database of their
own. The platform's dispatcher records what would be queued, with its delay, and the test runs
each task through ``Platform.run_task``, as the in-process queue and a worker do.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.errors import Forbidden, InvalidInput, NotFound
from credstack.services.actors import Actor
from credstack.services.credentials import IssueRequest
from credstack.services.webhooks import WebhookService
from tests.integration.databases import DATABASES, postgres_schema
from tests.receiver import receiving, signature_ok

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

    def __call__(self, task: str, arguments: dict[str, str], delay: float = 0.0) -> None:
        self.tasks.append((delay, task, arguments))

    def run_all(self, platform: Platform) -> list[float]:
        """Run the queued tasks (and those they queue) in order; the delays of the webhook
        deliveries among them."""
        delays = []
        while self.tasks:
            delay, task, arguments = self.tasks.pop(0)
            if task == "deliver_webhook":
                delays.append(delay)
            platform.run_task(task, arguments)
        return delays


@pytest.fixture(scope="module", params=DATABASES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    def made(url: str) -> Platform:
        settings = Settings(
            database_url=url,
            base_url="https://badges.example.edu",
            secret_key="webhook-integration-master-secret-0123456789",
            key_file=Path(tmp_path_factory.mktemp("hooks") / "unused.key"),
            allow_private_network=True,
            webhook_retry_seconds=0.5,
            webhook_max_attempts=3,
        )
        return build(settings, migrate=True)

    if request.param == "sqlite":
        built = made(f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'hooks.db'}")
        yield built
        built.close()
    else:
        with postgres_schema() as url:
            built = made(url)
            yield built
            built.close()


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
        with platform.unit_of_work() as services:
            assert services.webhooks.retry_later(str(ping.id)) is True
        assert [(d, t) for d, t, _ in queue.tasks] == [(0.5, "deliver_webhook")]
        queue.run_all(platform)
        assert len(receiver.received) == 1
    with platform.unit_of_work() as services:
        assert services.webhooks.retry_later(str(ping.id)) is False  # delivered
