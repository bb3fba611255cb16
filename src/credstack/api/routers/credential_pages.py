"""``GET /credentials/{id}``: an issued credential at its own URL, as it was issued (JSON or
JWT) or as a small page with its live verification result."""

from __future__ import annotations

import uuid
from html import escape
from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import HTMLResponse, Response

from credstack.api.deps import ServicesDep, VerifierDep
from credstack.verify.report import VerificationReport

router = APIRouter(prefix="/credentials", tags=["credentials"])

_MACHINE_TYPES = ("application/json", "application/vc", "application/ld+json", "application/jwt")


@router.get(
    "/{credential_id}",
    summary="An issued credential: its text for machines, a page for people",
    responses={200: {"content": {"application/vc": {}, "text/html": {}}}},
)
def credential(
    credential_id: uuid.UUID,
    services: ServicesDep,
    verifier: VerifierDep,
    accept: Annotated[str, Header()] = "",
) -> Response:
    record = services.credentials.get(credential_id)
    headers = {"Vary": "Accept", "Cache-Control": "no-cache"}
    if any(kind in accept for kind in _MACHINE_TYPES) or "text/html" not in accept:
        return Response(
            record.text, media_type=_media_type(record.media_type, accept), headers=headers
        )
    report = verifier.check(record.text)
    verdict = "Valid" if report.valid else "Not valid"
    problems = "".join(
        f"<li>{escape(check.message)}</li>" for check in report.checks if check.outcome == "failed"
    )
    page = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(record.name)}</title>"
        f"<h1>{escape(record.name)}</h1><p>Issued by {escape(report.issuer_id or '')} on "
        f"{record.issued_at:%Y-%m-%d}.</p><p><strong>{verdict}</strong></p><ul>{problems}</ul>"
        f"{_ledger_section(report, credential_id)}"
    )
    return HTMLResponse(page, headers=headers)


def _ledger_section(report: VerificationReport, credential_id: uuid.UUID) -> str:
    """What the transparency ledger says of the credential, with links to check it."""
    found = report.check("ledger")
    said = (
        escape(found[0].message)
        if found
        else "This credential is not recorded in this server's transparency log."
    )
    outcome = f' class="{found[0].outcome}"' if found else ""
    return (
        f"<section id=ledger><h2>Transparency ledger</h2><p{outcome}>{said}</p><p>"
        f'<a href="/ledger/credentials/{credential_id}">Inclusion proof</a> · '
        '<a href="/ledger/checkpoint">Latest signed checkpoint</a></p></section>'
    )


def _media_type(issued: str, accept: str) -> str:
    """The stored media type, or application/json for a JSON credential when that is asked."""
    if issued == "application/vc" and "application/json" in accept:
        return "application/json"
    return issued
