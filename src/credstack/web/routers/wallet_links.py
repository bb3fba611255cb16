"""``/wallet/links``: the learner's share links (what each shows, when it was made, until when
it works, whether it was revoked) and a button that revokes one.

The link itself is shown once, when it is made (``/wallet/share``): only its hash is stored,
so this page names a link by what it shares and when it was created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credstack.api.deps import PlatformDep, ServicesDep, SessionDep
from credstack.api.problems import status_for
from credstack.errors import Error, NotFound
from credstack.services.learners import Learner
from credstack.services.shares import ShareView
from credstack.services.wallet import describe
from credstack.web.routers.wallet_pages import (
    Token,
    csrf_failed,
    csrf_ok,
    current_learner,
    render_page,
)

router = APIRouter(tags=["pages"], include_in_schema=False)

LINKS: Final = 200


@dataclass(frozen=True)
class ShareRow:
    view: ShareView
    names: list[str]


@router.get("/wallet/links", response_class=HTMLResponse)
def links(request: Request, platform: PlatformDep, services: ServicesDep) -> Response:
    learner = current_learner(request, services)
    if learner is None:
        return RedirectResponse("/wallet", status_code=303)
    return _show(request, platform, services, learner)


@router.post("/wallet/links/{share_id}/revoke", response_class=HTMLResponse)
def revoke(
    share_id: str,
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    session: SessionDep,
    csrf_token: Token = None,
) -> Response:
    """End a share link now: whoever holds it sees that it was revoked."""
    if not csrf_ok(request, csrf_token):
        return csrf_failed(request, platform, session)
    learner = current_learner(request, services)
    if learner is None:
        return RedirectResponse("/wallet", status_code=303)
    try:
        services.shares.revoke(learner.id, share_id)
    except Error as error:
        session.rollback()
        return _show(request, platform, services, learner, error=error)
    notice = "The link is revoked; it no longer shows your credentials."
    return _show(request, platform, services, learner, notice=notice)


def _show(
    request: Request,
    platform: PlatformDep,
    services: ServicesDep,
    learner: Learner,
    *,
    error: Error | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    now = datetime.now(UTC)
    rows = []
    # Newest first; a learner with more links than a page holds sees the newest.
    for view in list(reversed(services.shares.all(learner.id)))[:LINKS]:
        names = []
        for credential in view.credentials:
            try:
                entry = services.wallet.credential(
                    learner.user, credential, addresses=learner.addresses
                )
            except NotFound:
                names.append("A credential no longer in your wallet")
                continue
            names.append(describe(entry, now).name or "Credential")
        rows.append(ShareRow(view, names))
    return render_page(
        request,
        platform,
        "wallet/links.html",
        status_code=status_for(error) if error else 200,
        rows=rows,
        error=error.message if error else None,
        code=error.code if error else None,
        notice=notice,
    )
