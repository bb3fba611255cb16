"""``GET /shares/{token}``: a learner's share link, open to anyone holding it, no account.

JSON lists the shared credentials as issued (a Data Integrity credential as its JSON object, a
VC-JWT as its compact string); a browser gets a small page. ``/shares/{token}/credentials/{n}``
is one of them byte for byte, with its media type. A revoked or expired link is 410. The
answers are not cached and send no Referer, since the token is in the URL.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final

from fastapi import APIRouter, Header
from fastapi.responses import HTMLResponse, JSONResponse, Response

from credstack.api.deps import PlatformDep, ServicesDep
from credstack.api.pages import share_page, wants_html
from credstack.errors import NotFound
from credstack.services.held import document_of_text
from credstack.services.holdings import WalletItem

router = APIRouter(prefix="/shares", tags=["wallet"])

HEADERS: Final = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Vary": "Accept",
}
GONE: Final[dict[int | str, dict[str, Any]]] = {
    410: {"description": "The learner revoked the link, or it expired."}
}


@router.get(
    "/{token}",
    summary="The credentials behind a share link (JSON, or a page for a browser)",
    responses={200: {"content": {"application/json": {}, "text/html": {}}}, **GONE},
)
def shared(
    token: str,
    services: ServicesDep,
    platform: PlatformDep,
    accept: Annotated[str, Header()] = "",
) -> Response:
    opened = services.shares.open(token)
    if wants_html(accept):
        documents = [document_of_text(c.text, c.media_type) for c in opened.credentials]
        page = share_page(
            documents,
            label=opened.share.label,
            base_path=f"/shares/{token}",
            base_url=platform.settings.base_url,
        )
        return HTMLResponse(page, headers=HEADERS)
    body = {
        "label": opened.share.label,
        "createdAt": opened.share.created_at.isoformat(),
        "expiresAt": opened.share.expires_at.isoformat() if opened.share.expires_at else None,
        "credentials": [_as_issued(c) for c in opened.credentials],
    }
    return JSONResponse(body, headers=HEADERS)


@router.get(
    "/{token}/credentials/{index}",
    summary="One shared credential exactly as issued",
    responses={200: {"content": {"application/vc": {}, "application/vc+jwt": {}}}, **GONE},
)
def shared_credential(token: str, index: int, services: ServicesDep) -> Response:
    credentials = services.shares.open(token).credentials
    if not 0 <= index < len(credentials):
        raise NotFound(
            f"The link shares {len(credentials)} credentials, numbered from 0.",
            code="credential_not_found",
        )
    item = credentials[index]
    return Response(item.text, media_type=item.media_type, headers=HEADERS)


def _as_issued(item: WalletItem) -> dict[str, Any]:
    credential: Any = item.text if item.jwt else json.loads(item.text)
    return {"mediaType": item.media_type, "credential": credential}
