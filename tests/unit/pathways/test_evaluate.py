"""Evaluating trees: which node is met by which credential, what remains, the percentage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from credstack.pathways import Held, Pathway, Workload, evaluate, parse_requirements

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ORG = "did:web:example.edu"
OTHER = "did:web:partner.example"
A = "https://example.edu/a/"


def pathway(tree: dict[str, Any], **extra: Any) -> Pathway:
    return Pathway(awards=A + "cert", issuer=ORG, requirements=parse_requirements(tree), **extra)


def held(n: int, achievement: str, *, days: int = 1, issuer: str = ORG, **extra: Any) -> Held:
    return Held(f"urn:c:{n}", A + achievement, issuer, NOW - timedelta(days=days), **extra)


def ach(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "achievement", "achievement": A + name, **extra}


def test_all_of_counts_each_child() -> None:
    path = pathway({"type": "allOf", "requirements": [ach("1"), ach("2"), ach("3")]})
    progress = evaluate(path, [held(1, "1"), held(2, "3")], NOW)
    assert (progress.met, progress.percent) == (False, 66)
    assert progress.components == ("urn:c:1", "urn:c:2")
    assert progress.remaining == [f"a credential of {A}2"]
    nodes = progress.to_dict()["requirements"]["requirements"]
    assert [n["credentials"] for n in nodes] == [["urn:c:1"], [], ["urn:c:2"]]
    done = evaluate(path, [held(1, "1"), held(2, "3"), held(3, "2")], NOW)
    assert (done.met, done.percent, done.remaining) == (True, 100, [])


def test_n_of_uses_the_best_n() -> None:
    path = pathway({"type": "nOf", "n": 2, "requirements": [ach("1"), ach("2"), ach("3")]})
    one = evaluate(path, [held(1, "3")], NOW)
    assert (one.percent, one.components) == (50, ("urn:c:1",))
    assert one.remaining == [
        "1 more of the following 2:",
        f"a credential of {A}1",
        f"a credential of {A}2",
    ]
    three = evaluate(path, [held(1, "3"), held(2, "2"), held(3, "1")], NOW)
    assert three.met
    assert three.components == ("urn:c:3", "urn:c:2")  # the first two met, in listed order


def test_the_newest_matching_credential_is_used() -> None:
    path = pathway(ach("1"))
    progress = evaluate(
        path, [held(1, "1", days=9), held(2, "1", days=2), held(3, "1", days=5)], NOW
    )
    assert progress.components == ("urn:c:2",)


def test_invalid_future_and_untrusted_credentials_do_not_count() -> None:
    path = pathway(ach("1"))
    assert not evaluate(path, [held(1, "1", valid=False)], NOW).met
    assert not evaluate(path, [held(1, "1", days=-1)], NOW).met
    assert not evaluate(path, [held(1, "1", issuer=OTHER)], NOW).met


def test_trusted_issuers_by_did() -> None:
    path = pathway(ach("1", issuer=OTHER), trusted_issuers=frozenset({OTHER}))
    assert evaluate(path, [held(1, "1", issuer=OTHER)], NOW).met
    # The node names its issuer: the same achievement id from the organisation does not do.
    assert not evaluate(path, [held(2, "1")], NOW).met
    untrusted = pathway(ach("1", issuer=OTHER))
    assert not evaluate(untrusted, [held(1, "1", issuer=OTHER)], NOW).met
    remaining = evaluate(untrusted, [], NOW).remaining
    assert remaining == [f"a credential of {A}1 from {OTHER}"]


def test_maximum_age_per_node_and_per_pathway() -> None:
    node = pathway(ach("1", maxAgeDays=30))
    assert evaluate(node, [held(1, "1", days=30)], NOW).met
    assert not evaluate(node, [held(1, "1", days=31)], NOW).met
    assert evaluate(node, [], NOW).remaining == [f"a credential of {A}1 issued in the last 30 days"]
    whole = pathway(ach("1"), max_age_days=10)
    assert not evaluate(whole, [held(1, "1", days=11)], NOW).met
    workload = pathway({"type": "workload", "minimum": 1, "unit": "credits"}, max_age_days=10)
    old = held(1, "1", days=11, workload=Workload(credits=Decimal(5)))
    assert not evaluate(workload, [old], NOW).met


def test_workload_sums_once_per_achievement() -> None:
    path = pathway({"type": "workload", "minimum": "10", "unit": "ects"})
    five = Workload(ects=Decimal(5))
    progress = evaluate(path, [held(1, "1", workload=five), held(2, "1", workload=five)], NOW)
    assert (progress.percent, progress.met) == (50, False)
    assert progress.remaining == ["5 more ects (of 10)"]
    assert progress.to_dict()["requirements"]["total"] == "5"
    both = evaluate(
        path,
        [held(1, "1", workload=five), held(2, "2", workload=Workload(ects=Decimal("5.5")))],
        NOW,
    )
    assert both.met
    assert both.components == ("urn:c:1", "urn:c:2")


def test_workload_from_listed_achievements_and_in_its_unit() -> None:
    path = pathway({"type": "workload", "minimum": 40, "unit": "hours", "achievements": [A + "2"]})
    hours = Workload(hours=Decimal(40), ects=Decimal(10))
    assert not evaluate(path, [held(1, "1", workload=hours)], NOW).met
    assert not evaluate(path, [held(1, "2", workload=Workload(ects=Decimal(40)))], NOW).met
    assert evaluate(path, [held(1, "2", workload=hours)], NOW).met


def test_nesting() -> None:
    tree = {
        "type": "allOf",
        "requirements": [
            ach("core"),
            {
                "type": "nOf",
                "n": 1,
                "requirements": [
                    {"type": "allOf", "requirements": [ach("x"), ach("y")]},
                    {"type": "workload", "minimum": 2, "unit": "credits"},
                ],
            },
        ],
    }
    path = pathway(tree)
    partial = evaluate(path, [held(1, "core"), held(2, "x")], NOW)
    assert partial.percent == 75
    assert partial.components == ("urn:c:1", "urn:c:2")
    via_workload = evaluate(
        path, [held(1, "core"), held(3, "z", workload=Workload(credits=Decimal(2)))], NOW
    )
    assert via_workload.met
    assert via_workload.components == ("urn:c:1", "urn:c:3")
