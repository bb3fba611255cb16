"""``/console/achievements``: list, create and edit achievements with the EU quality checklist.

The checklist is ``model.quality`` run on the form's values as they would be saved, beside the
form; the "Check quality" button recomputes it without saving, and ``static/console.js`` posts
the form to ``.../checklist`` as the user types, which answers the same checklist as JSON
(``checklist_json``). Saving goes through ``AchievementService`` (issuer or above), which
checks the OB 3.0 model and schema.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from credstack.api.deps import ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.errors import Error
from credstack.model.quality import QualityReport, assess_eu_2022
from credstack.services import Services
from credstack.services.achievements import AchievementView
from credstack.services.profiles import issuer_profile
from credstack.web import skills
from credstack.web.achievement_form import (
    ACHIEVEMENT_TYPES,
    AchievementForm,
    image_data_uri,
)
from credstack.web.console_pages import PostedForm, done, page, read_upload, text_fields
from credstack.web.staff import CheckedStaffDep, Staff, StaffDep

router = APIRouter(prefix="/console/achievements", tags=["pages"], include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def achievements(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    records = services.achievements.list(staff.slug, limit=500)
    return page(request, staff, "console/achievements.html", achievements=records)


@router.get("/new", response_class=HTMLResponse)
def new_achievement(request: Request, staff: StaffDep, services: ServicesDep) -> HTMLResponse:
    return _editor(request, staff, services, AchievementForm(), eu=True, view=None)


@router.post("/new", response_class=HTMLResponse)
def create_achievement(
    request: Request,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    values = text_fields(form)
    eu = values.get("eu_profile") == "on"
    action = values.get("action", "save")
    try:
        filled = _filled(form)
        document = filled.to_document({})
        if action == "check":
            return _editor(request, staff, services, filled, eu=eu, view=None, checked=document)
        view = services.achievements.create(
            staff.actor,
            organization=staff.slug,
            achievement=document,
            profile="eu-2022" if eu else None,
            publish=action == "publish",
        )
    except Error as exc:
        session.rollback()
        return _refused(request, staff, services, exc, _posted(form), eu=eu, view=None)
    notice = "achievement_published" if action == "publish" else "achievement_created"
    return done(f"/console/achievements/{view.record.id}", notice)


@router.post("/new/checklist")
def new_checklist(staff: CheckedStaffDep, services: ServicesDep, form: PostedForm) -> Response:
    """The checklist of the new-achievement form's values, as JSON; nothing is stored."""
    return _live_checklist(staff, services, form, base={}, keep=None)


@router.post("/{achievement_id}/checklist")
def checklist(
    achievement_id: uuid.UUID, staff: CheckedStaffDep, services: ServicesDep, form: PostedForm
) -> Response:
    """The checklist of the edit form's values over the stored achievement, as JSON."""
    view = services.achievements.get(achievement_id, organization=staff.slug)
    keep = AchievementForm.from_document(view.document)
    return _live_checklist(staff, services, form, base=view.document, keep=keep)


@router.get("/{achievement_id}", response_class=HTMLResponse)
def achievement(
    request: Request, achievement_id: uuid.UUID, staff: StaffDep, services: ServicesDep
) -> HTMLResponse:
    view = services.achievements.get(achievement_id, organization=staff.slug)
    filled = AchievementForm.from_document(view.document)
    eu = view.record.quality_profile == "eu-2022"
    return _editor(request, staff, services, filled, eu=eu, view=view)


