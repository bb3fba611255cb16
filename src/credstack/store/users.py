"""The users and memberships repository."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.store.models import Membership, User


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User) -> User:
        self._session.add(user)
        return user

    def by_email(self, email: str) -> User | None:
        return self._session.scalars(select(User).where(User.email == email.lower())).one_or_none()

    def by_id(self, user_id: uuid.UUID) -> User | None:
        return self._session.get(User, user_id)

    def add_membership(self, membership: Membership) -> Membership:
        self._session.add(membership)
        return membership

    def membership(self, user_id: uuid.UUID, organization_id: uuid.UUID) -> Membership | None:
        return self._session.scalars(
            select(Membership).where(
                Membership.user_id == user_id, Membership.organization_id == organization_id
            )
        ).one_or_none()

    def members(
        self, organization_id: uuid.UUID, *, offset: int = 0, limit: int | None = None
    ) -> list[tuple[User, Membership]]:
        rows = self._session.execute(
            select(User, Membership)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == organization_id)
            .order_by(User.email)
            .offset(offset)
            .limit(limit)
        )
        return [(user, membership) for user, membership in rows.tuples()]

    def lock_role(self, organization_id: uuid.UUID, role: str) -> list[Membership]:
        """The memberships with ``role``, locked (FOR UPDATE) until the transaction ends."""
        return list(
            self._session.scalars(
                select(Membership)
                .where(Membership.organization_id == organization_id, Membership.role == role)
                .order_by(Membership.id)
                .with_for_update()
            )
        )

    def remove_membership(self, membership: Membership) -> None:
        self._session.delete(membership)
