"""The FastAPI application factory; ``credstack serve`` runs it under uvicorn.

It puts the API's routers (``credstack.api``) and the pages (``credstack.web``) in one app; the
API never imports the pages. Nothing happens at import: ``create_app`` makes an app, and the app
builds the platform (engine, migrations, key store) when it starts, unless it is handed one.

>>> from credstack.config import Settings
>>> app = create_app(Settings(database_url="sqlite://", secret_key="x" * 32))
>>> app.docs_url
'/docs'
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from credstack import __version__
from credstack.api import problems
from credstack.api.limits import DEFAULT_MAX_BODY_BYTES, BodySizeLimit
from credstack.api.routers import (
    achievements,
    assessment,
    audit,
    bulk,
    contexts,
    credential_files,
    health,
    issuing,
    keys,
    learner_records,
    ledger,
    members,
    ob_api,
    ob_oauth,
    organizations,
    pathways,
    records,
    shares,
    tokens,
    vc_api,
    verify,
    wallet,
    wallet_records,
    wallet_sharing,
    webhooks,
)
from credstack.api.verification import Verifier
from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.web import install as install_pages
from credstack.web.console import install as install_console
from credstack.web.routers import credential_pages

DESCRIPTION = """Open Badges 3.0 micro-credentials: public verification, DID documents, the
W3C VC-API, and the 1EdTech Open Badges 3.0 API under `/ims/ob/v3p0`. Errors are RFC 9457
`application/problem+json` with a stable `code` (the Open Badges API answers with its own
`Imsx_StatusInfo` and OAuth error bodies)."""


def create_app(
    settings: Settings | None = None,
    *,
    platform: Platform | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """The app for ``settings`` (read from the environment when None).

    With ``platform`` the app uses it and leaves closing it to the caller; otherwise it builds
    one on startup (migrating the database) and closes it on shutdown.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = platform is None
        running = platform or build(settings or Settings(), migrate=True)
        if owned:
            # A server signs ledger checkpoints when due (docs/ledger.md); a platform handed in
            # (tests, an embedding) is left as it was given.
            running.start_clock()
        app.state.platform = running
        app.state.verifier = Verifier(running)
        try:
            yield
        finally:
            app.state.verifier.close()
            if owned:
                running.close()

    app = FastAPI(
        title="Credstack",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
    )
    problems.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    for router in (
        health,
        organizations,
        verify,
        vc_api,
        issuing,
        achievements,
        credential_pages,
        credential_files,
        tokens,
        members,
        keys,
        contexts,
        pathways,
        assessment,
        ob_api,
        ob_oauth,
        bulk,
        ledger,
        shares,
        wallet,
        wallet_records,
        wallet_sharing,
        webhooks,
        records,
        learner_records,
        audit,
    ):
        app.include_router(router.router)
    install_pages(app)
    install_console(app)
    return app
