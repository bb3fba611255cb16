"""``/login`` and ``/logout``: staff sign-in to the console, and the organisation switcher.

A wrong password is counted (``StaffSessionService.record_failure``) in a transaction of its
own, because the sign-in's transaction rolls back with the error.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts

from credstack.api.deps import PlatformDep, ServicesDep
from credstack.api.problems import status_for
from credstack.errors import Forbidden, TooManyRequests
from credstack.web.console_pages import done
from credstack.web.staff import (
    SESSION_COOKIE,
    CheckedSignedInDep,
    SignedInDep,
    check_login_token,
    clear_session_cookie,
    login_token,
    secure_cookies,
    set_login_cookie,
    set_session_cookie,
)
from credstack.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


def _next(target: str | None) -> str:
    """Where to go after signing in: a console path of this site, never another site."""
    if target and target.startswith("/console") and "//" not in target and "\\" not in target:
        return target
    return "/console"


def learner_sign_in(app: FastAPI) -> str | None:
    """The learner wallet's page, when this server has one (the wallet is installed)."""
    pages = (
        context
        for context in iter_route_contexts(app.routes)
        if context.path == "/wallet" and "GET" in (context.methods or set())
    )
    return "/wallet" if any(pages) else None


def _form(
    request: Request,
    platform: PlatformDep,
    *,
    next_path: str,
    email: str = "",
    error: str | None = None,
    code: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    token = login_token(request)
    response = render(
        request,
        "console/login.html",
        status_code=status_code,
        csrf_token=token,
        next_path=next_path,
        email=email,
        error=error,
        code=code,
        learner_sign_in=learner_sign_in(request.app),
        headers={"Cache-Control": "no-store"},
    )
    set_login_cookie(response, token, secure=secure_cookies(platform))
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    next_path: Annotated[str | None, Query(alias="next", max_length=500)] = None,
    session_cookie: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
) -> Response:
    if session_cookie:
        try:
            services.staff_sessions.resolve(session_cookie)
        except Forbidden:
            pass
        else:
            return RedirectResponse(_next(next_path), status_code=303)
    return _form(request, platform, next_path=_next(next_path))


@router.post("/login", response_class=HTMLResponse)
def sign_in(
    request: Request,
    platform: PlatformDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str | None, Form(max_length=200)] = None,
    next_path: Annotated[str | None, Form(alias="next", max_length=500)] = None,
) -> Response:
    check_login_token(request, csrf_token)
    address = request.client.host if request.client else "unknown"
    try:
        with platform.unit_of_work() as services:
            opened = services.staff_sessions.sign_in(
                email=email, password=password, address=address
            )
    except (Forbidden, TooManyRequests) as exc:
        if exc.code == "invalid_credentials":
            with platform.unit_of_work() as services:
                services.staff_sessions.record_failure(email=email, address=address)
        refused = _form(
            request,
            platform,
            next_path=_next(next_path),
            email=email,
            error=exc.message,
            code=exc.code,
            status_code=status_for(exc),
        )
        if isinstance(exc, TooManyRequests):
            refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    response = RedirectResponse(_next(next_path), status_code=303)
    set_session_cookie(response, opened.secret, secure=secure_cookies(platform))
    return response


@router.get("/logout", response_class=HTMLResponse)
def logout_page(request: Request, current: SignedInDep) -> HTMLResponse:
    # Signing out changes state, so it is a form (POST) with the session's token, not a link.
    return render(request, "console/logout.html", csrf_token=current.session.csrf_token)


@router.post("/logout")
def sign_out(
    _current: CheckedSignedInDep,
    services: ServicesDep,
    platform: PlatformDep,
    session_cookie: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
) -> Response:
    services.staff_sessions.sign_out(session_cookie)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, secure=secure_cookies(platform))
    return response


@router.post("/console/organization")
def switch_organization(
    _current: CheckedSignedInDep,
    services: ServicesDep,
    organization: Annotated[str, Form(max_length=63)],
    session_cookie: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
) -> Response:
    services.staff_sessions.switch(session_cookie, organization)
    return done("/console", "switched")
