"""API tokens: scoped to one organisation and role, shown once, stored as a SHA-256 hash.

A token reads ``cst_`` and 43 URL-safe characters (256 random bits), so hashing it without a
salt or a slow hash is safe: there is nothing to guess.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from credstack.errors import Forbidden, InvalidInput, NotFound
from credstack.services import validation
from credstack.services.actors import Actor, authorize, authorize_grant, check_role
from credstack.services.audit import AuditTrail
from credstack.store.models import ApiToken, Organization
from credstack.store.organizations import OrganizationRepository
from credstack.store.tokens import ApiTokenRepository

TOKEN_PREFIX = "cst_"  # noqa: S105 - the marker of our tokens (for secret scanners), no secret
_SHAPE = re.compile(r"^cst_[A-Za-z0-9_-]{43}$")
_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


@dataclass(frozen=True)
class CreatedToken:
    """The stored token and its secret, which is never available again."""

    token: ApiToken
    secret: str = field(repr=False)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenService:
    def __init__(self, session: Session, audit: AuditTrail) -> None:
        self._session = session
        self._audit = audit
        self._tokens = ApiTokenRepository(session)
        self._organizations = OrganizationRepository(session)

    def create(
        self, actor: Actor, *, organization: str, role: str, name: str | None = None
    ) -> CreatedToken:
        granted = check_role(role)
        org = self._organization(organization)
        authorize_grant(actor, org.id, granted, "manage_tokens")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = self._tokens.add(
            ApiToken(
                organization_id=org.id,
                role=granted,
                name=validation.text(name or f"{granted} token", field="name", max_length=100),
                token_hash=hash_token(secret),
                prefix=secret[:_PREFIX_LENGTH],
            )
        )
        self._session.flush()
        self._audit.record(
            actor,
            org.id,
            "token.created",
            f"token:{token.id}",
            {"role": granted, "name": token.name},
        )
        return CreatedToken(token, secret)

    def list(
        self, actor: Actor, *, organization: str, offset: int = 0, limit: int | None = None
    ) -> list[ApiToken]:
        """The organisation's tokens (a page of them with ``limit``), oldest first."""
        if limit is not None:
            validation.page(offset, limit)
        org = self._organization(organization)
        authorize(actor, org.id, "manage_tokens")
        return self._tokens.for_organization(org.id, offset=offset, limit=limit)

    def revoke(self, actor: Actor, *, organization: str, token: str) -> ApiToken:
        """Revoke the token named by its id or its listed prefix; revoking twice is harmless."""
        org = self._organization(organization)
        authorize(actor, org.id, "manage_tokens")
        found = self._find(org, token.strip())
        # An admin may not cut off an owner's token, as it may not remove an owner.
        authorize_grant(actor, org.id, check_role(found.role), "manage_tokens")
        if found.revoked_at is None:
            found.revoked_at = datetime.now(UTC)
            self._session.flush()
            self._audit.record(actor, org.id, "token.revoked", f"token:{found.id}")
        return found

    def authenticate(self, secret: str) -> Actor:
        """The actor a bearer token stands for; ``Forbidden`` (``invalid_token``) otherwise."""
        candidate = secret.strip()
        if not _SHAPE.match(candidate):
            raise _invalid_token()
        digest = hash_token(candidate)
        token = self._tokens.by_hash(digest)
        # The lookup is by an index; the comparison of what it found is constant-time.
        if token is None or not hmac.compare_digest(token.token_hash, digest):
            raise _invalid_token()
        if token.revoked_at is not None:
            raise _invalid_token()
        return Actor(
            kind="token",
            id=str(token.id),
            organization_id=token.organization_id,
            role=check_role(token.role),
        )

    def _organization(self, slug: str) -> Organization:
        org = self._organizations.by_slug(slug)
        if org is None:
            raise NotFound(f"No organisation has the slug {slug!r}.", code="organization_not_found")
        return org

    def _find(self, org: Organization, reference: str) -> ApiToken:
        try:
            token_id = uuid.UUID(reference)
        except ValueError:
            matches = self._tokens.by_prefix(org.id, reference)
            if len(matches) > 1:
                raise InvalidInput(
                    f"More than one token starts with {reference!r}; give its id.",
                    code="ambiguous_token",
                ) from None
            found = matches[0] if matches else None
        else:
            found = self._tokens.get(org.id, token_id)
        if found is None:
            raise NotFound(f"{org.slug!r} has no token {reference!r}.", code="token_not_found")
        return found


def _invalid_token() -> Forbidden:
    return Forbidden("The API token is unknown, malformed or revoked.", code="invalid_token")
