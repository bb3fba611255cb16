"""``POST /verify``: anyone may verify anything; the answer is the full report.

The status is 200 whether or not the credential verifies: the request succeeded, and the
report's ``valid`` gives the verdict (the VC-API endpoints answer 400 for an invalid one).
A baked PNG or SVG badge is recognised by its bytes, sent as the body or as the ``file`` part
of a ``multipart/form-data`` upload; the report's first check, ``image``, then names it.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from credstack.api.deps import VerifierDep
from credstack.api.verification import unwrap_credential
from credstack.errors import InvalidInput
from credstack.formats.baked import check_baked, is_image

router = APIRouter(tags=["verification"])

BODY: dict[str, Any] = {
    "required": True,
    "description": "A JSON credential or presentation, a VC-JWT (text/plain or "
    'application/vc+jwt), {"verifiableCredential": ...}, a baked badge image (image/png or '
    "image/svg+xml), or a multipart/form-data upload with the file as its `file` part.",
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/vc+jwt": {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}},
        "image/png": {"schema": {"type": "string", "format": "binary"}},
        "image/svg+xml": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}


async def verify_input(request: Request) -> bytes:
    """The bytes to verify: the body, or the ``file`` part of a multipart upload (the body
    size is already bounded by ``limits.BodySizeLimit``)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await request.body()
    async with request.form(max_files=1, max_fields=4) as form:
        part = form.get("file")
        if isinstance(part, UploadFile):
            return await part.read()
        if isinstance(part, str):
            return part.encode()
    raise InvalidInput(
        "A multipart upload to /verify carries the credential or image as its 'file' part.",
        code="missing_file",
    )


VerifyInput = Annotated[bytes, Depends(verify_input)]


@router.post(
    "/verify",
    summary="Verify a credential or baked badge; 200 with the report, whose `valid` is the verdict",
    openapi_extra={"requestBody": BODY},
)
async def verify(body: VerifyInput, request: Request, verifier: VerifierDep) -> Response:
    if is_image(body) or request.headers.get("content-type", "").startswith("image/"):
        report = await run_in_threadpool(check_baked, body, verifier.check)
    else:
        report = await verifier.check_soon(unwrap_credential(body))
    return Response(orjson.dumps(report.to_dict()), media_type="application/json")
