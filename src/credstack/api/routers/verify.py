"""``POST /verify``: anyone may verify anything; the answer is the full report.

The status is 200 whether or not the credential verifies: the request succeeded, and the
report's ``valid`` gives the verdict (the VC-API endpoints answer 400 for an invalid one).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from credstack.api.deps import RawBody, VerifierDep
from credstack.api.verification import unwrap_credential

router = APIRouter(tags=["verification"])

BODY: dict[str, Any] = {
    "required": True,
    "description": "A JSON credential or presentation, a VC-JWT (text/plain or "
    'application/vc+jwt), or {"verifiableCredential": ...}.',
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/vc+jwt": {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}},
    },
}


@router.post(
    "/verify",
    summary="Verify a credential; 200 with the report, whose `valid` is the verdict",
    openapi_extra={"requestBody": BODY},
)
def verify(body: RawBody, verifier: VerifierDep) -> dict[str, Any]:
    return verifier.check(unwrap_credential(body)).to_dict()
