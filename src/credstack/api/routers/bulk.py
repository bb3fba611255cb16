"""``/orgs/{slug}/bulk``: bulk issuance jobs (API token of the organisation, issuer or above).

The file is the request body: CSV (``text/csv``) or JSON (``application/json``), columns as in
docs/bulk.md; or the ``file`` part of a ``multipart/form-data`` upload (``curl -F``, an HTML
form), whose name's ending (``.csv``, ``.json``) or type picks the format. A clean file (or any
file with ``skipInvalid=true``) becomes a job, answered 202 with its counts; a file with bad
rows is 400 ``invalid_bulk_file`` with every bad row's line and reason in ``problems``. The
job's rows are issued by the task queue; poll the job.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal, NamedTuple

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from starlette.datastructures import UploadFile

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.errors import InvalidInput
from credstack.services.bulk import BulkJobView
from credstack.store.bulk import BulkJobRowRecord

router = APIRouter(prefix="/orgs/{slug}/bulk", tags=["bulk issuance"])
_FORMATS = {"text/csv": "bulk.csv", "application/json": "bulk.json"}
_UNSUPPORTED = (
    "Send the file as the body with Content-Type text/csv or application/json, or as the "
    "'file' part of a multipart/form-data upload named *.csv or *.json."
)
BODY: dict[str, Any] = {
    "required": True,
    "description": "The bulk file: CSV or JSON as the body, or the `file` part of a "
    "multipart/form-data upload (its name's ending, .csv or .json, or its type picks the "
    "format).",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}


# Only the rows of this status: queued, issued, failed or invalid (services.bulk checks it).
RowStatus = Annotated[str | None, Query(max_length=16)]


class Upload(NamedTuple):
    data: bytes
    filename: str  # its ending picks the format (formats.bulk.read_bulk_file)


async def read_upload(request: Request) -> Upload:
    """The bulk file: the body, or the ``file`` part of a multipart upload (the body's size is
    already bounded by ``limits.BodySizeLimit``)."""
    content_type = _media_type(request.headers.get("content-type", "text/csv"))
    if content_type != "multipart/form-data":
        filename = _FORMATS.get(content_type)
        if filename is None:
            raise InvalidInput(_UNSUPPORTED, code="unsupported_media_type")
        return Upload(await request.body(), filename)
    async with request.form(max_files=1, max_fields=4) as form:
        part = form.get("file")
        if isinstance(part, str):  # a text field, not a file: read as a body without a type
            return Upload(part.encode(), "bulk.csv")
        if isinstance(part, UploadFile):
            return Upload(await part.read(), _part_name(part))
    raise InvalidInput(
        "A multipart upload carries the bulk file as its 'file' part.", code="missing_file"
    )


def _part_name(part: UploadFile) -> str:
    # A browser may send the client's whole path; the job keeps the file's own name.
    name = (part.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    if name.lower().endswith((".csv", ".json")):
        return name
    filename = _FORMATS.get(_media_type(part.content_type or ""))
    if filename is None:
        raise InvalidInput(_UNSUPPORTED, code="unsupported_media_type")
    return filename


def _media_type(header: str) -> str:
    return header.split(";", 1)[0].strip().lower()


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
    notify: bool
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
            notify=job.notify,
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


@router.post(
    "",
    status_code=202,
    summary="Start a bulk issuance job from a CSV or JSON file",
    openapi_extra={"requestBody": BODY},
)
def create_job(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    # After the actor: nobody's multipart upload is parsed before their token is checked.
    upload: Annotated[Upload, Depends(read_upload)],
    achievement_id: Annotated[str, Query(alias="achievementId", max_length=2048)],
    skip_invalid: Annotated[bool, Query(alias="skipInvalid")] = False,
    suite: Annotated[str, Query(max_length=32)] = "eddsa-rdfc-2022",
    status_purpose: Annotated[str, Query(alias="statusPurpose", max_length=16)] = "revocation",
    # Email each learner with an address their credential's link, as it is issued.
    notify: bool = False,
    # The same upload again (a retry after a lost answer) answers with the job it made.
    idempotency_key: Annotated[str | None, Header()] = None,
) -> BulkJobPublic:
    view = services.bulk.create(
        actor,
        slug,
        achievement_id,
        upload.data,
        upload.filename,
        skip_invalid=skip_invalid,
        suite=suite,
        status_purpose=status_purpose,
        idempotency_key=idempotency_key,
        notify=notify,
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
    status: RowStatus = None,
) -> list[BulkRowPublic]:
    rows = services.bulk.rows(actor, slug, job_id, offset=offset, limit=limit, status=status)
    return [BulkRowPublic.of(row) for row in rows]


@router.get(
    "/{job_id}/results.csv",
    summary="Every row's outcome as CSV",
    responses={200: {"content": {"text/csv": {}}}},
)
def job_results(
    slug: str,
    job_id: uuid.UUID,
    services: ServicesDep,
    actor: CurrentActor,
    status: RowStatus = None,
) -> Response:
    text = "".join(services.bulk.results_csv(actor, slug, job_id, status=status))
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
