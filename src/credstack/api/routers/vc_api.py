"""W3C VC-API verification: ``POST /credentials/verify`` and ``POST /presentations/verify``.

200 with the result when the input verifies, 400 (problem+json carrying the same result) when it
does not.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Response

from credstack.api.deps import RawBody, VerifierDep
from credstack.api.schemas import VerificationResultPublic, verification_result
from credstack.api.verification import vc_api_request
from credstack.verify import VerificationReport

router = APIRouter(tags=["vc-api"])
NOT_VERIFIED: dict[int | str, dict[str, Any]] = {
    400: {"description": "Not verified: the result and its problems"}
}


def request_body(field: str) -> dict[str, Any]:
    """The OpenAPI request body: ``{field: object | string, options?}``."""
    schema = {
        "type": "object",
        "required": [field],
        "properties": {field: {"type": ["object", "string"]}, "options": {"type": "object"}},
    }
    return {"required": True, "content": {"application/json": {"schema": schema}}}


@router.post(
    "/credentials/verify",
    summary="Verify a credential (VC-API)",
    openapi_extra={"requestBody": request_body("verifiableCredential")},
    responses=NOT_VERIFIED,
    response_model=VerificationResultPublic,
)
async def verify_credential(body: RawBody, verifier: VerifierDep) -> Response:
    # On the event loop for our own credentials, in a thread for others (Verifier.check_soon).
    report = await verifier.verify_soon(vc_api_request(body, "verifiableCredential"))
    return _result(report)


@router.post(
    "/presentations/verify",
    summary="Verify a presentation and its credentials (VC-API)",
    openapi_extra={"requestBody": request_body("verifiablePresentation")},
    responses=NOT_VERIFIED,
    response_model=VerificationResultPublic,
)
def verify_presentation(body: RawBody, verifier: VerifierDep) -> Response:
    report = verifier.verify(vc_api_request(body, "verifiablePresentation"))
    return _result(report)


def _result(report: VerificationReport) -> Response:
    # Written directly: the hot path of a verifying server, and the result is plain JSON
    # that VerificationResultPublic (the documented response model) describes.
    return Response(orjson.dumps(verification_result(report)), media_type="application/json")
