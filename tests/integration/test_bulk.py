"""Bulk issuance through the real services and task functions, on SQLite and PostgreSQL.

These tests commit (the task functions open units of work of their own), so they run on a
database of their own (a SQLite file, a PostgreSQL schema), not the rolled-back one of the other
integration tests, and each makes an organisation with a fresh slug.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from credstack.adapters.signing_pool import ProcessSigning
from credstack.bootstrap import Platform
from credstack.errors import (
    Conflict,
    Forbidden,
    InvalidBulkFile,
    InvalidInput,
    NotFound,
    StorageError,
)
from credstack.jobs.garbage import YOUNG_THRESHOLD
from credstack.jobs.tasks import run_bulk_job
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.store.bulk import BulkJobRepository, RowOutcome
from credstack.store.credentials import IssuedCredentialRecord, StatusListRecord
from credstack.store.ledger import LedgerCheckpoint
from credstack.store.models import AuditEntry
from tests.integration.databases import DATABASES, own_platform

OPERATOR = Actor.operator("test")
BADGE = {
    "type": ["Achievement"],
    "name": "Data Literacy",
    "description": "Reads data.",
    "criteria": {"narrative": "Passed the course."},
}


@pytest.fixture(scope="module", params=DATABASES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    with own_platform(
        request.param,
        tmp_path_factory.mktemp("bulk"),
        base_url="https://badges.example.edu",
        secret_key="bulk-integration-master-secret-0123456789",
        # Batches of 16 rows or more are signed in a process of their own, and ahead.
        signing_processes=1,
    ) as platform:
        platform.dispatch = None  # the tests run the task functions themselves
        yield platform


def setup(platform: Platform) -> tuple[str, str]:
    slug = f"bulk-{uuid.uuid4().hex[:10]}"
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug=slug, name="Bulk Academy")
        view = services.achievements.create(
            OPERATOR, organization=slug, achievement=BADGE, publish=True
        )
    return slug, str(view.record.id)


def cohort(count: int, *, start: int = 0) -> bytes:
    lines = ["recipient,name,grade"]
    lines += [f"learner{i}@example.com,Learner {i},{'AB'[i % 2]}" for i in range(start, count)]
    return ("\n".join(lines) + "\n").encode()


def row_counts(platform: Platform, job_id: str) -> dict[str, int]:
    """The job's rows by status, counted from the rows (the job keeps its own counts)."""
    with platform.sessions() as session:
        return BulkJobRepository(session).count_rows(uuid.UUID(job_id))


def credentials_of(platform: Platform, slug: str) -> list[IssuedCredentialRecord]:
    with platform.unit_of_work() as services:
        org = services.organizations.get(slug)
        assert org.slug == slug
        return services.credentials.list(OPERATOR, slug, limit=500)


def test_a_file_with_bad_rows_issues_nothing(platform: Platform) -> None:
    slug, achievement = setup(platform)
    data = b"recipient\nok@example.com\nnobody\nok@example.com\n"
    with pytest.raises(InvalidBulkFile) as raised, platform.unit_of_work() as services:
        services.bulk.create(OPERATOR, slug, achievement, data, "c.csv")
    assert raised.value.problems == [
        (3, "recipient: neither an email address nor a DID or URL"),
        (4, "recipient: already on line 2"),
    ]
    assert raised.value.code == "invalid_bulk_file"
    with platform.unit_of_work() as services:
        assert services.bulk.list(OPERATOR, slug) == []
    assert credentials_of(platform, slug) == []


