"""Downloads for an issued credential, public like its page (``GET /credentials/{id}``): its
badge image with the credential baked in (PNG, SVG), a QR code of its page, and a PDF
certificate.

A credential's text never changes, so its baked badge and QR code may be cached for a day; the
certificate prints the credential's status, so it is cached for five minutes only.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from credstack.api.deps import PlatformDep, ServicesDep
from credstack.formats.badge_image import baked_badge
from credstack.formats.certificate import CertificateFonts, certificate_for, render_certificate
from credstack.formats.content import credential_content
from credstack.formats.qr import qr_svg

router = APIRouter(prefix="/credentials", tags=["credentials"])

DAY: Final = "public, max-age=86400"
FIVE_MINUTES: Final = "public, max-age=300"
_STATUS_WORDS: Final = {"active": "Valid", "revoked": "Revoked", "suspended": "Suspended"}


def _responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {}}}, 404: {"description": "No such credential."}}


@router.get(
    "/{credential_id}/badge.png",
    summary="The badge image as a PNG, the credential baked in",
    response_class=Response,
    responses=_responses("image/png"),
)
def badge_png(credential_id: uuid.UUID, services: ServicesDep, platform: PlatformDep) -> Response:
    record = services.credentials.get(credential_id)
    font = platform.settings.font_dir / "DejaVuSans-Bold.ttf"
    image = baked_badge(record.text, "png", font=font)
    return Response(image, media_type="image/png", headers={"Cache-Control": DAY})


@router.get(
    "/{credential_id}/badge.svg",
    summary="The badge image as an SVG, the credential baked in",
    response_class=Response,
    responses=_responses("image/svg+xml"),
)
def badge_svg(credential_id: uuid.UUID, services: ServicesDep) -> Response:
    record = services.credentials.get(credential_id)
    image = baked_badge(record.text, "svg")
    return Response(image, media_type="image/svg+xml", headers={"Cache-Control": DAY})


@router.get(
    "/{credential_id}/qr.svg",
    summary="A QR code of the credential's public page",
    response_class=Response,
    responses=_responses("image/svg+xml"),
)
def qr(credential_id: uuid.UUID, services: ServicesDep) -> Response:
    record = services.credentials.get(credential_id)
    image = qr_svg(record.credential_id, title=f"QR code: {record.name}")
    return Response(image, media_type="image/svg+xml", headers={"Cache-Control": DAY})


@router.get(
    "/{credential_id}/certificate.pdf",
    summary="A printable PDF certificate with a QR code and the verify address",
    response_class=Response,
    responses=_responses("application/pdf"),
)
def certificate(credential_id: uuid.UUID, services: ServicesDep, platform: PlatformDep) -> Response:
    record = services.credentials.get(credential_id)
    today = datetime.now(UTC)
    status = f"{_STATUS_WORDS.get(record.status, record.status)} on {today:%d %B %Y}"
    base = platform.settings.base_url
    page = certificate_for(
        credential_content(record.text),
        page_url=record.credential_id,
        verify_url=f"{base}/verify?url={quote(record.credential_id, safe='')}",
        status=status,
    )
    pdf = render_certificate(page, CertificateFonts.dejavu(platform.settings.font_dir))
    headers = {
        "Cache-Control": FIVE_MINUTES,
        "Content-Disposition": f'inline; filename="credential-{credential_id}.pdf"',
    }
    return Response(pdf, media_type="application/pdf", headers=headers)
