"""The OAuth 2.0 endpoints of the Open Badges API (OB 3.0 section 7): dynamic client
registration, authorize (a sign-in and consent page), token, and revocation.

Errors here are OAuth's own JSON (RFC 6749 section 5.2, RFC 7591 section 3.2.2):
``{"error", "error_description"}``; authorize errors go back to the client's redirect URI
once it is known to be the client's, and are shown on a page before that.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Coroutine
from typing import Any, Final
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from credstack.api.consent_page import consent_page, error_page
from credstack.api.deps import RawBody, ServicesDep
from credstack.api.problems import status_for
from credstack.errors import Error, Forbidden, InvalidInput
from credstack.model.parse import parse_json
from credstack.services import Services
from credstack.services.oauth import AuthorizationError
from credstack.services.oauth_clients import GRANT_TYPES
from credstack.store.oauth import OAuthClient

PREFIX: Final = "/ims/ob/v3p0/oauth"
# The codes of RFC 6749 section 5.2, RFC 7009 and RFC 7591; any other error is invalid_request.
_OAUTH_CODES: Final = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "invalid_redirect_uri",
        "invalid_client_metadata",
    }
)
_NO_STORE: Final = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(exc: Error) -> JSONResponse:
    code = exc.code if exc.code in _OAUTH_CODES else "invalid_request"
    status = status_for(exc)
    headers = dict(_NO_STORE)
    if code == "invalid_client":
        status = 401
        headers["WWW-Authenticate"] = 'Basic realm="credstack"'
    elif status < 500:
        status = 400
    body = {"error": code, "error_description": exc.message}
    return JSONResponse(body, status_code=status, headers=headers)


class OAuthRoute(APIRoute):
    """A route whose errors are OAuth JSON rather than problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except Error as exc:
                return oauth_error(exc)
            except RequestValidationError:
                return oauth_error(InvalidInput("The request is malformed."))

        return run


router = APIRouter(prefix=PREFIX, tags=["Open Badges API: OAuth"], route_class=OAuthRoute)


@router.post("/register", status_code=201, summary="Register a client (RFC 7591)")
def register(body: RawBody, services: ServicesDep) -> JSONResponse:
    metadata = parse_json(body) if body else None
    if not isinstance(metadata, dict):
        raise InvalidInput("The body must be a JSON object.", code="invalid_client_metadata")
    registered = services.oauth.register(metadata)
    client = registered.client
    answer = {
        **client.metadata_document,
        "client_id": client.client_id,
        "client_secret": registered.secret,
        "client_id_issued_at": int(client.created_at.timestamp()),
        "client_secret_expires_at": 0,
    }
    return JSONResponse(answer, status_code=201, headers=_NO_STORE)


@router.get("/authorize", summary="The sign-in and consent page", response_model=None)
def authorize_page(request: Request, services: ServicesDep) -> Response:
    try:
        checked = services.oauth.authorization_request(_single(request.query_params.multi_items()))
    except AuthorizationError as exc:
        return RedirectResponse(exc.location, status_code=303)
    except InvalidInput as exc:
        return error_page(exc.message)
    return consent_page(checked, action=request.url.path)


@router.post("/authorize", summary="Sign in and allow or deny", response_model=None)
def authorize(request: Request, body: RawBody, services: ServicesDep) -> Response:
    try:
        form = _form(body)
        checked = services.oauth.authorization_request(form)
    except AuthorizationError as exc:
        return RedirectResponse(exc.location, status_code=303)
    except InvalidInput as exc:
        return error_page(exc.message)
    if form.get("decision") != "approve":
        return RedirectResponse(services.oauth.deny(checked), status_code=303)
    email = form.get("email", "")
    try:
        location = services.oauth.approve(checked, email=email, password=form.get("password", ""))
    except Forbidden as exc:
        return consent_page(checked, action=request.url.path, error=exc.message, email=email)
    return RedirectResponse(location, status_code=303)


@router.post("/token", summary="Tokens for a code or a refresh token")
def token(request: Request, body: RawBody, services: ServicesDep) -> JSONResponse:
    # Errors are answered here, not raised: a replayed code revokes the tokens it gave, and
    # that must be committed although the request fails (the service writes nothing else).
    try:
        form = _form(body)
        client = _client(request, form, services)
        grant_type = form.get("grant_type")
        if grant_type not in GRANT_TYPES:
            raise InvalidInput(
                f"The grant type {grant_type!r} is not supported; use one of {GRANT_TYPES}.",
                code="unsupported_grant_type",
            )
        if grant_type not in client.metadata_document.get("grant_types", []):
            raise InvalidInput(
                f"The client did not register the grant type {grant_type}.",
                code="unauthorized_client",
            )
        if grant_type == "authorization_code":
            tokens = services.oauth.exchange_code(
                client,
                code=_required(form, "code"),
                redirect_uri=_required(form, "redirect_uri"),
                code_verifier=_required(form, "code_verifier"),
            )
        else:
            tokens = services.oauth.refresh(
                client, refresh_token=_required(form, "refresh_token"), scope=form.get("scope")
            )
    except Error as exc:
        return oauth_error(exc)
    answer = {
        "access_token": tokens.access_token,
        "token_type": "Bearer",
        "expires_in": tokens.expires_in,
        "refresh_token": tokens.refresh_token,
        "scope": tokens.scope,
    }
    return JSONResponse(answer, headers=_NO_STORE)


@router.post("/revoke", summary="Revoke an access or refresh token (RFC 7009)")
def revoke(request: Request, body: RawBody, services: ServicesDep) -> Response:
    form = _form(body)
    client = _client(request, form, services)
    services.oauth.revoke(client, token=_required(form, "token"))
    return Response(status_code=200, headers=_NO_STORE)


def _single(items: list[tuple[str, str]]) -> dict[str, str]:
    """The parameters, each once (RFC 6749 section 3.1: never repeated)."""
    params: dict[str, str] = {}
    for key, value in items:
        if key in params:
            raise InvalidInput(f"The parameter {key!r} is repeated.", code="invalid_request")
        params[key] = value
    return params


def _form(body: bytes) -> dict[str, str]:
    """An application/x-www-form-urlencoded body."""
    try:
        text = body.decode("utf-8")
        return _single(parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text)))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(
            "The body must be application/x-www-form-urlencoded.", code="invalid_request"
        ) from exc


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise InvalidInput(f"The parameter {name!r} is missing.", code="invalid_request")
    return value


def _client(request: Request, form: dict[str, str], services: Services) -> OAuthClient:
    """The authenticated client: HTTP Basic (RFC 6749 section 2.3.1) or, when the client
    registered client_secret_post, the form; one method, the registered one."""
    basic = _basic(request.headers.get("authorization"))
    posted = form.get("client_id"), form.get("client_secret")
    if basic is not None and any(posted):
        raise InvalidInput("Authenticate the client one way only.", code="invalid_request")
    method = "client_secret_basic" if basic is not None else "client_secret_post"
    client_id, secret = basic or posted
    if not client_id or not secret:
        raise Forbidden("The client must authenticate (HTTP Basic).", code="invalid_client")
    client = services.oauth.authenticate_client(client_id, secret)
    if client.token_endpoint_auth_method != method:
        raise Forbidden(
            f"This client authenticates with {client.token_endpoint_auth_method}.",
            code="invalid_client",
        )
    return client


def _basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Forbidden("The Basic credentials are malformed.", code="invalid_client") from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise Forbidden("The Basic credentials are malformed.", code="invalid_client")
    # RFC 6749 section 2.3.1: both parts are form-encoded before they are joined.
    return unquote_plus(client_id), unquote_plus(secret)
