"""``/wallet/record``: the learner's skills profile and transcript, and the CLR export.

The same data as ``GET /wallet/skills`` and ``GET /wallet/transcript``; the export button posts
to ``/wallet/record/clr``, which answers the CLR 2.0 credential that ``POST /wallet/clr`` signs,
as a file to download.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import PlatformDep, ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.errors import Error
from credstack.services.learners import Learner
from credstack.web.routers.wallet_pages import (
    Token,
    csrf_failed,
    csrf_ok,
    current_learner,
    render_page,
)

router = APIRouter(tags=["pages"], include_in_schema=False)

# (value, label) of the signature suites a learner can pick for the export.
SUITES: Final = (
    ("eddsa-rdfc-2022", "Data Integrity, Ed25519 (eddsa-rdfc-2022)"),
    ("eddsa-jcs-2022", "Data Integrity, Ed25519, JCS (eddsa-jcs-2022)"),
    ("ecdsa-rdfc-2019", "Data Integrity, P-256 (ecdsa-rdfc-2019)"),
    ("jwt", "VC-JOSE JWT"),
)
Suite = Literal["eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "jwt"]


@router.get("/wallet/record", response_class=HTMLResponse)
def record(request: Request, platform: PlatformDep, services: ServicesDep) -> Response:
    learner = current_learner(request, services)
    if learner is None:
        return RedirectResponse("/wallet", status_code=303)
    return _show(request, platform, services, learner)


@router.post("/wallet/record/clr", response_class=HTMLResponse)
def export_clr(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    session: SessionDep,
    organization: Annotated[str, Form(max_length=200)],
    suite: Annotated[Suite, Form()] = "eddsa-rdfc-2022",
    csrf_token: Token = None,
) -> Response:
    """The learner's record signed by ``organization`` as a CLR 2.0 credential, downloaded."""
    if not csrf_ok(request, csrf_token):
        return csrf_failed(request, platform, session)
    learner = current_learner(request, services)
    if learner is None:
        return RedirectResponse("/wallet", status_code=303)
    try:
        signed = services.records.learner_clr(
            learner.actor,
            learner.user,
            organization,
            emails=learner.addresses,
            suite=suite,
        )
    except Error as error:
        session.rollback()
        return _show(request, platform, services, learner, error=error)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    extension = "jwt" if signed.media_type.endswith("jwt") else "json"
    return Response(
        signed.text,
        media_type=signed.media_type,
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="clr-{organization}-{stamp}.{extension}"',
        },
    )


def _show(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    learner: Learner,
    *,
    error: Error | None = None,
) -> HTMLResponse:
    emails = learner.addresses
    return render_page(
        request,
        platform,
        "wallet/record.html",
        status_code=status_for(error) if error else 200,
        skills=services.records.learner_skills(learner.user, emails).to_dict(),
        transcript=services.records.learner_transcript(learner.user, emails).to_dict(),
        signers=services.records.learner_signers(learner.user, emails),
        suites=SUITES,
        error=error.message if error else None,
        code=error.code if error else None,
    )
