"""``/console/bulk``: bulk issuance from a CSV (or JSON) file: upload, preview with every bad
row's reason, start, and the job's progress.

The preview is ``BulkService.preview`` (the same reader as the job, nothing stored); the file
travels back with the "Start" button in hidden fields (``_pack``), so nothing is kept between
the two posts. The job page polls ``progress`` with a little script, and refreshes itself
without one.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import uuid
import zlib
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from credstack.api.deps import ServicesDep, SessionDep
from credstack.api.limits import BULK_MAX_BODY_BYTES
from credstack.api.problems import status_for
from credstack.errors import Error, InvalidInput
from credstack.services import Services
from credstack.web.console_pages import PostedForm, done, page, read_upload, text_fields
from credstack.web.staff import CheckedStaffDep, Staff, StaffDep

router = APIRouter(prefix="/console/bulk", tags=["pages"], include_in_schema=False)
PREVIEW_ROWS: Final = 100
PREVIEW_PROBLEMS: Final = 1000
PART_CHARS: Final = 512 * 1024
ROW_PAGE: Final = 200


@router.get("", response_class=HTMLResponse)
def bulk(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    return _upload_page(request, staff, services)


@router.post("/preview", response_class=HTMLResponse)
def preview(
    request: Request, staff: CheckedStaffDep, services: ServicesDep, form: PostedForm
) -> HTMLResponse:
    achievement_id = text_fields(form).get("achievement_id", "")
    try:
        upload = read_upload(form, "file")
        if upload is None:
            raise InvalidInput("Choose a CSV or JSON file to upload.", code="missing_file")
        filename, data = upload
        if not achievement_id:
            raise InvalidInput("Choose the achievement to issue.", code="missing_achievement")
        found = services.bulk.preview(staff.actor, staff.slug, achievement_id, data, filename)
    except Error as exc:
        return _upload_page(request, staff, services, error=exc, achievement_id=achievement_id)
    return page(
        request,
        staff,
        "console/bulk_preview.html",
        rows=found.rows[:PREVIEW_ROWS],
        row_count=len(found.rows),
        problems=found.problems[:PREVIEW_PROBLEMS],
        problem_count=len(found.problems),
        filename=filename,
        content=_pack(data),
        achievement_id=achievement_id,
        # A second click on "Start", or the form posted again, finds the job the first made.
        idempotency_key=f"console:{secrets.token_urlsafe(16)}",
        error=None,
    )


@router.post("", response_class=HTMLResponse)
def start(
    request: Request,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    achievement_id: Annotated[str, Form(max_length=100)] = "",
    filename: Annotated[str, Form(max_length=255)] = "bulk.csv",
    content: Annotated[list[str] | None, Form()] = None,
    skip_invalid: Annotated[str, Form(max_length=3)] = "",
    notify: Annotated[str, Form(max_length=3)] = "",
    idempotency_key: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        data = _unpack(content or [])
        if not data:
            raise InvalidInput("The file did not come back; upload it again.", code="missing_file")
        view = services.bulk.create(
            staff.actor,
            staff.slug,
            achievement_id,
            data,
            filename,
            skip_invalid=skip_invalid == "on",
            idempotency_key=idempotency_key or None,
            notify=notify == "on",
        )
    except Error as exc:
        session.rollback()
        return _upload_page(request, staff, services, error=exc, achievement_id=achievement_id)
    return done(f"/console/bulk/{view.job.id}", "bulk_started")


@router.get("/{job_id}", response_class=HTMLResponse)
def job(
    request: Request,
    job_id: uuid.UUID,
    staff: StaffDep,
    services: ServicesDep,
    status: Annotated[str | None, Query(max_length=16)] = None,
) -> HTMLResponse:
    """The job's progress and its first rows; with ``status`` (the failed ones, say), only the
    rows of that status."""
    view = services.bulk.get(staff.actor, staff.slug, job_id)
    rows = services.bulk.rows(staff.actor, staff.slug, job_id, limit=ROW_PAGE, status=status)
    done_rows = sum(view.counts[k] for k in ("issued", "failed", "invalid"))
    shown = view.job.total if status is None else view.counts[status]
    return page(
        request,
        staff,
        "console/bulk_job.html",
        view=view,
        rows=rows,
        done_rows=done_rows,
        more_rows=shown > ROW_PAGE,
        status=status,
    )


@router.get("/{job_id}/progress")
def progress(job_id: uuid.UUID, staff: StaffDep, services: ServicesDep) -> JSONResponse:
    view = services.bulk.get(staff.actor, staff.slug, job_id)
    body: dict[str, Any] = {
        "status": "finished" if view.finished else "running",
        "total": view.job.total,
        "counts": view.counts,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/{job_id}/results.csv")
def results(
    job_id: uuid.UUID,
    staff: StaffDep,
    services: ServicesDep,
    status: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    # Read inside the request's transaction, as the API's results.csv does.
    text = "".join(services.bulk.results_csv(staff.actor, staff.slug, job_id, status=status))
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="bulk-{job_id}.csv"'},
    )


def _pack(data: bytes) -> list[str]:
    """The previewed file, for the hidden fields that bring it back with "Start issuing":
    compressed (a 5 MB file of 50,000 learners comes back as 2 MB of page, not 7), in parts
    of at most ``PART_CHARS``, as a form field may not pass 1 MiB (Starlette's limit)."""
    packed = base64.b64encode(zlib.compress(data, 6)).decode("ascii")
    return [packed[i : i + PART_CHARS] for i in range(0, len(packed), PART_CHARS)]


def _unpack(parts: list[str]) -> bytes:
    """``_pack``'s file again; empty when the fields are missing or garbled. Fields that would
    inflate past a bulk file's limit are refused before they are inflated further."""
    try:
        inflater = zlib.decompressobj()
        packed = base64.b64decode("".join(parts), validate=True)
        data = inflater.decompress(packed, BULK_MAX_BODY_BYTES)
    except (binascii.Error, ValueError, zlib.error):
        return b""
    if inflater.unconsumed_tail:
        raise InvalidInput(
            f"The file is larger than {BULK_MAX_BODY_BYTES:,} bytes; split it.",
            code="bulk_file_too_large",
        )
    return data if inflater.eof else b""


def _upload_page(
    request: Request,
    staff: Staff,
    services: Services,
    *,
    error: Error | None = None,
    achievement_id: str = "",
) -> HTMLResponse:
    published = [
        record
        for record in services.achievements.list(staff.slug, limit=500)
        if record.status == "published"
    ]
    jobs = services.bulk.list(staff.actor, staff.slug, limit=20) if staff.may("issue") else []
    return page(
        request,
        staff,
        "console/bulk.html",
        status_code=status_for(error) if error else 200,
        achievements=published,
        jobs=jobs,
        achievement_id=achievement_id,
        error=error,
    )
