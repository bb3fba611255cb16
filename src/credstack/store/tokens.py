"""The API tokens repository."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.store.models import ApiToken


class ApiTokenRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, token: ApiToken) -> ApiToken:
        self._session.add(token)
        return token

    def by_hash(self, token_hash: str) -> ApiToken | None:
        return self._session.scalars(
            select(ApiToken).where(ApiToken.token_hash == token_hash)
        ).one_or_none()

    def get(self, organization_id: uuid.UUID, token_id: uuid.UUID) -> ApiToken | None:
        token = self._session.get(ApiToken, token_id)
        return token if token is not None and token.organization_id == organization_id else None

    def by_prefix(self, organization_id: uuid.UUID, prefix: str) -> list[ApiToken]:
        return list(
            self._session.scalars(
                select(ApiToken).where(
                    ApiToken.organization_id == organization_id, ApiToken.prefix == prefix
                )
            )
        )

    def for_organization(
        self, organization_id: uuid.UUID, *, offset: int = 0, limit: int | None = None
    ) -> list[ApiToken]:
        return list(
            self._session.scalars(
                select(ApiToken)
                .where(ApiToken.organization_id == organization_id)
                .order_by(ApiToken.created_at, ApiToken.id)
                .offset(offset)
                .limit(limit)
            )
        )
