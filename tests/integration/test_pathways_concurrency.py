"""Two awards race on PostgreSQL, in threads with their own transactions: exactly one stacked
credential results.

PostgreSQL only, on purpose: SQLite lets one transaction write at a time, so it cannot race;
the row locks and the unique award that make this safe are PostgreSQL's to exercise.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from credstack.bootstrap import Platform
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from credstack.services.pathways import PathwayInput
from credstack.store.credentials import IssuedCredentialRecord

OPERATOR = Actor.operator("test")
LEARNER = "racer@example.com"


def badge(name: str) -> dict[str, Any]:
    return {
        "type": ["Achievement"],
        "name": name,
        "description": name,
        "criteria": {"narrative": "Done."},
    }


def setup(platform: Platform, requirements: Callable[[str, str, str], dict[str, Any]]) -> Any:
    """Two organisations (so their issues do not queue on one status list), two units, and a
    pathway of the first that trusts the second."""
    slug = f"race-{uuid.uuid4().hex[:8]}"
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug=slug, name="Race")
        partner = services.organizations.create(OPERATOR, slug=f"{slug}-p", name="Partner")

        def publish(owner: str, name: str) -> str:
            view = services.achievements.create(
                OPERATOR, organization=owner, achievement=badge(name), publish=True
            )
            return str(view.record.public_id)

        a, b = publish(slug, "A"), publish(partner.slug, "B")
        cert = publish(slug, "Cert")
        services.pathways.create(
            OPERATOR,
            slug,
            PathwayInput(
                name="race",
                achievement_id=cert,
                requirements=requirements(a, b, partner.issuer_did),
                trusted_issuers=[partner.issuer_did],
            ),
        )
    return slug, partner.slug, a, b, cert


def race(platform: Platform, jobs: list[tuple[str, str]]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(slug: str, achievement: str) -> None:
        try:
            with platform.unit_of_work() as services:
                barrier.wait(timeout=10)
                services.credentials.issue(
                    OPERATOR, slug, IssueRequest(recipient=LEARNER, achievement_id=achievement)
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def stacked(platform: Platform, cert: str) -> list[IssuedCredentialRecord]:
    uid = uuid.UUID(cert.rsplit("/", 1)[-1])
    with platform.sessions() as session:
        return list(
            session.scalars(
                select(IssuedCredentialRecord).where(IssuedCredentialRecord.achievement_id == uid)
            )
        )


def test_two_last_components_at_once_award_once(postgres_platform: Platform) -> None:
    # Either unit completes the pathway: both transactions find it met at the same moment.
    slug, partner, a, b, cert = setup(
        postgres_platform,
        lambda a, b, did: {
            "type": "nOf",
            "n": 1,
            "requirements": [
                {"type": "achievement", "achievement": a},
                {"type": "achievement", "achievement": b, "issuer": did},
            ],
        },
    )
    assert race(postgres_platform, [(slug, a), (partner, b)]) == []
    assert len(stacked(postgres_platform, cert)) == 1


def test_two_halves_at_once_award_once(postgres_platform: Platform) -> None:
    # Each transaction alone sees half the pathway; the learner lock makes the second see both.
    slug, partner, a, b, cert = setup(
        postgres_platform,
        lambda a, b, did: {
            "type": "allOf",
            "requirements": [
                {"type": "achievement", "achievement": a},
                {"type": "achievement", "achievement": b, "issuer": did},
            ],
        },
    )
    assert race(postgres_platform, [(slug, a), (partner, b)]) == []
    [credential] = stacked(postgres_platform, cert)
    assert credential.recipient_email == LEARNER
