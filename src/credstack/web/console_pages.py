"""What every console page shares: its navigation, the notice after a change, and ``page``.

A form that changes something redirects (303) to a page with ``?notice=KEY``; the page shows
the sentence of that key, so reloading it changes nothing again (post/redirect/get).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData, UploadFile

from credstack.web.staff import Staff
from credstack.web.templating import render

CONSOLE_LINKS: Final = (
    ("/console", "Dashboard"),
    ("/console/achievements", "Achievements"),
    ("/console/issue", "Issue one"),
    ("/console/bulk", "Bulk issue"),
    ("/console/credentials", "Credentials"),
    ("/console/assessments", "Assessments"),
    ("/console/pathways", "Pathways"),
    ("/console/staff", "Staff"),
    ("/console/profile", "Profile"),
    ("/console/keys", "Keys"),
    ("/console/tokens", "API tokens"),
    ("/console/audit", "Audit log"),
)
NOTICES: Final = {
    "switched": "You now act in this organisation.",
    "achievement_created": "The achievement was created.",
    "achievement_saved": "The achievement was saved.",
    "achievement_published": "The achievement was published; it can be issued now.",
    "achievement_archived": "The achievement was archived; it is no longer issued.",
    "issued": "The credential was issued and signed.",
    "revoked": "The credential was revoked.",
    "suspended": "The credential was suspended.",
    "unsuspended": "The credential is active again.",
    "bulk_started": "The bulk job has started.",
    "reviewed": "Your review was recorded.",
    "assessment_saved": "The assessment settings were saved; new submissions use them.",
    "pathway_saved": "The pathway was saved.",
    "pathway_archived": "The pathway was archived.",
    "award_kept": "The award was kept; it counts as awarded again.",
    "award_revoked": "The award's credential was revoked.",
    "member_added": "The member was added.",
    "role_changed": "The role was changed.",
    "member_removed": "The member was removed.",
    "key_rotated": "A new signing key is active; credentials signed before still verify.",
    "key_retired": "The key was retired.",
    "token_revoked": "The token was revoked.",
    "profile_saved": "The profile was saved; credentials issued from now on carry it.",
}


def page(
    request: Request, staff: Staff, name: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """The console template ``name`` for ``staff``, with the notice the URL names, if any."""
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return render(
        request,
        name,
        status_code=status_code,
        staff=staff,
        console_links=CONSOLE_LINKS,
        notice=notice,
        **context,
    )


def done(path: str, notice: str) -> RedirectResponse:
    """The redirect after a change: to ``path``, which will say ``notice``."""
    return RedirectResponse(f"{path}?notice={notice}", status_code=303)


async def posted_form(request: Request) -> FormData:
    """The posted form (fields and files), for forms with repeated fields or uploads."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def text_fields(form: FormData) -> dict[str, str]:
    """The form's text fields (the last value of each)."""
    return {key: value for key, value in form.items() if isinstance(value, str)}


def read_upload(form: FormData, name: str) -> tuple[str, bytes] | None:
    """The name and bytes of the uploaded file ``name``, or None when no file was chosen.

    The body is already bounded (``api.limits``); Starlette spooled the file while parsing.
    """
    upload = form.get(name)
    if isinstance(upload, UploadFile) and upload.filename:
        upload.file.seek(0)
        return upload.filename, upload.file.read()
    return None
