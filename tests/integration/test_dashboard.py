"""The console's dashboard counts and the credential search, on both databases."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from credstack.errors import Forbidden, InvalidInput
from credstack.services import Services
from credstack.services.actors import Actor, Role
from credstack.services.dashboard import DashboardService
from credstack.services.issuing import IssueRequest

OPERATOR = Actor.operator("test")
BADGE = {
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works well in a team.",
    "criteria": {"narrative": "Nominated by peers."},
}


def actor(services: Services, slug: str, role: Role) -> Actor:
    org = services.organizations.get(slug)
    return Actor(kind="user", id=f"{slug}-{role}", organization_id=org.id, role=role)


@pytest.fixture
def acme(services: Services) -> str:
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy")
    return "acme"


def _issue(services: Services, slug: str, achievement: str, recipient: str) -> uuid.UUID:
    record = services.credentials.issue(
        OPERATOR, slug, IssueRequest(recipient=recipient, achievement_id=achievement)
    )
    return record.id


def test_counts_and_weeks(services: Services, session: Session, acme: str) -> None:
    badge = str(
        services.achievements.create(
            OPERATOR, organization=acme, achievement=BADGE, publish=True
        ).record.id
    )
    ids = [_issue(services, acme, badge, f"learner{n}@example.com") for n in range(4)]
    services.credentials.revoke(OPERATOR, acme, ids[0], "issued in error")
    # One credential moved three weeks back, to land in an earlier bar of the chart.
    old = services.credentials.get(ids[1])
    old.issued_at = old.issued_at - timedelta(weeks=3)
    session.flush()
    # Another organisation's credentials are not counted.
    services.organizations.create(OPERATOR, slug="other", name="Other")
    other_badge = str(
        services.achievements.create(
            OPERATOR, organization="other", achievement=BADGE, publish=True
        ).record.id
    )
    _issue(services, "other", other_badge, "someone@example.com")

    summary = services.dashboard.summary(actor(services, acme, "assessor"), acme, weeks=5)
    assert (summary.issued, summary.active, summary.revoked, summary.suspended) == (4, 3, 1, 0)
    assert (summary.pending_assessments, summary.pathway_completions) == (0, 0)
    assert len(summary.weeks) == 5
    assert all(week.start.weekday() == 0 for week in summary.weeks)
    assert [w.start for w in summary.weeks] == sorted(w.start for w in summary.weeks)
    assert (
        summary.weeks[-1].start
        <= datetime.now(UTC).date()
        < summary.weeks[-1].start + (timedelta(weeks=1))
    )
    assert summary.weeks[-1].issued == 3
    assert summary.weeks[-4].issued == 1
    assert sum(w.issued for w in summary.weeks) == 4


def test_weeks_start_on_monday_in_utc(services: Services, session: Session, acme: str) -> None:
    sunday_night = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)
    dashboard = DashboardService(session, services.organizations, lambda: sunday_night)
    weeks = dashboard.summary(OPERATOR, acme, weeks=2).weeks
    assert [w.start for w in weeks] == [date(2026, 2, 23), date(2026, 3, 2)]


def test_dashboard_is_for_members_and_bounded(services: Services, acme: str) -> None:
    services.organizations.create(OPERATOR, slug="other", name="Other")
    with pytest.raises(Forbidden):
        services.dashboard.summary(actor(services, "other", "owner"), acme)
    with pytest.raises(InvalidInput) as raised:
        services.dashboard.summary(OPERATOR, acme, weeks=0)
    assert raised.value.code == "invalid_weeks"


def test_search_finds_by_recipient_name_and_filters(services: Services, acme: str) -> None:
    teamwork = str(
        services.achievements.create(
            OPERATOR, organization=acme, achievement=BADGE, publish=True
        ).record.id
    )
    python = str(
        services.achievements.create(
            OPERATOR,
            organization=acme,
            achievement={**BADGE, "name": "Python 100%_basics"},
            publish=True,
        ).record.id
    )
    ada = _issue(services, acme, teamwork, "ada@example.com")
    bob = _issue(services, acme, python, "bob@example.com")
    did = _issue(services, acme, python, "did:example:carol")
    services.credentials.revoke(OPERATOR, acme, bob)
    issuer = actor(services, acme, "issuer")

    def found(
        text: str | None = None,
        status: str | None = None,
        achievement_id: uuid.UUID | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> list[uuid.UUID]:
        page = services.credentials.search(
            issuer,
            acme,
            text=text,
            status=status,
            achievement_id=achievement_id,
            offset=offset,
            limit=limit,
        )
        return [record.id for record in page]

    assert found() == [did, bob, ada]
    assert found(text="ADA@") == [ada]
    assert found(text="carol") == [did]
    assert found(text="100%_") == [did, bob]
    assert found(text="0%x") == []
    assert found(status="revoked") == [bob]
    assert found(achievement_id=uuid.UUID(python), status="active") == [did]
    assert found(text=str(ada)) == [ada]
    assert found(limit=1, offset=1) == [bob]
    with pytest.raises(InvalidInput) as raised:
        services.credentials.search(issuer, acme, status="lost")
    assert raised.value.code == "invalid_status"
    with pytest.raises(InvalidInput):
        services.credentials.search(issuer, acme, limit=0)
    with pytest.raises(Forbidden):
        services.credentials.search(actor(services, acme, "assessor"), acme)
