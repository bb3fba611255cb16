"""Who is signed in to the console, and the checks every console form passes.

A session is the ``credstack_session`` cookie (HttpOnly, SameSite=Lax, Secure when the base URL
is https): its value is looked up through ``StaffSessionService``. Every form that changes
something carries the session's synchronizer token in ``csrf_token`` (OWASP CSRF cheat sheet);
the sign-in form, which has no session yet, uses a double-submit cookie instead.

Errors raised under ``/console`` and ``/login`` become pages, not problem+json: a missing or
expired session redirects to ``/login``; anything else is a page with the sentence and its
stable code, and the status ``api.problems`` gives it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Annotated, Any, Final, cast
from urllib.parse import quote

from fastapi import Cookie, Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from credstack.api.deps import PlatformDep, ServicesDep
from credstack.api.problems import status_for
from credstack.errors import Error, Forbidden, TooManyRequests
from credstack.services.actors import REQUIRED_ROLE, Action, Actor, check_role, outranks
from credstack.services.staff_sessions import SESSION_LIFETIME, OrganizationChoice, SignedIn
from credstack.web.templating import render

SESSION_COOKIE: Final = "credstack_session"
LOGIN_COOKIE: Final = "credstack_login_csrf"
# Pages that answer errors as HTML; everything else keeps problem+json.
PAGE_PREFIXES: Final = ("/console", "/login", "/logout")


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the header shows them (``base.html`` reads ``name``)."""

    name: str


@dataclass(frozen=True)
class Staff:
    """A signed-in staff member acting in one organisation."""

    signed_in: SignedIn
    actor: Actor
    organization: OrganizationChoice

    @property
    def slug(self) -> str:
        return self.organization.slug

    @property
    def role(self) -> str:
        return self.organization.role

    @property
    def csrf_token(self) -> str:
        return self.signed_in.session.csrf_token

    def may(self, action: Action) -> bool:
        """Whether the member's role allows ``action`` (pages hide what it does not)."""
        needed = REQUIRED_ROLE[action]
        return needed is not None and outranks(check_role(self.role), needed)


def secure_cookies(platform: PlatformDep) -> bool:
    return platform.settings.base_url.startswith("https://")


def set_session_cookie(response: Response, secret: str, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)


def login_token(request: Request) -> str:
    """The sign-in form's double-submit token: the cookie's, or a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)


def set_login_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def check_login_token(request: Request, token: str | None) -> None:
    cookie = request.cookies.get(LOGIN_COOKIE)
    if not cookie or not token or not hmac.compare_digest(cookie.encode(), token.encode()):
        raise _csrf_failed()


def signed_in(
    request: Request,
    services: ServicesDep,
    session_cookie: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
) -> SignedIn:
    """The session of the request; ``not_signed_in`` (a redirect to /login) without one."""
    current = services.staff_sessions.resolve(session_cookie)
    request.state.viewer = Viewer(current.user.email)
    return current


SignedInDep = Annotated[SignedIn, Depends(signed_in)]


def staff(current: SignedInDep) -> Staff:
    """The signed-in member and the organisation they act in (``no_organization`` if none)."""
    if current.current is None or current.actor is None:
        raise Forbidden(
            f"{current.user.email} is not a member of any organisation yet; ask an "
            "administrator to add you.",
            code="no_organization",
        )
    return Staff(current, current.actor, current.current)


StaffDep = Annotated[Staff, Depends(staff)]


def checked_signed_in(
    current: SignedInDep, csrf_token: Annotated[str | None, Form(max_length=200)] = None
) -> SignedIn:
    """``signed_in`` for a form post: the form's ``csrf_token`` must be the session's."""
    if not current.csrf_matches(csrf_token):
        raise _csrf_failed()
    return current


CheckedSignedInDep = Annotated[SignedIn, Depends(checked_signed_in)]


def checked_staff(current: CheckedSignedInDep) -> Staff:
    """``staff`` for a form post, its CSRF token checked."""
    return staff(current)


CheckedStaffDep = Annotated[Staff, Depends(checked_staff)]


def _csrf_failed() -> Forbidden:
    return Forbidden(
        "The form has expired or did not come from this site; reload the page and try again.",
        code="csrf_failed",
    )


def install_error_pages(app: FastAPI) -> None:
    """Answer errors of the console's paths as pages; wraps the problem+json handlers."""
    api_handler = app.exception_handlers[Error]
    api_validation = app.exception_handlers[RequestValidationError]

    async def delegate(handler: Any, request: Request, exc: Exception) -> Response:
        answer = handler(request, exc)
        return cast(Response, await answer if isinstance(answer, Awaitable) else answer)

    async def handle(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if not isinstance(exc, Error) or not path.startswith(PAGE_PREFIXES):
            return await delegate(api_handler, request, exc)
        if exc.code == "not_signed_in" and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(path, safe='/')}", status_code=303)
        status = status_for(exc)
        message = exc.message if status < 500 else "The server could not complete the request."
        page = _error_page(request, status, exc.code, message)
        if isinstance(exc, TooManyRequests):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page

    async def handle_validation(request: Request, exc: Exception) -> Response:
        if not request.url.path.startswith(PAGE_PREFIXES):
            return await delegate(api_validation, request, exc)
        # A field too long, a malformed id in the address: the form was not made by this site.
        return _error_page(
            request,
            422,
            "invalid_request",
            "The page could not read the form or the address; go back, reload and try again.",
        )

    app.add_exception_handler(Error, handle)
    app.add_exception_handler(RequestValidationError, handle_validation)


def _error_page(request: Request, status: int, code: str, message: str) -> Response:
    return render(
        request, "console/error.html", status_code=status, code=code, message=message, status=status
    )
