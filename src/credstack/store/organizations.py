"""The organisations repository."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.store.models import Organization


class OrganizationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, organization: Organization) -> Organization:
        self._session.add(organization)
        return organization

    def by_slug(self, slug: str) -> Organization | None:
        return self._session.scalars(
            select(Organization).where(Organization.slug == slug)
        ).one_or_none()

    def by_id(self, organization_id: uuid.UUID) -> Organization | None:
        return self._session.get(Organization, organization_id)

    def all(self) -> list[Organization]:
        return list(self._session.scalars(select(Organization).order_by(Organization.slug)))
