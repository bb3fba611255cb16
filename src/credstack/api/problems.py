"""RFC 9457 problem details: the one place where ``credstack.errors`` become HTTP statuses.

Every error answer is ``application/problem+json`` with ``type``, ``title``, ``status``,
``detail`` and our stable ``code``. A bearer token that is missing or wrong is 401 with
``WWW-Authenticate: Bearer`` (RFC 6750 section 3); a token that may not do something is 403.

>>> status_for(Forbidden("no", code="invalid_token"))
401
>>> status_for(Conflict("taken", code="slug_taken"))
409
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from credstack.api.schemas import problem_type, verification_result
from credstack.errors import (
    Conflict,
    Error,
    Forbidden,
    InvalidBulkFile,
    InvalidInput,
    NotFound,
    ResolutionError,
    StorageError,
    TooManyRequests,
    VerificationFailed,
)

PROBLEM_JSON = "application/problem+json"
# Codes that mean "who are you?" rather than "you may not": 401, with a Bearer challenge.
UNAUTHENTICATED = frozenset({"invalid_token", "invalid_credentials", "invalid_session"})
_log = logging.getLogger(__name__)

# Most specific first: the first family an error belongs to gives its status.
_FAMILIES: tuple[tuple[type[Error], int], ...] = (
    (VerificationFailed, 400),
    (InvalidInput, 400),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (TooManyRequests, 429),
    (ResolutionError, 502),
    (StorageError, 503),
)
_BY_CODE = {
    "too_large": 413,
    "unsupported_media_type": 415,
    "too_many_attempts": 429,
    # A share link that existed and ended: gone for good, not merely in conflict.
    "share_revoked": 410,
    "share_expired": 410,
    "share_empty": 410,
}


def status_for(error: Error) -> int:
    if error.code in _BY_CODE:
        return _BY_CODE[error.code]
    if isinstance(error, Forbidden) and error.code in UNAUTHENTICATED:
        return 401
    for family, status in _FAMILIES:
        if isinstance(error, family):
            return status
    return 500


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **(extra or {}),
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _credstack_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Error)
    status = status_for(exc)
    headers = None
    if status == 401:
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        if exc.code == "invalid_credentials":
            headers = {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, TooManyRequests):
        headers = {"Retry-After": str(exc.retry_after)}
    extra = verification_result(exc.report) if isinstance(exc, VerificationFailed) else None
    if isinstance(exc, InvalidBulkFile):
        extra = {"problems": [{"line": line, "reason": reason} for line, reason in exc.problems]}
    detail = exc.message
    if status == 500:
        _log.error("credstack error reached the front door: %s (%s)", exc.code, exc.message)
        detail = "The server could not complete the request."
    return problem_response(status, exc.code, detail, headers=headers, extra=extra)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Only where and what: the rejected input itself is not echoed back.
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
    return problem_response(
        422, "invalid_request", "The request does not match its schema.", extra={"errors": errors}
    )


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_").replace("-", "_")
    return problem_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    # A bug, not a rejection: logged with its traceback, answered without details.
    _log.exception("unhandled error", exc_info=exc)
    return problem_response(500, "internal_error", "The server could not complete the request.")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(Error, _credstack_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