def test_a_job_issues_every_row_once_through_the_credential_path(platform: Platform) -> None:
    slug, achievement = setup(platform)
    data = cohort(7) + b"broken-row,,\n"
    with platform.unit_of_work() as services:
        view = services.bulk.create(
            OPERATOR, slug, achievement, data, "cohort.csv", skip_invalid=True
        )
    assert view.counts == {"queued": 7, "issued": 0, "failed": 0, "invalid": 1}
    assert view.job.total == 8
    job_id = str(view.job.id)
    with platform.sessions() as session:
        checkpoints_before = session.scalar(select(func.count()).select_from(LedgerCheckpoint))
    young = gc.get_threshold()[0]
    seen: list[int] = []

    def unit_of_work() -> AbstractContextManager[Services]:
        seen.append(gc.get_threshold()[0])  # collections are fewer while the job runs
        return platform.unit_of_work()

    assert run_bulk_job(unit_of_work, job_id, batch_size=3) == 7
    assert set(seen) == {max(young, YOUNG_THRESHOLD)}
    assert gc.get_threshold()[0] == young
    assert run_bulk_job(platform.unit_of_work, job_id, batch_size=3) == 0
    with platform.unit_of_work() as services:
        done = services.bulk.get(OPERATOR, slug, job_id)
        rows = services.bulk.rows(OPERATOR, slug, job_id)
        results = "".join(services.bulk.results_csv(OPERATOR, slug, job_id))
    assert done.finished
    assert done.counts == {"queued": 0, "issued": 7, "failed": 0, "invalid": 1}
    assert done.counts == row_counts(platform, job_id)
    issued = credentials_of(platform, slug)
    assert len(issued) == 7
    assert {r.recipient_email for r in issued} == {f"learner{i}@example.com" for i in range(7)}
    assert {row.credential_id for row in rows if row.status == "issued"} == {r.id for r in issued}
    grades = {json.loads(r.text)["credentialSubject"]["result"][0]["value"] for r in issued}
    assert grades == {"A", "B"}
    # One status list, and its allocation holds exactly the indexes the credentials use.
    assert len({r.status_list_id for r in issued}) == 1
    assert len({r.status_index for r in issued}) == 7
    table = list(csv.DictReader(io.StringIO(results)))
    assert [row["line"] for row in table] == [str(n) for n in range(2, 10)]
    assert table[-1]["status"] == "invalid"
    assert table[-1]["error"] == "recipient: neither an email address nor a DID or URL"
    assert table[0]["credential"].endswith(f"/credentials/{rows[0].credential_id}")
    with platform.sessions() as session:
        audited = session.scalars(
            select(AuditEntry.id)
            .where(AuditEntry.action == "credential.issued")
            .where(AuditEntry.subject.in_([r.credential_id for r in issued]))
        ).all()
    assert len(audited) == 7
    # Time-ordered ids (store.ids), so that these rows land at the end of their indexes.
    assert {entry.version for entry in audited} == {7}
    assert {record.id.version for record in issued} == {7}
    # A checkpoint signed after each of the three batches: every leaf is in a signed tree.
    with platform.sessions() as session:
        signed = session.scalar(select(func.count()).select_from(LedgerCheckpoint))
    assert signed == checkpoints_before + 3
    with platform.unit_of_work() as services:
        assert services.ledger.latest_size() == services.ledger.size()
        for record in issued:
            assert services.ledger.inclusion(record.credential_id).pending == []


def test_given_keys_make_a_second_upload_replay_not_reissue(platform: Platform) -> None:
    slug, achievement = setup(platform)
    data = b"recipient,idempotency_key\na@example.com,k-a\nb@example.com,k-b\n"
    for _ in range(2):
        with platform.unit_of_work() as services:
            view = services.bulk.create(OPERATOR, slug, achievement, data, "c.csv")
        run_bulk_job(platform.unit_of_work, str(view.job.id))
    assert len(credentials_of(platform, slug)) == 2
    changed = b"recipient,idempotency_key\nc@example.com,k-a\n"
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, changed, "c.csv")
    run_bulk_job(platform.unit_of_work, str(view.job.id))
    with platform.unit_of_work() as services:
        (row,) = services.bulk.rows(OPERATOR, slug, view.job.id)
        counts = services.bulk.get(OPERATOR, slug, view.job.id).counts
    assert (row.status, counts["failed"]) == ("failed", 1)
    assert counts == row_counts(platform, str(view.job.id))
    assert row.error is not None
    assert row.error.endswith("[idempotency_key_reused]")
    assert len(credentials_of(platform, slug)) == 2


