"""Automated awards: a score from an LMS or a script, decided by the Achievement's
``resultDescription`` (Open Badges 3.0 B.1.17).

A ResultDescription with ``requiredValue`` is met by a value at or above it: by position in
``allowedValue`` when that (ordered low to high, as the specification says) is given, else as
numbers, else by equality. One with ``requiredLevel`` is met by a rubric criterion level at or
above it in ``rubricCriterionLevel`` (also ordered low to high).

>>> description = {"id": "urn:rd:1", "type": ["ResultDescription"], "name": "Exam",
...                "resultType": "Percent", "requiredValue": "60", "valueMax": "100"}
>>> decision = judge([description], value="72")
>>> decision.met, decision.result["value"]
(True, '72')
>>> judge([description], value="59").reason
'59 is below the required value 60.'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from credstack.errors import InvalidInput


@dataclass(frozen=True)
class Judgement:
    met: bool
    reason: str
    # The OB 3.0 Result to put in the credential's subject when met.
    result: dict[str, Any]


def judge(
    descriptions: Sequence[Mapping[str, Any]],
    *,
    value: str | None = None,
    level: str | None = None,
    description_id: str | None = None,
) -> Judgement:
    """Whether ``value`` (or rubric ``level``) meets the achievement's required result."""
    if (value is None) == (level is None):
        raise InvalidInput("Send either a value or a level.", code="invalid_score")
    description = _description(descriptions, description_id)
    result: dict[str, Any] = {"type": ["Result"], "resultDescription": description["id"]}
    if value is not None:
        result["value"] = value
        met, reason = _value(description, value)
    else:
        result["achievedLevel"] = level
        met, reason = _level(description, level or "")
    return Judgement(met, reason, result)


def _description(
    descriptions: Sequence[Mapping[str, Any]], description_id: str | None
) -> Mapping[str, Any]:
    if description_id is not None:
        for description in descriptions:
            if description.get("id") == description_id:
                return description
        raise InvalidInput(
            f"The achievement has no resultDescription {description_id}.",
            code="unknown_result_description",
        )
    required = [d for d in descriptions if "requiredValue" in d or "requiredLevel" in d]
    if len(required) != 1:
        raise InvalidInput(
            "The achievement needs exactly one resultDescription with requiredValue or "
            f"requiredLevel to decide automated awards (it has {len(required)}); name one with "
            "resultDescription.",
            code="no_required_result",
        )
    return required[0]


def _value(description: Mapping[str, Any], value: str) -> tuple[bool, str]:
    required = description.get("requiredValue")
    if required is None:
        raise InvalidInput(
            "This resultDescription decides by level, not by value.", code="invalid_score"
        )
    allowed = description.get("allowedValue")
    if isinstance(allowed, list) and allowed:
        if value not in allowed:
            raise InvalidInput(
                f"{value!r} is not one of the allowed values {', '.join(map(str, allowed))}.",
                code="value_not_allowed",
            )
        met = required in allowed and allowed.index(value) >= allowed.index(required)
        return met, _sentence(met, value, f"the required value {required}")
    number, needed = _number(value), _number(str(required))
    if number is None or needed is None:
        met = value == required
        return met, _sentence(met, value, f"the required value {required}", "is not")
    for bound, check in (("valueMin", number.__lt__), ("valueMax", number.__gt__)):
        limit = _number(str(description.get(bound, "")))
        if limit is not None and check(limit):
            raise InvalidInput(
                f"{value} is outside the range {description.get('valueMin', '')}.."
                f"{description.get('valueMax', '')} of the result.",
                code="value_out_of_range",
            )
    met = number >= needed
    return met, _sentence(met, value, f"the required value {required}")


def _level(description: Mapping[str, Any], level: str) -> tuple[bool, str]:
    required = description.get("requiredLevel")
    if required is None:
        raise InvalidInput(
            "This resultDescription decides by value, not by level.", code="invalid_score"
        )
    levels = description.get("rubricCriterionLevel")
    ids = [item.get("id") for item in levels if isinstance(item, Mapping)] if levels else []
    if level not in ids:
        raise InvalidInput(
            f"{level!r} is not a rubricCriterionLevel of the result.", code="unknown_level"
        )
    met = required in ids and ids.index(level) >= ids.index(required)
    return met, _sentence(met, level, f"the required level {required}")


def _sentence(met: bool, got: str, needed: str, below: str = "is below") -> str:
    return f"{got} meets {needed}." if met else f"{got} {below} {needed}."


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
