"""Request dependencies, declared once as ``Annotated`` aliases.

``SessionDep`` is one transaction per request: committed when the route returns, rolled back
when it raises (before the answer is sent, so a failed commit is a 503, not a lie). On SQLite
a request that may change something (POST, PUT, PATCH, DELETE) takes the write lock first and
waits for the writer before it; a GET takes none (docs/operations.md, "One writer at a time").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from credstack.api.verification import Verifier
from credstack.bootstrap import Platform
from credstack.errors import Forbidden
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.learners import Learner


# Dependencies that only read are coroutines: FastAPI runs a plain function dependency in a
# worker thread, and that hand-off costs more than the work.
async def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


async def get_verifier(request: Request) -> Verifier:
    verifier: Verifier = request.app.state.verifier
    return verifier


VerifierDep = Annotated[Verifier, Depends(get_verifier)]


# Requests that change nothing by their method: on SQLite their transaction takes no lock
# (``store.db.deferred``), so pages and progress polls are served while a bulk job writes.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(platform: PlatformDep, request: Request) -> Iterator[Session]:
    with platform.transaction(read_mostly=request.method in _SAFE_METHODS) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_services(platform: PlatformDep, session: SessionDep, request: Request) -> Services:
    # The client's address, for limits per address (behind a proxy, uvicorn's
    # --proxy-headers and --forwarded-allow-ips make it the client's, not the proxy's).
    return platform.services(session, client=request.client.host if request.client else None)


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_reading_services(platform: PlatformDep, request: Request) -> AsyncIterator[Services]:
    """Services for a route that only reads, on the event loop: a few indexed reads cost less
    than the hand-off to a worker thread that ``SessionDep`` takes (the verifier reads its
    keys and lists on the loop the same way). The transaction is rolled back at the end, so a
    write made through these services is lost: routes that change anything take
    ``ServicesDep``. On SQLite it takes no lock (``store.db.deferred``)."""
    with platform.reading_session() as session:
        try:
            yield platform.services(session, client=request.client.host if request.client else None)
        finally:
            session.rollback()


ReadingServicesDep = Annotated[Services, Depends(get_reading_services, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="An API token from `credstack token create`.")


def get_actor(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The actor of the request's bearer token; 401 without a valid one."""
    if credentials is None:
        raise Forbidden(
            "This endpoint needs an API token: Authorization: Bearer cst_...",
            code="invalid_credentials",
        )
    return services.tokens.authenticate(credentials.credentials)


CurrentActor = Annotated[Actor, Depends(get_actor)]

_wallet_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="WalletSession",
    description="A wallet session token from POST /wallet/sign-in/complete.",
)


async def learner_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_wallet_bearer)],
) -> str | None:
    """The wallet session token of the request: the bearer header for now; the web pages'
    session cookie will feed the same lookup."""
    return credentials.credentials if credentials is not None else None


def get_learner(
    services: ServicesDep, token: Annotated[str | None, Depends(learner_token)]
) -> Learner:
    """The signed-in learner; 401 without a valid wallet session."""
    return _learner(services, token)


LearnerDep = Annotated[Learner, Depends(get_learner)]


async def get_reading_learner(
    services: ReadingServicesDep, token: Annotated[str | None, Depends(learner_token)]
) -> Learner:
    """``get_learner`` on the event loop, for routes that only read (``ReadingServicesDep``)."""
    return _learner(services, token)


ReadingLearnerDep = Annotated[Learner, Depends(get_reading_learner)]


def _learner(services: Services, token: str | None) -> Learner:
    if token is None:
        raise Forbidden(
            "This endpoint needs a wallet session: Authorization: Bearer csw_... (sign in "
            "with POST /wallet/sign-in).",
            code="invalid_session",
        )
    return services.learners.authenticate(token)


async def read_body(request: Request) -> bytes:
    """The raw request body (already bounded by ``limits.BodySizeLimit``)."""
    return await request.body()


RawBody = Annotated[bytes, Depends(read_body)]
