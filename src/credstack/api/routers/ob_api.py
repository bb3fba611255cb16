"""The 1EdTech Open Badges API (OB 3.0 section 6) under ``/ims/ob/v3p0``: the service
description, getCredentials, upsertCredential, getProfile and putProfile.

The resource owner is the user account the access token was granted by. Errors are the
spec's ``Imsx_StatusInfo``; a missing or bad token is 401 with a Bearer challenge, a token
without the operation's scope 403 (RFC 6750 section 3.1).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import OAuth2AuthorizationCodeBearer

from credstack.api.deps import PlatformDep, RawBody, ServicesDep, VerifierDep
from credstack.api.ob_discovery import service_description
from credstack.api.problems import status_for
from credstack.errors import Error, Forbidden, InvalidInput, VerificationFailed
from credstack.model.parse import parse_json
from credstack.services.oauth import InsufficientScope, TokenHolder
from credstack.services.oauth_clients import (
    CREDENTIAL_READ,
    CREDENTIAL_UPSERT,
    PROFILE_READ,
    PROFILE_UPDATE,
    SCOPES,
)

PREFIX: Final = "/ims/ob/v3p0"
_JSON_TYPES: Final = ("application/json", "application/vc+ld+json", "application/ld+json")
# Imsx_CodeMinorFieldValue for each status (the enumeration has no not_found: unknown).
_CODE_MINOR: Final = {
    400: "invalid_data",
    401: "unauthorizedrequest",
    403: "forbidden",
    404: "unknown",
    405: "not_allowed",
    413: "invalid_data",
    415: "not_acceptable",
    503: "server_busy",
}


def status_info(status: int, description: str, minor: str | None = None) -> dict[str, Any]:
    """An Imsx_StatusInfo error body."""
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "TargetEndSystem",
                    "imsx_codeMinorFieldValue": minor
                    or _CODE_MINOR.get(status, "internal_server_error"),
                }
            ]
        },
    }


def imsx_error(exc: Error) -> JSONResponse:
    status = status_for(exc)
    description = exc.message if status < 500 else "The server could not complete the request."
    if isinstance(exc, VerificationFailed):
        failed = [f"{c.name}: {c.message} [{c.code}]" for c in exc.report.failures]
        description = "The credential does not verify. " + " ".join(failed)
    headers: dict[str, str] = {}
    if status == 401:
        # RFC 6750 section 3.1: no error attribute when the request carried no token at all.
        error = "" if exc.code == "invalid_credentials" else ', error="invalid_token"'
        headers["WWW-Authenticate"] = f'Bearer realm="credstack"{error}'
    elif isinstance(exc, InsufficientScope):
        headers["WWW-Authenticate"] = f'Bearer error="insufficient_scope", scope="{exc.scope}"'
    return JSONResponse(status_info(status, description), status_code=status, headers=headers)


class ImsxRoute(APIRoute):
    """A route whose errors are Imsx_StatusInfo rather than problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except Error as exc:
                return imsx_error(exc)
            except RequestValidationError as exc:
                where = ", ".join(".".join(map(str, e.get("loc", ()))) for e in exc.errors())
                body = status_info(400, f"Invalid request: {where}.", "invalid_query_parameter")
                return JSONResponse(body, status_code=400)

        return run


router = APIRouter(prefix=PREFIX, tags=["Open Badges API"], route_class=ImsxRoute)
_oauth = OAuth2AuthorizationCodeBearer(
    authorizationUrl=f"{PREFIX}/oauth/authorize",
    tokenUrl=f"{PREFIX}/oauth/token",
    refreshUrl=f"{PREFIX}/oauth/token",
    scheme_name="OAuth2ACG",
    scopes=SCOPES,
    auto_error=False,
)


def _holder(scope: str) -> Any:
    def holder(
        services: ServicesDep, token: Annotated[str | None, Security(_oauth)]
    ) -> TokenHolder:
        if token is None:
            raise Forbidden(
                "This endpoint needs an OAuth 2.0 access token: Authorization: Bearer ...",
                code="invalid_credentials",
            )
        return services.oauth.authenticate_bearer(token, scope)

    return Depends(holder)


@router.get("/discovery", summary="getServiceDescription")
def discovery(platform: PlatformDep) -> dict[str, Any]:
    return service_description(platform.settings.base_url)


@router.get("/credentials", summary="getCredentials", response_model=None)
def get_credentials(
    platform: PlatformDep,
    services: ServicesDep,
    holder: Annotated[TokenHolder, _holder(CREDENTIAL_READ)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    since: Annotated[str | None, Query(max_length=64)] = None,
) -> JSONResponse:
    after = _since(since)
    page = services.wallet.credentials(holder.user, offset=offset, limit=limit, since=after)
    body: dict[str, Any] = {}
    if page.credential:
        body["credential"] = [parse_json(text) for text in page.credential]
    if page.compact_jws:
        body["compactJwsString"] = page.compact_jws
    url = f"{platform.settings.base_url}{PREFIX}/credentials"
    headers = {
        "X-Total-Count": str(page.total),
        "Link": _links(url, total=page.total, limit=limit, offset=offset, since=since),
    }
    return JSONResponse(body, headers=headers)


@router.post("/credentials", summary="upsertCredential", response_model=None)
def upsert_credential(
    request: Request,
    body: RawBody,
    services: ServicesDep,
    verifier: VerifierDep,
    holder: Annotated[TokenHolder, _holder(CREDENTIAL_UPSERT)],
) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "text/plain" and media not in _JSON_TYPES:
        raise InvalidInput(
            "Send application/json (a credential) or text/plain (a VC-JWT).",
            code="unsupported_media_type",
        )
    text = _utf8(body)
    jwt = media == "text/plain"
    done = services.wallet.upsert(holder.user, text, jwt=jwt, check=verifier.check)
    return Response(
        done.text,
        status_code=201 if done.created else 200,
        media_type="text/plain" if jwt else "application/json",
    )


@router.get("/profile", summary="getProfile")
def get_profile(
    services: ServicesDep, holder: Annotated[TokenHolder, _holder(PROFILE_READ)]
) -> dict[str, Any]:
    return services.wallet.profile(holder.user)


@router.put("/profile", summary="putProfile")
def put_profile(
    body: RawBody,
    services: ServicesDep,
    holder: Annotated[TokenHolder, _holder(PROFILE_UPDATE)],
) -> dict[str, Any]:
    return services.wallet.put_profile(holder.user, parse_json(body))


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(
            f"since must be an ISO 8601 date-time, not {value!r}.", code="invalid_since"
        ) from exc
    # OB 3.0 gives the form YYYY-MM-DDThh:mm:ss: a time without a zone is read as UTC.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The body is not UTF-8 text.", code="invalid_credential") from exc


def _links(url: str, *, total: int, limit: int, offset: int, since: str | None) -> str:
    """The Link header of OB 3.0 section 6.4: first and last always, next and prev when
    there are such pages."""

    def link(at: int, rel: str) -> str:
        query = {"limit": limit, "offset": at, **({"since": since} if since else {})}
        return f'<{url}?{urlencode(query)}>; rel="{rel}"'

    last = max(0, (total - 1) // limit * limit)
    links = [link(0, "first"), link(last, "last")]
    if offset + limit < total:
        links.append(link(offset + limit, "next"))
    if offset > 0:
        links.append(link(max(0, offset - limit), "prev"))
    return ", ".join(links)
