"""Checkpoints signed by the servers themselves, with no ``credstack ledger checkpoint``: real
``credstack serve`` processes (one, then two on the same database) on SQLite and PostgreSQL,
credentials issued over HTTP, and the verifier's ``ledger`` check passing without
``ledger_pending`` once the ledger clock has signed."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from credstack.bootstrap import build
from credstack.config import Settings
from credstack.services.actors import Actor
from credstack.store.db import make_engine
from tests.functional.servers import running_server
from tests.integration.databases import DATABASES, fresh_database

OPERATOR = Actor.operator("test")
CLOCK = {"CREDSTACK_LEDGER_CHECKPOINT_SECONDS": "1"}
BADGE = {
    "type": ["Achievement"],
    "name": "Punctuality",
    "description": "Signed on time.",
    "criteria": {"narrative": "Was there."},
}


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def set_up(env: dict[str, str]) -> str:
    """An organisation and an issuer token, made in-process on the server's database."""
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
            return services.tokens.create(OPERATOR, organization="acme", role="issuer").secret
    finally:
        platform.close()


def issue(url: str, token: str, n: int) -> str:
    """Issue one credential. On SQLite too, a write that meets another writer (the other
    server, or a clock's checkpoint) waits for it: never a 503 (docs/operations.md)."""
    response = httpx.post(
        f"{url}/orgs/acme/credentials",
        json={"recipient": f"learner{n}@example.com", "achievement": BADGE},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"clock-{n}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.text


def signed_size(url: str) -> int:
    size: int = httpx.get(f"{url}/ledger", timeout=10).json()["signedSize"]
    return size


def wait_for_checkpoint(url: str, size: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while signed_size(url) < size:
        assert time.monotonic() < deadline, f"no checkpoint of size {size} within {seconds} s"
        time.sleep(0.2)


def test_a_server_signs_a_checkpoint_on_its_own(database_url: str, tmp_path: Path) -> None:
    with running_server(tmp_path, database_url=database_url, settings=CLOCK) as (url, env):
        token = set_up(env)
        credentials = [issue(url, token, n) for n in range(3)]
        before = httpx.post(f"{url}/verify", content=credentials[-1], timeout=30).json()
        (check,) = [c for c in before["checks"] if c["name"] == "ledger"]
        # Just issued: logged, perhaps not yet signed (the clock ticks four times a period).
        assert check["code"] in ("ledger_pending", "ok")
        wait_for_checkpoint(url, 3)
        for credential in credentials:
            report = httpx.post(f"{url}/verify", content=credential, timeout=30).json()
            assert report["valid"] is True, report
            (check,) = [c for c in report["checks"] if c["name"] == "ledger"]
            assert (check["outcome"], check["code"]) == ("passed", "ok"), check
            assert "ledger_pending" not in {c["code"] for c in report["checks"]}
        info = httpx.get(f"{url}/ledger", timeout=10).json()
        assert info["size"] == info["signedSize"] == 3


def test_two_servers_on_one_database_sign_one_consistent_history(
    database_url: str, tmp_path: Path
) -> None:
    with running_server(tmp_path, database_url=database_url, settings=CLOCK) as (first, env):
        token = set_up(env)
        public = env["CREDSTACK_BASE_URL"]  # both name themselves by it: one log, one origin
        with running_server(
            tmp_path, database_url=database_url, base_url=public, settings=CLOCK
        ) as (second, _):
            issued = 0
            started = time.monotonic()
            while time.monotonic() - started < 4:
                issue(first if issued % 2 else second, token, issued)
                issued += 1
            wait_for_checkpoint(first, issued)
            assert signed_size(second) == issued
        audit = subprocess.run(
            [sys.executable, "-m", "credstack", "ledger", "audit"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert audit.returncode == 0, audit.stdout + audit.stderr
        assert audit.stdout.strip().endswith("ok")
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT tree_size, created_at FROM ledger_checkpoints ORDER BY tree_size")
            ).all()
    finally:
        engine.dispose()
    assert len(rows) >= 2
    assert rows[-1][0] == issued
    times = [moment(value) for _, value in rows]
    # Between them the two processes signed at most one checkpoint per period, in size order.
    assert times == sorted(times)
    for earlier, later in itertools.pairwise(times):
        assert later - earlier >= timedelta(seconds=1) - timedelta(milliseconds=1)


def moment(value: datetime | str) -> datetime:
    """A timestamp as the database driver gives it (SQLite: text), made aware (UTC)."""
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
