"""``/wallet`` pages: a learner signs in with the emailed link and sees their credentials.

The mailed link opens a page with a button instead of signing in on the GET, so a mail scanner
that follows links does not use up the single-use token. The cookie holds the wallet session
token (the one POST /wallet/sign-in/complete returns), HttpOnly and SameSite=Lax; every form
carries a double-submit token. The pages that hang off the wallet (evidence, the record, share
links) are in the ``wallet_*`` routers beside this one and use its helpers.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from credstack.api.deps import PlatformDep, ServicesDep, SessionDep, VerifierDep
from credstack.api.problems import status_for
from credstack.api.routers.wallet_sharing import import_fetcher
from credstack.errors import (
    Error,
    Forbidden,
    InvalidInput,
    MalformedCredential,
    NotFound,
    TooManyRequests,
)
from credstack.formats.baked import extract_credential
from credstack.formats.linkedin import add_to_profile_url, certification_for
from credstack.formats.qr import qr_svg
from credstack.services.imports import MAX_BYTES
from credstack.services.learners import Learner
from credstack.services.pathways import FollowedPathway
from credstack.services.wallet import describe, document_of
from credstack.web.staff import secure_cookies
from credstack.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

SESSION_COOKIE: Final = "credstack_wallet"
CSRF_COOKIE: Final = "credstack_wallet_csrf"
PAGE_SIZE: Final = 50
_NO_STORE: Final = {"Cache-Control": "no-store"}
Token = Annotated[str | None, Form(max_length=200)]


def _csrf(request: Request) -> str:
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)


def csrf_ok(request: Request, token: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and token and hmac.compare_digest(cookie.encode(), token.encode()))


def render_page(
    request: Request,
    platform: PlatformDep,
    name: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    token = _csrf(request)
    response = render(
        request, name, status_code=status_code, csrf_token=token, headers=_NO_STORE, **context
    )
    response.set_cookie(
        CSRF_COOKIE,
        token,
        max_age=3600,
        path="/wallet",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(platform),
    )
    return response


def _refused(
    request: Request, platform: PlatformDep, session: Session, error: Error, email: str = ""
) -> HTMLResponse:
    session.rollback()
    page = render_page(
        request,
        platform,
        "wallet/sign_in.html",
        status_code=status_for(error),
        email=email,
        error=error.message,
        code=error.code,
    )
    if isinstance(error, TooManyRequests):
        page.headers["Retry-After"] = str(error.retry_after)
    return page


def csrf_failed(request: Request, platform: PlatformDep, session: Session) -> HTMLResponse:
    error = Forbidden(
        "The form has expired or did not come from this site; reload the page and try again.",
        code="csrf_failed",
    )
    return _refused(request, platform, session, error)


def current_learner(request: Request, services: ServicesDep) -> Learner | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return services.learners.authenticate(token)
    except Forbidden:
        return None


@router.get("/wallet", response_class=HTMLResponse)
def wallet(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """The learner's credentials, or the sign-in form."""
    learner = current_learner(request, services)
    if learner is None:
        return render_page(
            request, platform, "wallet/sign_in.html", email="", error=None, code=None
        )
    return show_home(request, platform, services, learner, offset=offset)