def test_a_batch_records_each_rows_own_outcome(platform: Platform) -> None:
    # One batch of issued and refused rows: each row gets its own status, error and
    # credential (the batch writes every outcome in one statement on PostgreSQL).
    slug, achievement = setup(platform)
    first = b"recipient,idempotency_key\na@example.com,m-a\nb@example.com,m-b\ne@example.com,m-e\n"
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, first, "c.csv")
    run_bulk_job(platform.unit_of_work, str(view.job.id))
    mixed = (
        b"recipient,idempotency_key\n"
        b"x@example.com,m-a\n"  # the key names another recipient's credential: refused
        b"c@example.com,m-c\n"
        b"b@example.com,m-b\n"  # the same row again: replayed
        b"y@example.com,m-e\n"  # refused
        b"d@example.com,m-d\n"
    )
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, mixed, "c.csv")
    run_bulk_job(platform.unit_of_work, str(view.job.id))
    with platform.unit_of_work() as services:
        rows = services.bulk.rows(OPERATOR, slug, view.job.id)
        counts = services.bulk.get(OPERATOR, slug, view.job.id).counts
    issued = {c.id: c.recipient_email for c in credentials_of(platform, slug)}
    assert [row.status for row in rows] == ["failed", "issued", "issued", "failed", "issued"]
    assert [issued.get(row.credential_id) for row in rows] == [  # type: ignore[arg-type]
        None,
        "c@example.com",
        "b@example.com",
        None,
        "d@example.com",
    ]
    for row in rows:
        assert row.finished_at is not None
        if row.status == "failed":
            assert row.error is not None
            assert row.error.endswith("[idempotency_key_reused]")
        else:
            assert row.error is None
    assert counts == {"queued": 0, "issued": 3, "failed": 2, "invalid": 0}
    assert counts == row_counts(platform, str(view.job.id))
    assert len(issued) == 5


def test_two_workers_share_one_job(platform: Platform) -> None:
    slug, achievement = setup(platform)
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, cohort(40), "c.csv")
    handled: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            handled.append(run_bulk_job(platform.unit_of_work, str(view.job.id), batch_size=4))
        except BaseException as exc:  # noqa: BLE001  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if platform.uses_postgres:
        assert errors == []
        assert sum(handled) == 40
    with platform.unit_of_work() as services:
        if errors:  # SQLite: one writer; a refused batch stays queued and is run again
            run_bulk_job(platform.unit_of_work, str(view.job.id))
        counts = services.bulk.get(OPERATOR, slug, view.job.id).counts
    issued = credentials_of(platform, slug)
    assert len(issued) == len({r.recipient_email for r in issued}) == 40
    assert counts["queued"] == 0
    assert counts == row_counts(platform, str(view.job.id))  # two workers counted each row once
    with platform.sessions() as session:
        lists = session.scalars(
            select(StatusListRecord).where(
                StatusListRecord.id.in_({r.status_list_id for r in issued})
            )
        ).all()
    assert len(lists) == 1


def test_jobs_are_tenant_scoped_and_checked(platform: Platform) -> None:
    slug, achievement = setup(platform)
    other, _ = setup(platform)
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, cohort(1), "c.csv")
        org = services.organizations.get(other)
    stranger = Actor(kind="token", id="t", organization_id=org.id, role="owner")
    with platform.unit_of_work() as services:
        with pytest.raises(Forbidden):
            services.bulk.get(stranger, slug, view.job.id)
        with pytest.raises(NotFound):
            services.bulk.get(OPERATOR, other, view.job.id)
        with pytest.raises(NotFound):
            services.bulk.get(OPERATOR, slug, "not-a-uuid")
        with pytest.raises(NotFound):
            services.bulk.create(OPERATOR, other, achievement, cohort(1), "c.csv")
        with pytest.raises(InvalidInput, match="statusPurpose"):
            services.bulk.create(
                OPERATOR, slug, achievement, cohort(1), "c.csv", status_purpose="x"
            )
        with pytest.raises(InvalidInput, match="offset"):
            services.bulk.rows(OPERATOR, slug, view.job.id, limit=0)
        assert [v.job.id for v in services.bulk.list(OPERATOR, slug)] == [view.job.id]


