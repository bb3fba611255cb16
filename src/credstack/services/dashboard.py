"""The console's dashboard: what an organisation has issued, revoked, has waiting for an
assessor and has seen completed, and credentials issued per week.

Weeks start on Monday 00:00 UTC (ISO 8601 weeks); the current week is the last, partial one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from credstack.errors import InvalidInput
from credstack.services.actors import Actor, authorize_member
from credstack.services.organizations import OrganizationService
from credstack.store.dashboard import DashboardRepository

MAX_WEEKS = 104


@dataclass(frozen=True)
class WeekCount:
    """Credentials issued in the week that starts on ``start`` (a Monday)."""

    start: date
    issued: int


@dataclass(frozen=True)
class Dashboard:
    issued: int
    active: int
    revoked: int
    suspended: int
    pending_assessments: int
    pathway_completions: int
    weeks: tuple[WeekCount, ...]


class DashboardService:
    def __init__(
        self,
        session: Session,
        organizations: OrganizationService,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._counts = DashboardRepository(session)
        self._organizations = organizations
        self._now = clock

    def summary(self, actor: Actor, slug: str, *, weeks: int = 12) -> Dashboard:
        """The organisation's counts and its last ``weeks`` weeks; any role of it may read them."""
        if not 1 <= weeks <= MAX_WEEKS:
            raise InvalidInput(
                f"The chart shows 1 to {MAX_WEEKS} weeks, not {weeks}.", code="invalid_weeks"
            )
        org = self._organizations.get(slug)
        authorize_member(actor, org.id)
        today = self._now().astimezone(UTC).date()
        monday = today - timedelta(days=today.weekday())
        starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
        series = tuple(
            WeekCount(start, self._counts.issued_between(org.id, _midnight(start), _midnight(end)))
            for start, end in zip(starts, [*starts[1:], monday + timedelta(weeks=1)], strict=True)
        )
        return Dashboard(
            issued=self._counts.credentials(org.id),
            active=self._counts.credentials(org.id, "active"),
            revoked=self._counts.credentials(org.id, "revoked"),
            suspended=self._counts.credentials(org.id, "suspended"),
            pending_assessments=self._counts.pending_submissions(org.id),
            pathway_completions=self._counts.pathway_completions(org.id),
            weeks=series,
        )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
