"""The migrations build exactly the models' schema, on both databases."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.orm import Session

from credstack.store import bulk, credentials, webhooks  # noqa: F401  # tables join Base.metadata
from credstack.store.achievements import AchievementRecord
from credstack.store.bulk import BulkJobRepository
from credstack.store.db import make_engine
from credstack.store.migrate import current_revision, head_revision, upgrade
from credstack.store.models import Base, Organization
from credstack.store.records import RecordRepository
from tests.integration.databases import DATABASES, fresh_database


def _ours(name: str | None, kind: str, _parent: object) -> bool:
    # procrastinate's tables (PostgreSQL) are its own schema, installed by 0008_bulk.
    return not (kind == "table" and (name or "").startswith("procrastinate_"))


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _ours}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_database_is_at_head_and_upgrade_again_is_a_no_op(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


@pytest.fixture(params=DATABASES)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_0020_counts_the_rows_of_the_jobs_there_are(fresh_url: str) -> None:
    upgrade(fresh_url, "0019_bulk_row_order")
    engine = make_engine(fresh_url)
    org, achievement, job = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    statuses = ["issued"] * 4 + ["failed"] * 2 + ["invalid"] * 3 + ["queued"] * 5
    try:
        # The organisation's and achievement's tables are as the models say at 0019; the
        # job's are not (0020 changes them), so those are written as SQL.
        with Session(engine) as session, session.begin():
            session.add(
                Organization(
                    id=org, slug="acme", name="Acme", issuer_did="did:web:x:acme", did_method="web"
                )
            )
            session.flush()
            session.add(
                AchievementRecord(
                    id=achievement, organization_id=org, public_id="https://x/a/1", name="A"
                )
            )
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO bulk_jobs (id, organization_id, achievement_id, suite, "
                    "status_purpose, filename, status, total, actor_kind, actor_id, created_at) "
                    "VALUES (:id, :org, :achievement, 'eddsa-rdfc-2022', 'revocation', 'c.csv', "
                    "'running', :total, 'operator', 'operator', :at)"
                ),
                {
                    "id": _id(engine, job),
                    "org": _id(engine, org),
                    "achievement": _id(engine, achievement),
                    "total": len(statuses),
                    "at": datetime.now(UTC),
                },
            )
            for line, status in enumerate(statuses, start=2):
                connection.execute(
                    text(
                        "INSERT INTO bulk_job_rows (job_id, line, status, data, idempotency_key) "
                        "VALUES (:job, :line, :status, '{}', :key)"
                    ),
                    {"job": _id(engine, job), "line": line, "status": status, "key": f"k{line}"},
                )
        upgrade(fresh_url)
        with Session(engine) as session:
            jobs = BulkJobRepository(session)
            assert jobs.counts(job) == {"queued": 5, "issued": 4, "failed": 2, "invalid": 3}
            assert jobs.counts(job) == jobs.count_rows(job)
    finally:
        engine.dispose()


def _id(engine: Engine, value: uuid.UUID) -> str | uuid.UUID:
    # SQLAlchemy's Uuid stores 32 hex digits on SQLite.
    return value.hex if engine.dialect.name == "sqlite" else value


def test_0021_indexes_only_queued_rows_and_dids_and_queries_use_those_indexes(
    fresh_url: str,
) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    postgres = engine.dialect.name == "postgresql"
    try:
        catalog = (
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname"
            if postgres
            else "SELECT name, sql FROM sqlite_master WHERE name"
        )
        with engine.connect() as connection:
            found = {
                str(name): str(definition)
                for name, definition in connection.execute(
                    text(
                        f"{catalog} IN "
                        "('ix_bulk_job_rows_queued', 'ix_issued_credentials_recipient_did')"
                    )
                )
            }
            if postgres:
                compression = connection.execute(
                    text(
                        "SELECT attcompression FROM pg_attribute WHERE attname = 'text' "
                        "AND attrelid = 'issued_credentials'::regclass"
                    )
                ).scalar_one()
                assert compression == "l"  # lz4
        queued = (
            "WHERE ((status)::text = 'queued'::text)" if postgres else "WHERE status = 'queued'"
        )
        assert queued in found["ix_bulk_job_rows_queued"]
        assert "recipient_did IS NOT NULL" in found["ix_issued_credentials_recipient_did"]
        replaced = "ix_bulk_job_rows_job_id_status_line"
        assert replaced not in {
            index["name"] for index in inspect(engine).get_indexes("bulk_job_rows")
        }
        # The queries that look for a job's queued rows, or for credentials by DID, can use the
        # partial indexes.
        statements: list[tuple[str, object, str]] = []
        indexes = {
            "FROM bulk_job_rows": "ix_bulk_job_rows_queued",
            "FROM issued_credentials": "ix_issued_credentials_recipient_did",
        }

        def keep(_c: object, _cur: object, statement: str, parameters: object, *_: object) -> None:
            for table, index in indexes.items():
                if table in statement:
                    statements.append((statement, parameters, index))

        event.listen(engine, "before_cursor_execute", keep)
        with Session(engine) as session:
            jobs = BulkJobRepository(session)
            job = uuid.uuid4()
            jobs.claim(job, 10)
            jobs.peek(job, 10, 5)
            jobs.queued(job, 100)
            RecordRepository(session).issued_to(dids=["did:example:learner"])
            session.rollback()
        event.remove(engine, "before_cursor_execute", keep)
        assert [index for *_, index in statements] == [indexes["FROM bulk_job_rows"]] * 3 + [
            indexes["FROM issued_credentials"]
        ]
        with engine.connect() as connection:
            if postgres:
                # psycopg prepares a statement run often, and PostgreSQL may then plan it once
                # for any parameters: that plan must use the index too.
                connection.exec_driver_sql("SET enable_seqscan = off")
                connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            for number, (statement, parameters, index) in enumerate(statements):
                if postgres:
                    assert isinstance(parameters, dict)
                    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", statement)))
                    numbered = re.sub(
                        r"%\((\w+)\)s",
                        lambda m, names=names: f"${names.index(m.group(1)) + 1}",  # type: ignore[misc]
                        statement,
                    )
                    connection.exec_driver_sql(f"PREPARE q{number} AS {numbered}")
                    values = ", ".join(f"'{parameters[name]}'" for name in names)
                    plan = connection.exec_driver_sql(f"EXPLAIN EXECUTE q{number}({values})").all()
                else:
                    plan = connection.exec_driver_sql(
                        "EXPLAIN QUERY PLAN " + statement,
                        parameters,  # type: ignore[arg-type]
                    ).all()
                assert index in " ".join(str(line) for line in plan), plan
    finally:
        engine.dispose()