def test_tasks_leave_only_when_the_transaction_commits(platform: Platform) -> None:
    slug, achievement = setup(platform)
    sent: list[tuple[str, dict[str, str]]] = []
    platform.dispatch = lambda task, arguments: sent.append((task, arguments))
    try:
        with pytest.raises(RuntimeError, match="gave up"):
            abandon(platform, slug, achievement)
        assert sent == []
        with platform.unit_of_work() as services:
            view = services.bulk.create(OPERATOR, slug, achievement, cohort(450), "c.csv")
            assert sent == []
        # 450 rows: three copies of the task, so three workers can share the job.
        assert sent == [("run_bulk_job", {"job_id": str(view.job.id)})] * 3
        with platform.unit_of_work() as services:
            assert services.bulk.requeue_unfinished() >= 1  # with other tests' unfinished jobs
        assert sent.count(("run_bulk_job", {"job_id": str(view.job.id)})) == 6
    finally:
        platform.dispatch = None


def abandon(platform: Platform, slug: str, achievement: str) -> None:
    with platform.unit_of_work() as services:
        services.bulk.create(OPERATOR, slug, achievement, cohort(3), "c.csv")
        raise RuntimeError("the caller gave up")


def test_results_csv_cells_never_start_a_formula(platform: Platform) -> None:
    slug, achievement = setup(platform)
    data = b"recipient\n=cmd@x.example.com\n+1@x.example.com\n"
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, data, "c.csv")
    run_bulk_job(platform.unit_of_work, str(view.job.id))
    with platform.unit_of_work() as services:
        results = "".join(services.bulk.results_csv(OPERATOR, slug, view.job.id))
    table = list(csv.DictReader(io.StringIO(results)))
    assert [row["recipient"] for row in table] == ["'=cmd@x.example.com", "'+1@x.example.com"]
    assert [row["status"] for row in table] == ["issued", "issued"]


def test_results_of_a_large_job_come_page_by_page_and_by_status(platform: Platform) -> None:
    """Past a page (MAX_PAGE rows) the CSV goes on from the last line written: every row once,
    in line order, with or without a status."""
    slug, achievement = setup(platform)
    bad = 1_200  # invalid rows: kept by the job, issued never, so the test stays quick
    data = b"recipient\nada@x.example.com\n" + b"nobody\n" * bad + b"grace@x.example.com\n"
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, data, "c.csv", skip_invalid=True)
    run_bulk_job(platform.unit_of_work, str(view.job.id))
    with platform.unit_of_work() as services:
        every = list(
            csv.DictReader(
                io.StringIO("".join(services.bulk.results_csv(OPERATOR, slug, view.job.id)))
            )
        )
        invalid = list(
            csv.DictReader(
                io.StringIO(
                    "".join(
                        services.bulk.results_csv(OPERATOR, slug, view.job.id, status="invalid")
                    )
                )
            )
        )
        issued = services.bulk.rows(OPERATOR, slug, view.job.id, status="issued")
        with pytest.raises(InvalidInput, match="not one of queued, issued, failed, invalid"):
            services.bulk.rows(OPERATOR, slug, view.job.id, status="Issued")
    assert [int(row["line"]) for row in every] == list(range(2, bad + 4))
    assert [int(row["line"]) for row in invalid] == list(range(3, bad + 3))
    assert {row["status"] for row in invalid} == {"invalid"}
    assert [row.line for row in issued] == [2, bad + 3]


