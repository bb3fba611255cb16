"""Pathways, their awards and the components each award stands on: tables and repository.

An award row is the claim that a learner earned a pathway's stacked achievement: one per pathway
and learner (a unique constraint), so two transactions that both find the pathway met cannot
both issue it. ``learner_locks`` holds one row per learner that awards lock, so evaluations for
the same learner run one after another and each sees what the one before it committed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.models import Base, _now, _one_of
from credstack.store.types import JsonDocument

PATHWAY_STATUSES: Final = ("active", "archived")
REVOCATION_POLICIES: Final = ("revoke", "review")
AWARD_STATUSES: Final = ("awarded", "revoked", "review")


class PathwayRecord(Base):
    """A pathway of an organisation: the stacked achievement it awards and its requirements."""

    __tablename__ = "pathways"
    __table_args__ = (
        CheckConstraint(_one_of("status", PATHWAY_STATUSES), name="status"),
        CheckConstraint(_one_of("revocation_policy", REVOCATION_POLICIES), name="policy"),
        Index(None, "organization_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    achievement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("achievements.id"))
    # The stacked achievement's OB 3.0 id, the node of the pathway graph that cycles run through.
    awards: Mapped[str] = mapped_column(String(2048), index=True)
    # The requirement tree in its JSON form (pathways.rules.requirements_to_json).
    requirements: Mapped[dict[str, Any]]
    trusted_issuers: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    max_age_days: Mapped[int | None]
    revocation_policy: Mapped[str] = mapped_column(String(16), default="revoke")
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)


class PathwayIssuer(Base):
    """An issuer whose credentials count toward a pathway: its organisation and those trusted."""

    __tablename__ = "pathway_issuers"

    pathway_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pathways.id", ondelete="CASCADE"), primary_key=True
    )
    issuer_did: Mapped[str] = mapped_column(String(2048), primary_key=True, index=True)


class PathwayAward(Base):
    """A learner's award of a pathway: the stacked credential and its status."""

    __tablename__ = "pathway_awards"
    __table_args__ = (
        CheckConstraint(_one_of("status", AWARD_STATUSES), name="status"),
        UniqueConstraint("pathway_id", "learner"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    pathway_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathways.id", ondelete="CASCADE"))
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # An email address (lower case) or a DID, as the component credentials name the learner.
    learner: Mapped[str] = mapped_column(String(2048))
    # Indexed: each revocation looks for the awards its credential is the stacked one of.
    credential_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("issued_credentials.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="awarded")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)


class AwardComponent(Base):
    """One component credential of an award, by its id and the digest of its exact text."""

    __tablename__ = "pathway_award_components"

    award_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pathway_awards.id", ondelete="CASCADE"), primary_key=True
    )
    credential_id: Mapped[str] = mapped_column(String(2048), primary_key=True, index=True)
    digest: Mapped[str] = mapped_column(String(128))


class LearnerLock(Base):
    __tablename__ = "learner_locks"

    # sha256 of the learner key: fixed length, and no address in the clear in one more table.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class PathwayRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, pathway: PathwayRecord, issuers: set[str]) -> PathwayRecord:
        self._session.add(pathway)
        self._session.flush()
        self.set_issuers(pathway, issuers)
        return pathway

    def set_issuers(self, pathway: PathwayRecord, issuers: set[str]) -> None:
        for row in self._session.scalars(
            select(PathwayIssuer).where(PathwayIssuer.pathway_id == pathway.id)
        ):
            self._session.delete(row)
        self._session.flush()
        self._session.add_all(PathwayIssuer(pathway_id=pathway.id, issuer_did=i) for i in issuers)

    def get(self, pathway_id: uuid.UUID) -> PathwayRecord | None:
        return self._session.get(PathwayRecord, pathway_id)

    def for_organization(
        self, organization_id: uuid.UUID, *, offset: int = 0, limit: int = 50
    ) -> list[PathwayRecord]:
        return list(
            self._session.scalars(
                select(PathwayRecord)
                .where(PathwayRecord.organization_id == organization_id)
                .order_by(PathwayRecord.created_at, PathwayRecord.id)
                .offset(offset)
                .limit(limit)
            )
        )

    def active(self) -> list[PathwayRecord]:
        """Every active pathway of every organisation: the graph that cycles are sought in."""
        return list(
            self._session.scalars(select(PathwayRecord).where(PathwayRecord.status == "active"))
        )

    def counting(self, issuer_did: str) -> list[PathwayRecord]:
        """The active pathways that count credentials of ``issuer_did``, oldest first."""
        return list(
            self._session.scalars(
                select(PathwayRecord)
                .join(PathwayIssuer, PathwayIssuer.pathway_id == PathwayRecord.id)
                .where(PathwayIssuer.issuer_did == issuer_did, PathwayRecord.status == "active")
                .order_by(PathwayRecord.created_at, PathwayRecord.id)
            )
        )

    def award(self, pathway_id: uuid.UUID, learner: str) -> PathwayAward | None:
        return self._session.scalars(
            select(PathwayAward).where(
                PathwayAward.pathway_id == pathway_id, PathwayAward.learner == learner
            )
        ).one_or_none()

    def claim(self, award: PathwayAward) -> bool:
        """Insert the award; False when another transaction already holds it for the learner."""
        try:
            with self._session.begin_nested():
                self._session.add(award)
                self._session.flush()
        except IntegrityError:
            return False
        return True

    def add_components(self, award: PathwayAward, components: dict[str, str]) -> None:
        self._session.add_all(
            AwardComponent(award_id=award.id, credential_id=cid, digest=digest)
            for cid, digest in components.items()
        )
        self._session.flush()

    def components(self, award_id: uuid.UUID) -> list[AwardComponent]:
        return list(
            self._session.scalars(
                select(AwardComponent)
                .where(AwardComponent.award_id == award_id)
                .order_by(AwardComponent.credential_id)
            )
        )

    def get_award(self, award_id: uuid.UUID) -> PathwayAward | None:
        return self._session.get(PathwayAward, award_id)

    def awards_of(self, credential_id: uuid.UUID) -> list[PathwayAward]:
        """The live awards whose stacked credential is ``credential_id``."""
        return list(
            self._session.scalars(
                select(PathwayAward).where(
                    PathwayAward.credential_id == credential_id,
                    PathwayAward.status != "revoked",
                )
            )
        )

    def awards_on(self, credential_id: str) -> list[PathwayAward]:
        """The live awards that stand on the component ``credential_id``."""
        return list(
            self._session.scalars(
                select(PathwayAward)
                .join(AwardComponent, AwardComponent.award_id == PathwayAward.id)
                .where(
                    AwardComponent.credential_id == credential_id,
                    PathwayAward.status == "awarded",
                )
                .order_by(PathwayAward.created_at, PathwayAward.id)
            )
        )

    def awards(
        self, pathway_id: uuid.UUID, *, status: str | None = None, offset: int = 0, limit: int = 50
    ) -> list[PathwayAward]:
        query = select(PathwayAward).where(PathwayAward.pathway_id == pathway_id)
        if status is not None:
            query = query.where(PathwayAward.status == status)
        return list(
            self._session.scalars(
                query.order_by(PathwayAward.created_at, PathwayAward.id).offset(offset).limit(limit)
            )
        )

    def lock_learner(self, key: str) -> None:
        """Hold the learner's lock row until the transaction ends (PostgreSQL; SQLite writes
        one transaction at a time anyway)."""
        if self._session.get(LearnerLock, key) is None:
            try:
                with self._session.begin_nested():
                    self._session.add(LearnerLock(key=key))
                    self._session.flush()
            except IntegrityError:
                pass  # another transaction made it first; the lock below waits for it
        self._session.scalars(
            select(LearnerLock).where(LearnerLock.key == key).with_for_update()
        ).one()

    def credentials_of(self, email: str | None, did: str | None) -> list[IssuedCredentialRecord]:
        """Every credential issued here to the learner, by email (any case) or DID."""
        query = select(IssuedCredentialRecord)
        if email is not None:
            query = query.where(func.lower(IssuedCredentialRecord.recipient_email) == email)
        else:
            query = query.where(IssuedCredentialRecord.recipient_did == did)
        return list(
            self._session.scalars(
                query.order_by(IssuedCredentialRecord.issued_at, IssuedCredentialRecord.id)
            )
        )
