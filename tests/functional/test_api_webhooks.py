"""Webhooks over HTTP, end to end: a real ``credstack serve`` (SQLite: tasks in its own
process; PostgreSQL: a real ``credstack worker`` beside it), an admin registering an endpoint,
a credential issued over HTTP, and a real local receiver that fails the first delivery and
accepts the retry; then ping, the deliveries list, refusals and deletion."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from credstack.bootstrap import build
from credstack.config import Settings
from credstack.services.actors import Actor
from credstack.services.webhooks import EVENTS
from tests.functional.servers import running_server
from tests.integration.databases import DATABASES, fresh_database
from tests.receiver import Receiver, receiving, signature_ok

OPERATOR = Actor.operator("test")
SETTINGS = {
    "CREDSTACK_ALLOW_PRIVATE_NETWORK": "true",
    "CREDSTACK_WEBHOOK_RETRY_SECONDS": "0.5",
}
BADGE = {
    "type": ["Achievement"],
    "name": "Integration",
    "description": "Announced to the LMS.",
    "criteria": {"narrative": "Was issued."},
}


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def tokens(env: dict[str, str]) -> dict[str, str]:
    platform = build(
        Settings(
            database_url=env["CREDSTACK_DATABASE_URL"],
            key_file=Path(env["CREDSTACK_KEY_FILE"]),
            base_url=env["CREDSTACK_BASE_URL"],
        )
    )
    try:
        with platform.unit_of_work() as services:
            services.organizations.create(OPERATOR, slug="acme", name="Acme")
            return {
                role: services.tokens.create(OPERATOR, organization="acme", role=role).secret
                for role in ("admin", "issuer")
            }
    finally:
        platform.close()


def wait_until(check: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.2)


def problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_an_integrator_receives_signed_events_with_retries(
    database_url: str, tmp_path: Path
) -> None:
    with (
        receiving(500, 200) as receiver,
        running_server(tmp_path, database_url=database_url, settings=SETTINGS) as (url, env),
    ):
        secrets = tokens(env)
        worker = None
        if database_url.startswith("postgresql"):
            worker = subprocess.Popen(
                [sys.executable, "-m", "credstack", "worker"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        try:
            run(url, secrets, receiver)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)


def run(url: str, secrets: dict[str, str], receiver: Receiver) -> None:
    admin = {"Authorization": f"Bearer {secrets['admin']}"}
    issuer = {"Authorization": f"Bearer {secrets['issuer']}"}
    hooks = f"{url}/orgs/acme/webhooks"
    created = httpx.post(
        hooks,
        json={"url": receiver.url, "events": ["credential.issued"], "description": "LMS"},
        headers=admin,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    secret = endpoint["secret"]
    listed = httpx.get(hooks, headers=admin, timeout=30).json()
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert "secret" not in listed[0]
    assert secret not in json.dumps(listed)

    issued = httpx.post(
        f"{url}/orgs/acme/credentials",
        json={"recipient": "learner@example.com", "achievement": BADGE},
        headers=issuer,
        timeout=30,
    )
    assert issued.status_code == 201, issued.text
    deliveries = f"{hooks}/{endpoint['id']}/deliveries"

    def delivered() -> bool:
        found: list[dict[str, Any]] = httpx.get(deliveries, headers=admin, timeout=30).json()
        return bool(found) and found[0]["status"] == "delivered"

    wait_until(delivered, "the issuance delivered, after one failure")
    (delivery,) = httpx.get(deliveries, headers=admin, timeout=30).json()
    assert (delivery["event"], delivery["attempts"], delivery["lastStatusCode"]) == (
        "credential.issued",
        2,
        200,
    )
    first, second = receiver.received
    assert first.body == second.body
    assert all(signature_ok(secret, r) for r in (first, second))
    event = json.loads(second.body)
    assert event["type"] == "credential.issued"
    assert event["data"]["id"] == issued.headers["Credstack-Credential"]

    ping = httpx.post(f"{hooks}/{endpoint['id']}/ping", headers=admin, timeout=30)
    assert ping.status_code == 202, ping.text
    wait_until(lambda: len(receiver.received) == 3, "the ping delivered")
    assert json.loads(receiver.received[2].body)["type"] == "webhook.ping"

    # Refusals: a weaker role, bad URLs and events, an unknown endpoint.
    problem(httpx.get(hooks, headers=issuer, timeout=30), 403, "role_too_weak")
    bad = {"url": "http://example.com/hook", "events": ["credential.issued"]}
    problem(httpx.post(hooks, json=bad, headers=admin, timeout=30), 400, "invalid_webhook_url")
    empty = {"url": "https://example.com/hook", "events": []}
    assert httpx.post(hooks, json=empty, headers=admin, timeout=30).status_code == 422
    unknown = f"{hooks}/00000000-0000-4000-8000-000000000000"
    problem(httpx.delete(unknown, headers=admin, timeout=30), 404, "webhook_not_found")

    # Every event of the list can be asked for over HTTP.
    everything = {"url": receiver.url, "events": list(EVENTS)}
    other = httpx.post(hooks, json=everything, headers=admin, timeout=30)
    assert other.status_code == 201, other.text
    assert sorted(other.json()["events"]) == sorted(EVENTS)
    assert httpx.delete(f"{hooks}/{other.json()['id']}", headers=admin, timeout=30).is_success

    deleted = httpx.delete(f"{hooks}/{endpoint['id']}", headers=admin, timeout=30)
    assert deleted.status_code == 204
    assert httpx.get(hooks, headers=admin, timeout=30).json() == []


def test_a_pending_retry_survives_a_restart_of_the_server(tmp_path: Path) -> None:
    """SQLite: the retry's wait used to be a timer of the server process. Stop the server
    between a failed attempt and its retry, start it again: the retry goes out, once."""
    database_url = f"sqlite:///{tmp_path / 'hooks.db'}"
    settings = {
        **SETTINGS,
        "CREDSTACK_WEBHOOK_RETRY_SECONDS": "6",
        "CREDSTACK_RETRY_SWEEP_SECONDS": "0.5",
    }
    with receiving(500, 204) as receiver:
        with running_server(tmp_path, database_url=database_url, settings=settings) as (url, env):
            secrets = tokens(env)
            admin = {"Authorization": f"Bearer {secrets['admin']}"}
            created = httpx.post(
                f"{url}/orgs/acme/webhooks",
                json={"url": receiver.url, "events": ["credential.issued"]},
                headers=admin,
                timeout=30,
            )
            assert created.status_code == 201, created.text
            issued = httpx.post(
                f"{url}/orgs/acme/credentials",
                json={"recipient": "learner@example.com", "achievement": BADGE},
                headers={"Authorization": f"Bearer {secrets['issuer']}"},
                timeout=30,
            )
            assert issued.status_code == 201, issued.text
            wait_until(lambda: len(receiver.received) == 1, "the first attempt (refused)")
        # Stopped before the retry was due (else this test would prove nothing).
        assert len(receiver.received) == 1
        engine = create_engine(database_url)
        try:
            with engine.connect() as connection:
                status, attempts, due = connection.execute(
                    text("SELECT status, attempts, next_attempt_at FROM webhook_deliveries")
                ).one()
        finally:
            engine.dispose()
        assert (status, attempts) == ("pending", 1)
        assert due is not None
        with running_server(tmp_path, database_url=database_url, settings=settings) as (url, _):
            wait_until(lambda: len(receiver.received) == 2, "the retry, after the restart", 90)
            endpoint = created.json()["id"]
            deliveries = httpx.get(
                f"{url}/orgs/acme/webhooks/{endpoint}/deliveries", headers=admin, timeout=30
            ).json()
            time.sleep(1.5)  # a few more looks of the clock: nothing is sent again
        assert [(d["status"], d["attempts"]) for d in deliveries] == [("delivered", 2)]
        assert len(receiver.received) == 2
        first, second = receiver.received
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