def test_an_upload_sent_again_under_its_key_is_the_same_job(platform: Platform) -> None:
    slug, achievement = setup(platform)
    sent: list[tuple[str, dict[str, str]]] = []
    platform.dispatch = lambda task, arguments: sent.append((task, arguments))
    try:
        with platform.unit_of_work() as services:
            first = services.bulk.create(
                OPERATOR, slug, achievement, cohort(3), "c.csv", idempotency_key=" retry-1 "
            )
        job_id = str(first.job.id)
        copies = len(sent)
        # Sent again while it runs: the same job, enqueued once more (its process may have died).
        with platform.unit_of_work() as services:
            again = services.bulk.create(
                OPERATOR, slug, achievement, cohort(3), "c.csv", idempotency_key="retry-1"
            )
        assert str(again.job.id) == job_id
        assert sent[copies:] == [("run_bulk_job", {"job_id": job_id})]
        run_bulk_job(platform.unit_of_work, job_id)
        with platform.unit_of_work() as services:
            done = services.bulk.create(
                OPERATOR, slug, achievement, cohort(3), "c.csv", idempotency_key="retry-1"
            )
        assert (str(done.job.id), done.counts["issued"], done.finished) == (job_id, 3, True)
        assert len(sent) == copies + 1  # a finished job is not enqueued again
    finally:
        platform.dispatch = None
    # The key with another file, achievement or option is refused, and nothing is stored.
    for data, options in (
        (cohort(4), {}),
        (cohort(3), {"skip_invalid": True}),
        (cohort(3), {"status_purpose": "suspension"}),
    ):
        with pytest.raises(Conflict) as refused, platform.unit_of_work() as services:
            services.bulk.create(
                OPERATOR, slug, achievement, data, "c.csv", idempotency_key="retry-1", **options
            )
        assert refused.value.code == "idempotency_key_reused"
    for bad in ("", " ", "x" * 256, "tab\there"):
        with pytest.raises(InvalidInput) as invalid, platform.unit_of_work() as services:
            services.bulk.create(
                OPERATOR, slug, achievement, cohort(3), "c.csv", idempotency_key=bad
            )
        assert invalid.value.code == "invalid_idempotency_key"
    # Without a key, the same file is a second job: the key is how a client asks for once.
    with platform.unit_of_work() as services:
        other = services.bulk.create(OPERATOR, slug, achievement, cohort(3), "c.csv")
        assert [str(view.job.id) for view in services.bulk.list(OPERATOR, slug)] == [
            str(other.job.id),
            job_id,
        ]
    assert len(credentials_of(platform, slug)) == 3


def test_two_uploads_racing_under_one_key_make_one_job(platform: Platform) -> None:
    """The second waits for the first's commit, then answers with its job (PostgreSQL), or is
    refused as a storage conflict that its retry replays (SQLite, one writer at a time)."""
    slug, achievement = setup(platform)
    started = threading.Event()
    outcome: list[object] = []

    def second() -> None:
        started.wait()
        try:
            with platform.unit_of_work() as services:
                outcome.append(
                    services.bulk.create(
                        OPERATOR, slug, achievement, cohort(2), "c.csv", idempotency_key="race"
                    ).job.id
                )
        except StorageError as exc:
            outcome.append(exc)

    racer = threading.Thread(target=second)
    racer.start()
    with platform.unit_of_work() as services:
        first = services.bulk.create(
            OPERATOR, slug, achievement, cohort(2), "c.csv", idempotency_key="race"
        )
        started.set()
        time.sleep(0.3)  # the second reads no job under the key, then waits to write its own
    racer.join(timeout=60)
    assert len(outcome) == 1
    if platform.uses_postgres:
        assert outcome == [first.job.id]
    else:
        assert isinstance(outcome[0], StorageError) or outcome == [first.job.id]
        with platform.unit_of_work() as services:
            retried = services.bulk.create(
                OPERATOR, slug, achievement, cohort(2), "c.csv", idempotency_key="race"
            )
        assert retried.job.id == first.job.id
    with platform.unit_of_work() as services:
        assert len(services.bulk.list(OPERATOR, slug)) == 1


def test_a_draft_achievement_is_not_issued_in_bulk(platform: Platform) -> None:
    slug, _ = setup(platform)
    with platform.unit_of_work() as services:
        draft = services.achievements.create(OPERATOR, organization=slug, achievement=BADGE)
    with pytest.raises(Conflict, match="draft"), platform.unit_of_work() as services:
        services.bulk.create(OPERATOR, slug, str(draft.record.id), cohort(1), "c.csv")


