"""How much study a credential stands for, read from its Achievement.

Three units, each from the one place that says it unambiguously (model/quality.py explains why
``creditsAvailable`` is not read as ECTS):

- ``ects``: an ELM ``creditPoint`` whose ``framework`` is the ECTS concept (its ``point``);
- ``hours``: ELM ``volumeOfLearning``, an ISO 8601 duration (``PT30H``; a day counts 24 hours;
  years and months have no fixed length and are not counted);
- ``credits``: OB 3.0 ``creditsAvailable``, in whatever credit system the organisation uses.

>>> workload_of({"creditPoint": [{"framework": ECTS, "point": "5"}], "volumeOfLearning": "PT125H"})
Workload(ects=Decimal('5'), hours=Decimal('125'), credits=None)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import isodate

from credstack.model.quality import ECTS
from credstack.pathways.rules import Unit


@dataclass(frozen=True)
class Workload:
    ects: Decimal | None = None
    hours: Decimal | None = None
    credits: Decimal | None = None

    def amount(self, unit: Unit) -> Decimal | None:
        value: Decimal | None = getattr(self, unit)
        return value


def workload_of(achievement: Mapping[str, Any]) -> Workload:
    """The workload an OB 3.0 Achievement (JSON) declares; units it does not give are None."""
    return Workload(
        ects=_ects(achievement.get("creditPoint")),
        hours=_hours(achievement.get("volumeOfLearning")),
        credits=_number(achievement.get("creditsAvailable")),
    )


def _ects(value: Any) -> Decimal | None:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, Mapping) and item.get("framework") == ECTS:
            amount = _number(item.get("point"))
            if amount is not None:
                return amount
    return None


def _hours(value: Any) -> Decimal | None:
    if not isinstance(value, str):
        return None
    try:
        duration = isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError):
        return None
    if not isinstance(duration, timedelta) or duration < timedelta(0):
        return None  # an isodate.Duration: years or months, which have no fixed length
    return Decimal(int(duration.total_seconds())) / 3600


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None
