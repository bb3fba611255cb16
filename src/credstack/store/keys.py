"""The signing keys repository."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credstack.store.models import SigningKey


class SigningKeyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, key: SigningKey) -> SigningKey:
        self._session.add(key)
        return key

    def for_organization(
        self, organization_id: uuid.UUID, *, offset: int = 0, limit: int | None = None
    ) -> list[SigningKey]:
        """Every key (or a page), retired ones too, in creation order (the DID document's)."""
        return list(
            self._session.scalars(
                select(SigningKey)
                .where(SigningKey.organization_id == organization_id)
                .order_by(SigningKey.number)
                .offset(offset)
                .limit(limit)
            )
        )

    def active(self, organization_id: uuid.UUID, kind: str | None = None) -> list[SigningKey]:
        query = select(SigningKey).where(
            SigningKey.organization_id == organization_id, SigningKey.status == "active"
        )
        if kind is not None:
            query = query.where(SigningKey.kind == kind)
        return list(self._session.scalars(query.order_by(SigningKey.number)))

    def get(self, organization_id: uuid.UUID, key_id: uuid.UUID) -> SigningKey | None:
        key = self._session.get(SigningKey, key_id)
        return key if key is not None and key.organization_id == organization_id else None

    def next_number(self, organization_id: uuid.UUID) -> int:
        highest = self._session.scalar(
            select(func.max(SigningKey.number)).where(SigningKey.organization_id == organization_id)
        )
        return (highest or 0) + 1
