"""Achievements and their versions: tables and repository.

An achievement's Open Badges 3.0 JSON is kept verbatim, as text, in ``achievement_versions``:
a draft is edited in place, and every edit of a published achievement adds a version, so a
credential can name the version it was issued against.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.models import Base, _now, _one_of

ACHIEVEMENT_STATUSES: Final = ("draft", "published", "archived")


class AchievementRecord(Base):
    """One achievement of an organisation; its content lives in its versions."""

    __tablename__ = "achievements"
    __table_args__ = (
        CheckConstraint(_one_of("status", ACHIEVEMENT_STATUSES), name="status"),
        Index(None, "organization_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    # {base_url}/orgs/{slug}/achievements/{id}: the Achievement's OB 3.0 id.
    public_id: Mapped[str] = mapped_column(String(2048), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    quality_profile: Mapped[str | None] = mapped_column(String(32))
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)

    def __repr__(self) -> str:
        return f"AchievementRecord({self.public_id!r}, {self.status}, v{self.current_version})"


class AchievementVersion(Base):
    """The OB 3.0 Achievement JSON of one version, as the text that was given."""

    __tablename__ = "achievement_versions"
    __table_args__ = (UniqueConstraint("achievement_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    achievement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("achievements.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_now)


class AchievementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, achievement: AchievementRecord) -> AchievementRecord:
        self._session.add(achievement)
        return achievement

    def add_version(self, version: AchievementVersion) -> AchievementVersion:
        self._session.add(version)
        return version

    def get(self, achievement_id: uuid.UUID) -> AchievementRecord | None:
        return self._session.get(AchievementRecord, achievement_id)

    def version(self, achievement_id: uuid.UUID, number: int) -> AchievementVersion | None:
        return self._session.scalars(
            select(AchievementVersion).where(
                AchievementVersion.achievement_id == achievement_id,
                AchievementVersion.number == number,
            )
        ).one_or_none()

    def versions(self, achievement_id: uuid.UUID) -> list[AchievementVersion]:
        return list(
            self._session.scalars(
                select(AchievementVersion)
                .where(AchievementVersion.achievement_id == achievement_id)
                .order_by(AchievementVersion.number)
            )
        )

    def for_organization(
        self, organization_id: uuid.UUID, *, offset: int = 0, limit: int = 50
    ) -> list[AchievementRecord]:
        """A page of the organisation's achievements, oldest first."""
        return list(
            self._session.scalars(
                select(AchievementRecord)
                .where(AchievementRecord.organization_id == organization_id)
                .order_by(AchievementRecord.created_at, AchievementRecord.id)
                .offset(offset)
                .limit(limit)
            )
        )
