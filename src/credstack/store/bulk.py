"""Bulk issuance jobs and their rows: tables and repository.

A job holds every row of its file, valid or not; a valid row is ``queued`` until a batch
issues it (``issued``, with its credential) or gives up on it (``failed``, with the reason);
an invalid row (kept with ``--skip-invalid``) is ``invalid`` from the start. Batches claim
queued rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers on several machines share
one job, and a worker that dies releases its rows when its connection closes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final, NamedTuple, cast

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    bindparam,
    false,
    func,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, Session, defer, mapped_column

from credstack.store.batch import insert_rows
from credstack.store.models import Base, _now, _one_of
from credstack.store.types import UtcDateTime

JOB_STATUSES: Final = ("running", "finished")
ROW_STATUSES: Final = ("queued", "issued", "failed", "invalid")
QUEUED: Final = "queued"


class BulkJobRecord(Base):
    __tablename__ = "bulk_jobs"
    __table_args__ = (
        CheckConstraint(_one_of("status", JOB_STATUSES), name="status"),
        Index(None, "organization_id", "created_at"),
        # A retried upload (Idempotency-Key, the console's form) finds its job (migration 0022).
        Index(None, "organization_id", "idempotency_key", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    achievement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("achievements.id", ondelete="CASCADE")
    )
    suite: Mapped[str] = mapped_column(String(32))
    status_purpose: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="running")
    total: Mapped[int]
    # Rows by outcome, kept by the batches that issue them (migration 0020); queued is the rest.
    issued: Mapped[int] = mapped_column(default=0, server_default="0")
    failed: Mapped[int] = mapped_column(default=0, server_default="0")
    invalid: Mapped[int] = mapped_column(default=0, server_default="0")
    # Who created the job: its batches issue in that actor's name (and the audit log says so).
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    finished_at: Mapped[datetime | None]
    # The upload's Idempotency-Key, and the SHA-256 of what it asked for (the achievement, the
    # options and the file): the same key again is the same job, or a conflict.
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_digest: Mapped[str | None] = mapped_column(String(64))
    # Email each learner issued a credential by the job (migration 0023): written in the batch
    # that issues it, so a row issued once is announced once.
    notify: Mapped[bool] = mapped_column(default=False, server_default=false())


class BulkJobRowRecord(Base):
    __tablename__ = "bulk_job_rows"
    __table_args__ = (
        CheckConstraint(_one_of("status", ROW_STATUSES), name="status"),
        # A job's queued rows in line order (claim, peek), and only those: a row that a batch
        # finishes leaves it, so its update writes one index entry, not two (migration 0021).
        Index(
            "ix_bulk_job_rows_queued",
            "job_id",
            "line",
            postgresql_where=text(f"status = '{QUEUED}'"),
            sqlite_where=text(f"status = '{QUEUED}'"),
        ),
    )

    job_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bulk_jobs.id", ondelete="CASCADE"), primary_key=True
    )
    line: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    # The validated row (formats.BulkRow.to_json), or the raw line number and reason.
    data: Mapped[dict[str, Any]]
    # Given in the file, or bulk:{job}:{line}: the credential's Idempotency-Key.
    idempotency_key: Mapped[str] = mapped_column(String(255))
    credential_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("issued_credentials.id", ondelete="SET NULL")
    )
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]


class RowOutcome(NamedTuple):
    """What became of a claimed row: ``issued`` with its credential, or ``failed`` and why."""

    line: int
    status: str
    error: str | None
    credential_id: uuid.UUID | None


# PostgreSQL's form of ``finish_rows``: the batch's outcomes as arrays, joined by line. The
# lines' range bounds the rows read: without it the join read every row of the job (a hash of
# 100,000 rows for each batch of a 100,000-row job).
FINISH_ROWS = text(
    "UPDATE bulk_job_rows SET status = v.status, error = v.error, "
    "credential_id = v.credential_id, finished_at = :at "
    "FROM unnest(:lines, :statuses, :errors, :credentials) "
    "AS v(line, status, error, credential_id) "
    "WHERE bulk_job_rows.job_id = :job AND bulk_job_rows.line = v.line "
    "AND bulk_job_rows.line BETWEEN :first AND :last"
).bindparams(
    bindparam("job", type_=Uuid()),
    bindparam("first", type_=Integer()),
    bindparam("last", type_=Integer()),
    bindparam("at", type_=UtcDateTime()),
    bindparam("lines", type_=ARRAY(Integer())),
    bindparam("statuses", type_=ARRAY(String())),
    bindparam("errors", type_=ARRAY(Text())),
    bindparam("credentials", type_=ARRAY(Uuid())),
)


def _queued() -> ColumnElement[bool]:
    # 'queued' written out, not a bound parameter: a planner uses the partial index only for a
    # condition it can see (SQLite's always, PostgreSQL's in a prepared statement's plan).
    return BulkJobRowRecord.status == literal_column(f"'{QUEUED}'")


def counts_of(job: BulkJobRecord) -> dict[str, int]:
    """The job's rows by status, from the counts its batches keep (not a count of its rows)."""
    done = job.issued + job.failed + job.invalid
    return {
        "queued": job.total - done,
        "issued": job.issued,
        "failed": job.failed,
        "invalid": job.invalid,
    }


class BulkJobRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, job: BulkJobRecord, rows: list[dict[str, Any]]) -> BulkJobRecord:
        """The job and its rows (plain dicts written in one go, ``store.batch``: not an ORM
        unit per row).

        The job is written in a savepoint: when a concurrent upload took its idempotency key,
        only it is undone (``IntegrityError``), and the caller can read that upload's job.
        """
        with self._session.begin_nested():
            self._session.add(job)
            self._session.flush()
        insert_rows(self._session, cast(Table, BulkJobRowRecord.__table__), rows)
        return job

    def get(self, job_id: uuid.UUID) -> BulkJobRecord | None:
        return self._session.get(BulkJobRecord, job_id)

    def by_idempotency_key(self, organization_id: uuid.UUID, key: str) -> BulkJobRecord | None:
        return self._session.scalar(
            select(BulkJobRecord).where(
                BulkJobRecord.organization_id == organization_id,
                BulkJobRecord.idempotency_key == key,
            )
        )

    def for_organization(
        self, organization_id: uuid.UUID, *, offset: int, limit: int
    ) -> list[BulkJobRecord]:
        return list(
            self._session.scalars(
                select(BulkJobRecord)
                .where(BulkJobRecord.organization_id == organization_id)
                .order_by(BulkJobRecord.created_at.desc(), BulkJobRecord.id)
                .offset(offset)
                .limit(limit)
            )
        )

    def unfinished(self) -> list[uuid.UUID]:
        return list(
            self._session.scalars(select(BulkJobRecord.id).where(BulkJobRecord.status == "running"))
        )

    def claim(self, job_id: uuid.UUID, limit: int) -> list[BulkJobRowRecord]:
        """Up to ``limit`` queued rows, locked until the transaction ends; rows another
        transaction holds are skipped (PostgreSQL; SQLite has one writer at a time anyway)."""
        return list(
            self._session.scalars(
                select(BulkJobRowRecord)
                .where(BulkJobRowRecord.job_id == job_id, _queued())
                .order_by(BulkJobRowRecord.line)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )

    def claim_lines(self, job_id: uuid.UUID, lines: Sequence[int]) -> list[BulkJobRowRecord]:
        """The rows at ``lines`` that are still queued, locked as ``claim`` locks them; their
        data is read only if asked for (the caller read it when it read the rows ahead)."""
        if not lines:
            return []
        return list(
            self._session.scalars(
                select(BulkJobRowRecord)
                .options(defer(BulkJobRowRecord.data))
                .where(
                    BulkJobRowRecord.job_id == job_id,
                    _queued(),
                    # The lines' range bounds the index scan: PostgreSQL before 17 reads an IN
                    # list on the index's second column as a filter, when it also returns the
                    # rows in line order, so without it the scan read every queued row of the job.
                    BulkJobRowRecord.line.between(min(lines), max(lines)),
                    BulkJobRowRecord.line.in_(lines),
                )
                .order_by(BulkJobRowRecord.line)
                .with_for_update(skip_locked=True)
            )
        )

    def peek(
        self, job_id: uuid.UUID, limit: int, after: int | None, *, skip: int = 0
    ) -> list[BulkJobRowRecord]:
        """Up to ``limit`` queued rows past line ``after`` (and the first ``skip`` of those),
        not locked: a batch signed ahead reads them, and claims them later (``claim_lines``)."""
        query = select(BulkJobRowRecord).where(BulkJobRowRecord.job_id == job_id, _queued())
        if after is not None:
            query = query.where(BulkJobRowRecord.line > after)
        query = query.order_by(BulkJobRowRecord.line).offset(skip).limit(limit)
        return list(self._session.scalars(query))

    def finish_rows(self, job_id: uuid.UUID, at: datetime, outcomes: Sequence[RowOutcome]) -> None:
        """Each row's outcome, finished ``at``: one statement on PostgreSQL, one prepared
        statement run per row on SQLite (in C). The rows' objects in the session are left as
        they were (the transaction ends next)."""
        if not outcomes:
            return
        if self._session.get_bind().dialect.name == "postgresql":
            # One UPDATE for the batch: an executemany is a statement per row on psycopg, which
            # cost PostgreSQL (and this process) as much as storing the credentials' audit
            # entries, inside the part of the batch that holds the ledger's lock.
            lines = [o.line for o in outcomes]
            self._session.execute(
                FINISH_ROWS,
                {
                    "job": job_id,
                    "at": at,
                    "first": min(lines),
                    "last": max(lines),
                    "lines": lines,
                    "statuses": [o.status for o in outcomes],
                    "errors": [o.error for o in outcomes],
                    "credentials": [o.credential_id for o in outcomes],
                },
            )
            return
        table = cast(Table, BulkJobRowRecord.__table__)
        self._session.execute(
            update(table)
            .where(table.c.job_id == job_id, table.c.line == bindparam("row_line"))
            .values(
                status=bindparam("status"),
                error=bindparam("error"),
                credential_id=bindparam("credential_id"),
                finished_at=at,
            ),
            [
                {
                    "row_line": o.line,
                    "status": o.status,
                    "error": o.error,
                    "credential_id": o.credential_id,
                }
                for o in outcomes
            ],
        )

    def queued(self, job_id: uuid.UUID, limit: int) -> int:
        """How many rows are queued, counting no further than ``limit`` (cheap on big jobs)."""
        first = (
            select(BulkJobRowRecord.line)
            .where(BulkJobRowRecord.job_id == job_id, _queued())
            .limit(limit)
            .subquery()
        )
        return int(self._session.scalar(select(func.count()).select_from(first)) or 0)

    def counts(self, job_id: uuid.UUID) -> dict[str, int]:
        """The job's rows by status, its record read afresh (other workers' batches may have
        committed since it was read in this transaction)."""
        job = self._session.get(BulkJobRecord, job_id, populate_existing=True)
        assert job is not None  # the caller read it
        return counts_of(job)

    def count_rows(self, job_id: uuid.UUID) -> dict[str, int]:
        """The job's rows by status, counted from the rows themselves (what ``counts`` keeps)."""
        found = self._session.execute(
            select(BulkJobRowRecord.status, func.count())
            .where(BulkJobRowRecord.job_id == job_id)
            .group_by(BulkJobRowRecord.status)
        )
        counts = dict.fromkeys(ROW_STATUSES, 0)
        counts.update({status: int(count) for status, count in found})
        return counts

    def add_counts(self, job_id: uuid.UUID, issued: int, failed: int) -> None:
        """Add a batch's outcomes to the job's counts (its row stays locked to the commit)."""
        self._session.execute(
            update(BulkJobRecord)
            .where(BulkJobRecord.id == job_id)
            .values(issued=BulkJobRecord.issued + issued, failed=BulkJobRecord.failed + failed)
            .execution_options(synchronize_session=False)
        )

    def rows(
        self,
        job_id: uuid.UUID,
        *,
        offset: int = 0,
        limit: int | None = None,
        status: str | None = None,
        after: int | None = None,
    ) -> list[BulkJobRowRecord]:
        """Rows in line order: past ``offset`` of them, or past line ``after`` (a reader of every
        row pages by line, so no page rescans the rows before it)."""
        query = (
            select(BulkJobRowRecord)
            .where(BulkJobRowRecord.job_id == job_id)
            .order_by(BulkJobRowRecord.line)
            .offset(offset)
        )
        if status is not None:
            query = query.where(BulkJobRowRecord.status == status)
        if after is not None:
            query = query.where(BulkJobRowRecord.line > after)
        return list(self._session.scalars(query if limit is None else query.limit(limit)))

    def finish(self, job_id: uuid.UUID, at: datetime) -> bool:
        """Mark the job finished if no row is queued; True when this call finished it."""
        queued = select(BulkJobRowRecord.line).where(BulkJobRowRecord.job_id == job_id, _queued())
        done = self._session.execute(
            update(BulkJobRecord)
            .where(
                BulkJobRecord.id == job_id,
                BulkJobRecord.status == "running",
                ~queued.exists(),
            )
            .values(status="finished", finished_at=at)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]
