"""The database of ``python -m benchmarks.scale``: a million credentials, quickly.

One organisation; ``REAL`` credentials issued through the service (real, signed); then
SYNTHETIC rows written by bulk SQL, not by the signing path. A synthetic row is the text of the
first real credential with its uuid replaced: right in size and shape for the tables and
indexes, but its signature no longer matches, so it does not verify. They sit in status lists
of their own.

Every synthetic credential is issued to an email address, as most are. The first
``learners * PER_LEARNER`` go to wallet learners: accounts with two confirmed addresses (the
account's own and a work address, alternately) and a signed-in wallet session each, their
credentials spread over the year of issue dates; the rest go to one address each, with no
account.
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import DBAPIError

from credstack.bootstrap import build
from credstack.config import Settings
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from credstack.services.learners import NO_PASSWORD, SESSION_LIFETIME, SESSION_PREFIX
from credstack.status import MIN_LENGTH
from credstack.store.credentials import IssuedCredentialRecord, StatusListRecord
from credstack.store.db import deferred, make_engine
from credstack.store.learners import LearnerEmail, LearnerSession
from credstack.store.models import User

OPERATOR = Actor.operator("scale-benchmark")
SLUG = "scale"
POSTGRES = os.environ.get("CREDSTACK_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")
ACHIEVEMENT: dict[str, Any] = {
    "id": "https://badges.example.edu/achievements/data-literacy",
    "type": ["Achievement"],
    "name": "Data literacy",
    "description": "Reads, questions and presents data with care.",
    "criteria": {"narrative": "Passed the final assessment of the twelve-week course."},
}
REAL = 60
BATCH = 50_000
PER_LEARNER = 30


@dataclass(frozen=True)
class Learner:
    """A wallet learner of the fill: the session token the benchmark signs in with."""

    number: int
    token: str


@dataclass
class Filled:
    secret: str
    real: list[str]
    list_id: str
    size: int
    learners: list[Learner]


@contextmanager
def database(url: str | None, keep: bool) -> Iterator[str]:
    """The database URL to fill: the one given, or a fresh PostgreSQL schema."""
    if url is not None:
        yield url
        return
    schema = f"credstack_scale_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        options = quote(f"-csearch_path={schema}", safe="")
        yield f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options={options}"
    finally:
        if keep:
            print(f"kept schema {schema}")
        else:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def learner_email(number: int, row: int) -> str:
    """The address a wallet learner's credential ``row`` went to: their own or work address."""
    domain = "scale.example" if row % 2 == 0 else "work.example"
    return f"learner-{number}@{domain}"


