"""The OAuth and wallet services of the Open Badges API on SQLite and PostgreSQL: lifetimes on
a moving clock, secrets kept only as hashes, learners, upsert and profile rules."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput
from credstack.issue import issue
from credstack.proofs.keys import generate_key
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from credstack.services.oauth import (
    ACCESS_LIFETIME,
    CODE_LIFETIME,
    REFRESH_LIFETIME,
    OAuthService,
    s256,
)
from credstack.services.oauth_clients import CREDENTIAL_READ, PROFILE_UPDATE
from credstack.store.models import User
from credstack.store.oauth import AuthorizationCode, OAuthClient, OAuthGrant
from credstack.store.wallet import HeldCredential
from credstack.verify import check

OPERATOR = Actor.operator("test")
PASSWORD = "a long enough password"
REDIRECT = "https://wallet.example/cb"
ACHIEVEMENT = {
    "id": "https://other.example/achievements/1",
    "type": ["Achievement"],
    "name": "Listening",
    "description": "Listens well.",
    "criteria": {"narrative": "Observed."},
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def learner(services: Services) -> User:
    email = f"l-{uuid.uuid4().hex[:8]}@example.org"
    user, generated = services.users.create_learner(OPERATOR, email=email, password=PASSWORD)
    assert generated is None
    return user


def flow(oauth: OAuthService, user: User) -> tuple[OAuthClient, str, str]:
    """A registered client and a code for ``user``, with its verifier."""
    client = oauth.register({"client_name": "W", "redirect_uris": [REDIRECT]}).client
    verifier = secrets.token_urlsafe(40)
    request = oauth.authorization_request(
        {
            "client_id": client.client_id,
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "code_challenge": s256(verifier),
            "code_challenge_method": "S256",
            "scope": f"{CREDENTIAL_READ} {PROFILE_UPDATE}",
        }
    )
    location = oauth.approve(request, email=user.email, password=PASSWORD)
    code = location.split("code=")[1]
    return client, code, verifier


def test_codes_and_tokens_expire_on_the_clock(services: Services, session: Session) -> None:
    clock = Clock()
    oauth = OAuthService(session, services.users, clock=clock)
    user = learner(services)
    client, code, verifier = flow(oauth, user)
    clock.now += CODE_LIFETIME
    with pytest.raises(InvalidInput, match="expired") as expired:
        oauth.exchange_code(client, code=code, redirect_uri=REDIRECT, code_verifier=verifier)
    assert expired.value.code == "invalid_grant"

    client, code, verifier = flow(oauth, user)
    clock.now += CODE_LIFETIME - timedelta(seconds=1)
    tokens = oauth.exchange_code(client, code=code, redirect_uri=REDIRECT, code_verifier=verifier)
    assert oauth.authenticate_bearer(tokens.access_token, CREDENTIAL_READ).user.id == user.id
    clock.now += ACCESS_LIFETIME
    with pytest.raises(Forbidden) as refused:
        oauth.authenticate_bearer(tokens.access_token, CREDENTIAL_READ)
    assert refused.value.code == "invalid_token"
    # The refresh token outlives the access token, then expires too.
    renewed = oauth.refresh(client, refresh_token=tokens.refresh_token, scope=None)
    assert oauth.authenticate_bearer(renewed.access_token, PROFILE_UPDATE).user.id == user.id
    clock.now += REFRESH_LIFETIME
    with pytest.raises(InvalidInput, match="expired"):
        oauth.refresh(client, refresh_token=renewed.refresh_token, scope=None)


def test_only_hashes_of_secrets_are_stored(services: Services, session: Session) -> None:
    user = learner(services)
    registered = services.oauth.register({"client_name": "W", "redirect_uris": [REDIRECT]})
    client, code, verifier = flow(services.oauth, user)
    tokens = services.oauth.exchange_code(
        client, code=code, redirect_uri=REDIRECT, code_verifier=verifier
    )

    def sha(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    assert registered.client.secret_hash == sha(registered.secret)
    assert "secret" not in repr(registered)
    stored = session.scalars(
        select(AuthorizationCode).where(AuthorizationCode.client_id == client.id)
    ).one()
    assert stored.code_hash == sha(code)
    assert stored.used_at is not None
    grant = session.scalars(select(OAuthGrant).where(OAuthGrant.client_id == client.id)).one()
    assert (grant.access_hash, grant.refresh_hash) == (
        sha(tokens.access_token),
        sha(tokens.refresh_token),
    )
    assert tokens.access_token not in repr(tokens)


def test_learners_are_made_by_the_operator_only(services: Services) -> None:
    user = learner(services)
    with pytest.raises(Conflict):
        services.users.create_learner(OPERATOR, email=user.email.upper())
    staff = Actor(kind="token", id="t", organization_id=uuid.uuid4(), role="owner")
    with pytest.raises(Forbidden, match="operator"):
        services.users.create_learner(staff, email="x@example.org")
    with pytest.raises(InvalidInput) as weak:
        services.users.create_learner(OPERATOR, email="y@example.org", password="short")
    assert weak.value.code == "weak_password"
    made, generated = services.users.create_learner(OPERATOR, email="z@example.org")
    assert generated is not None
    assert services.users.authenticate("z@example.org", generated).id == made.id


def test_upsert_replaces_by_id_and_lists_with_what_was_issued_here(
    services: Services, session: Session
) -> None:
    user = learner(services)
    key = generate_key("ed25519")
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    first = issue(ACHIEVEMENT, key, recipient=user.email, credential_id=credential_id)
    assert services.wallet.upsert(user, first.text, jwt=False, check=check).created
    again = issue(ACHIEVEMENT, key, recipient=user.email, credential_id=credential_id)
    replaced = services.wallet.upsert(user, again.text, jwt=False, check=check)
    assert not replaced.created
    rows = session.scalars(select(HeldCredential).where(HeldCredential.user_id == user.id)).all()
    assert [row.text for row in rows] == [again.text]

    org = services.organizations.create(OPERATOR, slug=f"o-{uuid.uuid4().hex[:8]}", name="O")
    services.credentials.issue(
        OPERATOR, org.slug, IssueRequest(recipient=user.email, achievement=ACHIEVEMENT)
    )
    page = services.wallet.credentials(user, offset=0, limit=10)
    assert page.total == 2
    assert len(page.credential) == 2
    assert page.compact_jws == []
    later = services.wallet.credentials(user, offset=1, limit=10)
    assert (later.total, len(later.entries)) == (2, 1)


def test_put_profile_fills_in_and_keeps_the_id(services: Services) -> None:
    user = learner(services)
    default = services.wallet.profile(user)
    assert default["id"] == f"urn:uuid:{user.id}"
    saved = services.wallet.put_profile(user, {"type": ["Profile"], "name": "Lea"})
    assert saved["id"] == default["id"]
    assert services.wallet.profile(user)["name"] == "Lea"
    with pytest.raises(InvalidInput):
        services.wallet.put_profile(user, ["not", "a", "profile"])
