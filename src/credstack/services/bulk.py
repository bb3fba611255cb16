"""Bulk issuance: a file of rows becomes a job whose rows are issued in batches, exactly once.

``create`` reads the whole file first (``formats.bulk``): with any bad row nothing is stored
unless ``skip_invalid`` is given, and then the bad rows are kept as ``invalid`` with their
reasons. Each valid row gets an idempotency key (its own, or ``bulk:{job}:{line}``), and is
issued through ``CredentialService.issue_batch``, the per-credential path of single issuance
(audit log included). A batch is two transactions: ``reserve`` draws the batch's status list
indexes (the one status-list update of the batch), then ``issue_next_batch`` claims queued rows,
issues them and marks them in one transaction: a worker killed mid-batch leaves its rows queued
(its transaction never commits), and the idempotency keys make a re-run issue none twice.
The transaction that finishes a job announces ``bulk.completed`` with its counts (webhooks).
"""

from __future__ import annotations

import builtins
import csv
import hashlib
import io
import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Error, InvalidBulkFile, InvalidInput, NotFound
from credstack.formats import BulkFile, BulkRow, read_bulk_file
from credstack.issue import SUITES, recipient_kind
from credstack.services.achievements import AchievementService, AchievementView
from credstack.services.actors import Actor, Role, authorize, check_role
from credstack.services.audit import AuditTrail
from credstack.services.credentials import CredentialService
from credstack.services.issuing import IssueRequest, SignedAhead, Slot, checked_key
from credstack.services.mail import MailService
from credstack.services.notices import ISSUED, issued_letter
from credstack.services.organizations import OrganizationService
from credstack.services.ports import NO_EVENTS, NO_QUEUE, EventPublisher, TaskQueue
from credstack.store.bulk import (
    ROW_STATUSES,
    BulkJobRecord,
    BulkJobRepository,
    BulkJobRowRecord,
    RowOutcome,
    counts_of,
)
from credstack.store.models import Organization

# Rows per batch: each batch has fixed costs (its reservation, commits, checkpoint and reads of
# the job) that at 100 rows were a fifth of a PostgreSQL worker's time.
BATCH_SIZE: Final = 250
# A batch issued in this process grows up to this many times BATCH_SIZE while many rows wait
# (a quarter of them at most, so that workers sharing a job finish together); at 1,000 rows a
# PostgreSQL worker issued a fifth more per second than at 250 (docs/performance.md).
GROWTH: Final = 4
SPREAD: Final = 4
# Copies of the job's task: each works until no row is left, so this many workers can share it.
MAX_PARALLEL: Final = 16
ROWS_PER_WORKER: Final = 200
# How far into the queued rows a worker's run of batches signed ahead may start.
MAX_SPREAD: Final = 100_000
MAX_PAGE: Final = 1000
RESULT_COLUMNS: Final = ("line", "recipient", "status", "credential", "error")
# A row without a key of its own gets ``bulk:{job}:{line}``.
OWN_KEY: Final = "bulk:"


@dataclass(frozen=True)
class BulkAhead:
    """A coming batch being signed (``BulkService.sign_ahead``): its lines, in order."""

    lines: builtins.list[int]
    signed: SignedAhead
    full: bool
    # The rows' requests by line, read once (the claim does not read the rows' data again).
    requests: dict[int, IssueRequest]

    @property
    def last_line(self) -> int:
        return self.lines[-1]

    def close(self) -> None:
        """Drop the signatures (the rows stay queued; their indexes stay unused)."""
        self.signed.close()


@dataclass(frozen=True)
class BulkJobView:
    job: BulkJobRecord
    counts: dict[str, int]

    @property
    def finished(self) -> bool:
        return self.job.status == "finished"