def test_a_task_hands_on_after_its_share_of_batches(platform: Platform) -> None:
    slug, achievement = setup(platform)
    sent: list[tuple[str, dict[str, str]]] = []
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, cohort(5), "c.csv")
    platform.dispatch = lambda task, arguments: sent.append((task, arguments))
    try:
        job_id = str(view.job.id)
        # Two batches of at most two rows: four, or three when a worker signing ahead starts
        # at a random row (PostgreSQL) and reaches the last row in its first batch.
        first = run_bulk_job(platform.unit_of_work, job_id, batch_size=2, max_batches=2)
        assert first in (3, 4)
        assert sent == [("run_bulk_job", {"job_id": job_id})]
        assert run_bulk_job(platform.unit_of_work, job_id, batch_size=2, max_batches=2) == 5 - first
        assert len(sent) == 1  # finished: nothing handed on
    finally:
        platform.dispatch = None
    assert len(credentials_of(platform, slug)) == 5


def test_batches_issued_in_process_grow_while_many_rows_wait(platform: Platform) -> None:
    # As a PostgreSQL worker issues (signing in its own process): batches of 5 rows grow to a
    # quarter of the rows waiting, at most 20, and shrink to 5 again as the job ends. On
    # SQLite they stay at 5: a batch holds the write lock while it is signed.
    slug, achievement = setup(platform)
    sent: list[tuple[str, dict[str, str]]] = []
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, cohort(100), "c.csv")
    job_id = str(view.job.id)
    grows = platform.uses_postgres
    signing, platform.signing = platform.signing, ProcessSigning(0)
    platform.dispatch = lambda task, arguments: sent.append((task, arguments))
    try:
        # 20 and 20 rows (or six batches of 5): past its 30 rows, the task hands on.
        handled = run_bulk_job(platform.unit_of_work, job_id, batch_size=5, max_rows=30)
        assert handled == (40 if grows else 30)
        assert sent == [("run_bulk_job", {"job_id": job_id})]
        assert row_counts(platform, job_id)["queued"] == 100 - handled
        # 15 (of 60), 11 (of 45) and 8 (of 34): three batches.
        assert run_bulk_job(platform.unit_of_work, job_id, batch_size=5, max_batches=3) == (
            34 if grows else 15
        )
        assert len(sent) == 2
        # 6 (of 26), then 5 at a time.
        assert run_bulk_job(platform.unit_of_work, job_id, batch_size=5) == (26 if grows else 55)
        assert len(sent) == 2  # finished: nothing handed on
    finally:
        platform.signing.close()
        platform.signing = signing
        platform.dispatch = None
    assert row_counts(platform, job_id) == {"queued": 0, "issued": 100, "failed": 0, "invalid": 0}
    issued = credentials_of(platform, slug)
    assert len({credential.status_index for credential in issued}) == 100


def signed_ahead(platform: Platform, slug: str, achievement: str, rows: int) -> tuple[str, object]:
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, cohort(rows), "c.csv")
    with platform.unit_of_work() as services:
        ahead = services.bulk.sign_ahead(view.job.id, rows)
    assert ahead is not None
    assert len(ahead.lines) == rows
    return str(view.job.id), ahead


@pytest.mark.parametrize("change", ["achievement", "key"])
def test_rows_signed_ahead_are_signed_again_after_a_change(platform: Platform, change: str) -> None:
    slug, achievement = setup(platform)
    job_id, ahead = signed_ahead(platform, slug, achievement, 20)
    with platform.unit_of_work() as services:
        if change == "achievement":
            services.achievements.update(
                OPERATOR, achievement, BADGE | {"name": "Data Literacy II"}
            )
        else:
            services.organizations.rotate_key(OPERATOR, slug)
        method = services.organizations.signer(slug).verification_method
    with platform.unit_of_work() as services:
        assert services.bulk.issue_next_batch(job_id, [], 20, ahead=ahead) == 20  # type: ignore[arg-type]
    issued = credentials_of(platform, slug)
    assert len(issued) == len({r.recipient_email for r in issued}) == 20
    for record in issued:
        document = json.loads(record.text)
        assert document["proof"][0]["verificationMethod"] == method
        if change == "achievement":
            assert record.achievement_version == 2
            assert document["credentialSubject"]["achievement"]["name"] == "Data Literacy II"