def fill(settings: Settings, count: int, learners: int) -> Filled:
    """Real credentials through the service, then ``count`` synthetic rows by bulk SQL, of
    which ``learners * PER_LEARNER`` (at most ``count``) are in the learners' wallets."""
    learners = min(learners, count // PER_LEARNER)
    platform = build(settings, migrate=True)
    try:
        with platform.unit_of_work() as services:
            org = services.organizations.create(OPERATOR, slug=SLUG, name="Scale University")
            secret = services.tokens.create(OPERATOR, organization=SLUG, role="issuer").secret
        real = []
        for index in range(REAL):
            with platform.unit_of_work() as services:
                record = services.credentials.issue(
                    OPERATOR,
                    SLUG,
                    IssueRequest(
                        recipient=f"did:example:real-{index}",
                        achievement=ACHIEVEMENT,
                        suite="eddsa-jcs-2022",
                    ),
                )
                real.append((record.id, record.text, record.status_list_id))
        template_id, template, first_list = real[0]
        engine = platform.engine
        started = time.perf_counter()
        lists = _synthetic_lists(engine, org.id, first_list, count)
        write = _rows_postgres if engine.dialect.name == "postgresql" else _synthetic_rows
        rows = _Rows(org.id, settings.base_url, template_id, template, lists, learners)
        write(engine, rows, count)
        wallet = _learners(engine, learners)
        _analyze(engine)
        seconds = time.perf_counter() - started
        print(
            f"filled: {REAL} real + {count:,} synthetic credentials in {seconds:,.0f} s "
            f"({count / max(seconds, 1e-9):,.0f} rows/s, bulk SQL, not signed); "
            f"{learners:,} wallet learners with {PER_LEARNER} credentials each",
            flush=True,
        )
        return Filled(
            secret=secret,
            real=[str(r[0]) for r in real],
            list_id=str(first_list),
            size=_size(engine, settings.database_url),
            learners=wallet,
        )
    finally:
        platform.close()


@dataclass(frozen=True)
class _Rows:
    organization_id: uuid.UUID
    base_url: str
    template_id: uuid.UUID
    template: str
    lists: list[tuple[uuid.UUID, str]]
    learners: int


def _synthetic_lists(
    engine: Engine, organization_id: uuid.UUID, template_list: uuid.UUID, count: int
) -> list[tuple[uuid.UUID, str]]:
    with engine.begin() as connection:
        bits, url = connection.execute(
            select(StatusListRecord.bits, StatusListRecord.url).where(
                StatusListRecord.id == template_list
            )
        ).one()
        lists = []
        now = datetime.now(UTC)
        for _ in range(-(-count // MIN_LENGTH)):
            list_id = uuid.uuid4()
            lists.append((list_id, url.rsplit("/", 1)[0] + f"/{list_id}"))
        if lists:
            connection.execute(
                insert(StatusListRecord),
                [
                    {
                        "id": list_id,
                        "organization_id": organization_id,
                        "purpose": "revocation",
                        "length": MIN_LENGTH,
                        "bits": bits,
                        "url": list_url,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for list_id, list_url in lists
                ],
            )
    return lists


def _recipient(rows: _Rows, number: int) -> str:
    if number < rows.learners * PER_LEARNER:
        return learner_email(number % rows.learners, number // rows.learners)
    return f"recipient-{number}@example.org"


def _synthetic_rows(engine: Engine, rows: _Rows, count: int) -> None:
    """``count`` rows in batches; each is the template with its own uuid (and list)."""
    start = datetime.now(UTC) - timedelta(days=365)
    done = 0
    while done < count:
        batch = []
        for number in range(done, min(count, done + BATCH)):
            row_id = uuid.uuid4()
            list_id, _ = rows.lists[number // MIN_LENGTH]
            batch.append(
                {
                    "id": row_id,
                    "organization_id": rows.organization_id,
                    "achievement_id": None,
                    "achievement_version": None,
                    "name": ACHIEVEMENT["name"],
                    "recipient_email": _recipient(rows, number),
                    "recipient_did": None,
                    "credential_id": f"{rows.base_url}/credentials/{row_id}",
                    "suite": "eddsa-jcs-2022",
                    "media_type": "application/vc",
                    "text": rows.template.replace(str(rows.template_id), str(row_id)),
                    "status": "active",
                    "status_purpose": "revocation",
                    "status_list_id": list_id,
                    "status_index": number % MIN_LENGTH,
                    "issued_at": start + timedelta(seconds=number * 30),
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(IssuedCredentialRecord), batch)
        done += len(batch)
        print(f"  {done:,} / {count:,}", end="\r", flush=True)
    print()


def _rows_postgres(engine: Engine, rows: _Rows, count: int) -> None:
    """The same rows as ``_synthetic_rows``, generated by PostgreSQL itself."""
    statement = text(
        """
        INSERT INTO issued_credentials (
            id, organization_id, name, recipient_email, credential_id, suite, media_type, text,
            status, status_purpose, status_list_id, status_index, issued_at)
        SELECT g.id, :organization, :name,
            CASE WHEN g.n < :in_wallets
                THEN 'learner-' || (g.n % :learners) || CASE WHEN (g.n / :learners) % 2 = 0
                    THEN '@scale.example' ELSE '@work.example' END
                ELSE 'recipient-' || g.n || '@example.org' END,
            :base || '/credentials/' || g.id, 'eddsa-jcs-2022', 'application/vc',
            replace(:template, :template_id, g.id::text), 'active', 'revocation',
            (CAST(:lists AS uuid[]))[g.n / :length + 1], g.n % :length,
            :start + g.n * interval '30 seconds'
        FROM (SELECT gen_random_uuid() AS id, n
              FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS n) AS g
        """
    )
    start = datetime.now(UTC) - timedelta(days=365)
    for first in range(0, count, BATCH * 4):
        with engine.begin() as connection:
            connection.execute(
                statement,
                {
                    "organization": rows.organization_id,
                    "name": ACHIEVEMENT["name"],
                    "in_wallets": rows.learners * PER_LEARNER,
                    "learners": max(1, rows.learners),
                    "base": rows.base_url,
                    "template": rows.template,
                    "template_id": str(rows.template_id),
                    "lists": [str(list_id) for list_id, _ in rows.lists],
                    "length": MIN_LENGTH,
                    "start": start,
                    "first": first,
                    "last": min(count, first + BATCH * 4) - 1,
                },
            )
        print(f"  {min(count, first + BATCH * 4):,} / {count:,}", end="\r", flush=True)
    print()


def _token(number: int) -> str:
    """A wallet session token of the fill's shape (``csw_`` and 43 characters), reproducible."""
    digest = hashlib.sha256(f"credstack-scale-learner-{number}".encode()).digest()
    return SESSION_PREFIX + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _learners(engine: Engine, count: int) -> list[Learner]:
    """``count`` learner accounts, each with its two confirmed addresses and a session, as
    signing in and confirming the second address would leave them."""
    now = datetime.now(UTC)
    learners = [Learner(number, _token(number)) for number in range(count)]
    users = [uuid.uuid4() for _ in learners]
    with engine.begin() as connection:
        if not learners:
            return learners
        connection.execute(
            insert(User),
            [
                {
                    "id": user,
                    "email": learner_email(learner.number, 0),
                    "password_hash": NO_PASSWORD,
                    "created_at": now,
                }
                for user, learner in zip(users, learners, strict=True)
            ],
        )
        connection.execute(
            insert(LearnerEmail),
            [
                {
                    "id": uuid.uuid4(),
                    "user_id": user,
                    "email": learner_email(learner.number, row),
                    "created_at": now,
                    "confirmed_at": now,
                }
                for user, learner in zip(users, learners, strict=True)
                for row in (0, 1)
            ],
        )
        connection.execute(
            insert(LearnerSession),
            [
                {
                    "id": uuid.uuid4(),
                    "user_id": user,
                    "token_hash": hashlib.sha256(learner.token.encode()).hexdigest(),
                    "created_at": now,
                    "expires_at": now + SESSION_LIFETIME,
                }
                for user, learner in zip(users, learners, strict=True)
            ],
        )
    return learners


def _analyze(engine: Engine) -> None:
    """Statistics for the planner (and PostgreSQL's visibility map), as autovacuum would."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(
                text(
                    "VACUUM ANALYZE issued_credentials, status_lists, users, learner_emails, "
                    "learner_sessions"
                )
            )
            # The fill's pages written out now: left to a checkpoint during the measurement,
            # their writes stall the disk, and every query, for seconds on a small machine.
            with suppress(DBAPIError):  # CHECKPOINT needs a superuser or pg_checkpoint
                connection.execute(text("CHECKPOINT"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def _size(engine: Engine, url: str) -> int:
    """Bytes the database takes: the SQLite file, or the schema's tables with indexes."""
    if url.startswith("sqlite"):
        # Deferred: a checkpoint cannot run in a transaction that holds the write lock.
        with deferred(engine).connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return Path(url.split("///", 1)[1]).stat().st_size
    with engine.connect() as connection:
        size: int = connection.execute(
            text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        ).scalar_one()
    return size
