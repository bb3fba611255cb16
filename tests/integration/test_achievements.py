"""Achievements through the real service, on SQLite and PostgreSQL: versions, publishing under
eu-2022, permissions and tenancy."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput, NotFound
from credstack.model.quality import QualityProfileUnmet
from credstack.services import Services
from credstack.services.actors import ROLES, Actor, Role
from credstack.store.achievements import AchievementRecord, AchievementVersion
from credstack.store.models import AuditEntry
from tests.integration.conftest import BASE_URL

OPERATOR = Actor.operator("test")
EU_FIXTURE = Path(__file__).parents[1] / "unit" / "model" / "eu_achievement.json"
BADGE = {
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works well in a team.",
    "criteria": {"narrative": "Nominated by peers."},
}


def eu_achievement() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EU_FIXTURE.read_text(encoding="utf-8"))
    return document


@pytest.fixture
def acme(services: Services) -> str:
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy", country="IE")
    return "acme"


def actor(services: Services, slug: str, role: Role) -> Actor:
    org = services.organizations.get(slug)
    return Actor(kind="token", id=f"{slug}-{role}", organization_id=org.id, role=role)


def counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(AchievementRecord)) or 0,
        session.scalar(select(func.count()).select_from(AchievementVersion)) or 0,
        session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
    )


def test_create_sets_the_public_id_and_records_it(services: Services, acme: str) -> None:
    view = services.achievements.create(OPERATOR, organization=acme, achievement=BADGE)
    record = view.record
    assert record.public_id == f"{BASE_URL}/orgs/acme/achievements/{record.id}"
    assert view.document["id"] == record.public_id
    assert (record.status, view.version, view.quality) == ("draft", 1, None)
    assert services.achievements.get(record.public_id).document == view.document
    assert services.achievements.get(str(record.id)).text == view.text
    actions = [e.action for e in services.audit.entries(OPERATOR, record.organization_id)]
    assert "achievement.created" in actions


def test_a_draft_is_edited_in_place_and_a_published_one_gets_versions(
    services: Services, acme: str, session: Session
) -> None:
    created = services.achievements.create(OPERATOR, organization=acme, achievement=BADGE)
    achievement_id = created.record.id
    edited = services.achievements.update(OPERATOR, achievement_id, {**BADGE, "name": "Team"})
    assert (edited.version, edited.document["name"]) == (1, "Team")
    services.achievements.publish(OPERATOR, achievement_id)
    second = services.achievements.update(OPERATOR, achievement_id, {**BADGE, "name": "Teams"})
    assert (second.version, second.record.status, second.record.name) == (2, "published", "Teams")
    versions = services.achievements._achievements.versions(achievement_id)
    assert [json.loads(v.document)["name"] for v in versions] == ["Team", "Teams"]
    archived = services.achievements.archive(OPERATOR, achievement_id)
    assert archived.record.status == "archived"
    with pytest.raises(Conflict):
        services.achievements.update(OPERATOR, achievement_id, BADGE)
    with pytest.raises(Conflict):
        services.achievements.publish(OPERATOR, achievement_id)
    actions = {e.action for e in services.audit.entries(OPERATOR, created.record.organization_id)}
    assert {
        "achievement.created",
        "achievement.updated",
        "achievement.published",
        "achievement.archived",
    } <= actions


def test_eu_2022_publish_is_refused_with_the_missing_elements(
    services: Services, acme: str, session: Session
) -> None:
    incomplete = eu_achievement()
    del incomplete["learningOutcome"], incomplete["qualityAssurance"]
    view = services.achievements.create(
        OPERATOR, organization=acme, achievement=incomplete, profile="eu-2022"
    )
    assert view.quality is not None
    assert not view.quality.met
    with pytest.raises(QualityProfileUnmet) as caught:
        services.achievements.publish(OPERATOR, view.record.id)
    assert caught.value.code == "quality_profile_unmet"
    assert [e.id for e in caught.value.report.missing] == ["learning_outcomes", "quality_assurance"]
    assert services.achievements.get(view.record.id).record.status == "draft"
    published = services.achievements.update(OPERATOR, view.record.id, eu_achievement())
    published = services.achievements.publish(OPERATOR, view.record.id)
    assert published.quality is not None
    assert published.quality.met
    with pytest.raises(QualityProfileUnmet):
        services.achievements.update(OPERATOR, view.record.id, incomplete)
    assert services.achievements.get(view.record.id).version == 1


def test_eu_2022_needs_the_organisation_country(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="nowhere", name="Nowhere")
    with pytest.raises(QualityProfileUnmet, match=r"\(country\)"):
        services.achievements.create(
            OPERATOR,
            organization="nowhere",
            achievement=eu_achievement(),
            profile="eu-2022",
            publish=True,
        )


@pytest.mark.parametrize(
    ("achievement", "code"),
    [
        ({**BADGE, "criteria": "none"}, "invalid_achievement"),
        ({k: v for k, v in BADGE.items() if k != "name"}, "invalid_achievement"),
        ({**BADGE, "achievementType": "NotAType"}, "invalid_achievement"),
        ("[1]", "invalid_achievement"),
    ],
)
def test_invalid_achievements_are_refused(
    services: Services, acme: str, session: Session, achievement: Any, code: str
) -> None:
    before = counts(session)
    with pytest.raises(InvalidInput) as caught:
        services.achievements.create(OPERATOR, organization=acme, achievement=achievement)
    assert caught.value.code == code
    assert counts(session) == before


def test_unknown_profile_ids_and_paging(services: Services, acme: str) -> None:
    with pytest.raises(InvalidInput, match="quality profile"):
        services.achievements.create(OPERATOR, organization=acme, achievement=BADGE, profile="x")
    for missing in (uuid.uuid4(), "not-a-uuid", f"{BASE_URL}/orgs/acme/achievements/x"):
        with pytest.raises(NotFound):
            services.achievements.get(missing)
    with pytest.raises(NotFound):
        services.achievements.list("nobody")
    with pytest.raises(InvalidInput):
        services.achievements.list(acme, limit=0)
    ids = [
        services.achievements.create(OPERATOR, organization=acme, achievement=BADGE).record.id
        for _ in range(3)
    ]
    first = services.achievements.list(acme, limit=2)
    rest = services.achievements.list(acme, offset=2, limit=2)
    assert [r.id for r in first + rest] == ids


@pytest.mark.parametrize("role", ROLES)
def test_roles_issuer_and_above_manage_achievements(
    services: Services, acme: str, session: Session, role: Role
) -> None:
    who = actor(services, acme, role)
    if role == "assessor":
        before = counts(session)
        with pytest.raises(Forbidden):
            services.achievements.create(who, organization=acme, achievement=BADGE)
        existing = services.achievements.create(OPERATOR, organization=acme, achievement=BADGE)
        before = counts(session)
        for attempt in (
            lambda: services.achievements.update(who, existing.record.id, BADGE),
            lambda: services.achievements.publish(who, existing.record.id),
            lambda: services.achievements.archive(who, existing.record.id),
        ):
            with pytest.raises(Forbidden):
                attempt()
        assert counts(session) == before
        return
    view = services.achievements.create(who, organization=acme, achievement=BADGE)
    services.achievements.update(who, view.record.id, {**BADGE, "name": "Edited"})
    services.achievements.publish(who, view.record.id)
    assert services.achievements.archive(who, view.record.id).record.status == "archived"


def test_another_organisations_actor_is_refused_and_nothing_changes(
    services: Services, acme: str, session: Session
) -> None:
    services.organizations.create(OPERATOR, slug="rival", name="Rival")
    view = services.achievements.create(OPERATOR, organization=acme, achievement=BADGE)
    rival = actor(services, "rival", "owner")
    before = counts(session)
    attempts = [
        lambda: services.achievements.create(rival, organization=acme, achievement=BADGE),
        lambda: services.achievements.update(rival, view.record.id, {**BADGE, "name": "Mine"}),
        lambda: services.achievements.publish(rival, view.record.id),
        lambda: services.achievements.archive(rival, view.record.id),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden, match="another organisation"):
            attempt()
    assert counts(session) == before
    after = services.achievements.get(view.record.id)
    assert (after.record.status, after.document["name"]) == ("draft", "Teamwork")