def test_rows_another_worker_took_are_not_issued_twice(platform: Platform) -> None:
    slug, achievement = setup(platform)
    job_id, ahead = signed_ahead(platform, slug, achievement, 30)
    # Another worker claims every row first (plainly) and issues them.
    with platform.unit_of_work() as services:
        slots = services.bulk.reserve(job_id, 30)
    with platform.unit_of_work() as services:
        assert services.bulk.issue_next_batch(job_id, slots, 30) == 30
    with platform.unit_of_work() as services:
        assert services.bulk.issue_next_batch(job_id, [], 30, ahead=ahead) == 0  # type: ignore[arg-type]
    assert run_bulk_job(platform.unit_of_work, job_id) == 0
    issued = credentials_of(platform, slug)
    assert len(issued) == len({r.recipient_email for r in issued}) == 30
    with platform.unit_of_work() as services:
        assert services.bulk.get(OPERATOR, slug, job_id).counts["issued"] == 30


def test_a_job_signed_ahead_in_batches_issues_each_row_once(platform: Platform) -> None:
    slug, achievement = setup(platform)
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, cohort(95), "c.csv")
    assert run_bulk_job(platform.unit_of_work, str(view.job.id), batch_size=20) == 95
    issued = credentials_of(platform, slug)
    assert len(issued) == len({r.recipient_email for r in issued}) == 95
    assert len({r.status_index for r in issued}) == 95
    with platform.unit_of_work() as services:
        assert services.bulk.get(OPERATOR, slug, view.job.id).finished
        for record in issued:
            assert services.ledger.inclusion(record.credential_id).pending == []


def rows_read(session: Session, statement: str, parameters: Any) -> int:
    """The rows of bulk_job_rows that ``statement`` reads from its index on PostgreSQL (run
    under EXPLAIN ANALYZE, in the caller's transaction); on SQLite, 1 per index search by line
    (the statement finds its rows by line: SQLite reads an IN list as searches)."""
    connection = session.connection()
    if isinstance(parameters, list):  # an executemany: its first row's statement
        parameters = parameters[0]
    if connection.dialect.name != "postgresql":
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return sum("bulk_job_rows" in str(step[-1]) and "line" in str(step[-1]) for step in plan)
    document = connection.exec_driver_sql(
        f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters
    ).scalar_one()
    nodes, read = [document[0]["Plan"]], 0
    while nodes:
        node = nodes.pop()
        nodes += node.get("Plans", [])
        if node.get("Relation Name") == "bulk_job_rows" and "Scan" in node["Node Type"]:
            read += node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
    return int(read)


def test_a_batch_reads_only_its_own_rows(platform: Platform) -> None:
    """Claiming the rows signed ahead, and recording a batch's outcomes, read the batch's rows,
    not the job's. On PostgreSQL 15 the claim read the lines' IN list as a filter over every
    queued row of the job (a worker with signing processes ran at half the speed of one
    without), and the outcomes' join read every row of the job."""
    slug, achievement = setup(platform)
    with platform.unit_of_work() as services:
        view = services.bulk.create(OPERATOR, slug, achievement, cohort(1200), "c.csv")
    lines = list(range(600, 650))
    statements: list[tuple[str, Any]] = []

    def seen(_c: object, _k: object, statement: str, parameters: Any, *_: object) -> None:
        if "bulk_job_rows" in statement and (" IN (" in statement or "UPDATE" in statement):
            statements.append((statement, parameters))

    event.listen(platform.engine, "before_cursor_execute", seen)
    try:
        with platform.sessions() as session:
            jobs = BulkJobRepository(session)
            claimed = jobs.claim_lines(view.job.id, lines)
            assert [row.line for row in claimed] == lines
            claim = statements[-1]
            claim_read = rows_read(session, *claim)
            jobs.finish_rows(
                view.job.id,
                datetime.now(UTC),
                [RowOutcome(line, "failed", "test", None) for line in lines[:10]],
            )
            finish = statements[-1]
            assert finish != claim
            finish_read = rows_read(session, *finish)
            if platform.engine.dialect.name == "postgresql":
                assert (claim_read, finish_read) == (len(lines), 10)
            else:
                assert claim_read >= 1, claim
                assert finish_read >= 1, finish
            session.rollback()
    finally:
        event.remove(platform.engine, "before_cursor_execute", seen)
