"""``POST /credentials/verify`` (W3C VC-API): 200 with the result when the credential
verifies, 400 (problem+json carrying the same result) when it does not."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from credstack.api.deps import RawBody, VerifierDep
from credstack.api.schemas import VerificationResultPublic, verification_result
from credstack.api.verification import vc_api_request

router = APIRouter(prefix="/credentials", tags=["vc-api"])

BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["verifiableCredential"],
                "properties": {
                    "verifiableCredential": {"type": ["object", "string"]},
                    "options": {"type": "object"},
                },
            }
        }
    },
}


@router.post(
    "/verify",
    summary="Verify a credential (VC-API)",
    openapi_extra={"requestBody": BODY},
    responses={400: {"description": "Not verified: the result and its problems"}},
)
def verify_credential(body: RawBody, verifier: VerifierDep) -> VerificationResultPublic:
    report = verifier.verify(vc_api_request(body, "verifiableCredential"))
    return VerificationResultPublic.model_validate(verification_result(report))
