"""``GET /credentials/{id}``: an issued credential at its own URL, as it was issued (JSON or
JWT) or, for a browser, a page with its live status and verification (``web/templates``)."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Annotated
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from credstack.api.deps import ReadingServicesDep, VerifierDep
from credstack.errors import NotFound
from credstack.verify.report import VerificationReport
from credstack.web.report_view import describe
from credstack.web.templating import render

router = APIRouter(prefix="/credentials", tags=["credentials"])

_MACHINE_TYPES = ("application/json", "application/vc", "application/ld+json", "application/jwt")
_STATUS_LABELS = {"active": "Active", "revoked": "Revoked", "suspended": "Suspended"}


@router.get(
    "/{credential_id}",
    summary="An issued credential: its text for machines, a page for people",
    responses={200: {"content": {"application/vc": {}, "text/html": {}}}},
)
async def credential(
    credential_id: uuid.UUID,
    request: Request,
    services: ReadingServicesDep,
    verifier: VerifierDep,
    accept: Annotated[str, Header()] = "",
) -> Response:
    headers = {"Vary": "Accept", "Cache-Control": "no-cache"}
    for_machines = any(kind in accept for kind in _MACHINE_TYPES) or "text/html" not in accept
    try:
        record = services.credentials.get(credential_id)
    except NotFound as exc:
        if for_machines:
            raise
        return render(
            request,
            "not_found.html",
            status_code=404,
            headers=headers,
            what="credential",
            message=exc.message,
            code=exc.code,
        )
    if for_machines:
        return Response(
            record.text, media_type=_media_type(record.media_type, accept), headers=headers
        )
    # On the event loop for our own credentials, in a thread for others (Verifier.check_soon).
    report = await verifier.check_soon(record.text)
    found = report.check("ledger")
    return render(
        request,
        "credential.html",
        headers=headers,
        view=describe(report),
        credential_name=record.name,
        uid=credential_id,
        page_url=record.credential_id,
        verify_url="/verify?" + urlencode({"url": record.credential_id}),
        qr=_qr_code(record.credential_id),
        status=record.status,
        status_label=_STATUS_LABELS.get(record.status, record.status),
        issued_on=f"{record.issued_at:%Y-%m-%d}",
        revoked_on=f"{record.revoked_at:%Y-%m-%d}" if record.revoked_at else None,
        ledger_said=_ledger_said(report),
        ledger_outcome=found[0].outcome if found else None,
    )


@lru_cache(maxsize=1024)
def _qr_code(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI; remembered, as making one costs several
    milliseconds of CPU and a credential's URL never changes."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def _ledger_said(report: VerificationReport) -> str:
    """What the transparency ledger says of the credential."""
    found = report.check("ledger")
    if found:
        return found[0].message
    return "This credential is not recorded in this server's transparency log."


def _media_type(issued: str, accept: str) -> str:
    """The stored media type, or application/json for a JSON credential when that is asked."""
    if issued == "application/vc" and "application/json" in accept:
        return "application/json"
    return issued
