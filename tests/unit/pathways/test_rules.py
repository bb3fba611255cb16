"""Reading and writing requirement trees; bad trees are refused with the node named."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from credstack.pathways import (
    AchievementRule,
    AllOf,
    InvalidRequirements,
    NOf,
    WorkloadRule,
    parse_requirements,
    requirements_to_json,
)
from credstack.pathways.rules import MAX_DEPTH, MAX_NODES, required_achievements, required_issuers

A1 = "https://example.edu/a/1"
A2 = "https://example.edu/a/2"


def test_a_full_tree_reads_and_writes_back() -> None:
    data: dict[str, Any] = {
        "type": "allOf",
        "requirements": [
            {"type": "achievement", "achievement": A1, "issuer": "did:web:x", "maxAgeDays": 30},
            {
                "type": "nOf",
                "n": 1,
                "requirements": [
                    {"type": "achievement", "achievement": A2},
                    {"type": "workload", "minimum": "7.5", "unit": "ects", "achievements": [A1]},
                ],
            },
        ],
    }
    tree = parse_requirements(data)
    assert tree == AllOf(
        (
            AchievementRule(A1, "did:web:x", 30),
            NOf(1, (AchievementRule(A2), WorkloadRule(Decimal("7.5"), "ects", (A1,)))),
        )
    )
    assert requirements_to_json(tree) == data
    assert parse_requirements(requirements_to_json(tree)) == tree
    assert required_achievements(tree) == {A1, A2}
    assert required_issuers(tree) == {"did:web:x"}


def test_a_float_minimum_reads_exactly() -> None:
    tree = parse_requirements({"type": "workload", "minimum": 0.1, "unit": "hours"})
    assert tree == WorkloadRule(Decimal("0.1"), "hours")


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ([], "/"),
        ({"type": "anyOf", "requirements": []}, "/"),
        ({"type": "allOf", "requirements": []}, "/requirements"),
        ({"type": "allOf"}, "/requirements"),
        (
            {"type": "nOf", "n": 3, "requirements": [{"type": "achievement", "achievement": A1}]},
            "/n",
        ),
        (
            {
                "type": "nOf",
                "n": True,
                "requirements": [{"type": "achievement", "achievement": A1}],
            },
            "/n",
        ),
        ({"type": "achievement"}, "/achievement"),
        ({"type": "achievement", "achievement": "not an iri"}, "/achievement"),
        ({"type": "achievement", "achievement": A1, "issuer": 5}, "/issuer"),
        ({"type": "achievement", "achievement": A1, "maxAgeDays": 0}, "/maxAgeDays"),
        ({"type": "achievement", "achievement": A1, "colour": "red"}, "/"),
        ({"type": "workload", "minimum": 5, "unit": "days"}, "/unit"),
        ({"type": "workload", "minimum": -1, "unit": "ects"}, "/minimum"),
        ({"type": "workload", "minimum": "NaN", "unit": "ects"}, "/minimum"),
        ({"type": "workload", "minimum": "lots", "unit": "ects"}, "/minimum"),
        ({"type": "workload", "minimum": None, "unit": "ects"}, "/minimum"),
        ({"type": "workload", "minimum": 1, "unit": "ects", "achievements": A1}, "/achievements"),
        (
            {"type": "allOf", "requirements": [{"type": "workload", "minimum": 1, "unit": "x"}]},
            "/requirements/0/unit",
        ),
    ],
)
def test_bad_trees_are_refused_with_the_node_named(data: Any, where: str) -> None:
    with pytest.raises(InvalidRequirements, match=f"at {where}:") as caught:
        parse_requirements(data)
    assert caught.value.code == "invalid_requirements"


def test_depth_and_size_are_bounded() -> None:
    leaf: dict[str, Any] = {"type": "achievement", "achievement": A1}
    deep = leaf
    for _ in range(MAX_DEPTH):
        deep = {"type": "allOf", "requirements": [deep]}
    with pytest.raises(InvalidRequirements, match="deeper"):
        parse_requirements(deep)
    wide = {"type": "allOf", "requirements": [leaf] * MAX_NODES}
    with pytest.raises(InvalidRequirements, match="more than"):
        parse_requirements(wide)
    nested = leaf
    for _ in range(MAX_DEPTH - 1):
        nested = {"type": "allOf", "requirements": [nested]}
    assert isinstance(parse_requirements(nested), AllOf)
