"""Exactly once under SIGKILL: a bulk job whose issuing process is killed mid-job finishes, when
started again, with every row issued once, none twice and none missing.

Real processes: on SQLite ``credstack bulk issue`` issues the rows itself and is killed, then
``credstack bulk resume`` finishes the job; on PostgreSQL a ``credstack worker`` is killed and
a new worker (which enqueues unfinished jobs when it starts) finishes it. The database is read
directly to see progress and to check the outcome. A command run again under its idempotency
key (a script's retry) finds the job it made.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from credstack.store.bulk import BulkJobRecord, BulkJobRowRecord
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.db import deferred, make_engine
from credstack.store.mail import MailMessage
from tests.integration.databases import DATABASES, postgres_schema

ROWS = 400
ACHIEVEMENT = (
    '{"type":["Achievement"],"name":"Data","description":"d","criteria":{"narrative":"n"}}'
)


@pytest.fixture(params=DATABASES)
def environment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDSTACK_")}
    env["CREDSTACK_SECRET_KEY"] = "kill-test-master-secret-0123456789abcdef"
    env["CREDSTACK_BASE_URL"] = "https://badges.example.edu"
    if request.param == "sqlite":
        env["CREDSTACK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'credstack.db'}"
        yield env
    else:
        with postgres_schema() as url:
            env["CREDSTACK_DATABASE_URL"] = url
            yield env


def credstack(
    env: dict[str, str], *args: str, exit_code: int = 0
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "credstack", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == exit_code, done.stderr
    return done


def published_achievement(env: dict[str, str], folder: Path) -> str:
    """The id of a published achievement of a new organisation ``acme``."""
    credstack(env, "org", "create", "--slug", "acme", "--name", "Acme")
    (folder / "a.json").write_text(ACHIEVEMENT)
    made = credstack(
        env, "achievement", "create", "--org", "acme", "--file", str(folder / "a.json"), "--publish"
    )
    return made.stdout.strip().splitlines()[-1]


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "credstack", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@contextmanager
def reading(env: dict[str, str]) -> Iterator[Connection]:
    """A connection to the job's database that reads beside its batches, as the progress bar
    does (deferred: it never waits for SQLite's write lock)."""
    engine = deferred(make_engine(env["CREDSTACK_DATABASE_URL"]))
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def counts(env: dict[str, str]) -> tuple[int, int, int]:
    """(rows issued, credentials stored, distinct recipients of those credentials)."""
    with reading(env) as connection:
        issued = connection.scalar(
            select(func.count())
            .select_from(BulkJobRowRecord)
            .where(BulkJobRowRecord.status == "issued")
        )
        stored = connection.scalar(select(func.count()).select_from(IssuedCredentialRecord))
        recipients = connection.scalar(
            select(func.count(func.distinct(IssuedCredentialRecord.recipient_email)))
        )
        return int(issued or 0), int(stored or 0), int(recipients or 0)


def announced(env: dict[str, str]) -> tuple[int, int]:
    """(credential emails in the outbox, distinct recipients of those)."""
    with reading(env) as connection:
        found = select(MailMessage.recipient).where(MailMessage.purpose == "credential_issued")
        count = connection.scalar(select(func.count()).select_from(found.subquery()))
        distinct = connection.scalar(
            select(func.count(func.distinct(MailMessage.recipient))).where(
                MailMessage.purpose == "credential_issued"
            )
        )
        return int(count or 0), int(distinct or 0)


def job_issued(env: dict[str, str]) -> int:
    """The job's own count of its rows issued (kept by its batches)."""
    with reading(env) as connection:
        return int(connection.scalar(select(BulkJobRecord.issued)) or 0)


def job_finished(env: dict[str, str]) -> bool:
    with reading(env) as connection:
        return connection.scalar(select(BulkJobRecord.status)) == "finished"


def kill_mid_job(process: subprocess.Popen[str], env: dict[str, str]) -> int:
    """SIGKILL the process once some rows, but not all, are issued; the rows issued then."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        issued = counts(env)[0]
        if issued > 0:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return issued
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    process.kill()
    pytest.fail("no row was issued within two minutes")


def test_a_killed_job_finishes_exactly_once(environment: dict[str, str], tmp_path: Path) -> None:
    achievement = published_achievement(environment, tmp_path)
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("recipient,grade\n" + "".join(f"l{i}@example.com,A\n" for i in range(ROWS)))
    sqlite = environment["CREDSTACK_DATABASE_URL"].startswith("sqlite")
    # --notify: each learner is emailed once too, the emails written with the batch's rows.
    issue = ["bulk", "issue", "--org", "acme", "--achievement", achievement, "--notify"]
    issue.append(str(cohort))
    if sqlite:
        at_kill = kill_mid_job(start(environment, *issue), environment)
        assert 0 < at_kill < ROWS
        job = _job_id(environment)
        credstack(environment, "bulk", "resume", "--org", "acme", job)
    else:
        job = credstack(environment, *issue, "--no-wait").stdout.strip()
        at_kill = kill_mid_job(start(environment, "worker"), environment)
        assert 0 < at_kill < ROWS
        assert not job_finished(environment)
        worker = start(environment, "worker")
        try:
            deadline = time.monotonic() + 240
            while not job_finished(environment) and time.monotonic() < deadline:
                assert worker.poll() is None, worker.communicate()
                time.sleep(0.2)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
    assert job_finished(environment)
    assert counts(environment) == (ROWS, ROWS, ROWS)
    assert job_issued(environment) == ROWS  # the batch the kill undid was not counted
    assert announced(environment) == (ROWS, ROWS)
    results = credstack(environment, "bulk", "results", "--org", "acme", job).stdout
    assert results.count(",issued,") == ROWS
    # --status: the rows of one outcome only; an unknown one is refused, with the known ones.
    results_of = ["bulk", "results", "--org", "acme", job, "--status"]
    assert len(credstack(environment, *results_of, "issued").stdout.splitlines()) == ROWS + 1
    failed = credstack(environment, *results_of, "failed").stdout
    assert failed.splitlines() == ["line,recipient,status,credential,error"]
    unknown = credstack(environment, *results_of, "done", exit_code=1)
    assert "not one of queued, issued, failed, invalid" in unknown.stderr


def test_a_command_run_again_with_its_key_follows_the_same_job(
    environment: dict[str, str], tmp_path: Path
) -> None:
    """A script that retries ``bulk issue`` (after a kill, a lost terminal) with
    ``--idempotency-key`` gets the job it made, not a second one."""
    achievement = published_achievement(environment, tmp_path)
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("recipient\nada@example.com\ngrace@example.com\n")
    issue = ["bulk", "issue", "--org", "acme", "--achievement", achievement, str(cohort)]
    keyed = [*issue, "--idempotency-key", "nightly-2026-11-30"]
    sqlite = environment["CREDSTACK_DATABASE_URL"].startswith("sqlite")
    if not sqlite:
        keyed.append("--no-wait")  # no worker runs here: the job waits, and is found again
    first = credstack(environment, *keyed).stdout.strip()
    again = credstack(environment, *keyed)
    assert again.stdout.strip() == first
    with reading(environment) as connection:
        assert connection.scalar(select(func.count()).select_from(BulkJobRecord)) == 1
    # `bulk list` finds a job whose id the terminal lost.
    (listed,) = credstack(environment, "bulk", "list", "--org", "acme").stdout.splitlines()
    assert listed.startswith(f"{first}  ")
    assert listed.endswith("  cohort.csv")
    assert ("2 issued, 0 failed" if sqlite else "0 issued, 0 failed, 0 invalid, 2 queued") in listed
    cohort.write_text("recipient\nlin@example.com\n")
    other = credstack(environment, *keyed, exit_code=1)
    assert "[idempotency_key_reused]" in other.stderr


def _job_id(env: dict[str, str]) -> str:
    with reading(env) as connection:
        return str(connection.scalar(select(BulkJobRecord.id)))
