"""Rubrics: reading, scoring every criterion, and the decision against the threshold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from credstack.assessment import InvalidRubric, decide, parse_rubric, rubric_to_json, score
from credstack.errors import InvalidInput

RUBRIC: dict[str, Any] = {
    "passThreshold": "4.5",
    "criteria": [
        {
            "id": "analysis",
            "name": "Analysis",
            "description": "Breaks the problem down.",
            "levels": [
                {"id": "novice", "name": "Novice", "points": 0},
                {"id": "competent", "name": "Competent", "points": "2.5", "description": "OK"},
                {"id": "expert", "name": "Expert", "points": 4},
            ],
        },
        {
            "id": "writing",
            "name": "Writing",
            "levels": [
                {"id": "unclear", "name": "Unclear", "points": 0},
                {"id": "clear", "name": "Clear", "points": 2},
            ],
        },
    ],
}


def test_reads_and_writes_back() -> None:
    rubric = parse_rubric(RUBRIC)
    assert rubric.max_points == Decimal(6)
    assert parse_rubric(rubric_to_json(rubric)) == rubric
    assert rubric_to_json(rubric)["criteria"][0]["description"] == "Breaks the problem down."


def test_scores_and_decides() -> None:
    rubric = parse_rubric(RUBRIC)
    passing = score(rubric, {"analysis": "competent", "writing": "clear"})
    assert (passing.points, passing.reaches_threshold) == (Decimal("4.5"), True)
    assert [(c.id, lvl.id) for c, lvl in passing.levels] == [
        ("analysis", "competent"),
        ("writing", "clear"),
    ]
    assert decide(passing, None) == "pass"
    assert decide(passing, "fail") == "fail"  # an assessor may fail work above the threshold
    failing = score(rubric, {"analysis": "expert", "writing": "unclear"})
    assert decide(failing, None) == "fail"
    with pytest.raises(InvalidInput, match="below the pass threshold") as caught:
        decide(failing, "pass")
    assert caught.value.code == "below_threshold"


@pytest.mark.parametrize(
    ("chosen", "code"),
    [
        ({"analysis": "expert"}, "criterion_not_scored"),
        ({"analysis": "expert", "writing": "clear", "style": "x"}, "unknown_criterion"),
        ({"analysis": "guru", "writing": "clear"}, "unknown_level"),
    ],
)
def test_every_criterion_and_only_those(chosen: dict[str, str], code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        score(parse_rubric(RUBRIC), chosen)
    assert caught.value.code == code


def level(points: Any = 1, **extra: Any) -> dict[str, Any]:
    return {"id": "l", "name": "L", "points": points, **extra}


def crit(*levels: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": "c", "name": "C", "levels": list(levels), **extra}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "an object"),
        ({"criteria": [], "passThreshold": 0}, "1 to 50 criteria"),
        ({"criteria": [crit(level()), crit(level())], "passThreshold": 0}, "ids must differ"),
        ({"criteria": [crit(level())], "passThreshold": 2}, "nobody could pass"),
        ({"criteria": [crit(level())], "passThreshold": "x"}, "passThreshold is a number"),
        ({"criteria": [crit(level())], "passThreshold": None}, "passThreshold is a number"),
        ({"criteria": [crit(level())], "passThreshold": "-1"}, "passThreshold is a number"),
        ({"criteria": ["c"], "passThreshold": 0}, "criteria\\[0\\] is an object"),
        ({"criteria": [crit()], "passThreshold": 0}, "1 to 20 levels"),
        ({"criteria": [crit("l")], "passThreshold": 0}, "levels\\[0\\] is an object"),
        ({"criteria": [crit(level(), level())], "passThreshold": 0}, "level ids must differ"),
        ({"criteria": [crit(level(), id="a b")], "passThreshold": 0}, "id is 1 to 64"),
        ({"criteria": [crit(level(), name=" ")], "passThreshold": 0}, "name is text"),
        ({"criteria": [crit(level(description=5))], "passThreshold": 0}, "description is text"),
    ],
)
def test_bad_rubrics(data: Any, message: str) -> None:
    with pytest.raises(InvalidRubric, match=message):
        parse_rubric(data)
