"""OAuth 2.0 clients, authorization codes and token grants of the Open Badges API: tables and
repository.

Only SHA-256 digests of client secrets, codes and tokens are stored: each is 256 random bits,
so an unsalted fast hash leaves nothing to guess (as for API tokens, services/tokens.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.models import Base, _now
from credstack.store.types import JsonDocument


class OAuthClient(Base):
    """A client registered by RFC 7591 dynamic registration."""

    __tablename__ = "oauth_clients"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    client_name: Mapped[str] = mapped_column(String(200))
    # Every redirect URI, exactly as registered: authorize requests must match one exactly.
    redirect_uris: Mapped[list[str]] = mapped_column(JsonDocument)
    scope: Mapped[str] = mapped_column(Text)
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(32))
    # The rest of the registered metadata, echoed back in the registration response.
    metadata_document: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=_now)

    def __repr__(self) -> str:
        return f"OAuthClient({self.client_id!r}, {self.client_name!r})"


class AuthorizationCode(Base):
    """A code handed out at the redirect URI: single use, short-lived, bound to PKCE."""

    __tablename__ = "oauth_codes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    scope: Mapped[str] = mapped_column(Text)
    code_challenge: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=_now)


class OAuthGrant(Base):
    """An access token and its refresh token; refreshing revokes this row and makes another."""

    __tablename__ = "oauth_grants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # The code the first grant of the chain came from: a replayed code revokes them all.
    code_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("oauth_codes.id", ondelete="SET NULL"), index=True
    )
    access_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime]
    refresh_expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=_now)
    revoked_at: Mapped[datetime | None]


class OAuthRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: OAuthClient | AuthorizationCode | OAuthGrant) -> None:
        self._session.add(row)

    def client(self, client_id: str) -> OAuthClient | None:
        return self._session.scalars(
            select(OAuthClient).where(OAuthClient.client_id == client_id)
        ).one_or_none()

    def code_for_update(self, code_hash: str) -> AuthorizationCode | None:
        """The code, locked (PostgreSQL) so that two redemptions cannot both succeed."""
        return self._session.scalars(
            select(AuthorizationCode)
            .where(AuthorizationCode.code_hash == code_hash)
            .with_for_update()
        ).one_or_none()

    def grant_by_access(self, access_hash: str) -> OAuthGrant | None:
        return self._session.scalars(
            select(OAuthGrant).where(OAuthGrant.access_hash == access_hash)
        ).one_or_none()

    def grant_by_refresh_for_update(self, refresh_hash: str) -> OAuthGrant | None:
        return self._session.scalars(
            select(OAuthGrant).where(OAuthGrant.refresh_hash == refresh_hash).with_for_update()
        ).one_or_none()

    def revoke_grants_of_code(self, code_id: uuid.UUID, at: datetime) -> None:
        self._session.execute(
            update(OAuthGrant)
            .where(OAuthGrant.code_id == code_id, OAuthGrant.revoked_at.is_(None))
            .values(revoked_at=at)
        )