def show_home(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    learner: Learner,
    *,
    offset: int = 0,
    error: Error | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    page = services.wallet.credentials(
        learner.user, offset=offset, limit=PAGE_SIZE, addresses=learner.addresses
    )
    now = datetime.now(UTC)
    pathways = services.pathways.followed(learner.actor, learner.addresses)
    return render_page(
        request,
        platform,
        "wallet/home.html",
        status_code=status_for(error) if error else 200,
        learner=learner,
        emails=services.learners.emails(learner),
        cards=[describe(entry, now) for entry in page.entries],
        total=page.total,
        offset=offset,
        next_offset=offset + PAGE_SIZE if offset + PAGE_SIZE < page.total else None,
        error=error.message if error else None,
        code=error.code if error else None,
        notice=notice,
        pathways=pathways,
        assessed=assessed_steps(services, learner, pathways),
    )


def assessed_steps(
    services: ServicesDep, learner: Learner, pathways: list[FollowedPathway]
) -> set[str]:
    """The achievements still to earn on the learner's pathways that take evidence from them."""
    assessed = set()
    for achievement in {s.achievement for p in pathways for s in p.steps if not s.done}:
        if achievement is None:
            continue
        try:
            services.assessments.brief(learner.actor, achievement)
        except (NotFound, Forbidden):
            continue
        assessed.add(achievement)
    return assessed


@router.post("/wallet/link", response_class=HTMLResponse)
def send_link(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    csrf_token: Token = None,
) -> HTMLResponse:
    """Mail a sign-in link; the same page whether the address has an account or not."""
    if not csrf_ok(request, csrf_token):
        return csrf_failed(request, platform, session)
    try:
        services.learners.request_sign_in(email)
    except Error as error:
        return _refused(request, platform, session, error, email)
    return render_page(request, platform, "wallet/link_sent.html", email=email.strip())


@router.get("/wallet/sign-in/complete", response_class=HTMLResponse)
def confirm(
    request: Request,
    platform: PlatformDep,
    token: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The mailed link's target: one button that signs in (a POST)."""
    return render_page(request, platform, "wallet/confirm.html", token=token)


@router.post("/wallet/session", response_class=HTMLResponse)
def start_session(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    session: SessionDep,
    token: Annotated[str, Form(max_length=200)],
    csrf_token: Token = None,
) -> Response:
    if not csrf_ok(request, csrf_token):
        return csrf_failed(request, platform, session)
    try:
        signed_in = services.learners.complete_sign_in(token)
    except Error as error:
        return _refused(request, platform, session, error)
    response = RedirectResponse("/wallet", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        max_age=max(0, int((signed_in.expires_at - datetime.now(UTC)).total_seconds())),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(platform),
    )
    return response


@router.post("/wallet/leave", response_class=HTMLResponse)
def sign_out(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    session: SessionDep,
    csrf_token: Token = None,
) -> Response:
    if not csrf_ok(request, csrf_token):
        return csrf_failed(request, platform, session)
    learner = current_learner(request, services)
    if learner is not None:
        services.learners.sign_out(learner)
    response = RedirectResponse("/wallet", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies(platform)
    )
    return response


@router.get("/wallet/emails/confirm", response_class=HTMLResponse)
def confirm_address_page(
    request: Request,
    platform: PlatformDep,
    token: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The target of the link mailed to a learner's added address: one button (a POST)."""
    return render_page(
        request, platform, "wallet/confirm_address.html", token=token, confirmed=None
    )


@router.post("/wallet/address", response_class=HTMLResponse)
def confirm_address(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    session: SessionDep,
    token: Annotated[str, Form(max_length=200)],
    csrf_token: Token = None,
) -> HTMLResponse:
    if not csrf_ok(request, csrf_token):
        return csrf_failed(request, platform, session)
    try:
        address = services.learners.confirm_email(token)
    except Error as error:
        return _refused(request, platform, session, error)
    return render_page(
        request, platform, "wallet/confirm_address.html", token="", confirmed=address.email
    )


@router.post("/wallet/share", response_class=HTMLResponse)
def share(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    session: SessionDep,
    credential: Annotated[str, Form(max_length=100)],
    days: Annotated[int, Form(ge=0, le=3650)] = 0,
    csrf_token: Token = None,
) -> Response:
    """A public link to one credential, with its QR code and an add-to-LinkedIn link."""
    if not csrf_ok(request, csrf_token):
        return csrf_failed(request, platform, session)
    learner = current_learner(request, services)
    if learner is None:
        return RedirectResponse("/wallet", status_code=303)
    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    try:
        entry = services.wallet.credential(learner.user, credential, addresses=learner.addresses)
        created = services.shares.create(learner.id, [entry.id], expires_at=expires)
    except Error as error:
        session.rollback()
        return show_home(request, platform, services, learner, error=error)
    base = platform.settings.base_url
    link = f"{base}/shares/{created.token}"
    document = document_of(entry.text, entry.media_type)
    try:
        linkedin: str | None = add_to_profile_url(certification_for(document, link))
    except MalformedCredential:
        linkedin = None
    qr = base64.b64encode(qr_svg(link, title="QR code of the share link")).decode()
    return render_page(
        request,
        platform,
        "wallet/shared.html",
        card=describe(entry, datetime.now(UTC)),
        link=link,
        expires=expires,
        qr=f"data:image/svg+xml;base64,{qr}",
        linkedin=linkedin,
    )


@router.get("/wallet/download/{credential_id}")
def download(credential_id: str, request: Request, services: ServicesDep) -> Response:
    """One of the signed-in learner's credentials exactly as issued, as a file."""
    learner = current_learner(request, services)
    if learner is None:
        return RedirectResponse("/wallet", status_code=303)
    entry = services.wallet.credential(learner.user, credential_id, addresses=learner.addresses)
    extension = "jwt" if entry.media_type.endswith("jwt") else "json"
    return Response(
        entry.text,
        media_type=entry.media_type,
        headers={
            **_NO_STORE,
            "Content-Disposition": f'attachment; filename="credential-{entry.id}.{extension}"',
        },
    )


@router.post("/wallet/import", response_class=HTMLResponse)
async def import_credential(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    session: SessionDep,
    verifier: VerifierDep,
    credential: Annotated[str, Form(max_length=MAX_BYTES)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    csrf_token: Token = None,
) -> Response:
    """Import a credential from anywhere: pasted, a file (JSON, JWT, baked image) or a URL. It
    is verified first; a refusal says why and stores nothing."""
    if not csrf_ok(request, csrf_token):
        return csrf_failed(request, platform, session)
    learner = current_learner(request, services)
    if learner is None:
        return RedirectResponse("/wallet", status_code=303)
    uploaded = await file.read(MAX_BYTES + 1) if file is not None else b""
    try:
        if len(uploaded) > MAX_BYTES:
            raise InvalidInput(
                f"The file is larger than {MAX_BYTES // 1024} KiB.", code="too_large"
            )
        if uploaded:
            found = services.imports.add(
                learner.id, uploaded, check=verifier.check, extract=extract_credential
            )
        elif credential.strip():
            found = services.imports.add(
                learner.id, credential.encode(), check=verifier.check, extract=extract_credential
            )
        elif url.strip():
            found = services.imports.add_url(
                learner.id,
                url,
                check=verifier.check,
                fetch=import_fetcher(platform).fetch_bytes,
                extract=extract_credential,
            )
        else:
            raise InvalidInput(
                "Paste a credential, choose a file or give a web address to import.",
                code="nothing_to_import",
            )
    except Error as error:
        session.rollback()
        return show_home(request, platform, services, learner, error=error)
    notice = "Imported and verified." if found.created else "That credential is already here."
    return show_home(request, platform, services, learner, notice=notice)
