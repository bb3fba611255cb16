"""Automated awards decided by the Achievement's resultDescription."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.assessment import judge
from credstack.errors import InvalidInput

PERCENT: dict[str, Any] = {
    "id": "urn:rd:percent",
    "type": ["ResultDescription"],
    "name": "Exam",
    "resultType": "Percent",
    "requiredValue": "60",
    "valueMin": "0",
    "valueMax": "100",
}
GRADE: dict[str, Any] = {
    "id": "urn:rd:grade",
    "type": ["ResultDescription"],
    "name": "Grade",
    "resultType": "LetterGrade",
    "allowedValue": ["D", "C", "B", "A"],
    "requiredValue": "C",
}
LEVEL: dict[str, Any] = {
    "id": "urn:rd:level",
    "type": ["ResultDescription"],
    "name": "Mastery",
    "resultType": "RubricCriterionLevel",
    "requiredLevel": "urn:l:competent",
    "rubricCriterionLevel": [
        {"id": "urn:l:novice", "type": ["RubricCriterionLevel"], "name": "Novice"},
        {"id": "urn:l:competent", "type": ["RubricCriterionLevel"], "name": "Competent"},
        {"id": "urn:l:expert", "type": ["RubricCriterionLevel"], "name": "Expert"},
    ],
}
WORD = {**PERCENT, "id": "urn:rd:word", "requiredValue": "pass"}
INFO = {"id": "urn:rd:info", "type": ["ResultDescription"], "name": "x", "resultType": "Status"}


def test_numbers() -> None:
    met = judge([PERCENT, INFO], value="60")
    assert (met.met, met.reason) == (True, "60 meets the required value 60.")
    assert met.result == {"type": ["Result"], "resultDescription": "urn:rd:percent", "value": "60"}
    assert not judge([PERCENT], value="59.9").met
    for out in ("-1", "101"):
        with pytest.raises(InvalidInput) as caught:
            judge([PERCENT], value=out)
        assert caught.value.code == "value_out_of_range"


def test_ordered_allowed_values() -> None:
    assert judge([GRADE], value="B").met
    assert judge([GRADE], value="C").met
    assert judge([GRADE], value="D").reason == "D is below the required value C."
    with pytest.raises(InvalidInput, match="not one of the allowed"):
        judge([GRADE], value="E")


def test_words_are_compared_as_they_are() -> None:
    assert judge([WORD], value="pass").met
    assert judge([WORD], value="fail").reason == "fail is not the required value pass."


def test_levels() -> None:
    met = judge([LEVEL], level="urn:l:expert")
    assert met.met
    assert met.result["achievedLevel"] == "urn:l:expert"
    assert not judge([LEVEL], level="urn:l:novice").met
    with pytest.raises(InvalidInput, match="not a rubricCriterionLevel"):
        judge([LEVEL], level="urn:l:god")


def test_which_description_decides() -> None:
    assert judge([PERCENT, GRADE], value="B", description_id="urn:rd:grade").met
    with pytest.raises(InvalidInput) as caught:
        judge([PERCENT, GRADE], value="B")
    assert caught.value.code == "no_required_result"
    with pytest.raises(InvalidInput, match="exactly one"):
        judge([INFO], value="1")
    with pytest.raises(InvalidInput, match="no resultDescription urn:x"):
        judge([PERCENT], value="1", description_id="urn:x")
    with pytest.raises(InvalidInput, match="either a value or a level"):
        judge([PERCENT], value="1", level="urn:l:expert")
    with pytest.raises(InvalidInput, match="decides by value"):
        judge([PERCENT], level="urn:l:expert")
    with pytest.raises(InvalidInput, match="decides by level"):
        judge([LEVEL], value="1")
