"""Pathways through the real services, on SQLite and PostgreSQL: saving (with cycles refused),
progress, auto-award exactly once with components in the evidence, nesting, trusted issuers,
workload, and the revocation policies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput, NotFound
from credstack.services import Services
from credstack.services.actors import Actor, Role
from credstack.services.held import digest_of
from credstack.services.issuing import IssueRequest
from credstack.services.pathways import PathwayInput
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.models import AuditEntry

OPERATOR = Actor.operator("test")
LEARNER = "Learner@Example.com"
EU_FIXTURE = Path(__file__).parents[1] / "unit" / "model" / "eu_achievement.json"


def badge(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": ["Achievement"],
        "name": name,
        "description": f"{name}, a unit of study.",
        "criteria": {"narrative": "Passed the unit."},
        **extra,
    }


def actor(services: Services, slug: str, role: Role) -> Actor:
    org = services.organizations.get(slug)
    return Actor(kind="token", id=f"{slug}-{role}", organization_id=org.id, role=role)


@pytest.fixture
def acme(services: Services) -> str:
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy", country="IE")
    return "acme"


def publish(services: Services, slug: str, name: str, **extra: Any) -> str:
    view = services.achievements.create(
        OPERATOR, organization=slug, achievement=badge(name, **extra), publish=True
    )
    return view.record.public_id


def issue(services: Services, slug: str, achievement: str, learner: str = LEARNER) -> Any:
    return services.credentials.issue(
        OPERATOR, slug, IssueRequest(recipient=learner, achievement_id=achievement)
    )


def all_of(*achievements: str) -> dict[str, Any]:
    return {
        "type": "allOf",
        "requirements": [{"type": "achievement", "achievement": a} for a in achievements],
    }


def stacked(session: Session, achievement: str) -> list[IssuedCredentialRecord]:
    """The credentials issued of ``achievement`` (its public id)."""
    uid = achievement.rsplit("/", 1)[-1]
    query = select(IssuedCredentialRecord).order_by(IssuedCredentialRecord.issued_at)
    return [r for r in session.scalars(query) if str(r.achievement_id) == uid]


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.at)))


def test_auto_award_once_with_components_in_evidence(
    services: Services, acme: str, session: Session
) -> None:
    a, b = publish(services, acme, "Unit A"), publish(services, acme, "Unit B")
    cert = publish(services, acme, "Certificate")
    pathway = services.pathways.create(
        actor(services, acme, "issuer"),
        acme,
        PathwayInput(name="Certificate path", achievement_id=cert, requirements=all_of(a, b)),
    )
    first = issue(services, acme, a)
    progress = services.pathways.progress(
        actor(services, acme, "assessor"), acme, pathway.id, LEARNER
    )
    assert (progress.progress.percent, progress.award) == (50, None)
    assert progress.learner == "learner@example.com"
    assert progress.progress.components == (first.credential_id,)
    assert stacked(session, cert) == []
    second = issue(services, acme, b, learner="learner@EXAMPLE.com")
    [award_credential] = stacked(session, cert)
    assert award_credential.recipient_email == "learner@EXAMPLE.com"
    evidence = json.loads(award_credential.text)["evidence"]
    assert evidence == [
        {
            "id": record.credential_id,
            "type": ["Evidence"],
            "name": record.name,
            "description": "A component of the pathway Certificate path.",
            "digestMultibase": digest_of(record.text),
        }
        for record in (first, second)
    ]
    done = services.pathways.progress(OPERATOR, acme, pathway.id, "learner@example.com")
    assert done.progress.met
    assert done.award is not None
    assert done.award.credential_id == award_credential.id
    assert services.pathways.components(done.award) == {
        first.credential_id: digest_of(first.text),
        second.credential_id: digest_of(second.text),
    }
    issue(services, acme, a)  # met again: no second award
    assert len(stacked(session, cert)) == 1
    assert actions(session).count("pathway.awarded") == 1


def test_nested_pathways_award_in_a_chain(services: Services, acme: str, session: Session) -> None:
    a, b = publish(services, acme, "Unit A"), publish(services, acme, "Unit B")
    cert, diploma = publish(services, acme, "Certificate"), publish(services, acme, "Diploma")
    services.pathways.create(
        OPERATOR, acme, PathwayInput(name="cert", achievement_id=cert, requirements=all_of(a))
    )
    services.pathways.create(
        OPERATOR,
        acme,
        PathwayInput(name="diploma", achievement_id=diploma, requirements=all_of(cert, b)),
    )
    issue(services, acme, b)
    issue(services, acme, a)  # completes cert, and cert completes diploma
    [cert_credential] = stacked(session, cert)
    [diploma_credential] = stacked(session, diploma)
    ids = {e["id"] for e in json.loads(diploma_credential.text)["evidence"]}
    assert cert_credential.credential_id in ids


def test_cycles_are_refused_with_the_loop_named(services: Services, acme: str) -> None:
    a = publish(services, acme, "Unit A")
    cert, diploma = publish(services, acme, "Certificate"), publish(services, acme, "Diploma")
    with pytest.raises(InvalidInput, match="would require its own achievement") as direct:
        services.pathways.create(
            OPERATOR,
            acme,
            PathwayInput(name="self", achievement_id=cert, requirements=all_of(cert)),
        )
    assert direct.value.code == "pathway_cycle"
    services.pathways.create(
        OPERATOR,
        acme,
        PathwayInput(name="cert", achievement_id=cert, requirements=all_of(a, diploma)),
    )
    with pytest.raises(InvalidInput, match=r"Diploma \(.*\) -> Certificate \(.*\) -> Diploma"):
        services.pathways.create(
            OPERATOR,
            acme,
            PathwayInput(name="diploma", achievement_id=diploma, requirements=all_of(cert)),
        )


def test_an_update_that_closes_a_loop_is_refused_and_archiving_opens_it(
    services: Services, acme: str
) -> None:
    a = publish(services, acme, "Unit A")
    cert, diploma = publish(services, acme, "Certificate"), publish(services, acme, "Diploma")
    first = services.pathways.create(
        OPERATOR, acme, PathwayInput(name="cert", achievement_id=cert, requirements=all_of(a))
    )
    second = services.pathways.create(
        OPERATOR, acme, PathwayInput(name="dip", achievement_id=diploma, requirements=all_of(cert))
    )
    closing = PathwayInput(name="cert", achievement_id=cert, requirements=all_of(diploma))
    with pytest.raises(InvalidInput, match="would require its own achievement"):
        services.pathways.update(OPERATOR, acme, first.id, closing)
    services.pathways.archive(OPERATOR, acme, second.id)
    updated = services.pathways.update(OPERATOR, acme, first.id, closing)
    assert updated.requirements == all_of(diploma)
    with pytest.raises(Conflict, match="archived"):
        services.pathways.update(OPERATOR, acme, second.id, closing)


def test_bad_definitions_are_refused(services: Services, acme: str) -> None:
    a = publish(services, acme, "Unit A")
    cert = publish(services, acme, "Certificate")
    draft = services.achievements.create(OPERATOR, organization=acme, achievement=badge("Draft"))

    def create(**changes: Any) -> Any:
        data: dict[str, Any] = {"name": "p", "achievement_id": cert, "requirements": all_of(a)}
        return services.pathways.create(OPERATOR, acme, PathwayInput(**{**data, **changes}))

    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"name": " "}, InvalidInput, "invalid_name"),
        ({"revocation_policy": "ignore"}, InvalidInput, "invalid_revocation_policy"),
        ({"max_age_days": 0}, InvalidInput, "invalid_max_age"),
        ({"trusted_issuers": ["https://x.example"]}, InvalidInput, "invalid_trusted_issuer"),
        ({"achievement_id": draft.record.public_id}, Conflict, "achievement_not_published"),
        ({"requirements": {"type": "allOf"}}, InvalidInput, "invalid_requirements"),
        ({"requirements": all_of(a + "x")}, InvalidInput, "unknown_achievement"),
        (
            {"requirements": {"type": "achievement", "achievement": a, "issuer": "did:web:x"}},
            InvalidInput,
            "untrusted_issuer",
        ),
    ]
    for changes, error, code in cases:
        with pytest.raises(error) as caught:
            create(**changes)
        assert caught.value.code == code, changes  # type: ignore[attr-defined]
    services.organizations.create(OPERATOR, slug="other", name="Other")
    foreign = publish(services, "other", "Foreign")
    with pytest.raises(NotFound):
        create(achievement_id=foreign)
    with pytest.raises(Forbidden):
        services.pathways.create(
            actor(services, acme, "assessor"),
            acme,
            PathwayInput(name="p", achievement_id=cert, requirements=all_of(a)),
        )
    with pytest.raises(Forbidden):
        services.pathways.list(actor(services, "other", "admin"), acme)
    assert services.pathways.list(OPERATOR, acme) == []


def test_trusted_issuers_count_and_untrusted_ones_do_not(
    services: Services, acme: str, session: Session
) -> None:
    partner = services.organizations.create(OPERATOR, slug="partner", name="Partner")
    services.organizations.create(OPERATOR, slug="stranger", name="Stranger")
    theirs = publish(services, "partner", "Their unit")
    unknown = publish(services, "stranger", "Stranger unit")
    ours = publish(services, acme, "Our unit")
    cert = publish(services, acme, "Joint certificate")
    tree = {
        "type": "allOf",
        "requirements": [
            {"type": "achievement", "achievement": ours},
            {"type": "achievement", "achievement": theirs, "issuer": partner.issuer_did},
        ],
    }
    services.pathways.create(
        OPERATOR,
        acme,
        PathwayInput(
            name="joint",
            achievement_id=cert,
            requirements=tree,
            trusted_issuers=[partner.issuer_did],
        ),
    )
    issue(services, "stranger", unknown)
    issue(services, acme, ours)
    assert stacked(session, cert) == []
    issue(services, "partner", theirs)  # the partner's issue completes acme's pathway
    assert len(stacked(session, cert)) == 1


def test_workload_in_ects_from_eu_achievements(
    services: Services, acme: str, session: Session
) -> None:
    fixture = json.loads(EU_FIXTURE.read_text(encoding="utf-8"))
    units = [
        services.achievements.create(
            OPERATOR,
            organization=acme,
            achievement={**fixture, "name": f"Module {i}"},
            profile="eu-2022",
            publish=True,
        ).record.public_id
        for i in range(3)
    ]
    cert = publish(services, acme, "Ten ECTS")
    pathway = services.pathways.create(
        OPERATOR,
        acme,
        PathwayInput(
            name="ects",
            achievement_id=cert,
            requirements={"type": "workload", "minimum": 10, "unit": "ects"},
        ),
    )
    issue(services, acme, units[0], learner="did:example:learner")
    issue(services, acme, units[0], learner="did:example:learner")  # the same module adds once
    half = services.pathways.progress(OPERATOR, acme, pathway.id, "did:example:learner")
    assert (half.progress.percent, half.progress.remaining) == (50, ["5 more ects (of 10)"])
    issue(services, acme, units[1], learner="did:example:learner")
    [credential] = stacked(session, cert)
    assert credential.recipient_did == "did:example:learner"


def test_award_for_credentials_held_before_the_pathway(
    services: Services, acme: str, session: Session
) -> None:
    a = publish(services, acme, "Unit A")
    cert = publish(services, acme, "Certificate")
    issue(services, acme, a)
    pathway = services.pathways.create(
        OPERATOR, acme, PathwayInput(name="p", achievement_id=cert, requirements=all_of(a))
    )
    assert stacked(session, cert) == []
    result = services.pathways.award(actor(services, acme, "issuer"), acme, pathway.id, LEARNER)
    assert result.award is not None
    assert len(stacked(session, cert)) == 1
    services.pathways.award(OPERATOR, acme, pathway.id, LEARNER)
    assert len(stacked(session, cert)) == 1
    services.pathways.archive(OPERATOR, acme, pathway.id)
    with pytest.raises(Conflict, match="archived"):
        services.pathways.award(OPERATOR, acme, pathway.id, LEARNER)


def test_revoking_a_component_revokes_the_stack_in_cascade(
    services: Services, acme: str, session: Session
) -> None:
    a, b = publish(services, acme, "Unit A"), publish(services, acme, "Unit B")
    cert, diploma = publish(services, acme, "Certificate"), publish(services, acme, "Diploma")
    first = services.pathways.create(
        OPERATOR, acme, PathwayInput(name="cert", achievement_id=cert, requirements=all_of(a))
    )
    services.pathways.create(
        OPERATOR,
        acme,
        PathwayInput(name="dip", achievement_id=diploma, requirements=all_of(cert, b)),
    )
    component = issue(services, acme, a)
    issue(services, acme, b)
    services.credentials.revoke(OPERATOR, acme, component.id, "plagiarism")
    [cert_credential] = stacked(session, cert)
    [diploma_credential] = stacked(session, diploma)
    assert (cert_credential.status, diploma_credential.status) == ("revoked", "revoked")
    assert component.credential_id in (cert_credential.reason or "")
    [award] = services.pathways.awards(OPERATOR, acme, first.id, status="revoked")
    assert award.note == f"Component {component.credential_id} was revoked."
    assert actions(session).count("pathway.award_revoked") == 2
    progress = services.pathways.progress(OPERATOR, acme, first.id, LEARNER)
    assert (progress.progress.met, progress.award.status if progress.award else None) == (
        False,
        "revoked",
    )


def test_review_policy_flags_the_award_and_leaves_the_credential(
    services: Services, acme: str, session: Session
) -> None:
    a = publish(services, acme, "Unit A")
    cert = publish(services, acme, "Certificate")
    pathway = services.pathways.create(
        OPERATOR,
        acme,
        PathwayInput(
            name="p", achievement_id=cert, requirements=all_of(a), revocation_policy="review"
        ),
    )
    component = issue(services, acme, a, learner="did:example:l")
    services.credentials.revoke(OPERATOR, acme, component.id)
    [credential] = stacked(session, cert)
    assert credential.status == "active"
    [award] = services.pathways.awards(OPERATOR, acme, pathway.id, status="review")
    assert award.credential_id == credential.id
    assert "pathway.award_flagged" in actions(session)
    kept = services.pathways.resolve(
        actor(services, acme, "issuer"), acme, pathway.id, award.id, keep=True, note="Re-earned."
    )
    assert (kept.status, kept.note) == ("awarded", "Re-earned.")
    assert "pathway.award_kept" in actions(session)
    with pytest.raises(Conflict) as settled:
        services.pathways.resolve(OPERATOR, acme, pathway.id, award.id, keep=True)
    assert settled.value.code == "award_not_in_review"
    with pytest.raises(NotFound):
        services.pathways.resolve(OPERATOR, acme, pathway.id, "nope", keep=True)
    with pytest.raises(Forbidden):
        services.pathways.resolve(
            actor(services, acme, "assessor"), acme, pathway.id, award.id, keep=False
        )
    other = issue(services, acme, a, learner="did:example:m")
    services.credentials.revoke(OPERATOR, acme, other.id)
    [flagged] = services.pathways.awards(OPERATOR, acme, pathway.id, status="review")
    revoked = services.pathways.resolve(
        OPERATOR, acme, pathway.id, flagged.id, keep=False, note="Not re-earned."
    )
    assert revoked.status == "revoked"
    assert [c.status for c in stacked(session, cert)] == ["active", "revoked"]
    with pytest.raises(InvalidInput, match="status is one of"):
        services.pathways.awards(OPERATOR, acme, pathway.id, status="lost")
    with pytest.raises(InvalidInput):
        services.pathways.awards(OPERATOR, acme, pathway.id, limit=0)


def test_an_archived_stacked_achievement_is_not_awarded_and_that_is_logged(
    services: Services, acme: str, session: Session
) -> None:
    a = publish(services, acme, "Unit A")
    cert = publish(services, acme, "Certificate")
    services.pathways.create(
        OPERATOR, acme, PathwayInput(name="p", achievement_id=cert, requirements=all_of(a))
    )
    services.achievements.archive(OPERATOR, cert)
    issue(services, acme, a)
    assert stacked(session, cert) == []
    assert "pathway.not_awarded" in actions(session)


def test_unknown_pathways_and_learners(services: Services, acme: str) -> None:
    with pytest.raises(NotFound):
        services.pathways.get(OPERATOR, acme, "not-a-uuid")
    with pytest.raises(NotFound):
        services.pathways.progress(OPERATOR, acme, "00000000-0000-4000-8000-000000000000", LEARNER)
    a = publish(services, acme, "Unit A")
    cert = publish(services, acme, "Certificate")
    pathway = services.pathways.create(
        OPERATOR, acme, PathwayInput(name="p", achievement_id=cert, requirements=all_of(a))
    )
    assert services.pathways.get(OPERATOR, acme, str(pathway.id)) is pathway
    with pytest.raises(InvalidInput, match="neither an email"):
        services.pathways.progress(OPERATOR, acme, pathway.id, "nobody")


def test_a_suspended_component_leaves_the_award_alone(
    services: Services, acme: str, session: Session
) -> None:
    a = publish(services, acme, "Unit A")
    cert = publish(services, acme, "Certificate")
    pathway = services.pathways.create(
        OPERATOR, acme, PathwayInput(name="p", achievement_id=cert, requirements=all_of(a))
    )
    component = services.credentials.issue(
        OPERATOR,
        acme,
        IssueRequest(recipient=LEARNER, achievement_id=a, status_purpose="suspension"),
    )
    services.credentials.suspend(OPERATOR, acme, component.id, "under investigation")
    [award] = services.pathways.awards(OPERATOR, acme, pathway.id)
    assert award.status == "awarded"
    [credential] = stacked(session, cert)
    assert credential.status == "active"
    # While suspended, the component does not count toward progress.
    assert not services.pathways.progress(OPERATOR, acme, pathway.id, LEARNER).progress.met


def test_revoking_the_stacked_credential_by_hand_ends_the_award(
    services: Services, acme: str, session: Session
) -> None:
    a = publish(services, acme, "Unit A")
    cert = publish(services, acme, "Certificate")
    pathway = services.pathways.create(
        OPERATOR, acme, PathwayInput(name="p", achievement_id=cert, requirements=all_of(a))
    )
    issue(services, acme, a)
    [credential] = stacked(session, cert)
    services.credentials.revoke(OPERATOR, acme, credential.id, "Issued in error.")
    [award] = services.pathways.awards(OPERATOR, acme, pathway.id)
    assert (award.status, award.note) == ("revoked", "Issued in error.")
