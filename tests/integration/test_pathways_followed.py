"""A learner's pathways as their wallet shows them (``PathwayService.followed``), through the
real services on SQLite and PostgreSQL: the steps named, a workload counted, n-of groups, the
best of several addresses, and staff refused."""

from __future__ import annotations

import json

import pytest

from credstack.errors import Forbidden
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.pathways import PathwayInput
from tests.integration.test_pathways import EU_FIXTURE, OPERATOR, acme, actor, issue, publish

__all__ = ["acme"]  # the fixture, imported for its use here

LEARNER = Actor(kind="learner", id="learner-1", organization_id=None, role=None)


def test_steps_workload_and_n_of(services: Services, acme: str) -> None:
    module = services.achievements.create(
        OPERATOR,
        organization=acme,
        achievement={**json.loads(EU_FIXTURE.read_text(encoding="utf-8")), "name": "Module"},
        profile="eu-2022",
        publish=True,
    ).record.public_id
    a, b, c = (publish(services, acme, name) for name in ("Unit A", "Unit B", "Unit C"))
    cert = publish(services, acme, "Certificate")
    services.pathways.create(
        OPERATOR,
        acme,
        PathwayInput(
            name="Mixed",
            achievement_id=cert,
            requirements={
                "type": "allOf",
                "requirements": [
                    {"type": "workload", "minimum": 10, "unit": "ects"},
                    {
                        "type": "nOf",
                        "n": 2,
                        "requirements": [
                            {"type": "achievement", "achievement": x} for x in (a, b, c)
                        ],
                    },
                ],
            },
        ),
    )
    issue(services, acme, module, learner="one@example.org")
    issue(services, acme, b, learner="one@example.org")
    issue(services, acme, a, learner="two@example.org")

    [followed] = services.pathways.followed(LEARNER, ["one@example.org", "two@example.org"])
    assert (followed.found.learner, followed.organization, followed.awards_name) == (
        "one@example.org",
        "Acme Academy",
        "Certificate",
    )
    # Workload 5 of 10 ECTS (half of one child) and one of two units (half of the other).
    assert followed.found.progress.percent == 50
    assert [(s.name, s.done) for s in followed.steps] == [
        ("10 ects in all (5 so far)", False),
        ("Unit A", False),
        ("Unit B", True),
        ("Unit C", False),
    ]
    assert services.pathways.followed(LEARNER, []) == []
    assert services.pathways.followed(LEARNER, ["nobody@example.org"]) == []


def test_staff_and_operators_do_not_follow_pathways(services: Services, acme: str) -> None:
    for who in (actor(services, acme, "owner"), OPERATOR):
        with pytest.raises(Forbidden, match="signed-in learner"):
            services.pathways.followed(who, ["one@example.org"])
