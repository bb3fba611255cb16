"""``/console/assessments``: the assessor's queue, a submission with its evidence, and the
rubric scoring form (a level per criterion, pass or fail, a comment). ``AssessmentService``
scores, decides and, on a pass, issues the credential: the console only shows and posts.
"""

from __future__ import annotations

import uuid
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.assessment import Decision, parse_rubric
from credstack.errors import Error
from credstack.services import Services
from credstack.web.console_pages import PostedForm, done, page, text_fields
from credstack.web.staff import CheckedStaffDep, Staff, StaffDep

router = APIRouter(prefix="/console/assessments", tags=["pages"], include_in_schema=False)
DECISIONS: Final[dict[str, Decision | None]] = {"": None, "pass": "pass", "fail": "fail"}


@router.get("", response_class=HTMLResponse)
def queue(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    submissions = services.assessments.queue(staff.actor, staff.slug, limit=100)
    names = {r.id: r.name for r in services.achievements.list(staff.slug, limit=500)}
    return page(request, staff, "console/assessments.html", submissions=submissions, names=names)


@router.get("/{submission_id}", response_class=HTMLResponse)
def submission(
    request: Request, submission_id: uuid.UUID, staff: StaffDep, services: ServicesDep
) -> HTMLResponse:
    return _review_page(request, staff, services, submission_id)


@router.get("/{submission_id}/evidence/{index}")
def evidence(
    submission_id: uuid.UUID, index: int, staff: StaffDep, services: ServicesDep
) -> Response:
    entry, content = services.assessments.evidence_file(
        staff.actor, staff.slug, submission_id, index
    )
    # A download, never shown in the console's origin: an uploaded file is not trusted markup.
    return Response(
        content,
        media_type=entry["mediaType"],
        headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/{submission_id}", response_class=HTMLResponse)
def review(
    request: Request,
    submission_id: uuid.UUID,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    values = text_fields(form)
    levels = {
        key.removeprefix("level:"): value
        for key, value in values.items()
        if key.startswith("level:") and value
    }
    try:
        services.assessments.review(
            staff.actor,
            staff.slug,
            submission_id,
            levels,
            decision=DECISIONS.get(values.get("decision", "")),
            comment=values.get("comment", "").strip() or None,
        )
    except Error as exc:
        session.rollback()
        return _review_page(request, staff, services, submission_id, error=exc, chosen=levels)
    return done("/console/assessments", "reviewed")


def _review_page(
    request: Request,
    staff: Staff,
    services: Services,
    submission_id: uuid.UUID,
    *,
    error: Error | None = None,
    chosen: dict[str, str] | None = None,
) -> HTMLResponse:
    view = services.assessments.get(staff.actor, staff.slug, submission_id)
    settings = services.assessments.settings(
        staff.actor, staff.slug, str(view.submission.achievement_id)
    )
    achievement = services.achievements.get(view.submission.achievement_id)
    return page(
        request,
        staff,
        "console/submission.html",
        status_code=status_for(error) if error else 200,
        view=view,
        prompt=settings.prompt,
        rubric=parse_rubric(settings.rubric),
        achievement=achievement.record,
        error=error,
        chosen=chosen or {},
        reviewed=any(r.assessor == staff.actor.label for r in view.reviews),
    )