class BulkService:
    def __init__(
        self,
        session: Session,
        base_url: str,
        audit: AuditTrail,
        organizations: OrganizationService,
        achievements: AchievementService,
        credentials: CredentialService,
        queue: TaskQueue = NO_QUEUE,
        *,
        mail: MailService,
        events: EventPublisher = NO_EVENTS,
    ) -> None:
        self._session = session
        self._mail = mail
        self._events = events
        self._base_url = base_url.rstrip("/")
        self._audit = audit
        self._organizations = organizations
        self._achievements = achievements
        self._credentials = credentials
        self._queue = queue
        self._jobs = BulkJobRepository(session)

    def create(
        self,
        actor: Actor,
        slug: str,
        achievement_id: str,
        data: bytes,
        filename: str,
        *,
        skip_invalid: bool = False,
        suite: str = "eddsa-rdfc-2022",
        status_purpose: str = "revocation",
        idempotency_key: str | None = None,
        notify: bool = False,
    ) -> BulkJobView:
        """Validate the whole file, store the job and its rows, and enqueue its issuance.
        With ``notify``, each learner with an email address is emailed their credential's
        link when it is issued.

        With ``idempotency_key``, the same upload again (a retry after a lost answer, a second
        click) returns the job the first one made, as it is now; the key with another file,
        achievement or option is a conflict. Without one, every upload is a new job.
        """
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        digest = _digest(
            achievement_id, filename, data, skip_invalid, suite, status_purpose, notify
        )
        if idempotency_key is not None:
            idempotency_key = checked_key(idempotency_key)
            earlier = self._jobs.by_idempotency_key(org.id, idempotency_key)
            if earlier is not None:
                return self._replay(earlier, digest)
        view = self._published(slug, achievement_id)
        if suite not in SUITES:
            raise InvalidInput(
                f"Unknown suite {suite!r}; choose one of {', '.join(SUITES)}.",
                code="unsupported_cryptosuite",
            )
        if status_purpose not in ("revocation", "suspension"):
            raise InvalidInput(
                f"statusPurpose {status_purpose!r} is not revocation or suspension.",
                code="unsupported_status_purpose",
            )
        bulk = read_bulk_file(data, filename, now=datetime.now(UTC))
        if bulk.problems and not skip_invalid:
            raise InvalidBulkFile(
                f"{len(bulk.problems)} of {len(bulk.rows) + len(bulk.problems)} rows are "
                "invalid; nothing was issued. Fix them, or skip them with --skip-invalid "
                "(skipInvalid=true).",
                [(problem.line, problem.reason) for problem in bulk.problems],
            )
        if not bulk.rows:
            raise InvalidInput("The bulk file has no valid row.", code="empty_bulk_file")
        job = BulkJobRecord(
            id=uuid.uuid4(),
            organization_id=org.id,
            achievement_id=view.record.id,
            suite=suite,
            status_purpose=status_purpose,
            filename=filename[-255:],
            status="running",
            total=len(bulk.rows) + len(bulk.problems),
            invalid=len(bulk.problems),
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_role=actor.role,
            idempotency_key=idempotency_key,
            request_digest=digest,
            notify=notify,
        )
        rows = [
            {
                "job_id": job.id,
                "line": row.line,
                "status": "queued",
                "data": row.to_json(),
                "idempotency_key": row.idempotency_key or f"{OWN_KEY}{job.id}:{row.line}",
                "error": None,
            }
            for row in bulk.rows
        ] + [
            {
                "job_id": job.id,
                "line": problem.line,
                "status": "invalid",
                "data": {"line": problem.line},
                "idempotency_key": f"{OWN_KEY}{job.id}:{problem.line}",
                "error": problem.reason,
            }
            for problem in bulk.problems
        ]
        try:
            self._jobs.add(job, rows)
        except IntegrityError:
            # A concurrent upload with the same key won the race: answer with its job.
            winner = (
                self._jobs.by_idempotency_key(org.id, idempotency_key) if idempotency_key else None
            )
            if winner is None:
                raise
            return self._replay(winner, digest)
        self._audit.record(
            actor,
            org.id,
            "bulk.created",
            f"{self._base_url}/orgs/{slug}/bulk/{job.id}",
            {"rows": len(bulk.rows), "invalid": len(bulk.problems), "file": job.filename},
        )
        self.enqueue(job, len(bulk.rows))
        return BulkJobView(job, counts_of(job))

    def _replay(self, job: BulkJobRecord, digest: str) -> BulkJobView:
        """The job an earlier upload under the same key made. While unfinished it is enqueued
        once more, since the process that ran it may be what died (on SQLite, a killed command);
        a copy that finds no row queued ends at once."""
        if job.request_digest != digest:
            raise Conflict(
                "This Idempotency-Key was used for another bulk upload (another file, "
                "achievement or option); use a new key.",
                code="idempotency_key_reused",
            )
        view = BulkJobView(job, counts_of(job))
        if not view.finished:
            self._queue.enqueue("run_bulk_job", job_id=str(job.id))
        return view

    def preview(
        self, actor: Actor, slug: str, achievement_id: str, data: bytes, filename: str
    ) -> BulkFile:
        """What ``create`` would make of the file: its rows and every bad row's reason, for a
        person to look at before starting; nothing is stored."""
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        self._published(slug, achievement_id)
        return read_bulk_file(data, filename, now=datetime.now(UTC))

    def _published(self, slug: str, achievement_id: str) -> AchievementView:
        view = self._achievements.get(achievement_id, organization=slug)
        if view.record.status != "published":
            raise Conflict(
                f"The achievement is {view.record.status}; only a published one is issued.",
                code="achievement_not_published",
            )
        return view

    def enqueue(self, job: BulkJobRecord, queued: int) -> None:
        """Ask for enough copies of the job's task that several workers can share it."""
        copies = max(1, min(MAX_PARALLEL, -(-queued // ROWS_PER_WORKER)))
        for _ in range(copies):
            self._queue.enqueue("run_bulk_job", job_id=str(job.id))

    def get(self, actor: Actor, slug: str, job_id: uuid.UUID | str) -> BulkJobView:
        job = self._owned(actor, slug, job_id)
        return BulkJobView(job, counts_of(job))

    def list(
        self, actor: Actor, slug: str, *, offset: int = 0, limit: int = 50
    ) -> builtins.list[BulkJobView]:
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        _paging(offset, limit)
        jobs = self._jobs.for_organization(org.id, offset=offset, limit=limit)
        return [BulkJobView(job, counts_of(job)) for job in jobs]

    def rows(
        self,
        actor: Actor,
        slug: str,
        job_id: uuid.UUID | str,
        *,
        offset: int = 0,
        limit: int = 100,
        status: str | None = None,
    ) -> builtins.list[BulkJobRowRecord]:
        """A page of the job's rows in line order; only those of ``status`` when given (the
        failed ones, say, of a job of 50,000)."""
        job = self._owned(actor, slug, job_id)
        _paging(offset, limit)
        return self._jobs.rows(job.id, offset=offset, limit=limit, status=_row_status(status))

    def results_csv(
        self, actor: Actor, slug: str, job_id: uuid.UUID | str, *, status: str | None = None
    ) -> Iterator[str]:
        """Every row's outcome (or every one of ``status``) as CSV text, header first, a page of
        rows at a time."""
        job = self._owned(actor, slug, job_id)
        return self._csv(job.id, _row_status(status))

    def resume(self, actor: Actor, slug: str, job_id: uuid.UUID | str) -> BulkJobView:
        """Enqueue an unfinished job again (after its worker died); a finished one is left."""
        job = self._owned(actor, slug, job_id)
        counts = counts_of(job)
        if job.status == "running":
            self.enqueue(job, counts["queued"])
        return BulkJobView(job, counts)

    def continue_job(self, job_id: uuid.UUID | str) -> None:
        """Enqueue one more copy of a running job's task (a task that ran its share does)."""
        job, _ = self._job(job_id)
        if job.status == "running":
            self._queue.enqueue("run_bulk_job", job_id=str(job.id))

    def requeue_unfinished(self) -> int:
        """Enqueue every running job again (a starting worker does: one that died left its
        rows queued); the number of jobs."""
        jobs = self._jobs.unfinished()
        for job_id in jobs:
            job = self._jobs.get(job_id)
            assert job is not None
            self.enqueue(job, counts_of(job)["queued"])
        return len(jobs)

    # The task side: called by jobs.tasks, as the job's creator.

    def reserve(self, job_id: uuid.UUID | str, limit: int = BATCH_SIZE) -> builtins.list[Slot]:
        """Status list indexes for the next batch (its own transaction), as many as the rows it
        will claim: on PostgreSQL ``batch_rows``, on SQLite ``limit`` at most (a batch signed
        in its transaction holds SQLite's write lock, which every other writer waits for);
        none when no row waits."""
        job, org = self._job(job_id)
        counted = limit * GROWTH * SPREAD if self._on_postgres() else limit
        waiting = self._jobs.queued(job.id, counted) if job.status == "running" else 0
        if waiting == 0:
            return []
        return self._credentials.reserve(
            _creator(job), org.slug, job.status_purpose, batch_rows(waiting, limit)
        )

    def sign_ahead(
        self, job_id: uuid.UUID | str, limit: int = BATCH_SIZE, after: int | None = None
    ) -> BulkAhead | None:
        """Start signing the next ``limit`` queued rows past line ``after`` (their indexes
        reserved in this transaction), for ``issue_next_batch(..., ahead=...)`` to claim and
        store; None when signing is not parallel (``Signing``) or no row is left.

        The rows are not claimed: a worker killed now leaves them queued, and one that another
        worker claims first is signed again by it (this one's signature is dropped).
        """
        if not self._credentials.signs_in_parallel:
            return None
        job, org = self._job(job_id)
        if job.status != "running":
            return None
        skip = 0
        if after is None and self._on_postgres():
            # Each worker starts its run of batches at a random queued row, so that workers
            # sharing the job seldom read (and sign) the same rows ahead. (On SQLite one
            # process issues the job.)
            queued = self._jobs.queued(job.id, MAX_SPREAD)
            skip = secrets.randbelow(queued - limit + 1) if queued > limit else 0
        rows = self._jobs.peek(job.id, limit, after, skip=skip)
        if not rows:
            return None
        creator = _creator(job)
        slots = self._credentials.reserve(creator, org.slug, job.status_purpose, len(rows))
        requests = {row.line: self._request(job, row) for row in rows}
        items = [(requests[row.line], row.idempotency_key) for row in rows]
        signed = self._credentials.sign_ahead(
            creator, org.slug, items, slots, unused=_own_keys(job, rows)
        )
        if signed is None:
            return None
        return BulkAhead([row.line for row in rows], signed, len(rows) == limit, requests)

    def issue_next_batch(
        self,
        job_id: uuid.UUID | str,
        slots: builtins.list[Slot],
        limit: int = BATCH_SIZE,
        *,
        ahead: BulkAhead | None = None,
    ) -> int:
        """Claim up to ``limit`` queued rows (with ``ahead``: those of its lines still queued),
        issue them and record each outcome; the number of rows claimed (0: nothing was left
        for this worker, and the job is finished if no row is queued anywhere)."""
        job, org = self._job(job_id)
        if job.status != "running":
            rows = []
        elif ahead is not None:
            rows = self._jobs.claim_lines(job.id, ahead.lines)
        else:
            rows = self._jobs.claim(job.id, limit)
        if rows:
            self._issue(job, org, rows, slots, ahead)
        elif ahead is not None:
            ahead.close()
        if len(rows) < limit and self._jobs.finish(job.id, datetime.now(UTC)):
            # Only the transaction that finished the job announces it: exactly one event.
            counts = self._jobs.counts(job.id)
            self._events.publish(
                org.id,
                "bulk.completed",
                {
                    "job": str(job.id),
                    "achievementId": str(job.achievement_id),
                    "total": job.total,
                    "issued": counts["issued"],
                    "failed": counts["failed"],
                    "invalid": counts["invalid"],
                },
            )
        return len(rows)

    def _issue(
        self,
        job: BulkJobRecord,
        org: Organization,
        rows: builtins.list[BulkJobRowRecord],
        slots: builtins.list[Slot],
        ahead: BulkAhead | None,
    ) -> None:
        known = ahead.requests if ahead is not None else {}
        items = [
            (known.get(row.line) or self._request(job, row), row.idempotency_key) for row in rows
        ]

        def finish(outcomes: builtins.list[uuid.UUID | Error], new: set[uuid.UUID]) -> None:
            # Before the batch's ledger leaves: the rows are this batch's already (claimed), so
            # their update waits for no one and is not done under the log's head lock. The
            # emails are written in the same transaction: a row issued once is announced once.
            if job.notify:
                self._announce(job, org, items, outcomes, new)
            self._jobs.finish_rows(
                job.id,
                datetime.now(UTC),
                [
                    RowOutcome(row.line, "failed", f"{outcome.message} [{outcome.code}]", None)
                    if isinstance(outcome, Error)
                    else RowOutcome(row.line, "issued", None, outcome)
                    for row, outcome in zip(rows, outcomes, strict=True)
                ],
            )

        outcomes = self._credentials.issue_batch(
            _creator(job),
            org.slug,
            items,
            slots,
            ahead=ahead.signed if ahead else None,
            unused=_own_keys(job, rows),
            stored=finish,
        )
        # After the batch's ledger leaves: the job's row stays locked only from here to the
        # commit, while the log's head is locked already.
        failed = sum(isinstance(outcome, Error) for outcome in outcomes)
        self._jobs.add_counts(job.id, len(outcomes) - failed, failed)

    def _announce(
        self,
        job: BulkJobRecord,
        org: Organization,
        items: builtins.list[tuple[IssueRequest, str]],
        outcomes: builtins.list[uuid.UUID | Error],
        new: set[uuid.UUID],
    ) -> None:
        """An email to each learner with an address whom this batch issued a credential (not
        to one whose row replayed an earlier credential: they had it already)."""
        name = self._achievements.get(job.achievement_id, organization=org.slug).document.get(
            "name", ""
        )
        letters = [
            issued_letter(
                request.recipient.strip(),
                str(name),
                org.name,
                f"{self._base_url}/credentials/{outcome}",
                f"{self._base_url}/wallet",
            )
            for (request, _), outcome in zip(items, outcomes, strict=True)
            if isinstance(outcome, uuid.UUID)
            and outcome in new
            and recipient_kind(request.recipient) == "email"
        ]
        self._mail.send_many(letters, purpose=ISSUED)

    @staticmethod
    def _request(job: BulkJobRecord, row: BulkJobRowRecord) -> IssueRequest:
        data = BulkRow.from_json(row.data)
        return IssueRequest(
            recipient=data.recipient,
            achievement_id=str(job.achievement_id),
            suite=job.suite,
            valid_until=data.valid_until,
            result=data.result(),
            evidence=data.evidence(),
            status_purpose=job.status_purpose,
        )

    def _csv(self, job_id: uuid.UUID, status: str | None) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(RESULT_COLUMNS)
        after: int | None = None
        while True:
            page = self._jobs.rows(job_id, limit=MAX_PAGE, status=status, after=after)
            for row in page:
                writer.writerow(
                    (
                        row.line,
                        _cell(str(row.data.get("recipient", ""))),
                        row.status,
                        f"{self._base_url}/credentials/{row.credential_id}"
                        if row.credential_id
                        else "",
                        row.error or "",
                    )
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if len(page) < MAX_PAGE:
                return
            after = page[-1].line

    def _on_postgres(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    def _job(self, job_id: uuid.UUID | str) -> tuple[BulkJobRecord, Organization]:
        job = self._jobs.get(_uuid(job_id))
        if job is None:
            raise NotFound(f"No bulk job {job_id}.", code="bulk_job_not_found")
        org = self._session.get(Organization, job.organization_id)
        assert org is not None  # a foreign key
        return job, org

    def _owned(self, actor: Actor, slug: str, job_id: uuid.UUID | str) -> BulkJobRecord:
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        job = self._jobs.get(_uuid(job_id))
        if job is None or job.organization_id != org.id:
            raise NotFound(f"{slug!r} has no bulk job {job_id}.", code="bulk_job_not_found")
        return job


def batch_rows(waiting: int, limit: int) -> int:
    """The rows of the next batch when ``waiting`` rows are queued: ``limit``, or more while
    many wait (up to ``GROWTH`` times ``limit``, and a ``SPREAD``th of those waiting); never
    more than are waiting.

    >>> [batch_rows(waiting, 250) for waiting in (100, 250, 1600, 4000, 100_000)]
    [100, 250, 400, 1000, 1000]
    """
    return min(waiting, max(limit, min(limit * GROWTH, waiting // SPREAD)))


def _own_keys(job: BulkJobRecord, rows: builtins.list[BulkJobRowRecord]) -> set[str]:
    """The rows' keys made from the job's id (not given in the file): no credential can hold
    one before its row is issued, and a row issued is never claimed again, so none is looked
    up (the query would read the credentials table whole when its statistics lag)."""
    prefix = f"{OWN_KEY}{job.id}:"
    return {row.idempotency_key for row in rows if row.idempotency_key.startswith(prefix)}


def _cell(value: str) -> str:
    """A value a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _creator(job: BulkJobRecord) -> Actor:
    if job.actor_kind == "operator":
        return Actor.operator(job.actor_id)
    return Actor(
        kind="user" if job.actor_kind == "user" else "token",
        id=job.actor_id,
        organization_id=job.organization_id,
        role=_role(job.actor_role),
    )


def _role(value: str | None) -> Role | None:
    return None if value is None else check_role(value)


def _digest(
    achievement_id: str,
    filename: str,
    data: bytes,
    skip_invalid: bool,
    suite: str,
    status_purpose: str,
    notify: bool = False,
) -> str:
    # The file's name picks its format, so it is part of what was asked. ``notify`` is added
    # only when asked, so jobs made before it existed keep their digests.
    asked = json.dumps(
        [achievement_id, filename, skip_invalid, suite, status_purpose] + (["notify"] * notify)
    )
    return hashlib.sha256(asked.encode() + b"\n" + data).hexdigest()


def _row_status(value: str | None) -> str | None:
    if value is None or value in ROW_STATUSES:
        return value
    raise InvalidInput(
        f"Row status {value[:40]!r} is not one of {', '.join(ROW_STATUSES)}.",
        code="unknown_row_status",
    )


def _paging(offset: int, limit: int) -> None:
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(
            f"Paging needs offset >= 0 and 1 <= limit <= {MAX_PAGE}.", code="invalid_paging"
        )


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No bulk job {value}.", code="bulk_job_not_found") from exc
