"""``/wallet/evidence``: a learner submits evidence for an assessed achievement from the wallet
and follows their submissions: pending, then passed or failed with the scores and comments;
after a fail the form is there again for the next attempt.

The same service call as ``POST /wallet/submissions`` (``AssessmentService.submit_own``), so
the same evidence rules; the form is a plain multipart POST with the wallet's CSRF token.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import PlatformDep, ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.assessment.evidence import MAX_FILE_BYTES, EvidenceItem
from credstack.errors import Error, InvalidInput
from credstack.services.learners import Learner
from credstack.web.routers.wallet_pages import (
    Token,
    csrf_failed,
    csrf_ok,
    current_learner,
    render_page,
)

router = APIRouter(tags=["pages"], include_in_schema=False)

SUBMISSIONS: Final = 100
AchievementField = Annotated[str, Form(max_length=2048)]


@router.get("/wallet/evidence", response_class=HTMLResponse)
def evidence(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    achievement: Annotated[str, Query(max_length=2048)] = "",
) -> Response:
    """The learner's submissions and, for ``achievement``, what it asks for and the form."""
    learner = current_learner(request, services)
    if learner is None:
        return RedirectResponse("/wallet", status_code=303)
    return _show(request, platform, services, learner, achievement.strip())


@router.post("/wallet/evidence", response_class=HTMLResponse)
async def submit(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    session: SessionDep,
    achievement: AchievementField,
    narrative: Annotated[str, Form(max_length=100_000)] = "",
    url: Annotated[str, Form(max_length=2048)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    csrf_token: Token = None,
) -> Response:
    if not csrf_ok(request, csrf_token):
        return csrf_failed(request, platform, session)
    learner = current_learner(request, services)
    if learner is None:
        return RedirectResponse("/wallet", status_code=303)
    items = []
    if narrative.strip():
        items.append(EvidenceItem("text", text=narrative.strip()))
    if url.strip():
        items.append(EvidenceItem("url", url=url.strip()))
    try:
        if file is not None and file.filename:
            content = await file.read(MAX_FILE_BYTES + 1)
            if len(content) > MAX_FILE_BYTES:
                raise InvalidInput("The file is too large.", code="file_too_large")
            items.append(
                EvidenceItem(
                    "file",
                    name=file.filename[:255],
                    media_type=(file.content_type or "application/octet-stream")[:127],
                    content=content,
                )
            )
        services.assessments.submit_own(learner.actor, learner.addresses, achievement, items)
    except Error as error:
        session.rollback()
        return _show(request, platform, services, learner, achievement.strip(), error=error)
    notice = "Submitted. An assessor will review it; the outcome appears below."
    return _show(request, platform, services, learner, achievement.strip(), notice=notice)


def _show(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    learner: Learner,
    achievement: str,
    *,
    error: Error | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    addresses = learner.addresses
    submissions = services.assessments.own_submissions(learner.actor, addresses, limit=SUBMISSIONS)
    brief = None
    if achievement:
        try:
            brief = services.assessments.brief(learner.actor, achievement)
        except Error as found:
            error = error or found
    latest = None
    if brief is not None:
        ours = [s for s, view in submissions if view.record.id == brief[1].record.id]
        latest = ours[0].submission if ours else None
    return render_page(
        request,
        platform,
        "wallet/evidence.html",
        status_code=status_for(error) if error else 200,
        achievement=achievement,
        brief=brief,
        # The form is offered until an attempt is pending or passed: after a fail, again.
        open=brief is not None and (latest is None or latest.status == "failed"),
        latest=latest,
        submissions=submissions,
        error=error.message if error else None,
        code=error.code if error else None,
        notice=notice,
    )
