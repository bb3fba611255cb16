"""SQLite's one writer, over HTTP: while another connection holds the write lock (a bulk
batch, the ledger clock, a second server), a GET is served at once and a POST waits for the
lock, then succeeds (docs/operations.md, "One writer at a time"). SQLite only: PostgreSQL
has no such lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from credstack.app import create_app
from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.services.actors import Actor
from tests.functional.conftest import ACHIEVEMENT, BASE_URL, MASTER_SECRET

OPERATOR = Actor.operator("test")


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'credstack.db'}",
        base_url=BASE_URL,
        secret_key=MASTER_SECRET,
        evidence_dir=tmp_path / "evidence",
    )
    running = build(settings, migrate=True)
    yield running
    running.close()


def test_a_get_is_served_and_a_post_waits_while_another_writer_holds_sqlite(
    platform: Platform,
) -> None:
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug="acme", name="Acme")
        token = services.tokens.create(OPERATOR, organization="acme", role="issuer").secret
    headers = {"Authorization": f"Bearer {token}"}
    answers: list[httpx.Response] = []
    with TestClient(create_app(platform=platform), raise_server_exceptions=False) as client:

        def post() -> None:
            answers.append(
                client.post(
                    "/orgs/acme/credentials",
                    json={"recipient": "ada@example.com", "achievement": ACHIEVEMENT},
                    headers=headers,
                )
            )

        with platform.engine.connect() as other, other.begin():  # BEGIN IMMEDIATE
            listed = client.get("/orgs/acme/credentials", headers=headers)
            assert listed.status_code == 200, listed.text
            assert listed.json() == []
            writer = threading.Thread(target=post)
            writer.start()
            writer.join(timeout=1.0)
            assert writer.is_alive()  # waiting for the lock, not refused
            held = time.monotonic()
        writer.join(timeout=30)
        assert time.monotonic() - held < 10
        (issued,) = answers
        assert issued.status_code == 201, issued.text
        assert len(client.get("/orgs/acme/credentials", headers=headers).json()) == 1
