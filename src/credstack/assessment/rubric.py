"""Rubrics: criteria, each with levels worth points; a pass threshold; scoring and decisions.

>>> rubric = parse_rubric({"passThreshold": 3, "criteria": [
...     {"id": "clarity", "name": "Clarity", "levels": [
...         {"id": "weak", "name": "Weak", "points": 0},
...         {"id": "good", "name": "Good", "points": 2}]},
...     {"id": "depth", "name": "Depth", "levels": [
...         {"id": "shallow", "name": "Shallow", "points": 1},
...         {"id": "deep", "name": "Deep", "points": 3}]}]})
>>> result = score(rubric, {"clarity": "good", "depth": "shallow"})
>>> (result.points, result.max_points, result.reaches_threshold)
(Decimal('3'), Decimal('5'), True)
>>> decide(result, None)
'pass'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

from credstack.errors import InvalidInput

Decision = Literal["pass", "fail"]
MAX_CRITERIA: Final = 50
MAX_LEVELS: Final = 20
# Ids end up in IRIs (the fragment of a level's achievedLevel), so they stay plain.
_ID: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Level:
    id: str
    name: str
    points: Decimal
    description: str | None = None


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    levels: tuple[Level, ...]
    description: str | None = None

    def level(self, level_id: str) -> Level | None:
        return next((level for level in self.levels if level.id == level_id), None)


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]
    pass_threshold: Decimal

    @property
    def max_points(self) -> Decimal:
        return sum((max(level.points for level in c.levels) for c in self.criteria), Decimal(0))


@dataclass(frozen=True)
class Score:
    """The points of one assessment: the level chosen for each criterion, and the total."""

    levels: tuple[tuple[Criterion, Level], ...]
    points: Decimal
    max_points: Decimal
    threshold: Decimal

    @property
    def reaches_threshold(self) -> bool:
        return self.points >= self.threshold


class InvalidRubric(InvalidInput):
    code = "invalid_rubric"


def parse_rubric(data: Any) -> Rubric:
    """The rubric of ``data`` (its JSON form), or ``InvalidRubric`` saying what is wrong."""
    if not isinstance(data, Mapping):
        raise InvalidRubric("A rubric is an object with criteria and a passThreshold.")
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not 1 <= len(criteria) <= MAX_CRITERIA:
        raise InvalidRubric(f"A rubric has 1 to {MAX_CRITERIA} criteria.")
    parsed = tuple(_criterion(c, i) for i, c in enumerate(criteria))
    if len({c.id for c in parsed}) != len(parsed):
        raise InvalidRubric("Criterion ids must differ.")
    rubric = Rubric(parsed, _points(data.get("passThreshold"), "passThreshold"))
    if rubric.pass_threshold > rubric.max_points:
        raise InvalidRubric(
            f"passThreshold {rubric.pass_threshold} is above the {rubric.max_points} points "
            "the rubric can give; nobody could pass."
        )
    return rubric


def _criterion(data: Any, index: int) -> Criterion:
    where = f"criteria[{index}]"
    if not isinstance(data, Mapping):
        raise InvalidRubric(f"{where} is an object with id, name and levels.")
    levels = data.get("levels")
    if not isinstance(levels, list) or not 1 <= len(levels) <= MAX_LEVELS:
        raise InvalidRubric(f"{where} has 1 to {MAX_LEVELS} levels.")
    parsed = tuple(_level(level, f"{where}.levels[{i}]") for i, level in enumerate(levels))
    if len({level.id for level in parsed}) != len(parsed):
        raise InvalidRubric(f"{where}: level ids must differ.")
    return Criterion(
        _id(data.get("id"), where), _name(data.get("name"), where), parsed, _note(data, where)
    )


def _level(data: Any, where: str) -> Level:
    if not isinstance(data, Mapping):
        raise InvalidRubric(f"{where} is an object with id, name and points.")
    return Level(
        _id(data.get("id"), where),
        _name(data.get("name"), where),
        _points(data.get("points"), f"{where}.points"),
        _note(data, where),
    )


def _id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidRubric(f"{where}.id is 1 to 64 letters, digits, '-' or '_'.")
    return value


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 500:
        raise InvalidRubric(f"{where}.name is text of 1 to 500 characters.")
    return value.strip()


def _note(data: Mapping[str, Any], where: str) -> str | None:
    value = data.get("description")
    if value is not None and (not isinstance(value, str) or len(value) > 5000):
        raise InvalidRubric(f"{where}.description is text of up to 5000 characters.")
    return value


def _points(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidRubric(f"{where} is a number of points, 0 or more.")
    try:
        points = Decimal(str(value))
    except InvalidOperation:
        raise InvalidRubric(f"{where} is a number of points, 0 or more.") from None
    if not points.is_finite() or points < 0:
        raise InvalidRubric(f"{where} is a number of points, 0 or more.")
    return points


def rubric_to_json(rubric: Rubric) -> dict[str, Any]:
    """The JSON form that ``parse_rubric`` reads back to the same rubric."""

    def described(out: dict[str, Any], description: str | None) -> dict[str, Any]:
        return {**out, "description": description} if description is not None else out

    return {
        "passThreshold": str(rubric.pass_threshold),
        "criteria": [
            described(
                {
                    "id": c.id,
                    "name": c.name,
                    "levels": [
                        described(
                            {"id": level.id, "name": level.name, "points": str(level.points)},
                            level.description,
                        )
                        for level in c.levels
                    ],
                },
                c.description,
            )
            for c in rubric.criteria
        ],
    }


def score(rubric: Rubric, chosen: Mapping[str, str]) -> Score:
    """The score for a level chosen per criterion; every criterion, and only those, is scored."""
    unknown = sorted(set(chosen) - {c.id for c in rubric.criteria})
    if unknown:
        raise InvalidInput(
            f"The rubric has no criterion {', '.join(unknown)}.", code="unknown_criterion"
        )
    levels = []
    for criterion in rubric.criteria:
        if criterion.id not in chosen:
            raise InvalidInput(
                f"Criterion {criterion.id} ({criterion.name}) has no level; score every one.",
                code="criterion_not_scored",
            )
        level = criterion.level(chosen[criterion.id])
        if level is None:
            names = ", ".join(level.id for level in criterion.levels)
            raise InvalidInput(
                f"Criterion {criterion.id} has no level {chosen[criterion.id]!r}; "
                f"choose one of {names}.",
                code="unknown_level",
            )
        levels.append((criterion, level))
    points = sum((level.points for _, level in levels), Decimal(0))
    return Score(tuple(levels), points, rubric.max_points, rubric.pass_threshold)


def decide(result: Score, decision: Decision | None) -> Decision:
    """The assessor's decision, or the threshold's when none is given.

    An assessor may fail work that reaches the threshold (plagiarism, for one) but may not pass
    work below it: the threshold is the achievement's published promise.
    """
    if decision is None:
        return "pass" if result.reaches_threshold else "fail"
    if decision == "pass" and not result.reaches_threshold:
        raise InvalidInput(
            f"{result.points} points is below the pass threshold of {result.threshold}; "
            "the work cannot pass.",
            code="below_threshold",
        )
    return decision
