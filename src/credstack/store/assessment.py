"""Assessment settings of achievements, submissions of evidence, and assessors' reviews.

A submission's files are not here: the evidence store (``services.ports.EvidenceStore``) keeps
their bytes under the key recorded in the submission's evidence list, beside their size and
sha256.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
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
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.models import Base, _now, _one_of
from credstack.store.types import JsonDocument

SUBMISSION_STATUSES: Final = ("pending", "passed", "failed")
DECISIONS: Final = ("pass", "fail")


class AssessmentSettings(Base):
    """How an achievement is assessed: prompt, rubric, evidence accepted, reviews needed."""

    __tablename__ = "assessment_settings"
    __table_args__ = (CheckConstraint("reviews_required IN (1, 2)", name="reviews_required"),)

    achievement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("achievements.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    prompt: Mapped[str] = mapped_column(Text)
    # assessment.rubric_to_json and assessment.policy_to_json forms.
    rubric: Mapped[dict[str, Any]]
    evidence_policy: Mapped[dict[str, Any]]
    reviews_required: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=_now)


class Submission(Base):
    """One attempt of a learner at an achievement, with the evidence submitted."""

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(_one_of("status", SUBMISSION_STATUSES), name="status"),
        # Two submissions racing for the same attempt cannot both be stored.
        UniqueConstraint("achievement_id", "learner", "attempt"),
        Index(None, "organization_id", "status", "created_at"),
        # A learner's own submissions, in their wallet.
        Index(None, "learner", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    achievement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("achievements.id", ondelete="CASCADE")
    )
    # The learner's key (a lower-cased email address or a DID) and how to address them.
    learner: Mapped[str] = mapped_column(String(2048))
    recipient: Mapped[str] = mapped_column(String(2048))
    attempt: Mapped[int]
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    submitted_by: Mapped[str] = mapped_column(String(200))
    credential_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("issued_credentials.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=_now)
    decided_at: Mapped[datetime | None]


class Review(Base):
    """One assessor's scoring of a submission: a level per criterion, a decision, a comment."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(_one_of("decision", DECISIONS), name="decision"),
        UniqueConstraint("submission_id", "assessor"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    submission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    # The actor's audit label: user:<id> or token:<id>.
    assessor: Mapped[str] = mapped_column(String(200))
    levels: Mapped[dict[str, Any]]
    # A decimal as text: points are exact (2.5 stays 2.5) on both databases.
    points: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_now)


class AssessmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def settings(self, achievement_id: uuid.UUID) -> AssessmentSettings | None:
        return self._session.get(AssessmentSettings, achievement_id)

    def add(self, row: Base) -> None:
        self._session.add(row)
        self._session.flush()

    def submission(self, submission_id: uuid.UUID) -> Submission | None:
        return self._session.get(Submission, submission_id)

    def latest(self, achievement_id: uuid.UUID, learner: str) -> Submission | None:
        return self._session.scalars(
            select(Submission)
            .where(Submission.achievement_id == achievement_id, Submission.learner == learner)
            .order_by(Submission.attempt.desc())
            .limit(1)
        ).one_or_none()

    def for_learners(self, learners: Sequence[str], *, offset: int, limit: int) -> list[Submission]:
        """The submissions of any of the learner keys, newest first."""
        return list(
            self._session.scalars(
                select(Submission)
                .where(Submission.learner.in_(learners))
                .order_by(Submission.created_at.desc(), Submission.id)
                .offset(offset)
                .limit(limit)
            )
        )

    def queue(
        self, organization_id: uuid.UUID, assessor: str, *, offset: int, limit: int
    ) -> list[Submission]:
        """Pending submissions of the organisation that ``assessor`` has not reviewed yet."""
        reviewed = select(Review.submission_id).where(Review.assessor == assessor)
        return list(
            self._session.scalars(
                select(Submission)
                .where(
                    Submission.organization_id == organization_id,
                    Submission.status == "pending",
                    Submission.id.not_in(reviewed),
                )
                .order_by(Submission.created_at, Submission.id)
                .offset(offset)
                .limit(limit)
            )
        )

    def reviews(self, submission_id: uuid.UUID) -> list[Review]:
        return list(
            self._session.scalars(
                select(Review)
                .where(Review.submission_id == submission_id)
                .order_by(Review.created_at, Review.id)
            )
        )

    def passes(self, submission_id: uuid.UUID) -> int:
        return (
            self._session.scalar(
                select(func.count())
                .select_from(Review)
                .where(Review.submission_id == submission_id, Review.decision == "pass")
            )
            or 0
        )
