"""``/verify`` for people: a form that takes a credential three ways and the report, check by
check, in plain language. ``POST /verify`` (the API, JSON in and out) is another route.

The form posts to ``/verify/report`` and works without JavaScript. ``GET /verify?url=...``
verifies the credential at that URL at once, so a link can open a report (the public
credential page's "Verify" button).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse

from credstack.adapters.http_fetcher import HttpDocumentFetcher
from credstack.api.deps import PlatformDep, ServicesDep, VerifierDep
from credstack.errors import Conflict, InvalidInput, NotFound, ResolutionError
from credstack.verify.report import VerificationReport
from credstack.web import verify_input
from credstack.web.report_view import describe
from credstack.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/verify", response_class=HTMLResponse)
def verify_page(
    request: Request,
    services: ServicesDep,
    platform: PlatformDep,
    verifier: VerifierDep,
    url: Annotated[str, Query(max_length=verify_input.MAX_URL_LENGTH)] = "",
) -> HTMLResponse:
    if not url:
        return render(
            request, "verify.html", report=None, error=None, error_code=None, url="", text=""
        )
    try:
        received = verify_input.from_url(
            url, services=services, base_url=platform.settings.base_url, fetcher=_fetcher(platform)
        )
    except (Conflict, InvalidInput, NotFound, ResolutionError) as exc:
        return _refused(request, exc, url=url)
    return _report(request, verify_input.check_bytes(received, verifier.check), url=url)


@router.post("/verify/report", response_class=HTMLResponse)
async def verify_report(
    request: Request,
    services: ServicesDep,
    platform: PlatformDep,
    verifier: VerifierDep,
    credential: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    uploaded = await file.read() if file is not None else b""
    try:
        if uploaded:
            report = verify_input.check_bytes(uploaded, verifier.check)
        elif credential.strip():
            report = verifier.check(verify_input.from_text(credential))
        elif url.strip():
            received = verify_input.from_url(
                url,
                services=services,
                base_url=platform.settings.base_url,
                fetcher=_fetcher(platform),
            )
            report = verify_input.check_bytes(received, verifier.check)
        else:
            return render(
                request,
                "verify.html",
                status_code=400,
                report=None,
                error="Paste a credential, choose a file or give a web address, then verify.",
                error_code="nothing_to_verify",
                url="",
                text="",
            )
    except (Conflict, InvalidInput, NotFound, ResolutionError) as exc:
        return _refused(request, exc, url=url, text=credential)
    return _report(request, report, url=url, text=credential)


def _fetcher(platform: PlatformDep) -> HttpDocumentFetcher:
    # No cache: a visitor asking again wants the credential as it is now.
    return HttpDocumentFetcher(allow_private=platform.settings.allow_private_network, cache_ttl=0)


def _report(
    request: Request, report: VerificationReport, *, url: str, text: str = ""
) -> HTMLResponse:
    return render(
        request,
        "verify.html",
        report=describe(report),
        error=None,
        error_code=None,
        url=url,
        text=text,
    )


def _refused(
    request: Request,
    exc: Conflict | InvalidInput | NotFound | ResolutionError,
    *,
    url: str,
    text: str = "",
) -> HTMLResponse:
    status = 410 if isinstance(exc, Conflict) else 404 if isinstance(exc, NotFound) else 400
    return render(
        request,
        "verify.html",
        status_code=status,
        report=None,
        error=exc.message,
        error_code=exc.code,
        url=url,
        text=text,
    )
