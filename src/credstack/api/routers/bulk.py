"""``/orgs/{slug}/bulk``: bulk issuance jobs (API token of the organisation, issuer or above).

The file is the request body: CSV (``text/csv``) or JSON (``application/json``), columns as in
docs/bulk.md. A clean file (or any file with ``skipInvalid=true``) becomes a job, answered 202
with its counts; a file with bad rows is 400 ``invalid_bulk_file`` with every bad row's line
and reason in ``problems``. The job's rows are issued by the task queue; poll the job.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from credstack.api.deps import CurrentActor, RawBody, ServicesDep
from credstack.errors import InvalidInput
from credstack.services.bulk import BulkJobView
from credstack.store.bulk import BulkJobRowRecord

router = APIRouter(prefix="/orgs/{slug}/bulk", tags=["bulk issuance"])
_FORMATS = {"text/csv": "bulk.csv", "application/json": "bulk.json"}


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class BulkCounts(_Model):
    queued: int
    issued: int
    failed: int
    invalid: int


class BulkJobPublic(_Model):
    id: uuid.UUID
    status: Literal["running", "finished"]
    filename: str
    achievement_id: uuid.UUID
    suite: str
    status_purpose: str
    total: int
    counts: BulkCounts
    created_at: AwareDatetime
    finished_at: AwareDatetime | None

    @classmethod
    def of(cls, view: BulkJobView) -> BulkJobPublic:
        job = view.job
        return cls(
            id=job.id,
            status="finished" if view.finished else "running",
            filename=job.filename,
            achievement_id=job.achievement_id,
            suite=job.suite,
            status_purpose=job.status_purpose,
            total=job.total,
            counts=BulkCounts(**view.counts),
            created_at=job.created_at,
            finished_at=job.finished_at,
        )


class BulkRowPublic(_Model):
    line: int
    status: str
    recipient: str | None
    credential_id: uuid.UUID | None
    error: str | None

    @classmethod
    def of(cls, row: BulkJobRowRecord) -> BulkRowPublic:
        recipient = row.data.get("recipient")
        return cls(
            line=row.line,
            status=row.status,
            recipient=recipient if isinstance(recipient, str) else None,
            credential_id=row.credential_id,
            error=row.error,
        )


@router.post("", status_code=202, summary="Start a bulk issuance job from a CSV or JSON file")
def create_job(
    slug: str,
    body: RawBody,
    services: ServicesDep,
    actor: CurrentActor,
    achievement_id: Annotated[str, Query(alias="achievementId", max_length=2048)],
    content_type: Annotated[str, Header()] = "text/csv",
    skip_invalid: Annotated[bool, Query(alias="skipInvalid")] = False,
    suite: Annotated[str, Query(max_length=32)] = "eddsa-rdfc-2022",
    status_purpose: Annotated[str, Query(alias="statusPurpose", max_length=16)] = "revocation",
) -> BulkJobPublic:
    filename = _FORMATS.get(content_type.split(";", 1)[0].strip().lower())
    if filename is None:
        raise InvalidInput(
            "Send the file as text/csv or application/json.", code="unsupported_media_type"
        )
    view = services.bulk.create(
        actor,
        slug,
        achievement_id,
        body,
        filename,
        skip_invalid=skip_invalid,
        suite=suite,
        status_purpose=status_purpose,
    )
    return BulkJobPublic.of(view)


@router.get("", summary="The organisation's bulk jobs, newest first")
def list_jobs(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[BulkJobPublic]:
    views = services.bulk.list(actor, slug, offset=offset, limit=limit)
    return [BulkJobPublic.of(view) for view in views]


@router.get("/{job_id}", summary="A bulk job with its counts")
def get_job(
    slug: str, job_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> BulkJobPublic:
    return BulkJobPublic.of(services.bulk.get(actor, slug, job_id))


@router.get("/{job_id}/rows", summary="A page of the job's rows with their outcomes")
def job_rows(
    slug: str,
    job_id: uuid.UUID,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[BulkRowPublic]:
    rows = services.bulk.rows(actor, slug, job_id, offset=offset, limit=limit)
    return [BulkRowPublic.of(row) for row in rows]


@router.get(
    "/{job_id}/results.csv",
    summary="Every row's outcome as CSV",
    responses={200: {"content": {"text/csv": {}}}},
)
def job_results(
    slug: str, job_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> Response:
    text = "".join(services.bulk.results_csv(actor, slug, job_id))
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="bulk-{job_id}.csv"'},
    )


@router.post("/{job_id}/resume", summary="Enqueue an unfinished job again")
def resume_job(
    slug: str, job_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> BulkJobPublic:
    return BulkJobPublic.of(services.bulk.resume(actor, slug, job_id))