@router.post("/{achievement_id}", response_class=HTMLResponse)
def update_achievement(
    request: Request,
    achievement_id: uuid.UUID,
    staff: CheckedStaffDep,
    services: ServicesDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    view = services.achievements.get(achievement_id, organization=staff.slug)
    eu = view.record.quality_profile == "eu-2022"
    action = text_fields(form).get("action", "save")
    try:
        filled = _filled(form, keep=AchievementForm.from_document(view.document))
        document = filled.to_document(view.document)
        if action == "check":
            return _editor(request, staff, services, filled, eu=eu, view=view, checked=document)
        if action == "archive":
            services.achievements.archive(staff.actor, view.record.id)
            return done(f"/console/achievements/{achievement_id}", "achievement_archived")
        services.achievements.update(staff.actor, view.record.id, document)
        if action == "publish":
            services.achievements.publish(staff.actor, view.record.id)
            return done(f"/console/achievements/{achievement_id}", "achievement_published")
    except Error as exc:
        session.rollback()
        posted = _posted(form, keep=AchievementForm.from_document(view.document))
        view = services.achievements.get(achievement_id, organization=staff.slug)
        return _refused(request, staff, services, exc, posted, eu=eu, view=view)
    return done(f"/console/achievements/{achievement_id}", "achievement_saved")


def _live_checklist(
    staff: Staff,
    services: Services,
    form: PostedForm,
    *,
    base: dict[str, Any],
    keep: AchievementForm | None,
) -> Response:
    """The JSON of ``checklist_json``; a value that is not one answers 422 with its code."""
    org = services.organizations.read(staff.actor, staff.slug)
    try:
        document = _posted(form, keep).to_document(base)
    except Error as exc:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=status_for(exc))
    return JSONResponse(checklist_json(assess_eu_2022(document, issuer_profile(org))))


def checklist_json(report: QualityReport) -> dict[str, Any]:
    """What the page's script needs to redraw the checklist: each element, and the summary."""
    return {"met": report.met, "summary": summary(report), "elements": report.to_dict()["elements"]}


def summary(report: QualityReport) -> str:
    """The sentence above the checklist (the page and the script show the same one)."""
    if report.met:
        return "Every mandatory element is there."
    count = len(report.missing)
    return f"{count} mandatory element{'s' if count != 1 else ''} missing."


def _filled(form: PostedForm, keep: AchievementForm | None = None) -> AchievementForm:
    """The posted form, its image the upload, or the kept one unless removal was asked."""
    filled = _posted(form, keep)
    upload = read_upload(form, "image_file")
    if upload is not None:
        filled = filled.with_image(image_data_uri(upload[1]))
    return filled


def _posted(form: PostedForm, keep: AchievementForm | None = None) -> AchievementForm:
    values = text_fields(form)
    chosen = [value for value in form.getlist("skills") if isinstance(value, str)]
    filled = AchievementForm.from_post(values, chosen)
    if keep is not None and values.get("remove_image") != "on":
        filled = filled.with_image(keep.image)
    if keep is not None:
        filled = replace(filled, extra_alignments=keep.extra_alignments)
    return filled


def _refused(
    request: Request,
    staff: Staff,
    services: Services,
    exc: Error,
    filled: AchievementForm,
    *,
    eu: bool,
    view: AchievementView | None,
) -> HTMLResponse:
    report = getattr(exc, "report", None)
    return _editor(
        request,
        staff,
        services,
        filled,
        eu=eu,
        view=view,
        error=exc,
        status_code=status_for(exc),
        unmet=report if isinstance(report, QualityReport) else None,
    )


def _editor(
    request: Request,
    staff: Staff,
    services: Services,
    filled: AchievementForm,
    *,
    eu: bool,
    view: AchievementView | None,
    checked: dict[str, Any] | None = None,
    error: Error | None = None,
    status_code: int = 200,
    unmet: QualityReport | None = None,
) -> HTMLResponse:
    org = services.organizations.read(staff.actor, staff.slug)
    try:
        document = checked if checked is not None else filled.to_document({})
    except Error:
        document = {"name": filled.name}
    checklist = unmet or assess_eu_2022(document, issuer_profile(org))
    return page(
        request,
        staff,
        "console/achievement_form.html",
        status_code=status_code,
        form=filled,
        view=view,
        eu=eu,
        checklist=checklist,
        summary=summary(checklist),
        checked=checked is not None,
        error=error,
        skills=skills.SKILLS,
        achievement_types=ACHIEVEMENT_TYPES,
    )
