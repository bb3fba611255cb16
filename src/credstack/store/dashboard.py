"""Counts for the console's dashboard: each one query over an organisation's own rows."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from credstack.store.assessment import Submission
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.pathways import PathwayAward


class DashboardRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def credentials(self, organization_id: uuid.UUID, status: str | None = None) -> int:
        where: list[ColumnElement[bool]] = [
            IssuedCredentialRecord.organization_id == organization_id
        ]
        if status is not None:
            where.append(IssuedCredentialRecord.status == status)
        return self._count(select(func.count(IssuedCredentialRecord.id)).where(*where))

    def issued_between(self, organization_id: uuid.UUID, start: datetime, end: datetime) -> int:
        """Credentials issued in [start, end): a range of the (organisation, issued_at) index."""
        return self._count(
            select(func.count(IssuedCredentialRecord.id)).where(
                IssuedCredentialRecord.organization_id == organization_id,
                IssuedCredentialRecord.issued_at >= start,
                IssuedCredentialRecord.issued_at < end,
            )
        )

    def pending_submissions(self, organization_id: uuid.UUID) -> int:
        return self._count(
            select(func.count(Submission.id)).where(
                Submission.organization_id == organization_id, Submission.status == "pending"
            )
        )

    def pathway_completions(self, organization_id: uuid.UUID) -> int:
        return self._count(
            select(func.count(PathwayAward.id)).where(
                PathwayAward.organization_id == organization_id, PathwayAward.status == "awarded"
            )
        )

    def _count(self, query: Select[tuple[int]]) -> int:
        return int(self._session.scalar(query) or 0)
