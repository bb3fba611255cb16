"""A learner's transcript: per credential the achievement, issuer, date, results, credits and
EQF level, with the totals a traditional record shows (ECTS, hours, the highest EQF level).

Credits are read the way pathways read them (``credstack.pathways.workload``): ECTS from an ELM
``creditPoint`` in the ECTS framework, hours from ``volumeOfLearning``, and Open Badges
``creditsAvailable`` as credits of no stated system. The EQF level is the ELM ``eqfLevel`` (an
IRI of the EU EQF vocabulary, ``http://data.europa.eu/snb/eqf/6``), or a bare number 1 to 8.

Totals count only credentials valid at the moment asked; the others are listed, flagged with
their state. A badge earned twice counts once (the larger of its credits), as in pathways, so
adding a credential never lowers a total.

>>> import json
>>> from datetime import UTC, datetime
>>> item = RecordItem.parse(json.dumps({"id": "urn:c", "issuer": "did:example:u",
...     "credentialSubject": {"achievement": {"id": "urn:a", "name": "Stats",
...     "creditPoint": [{"framework": ECTS, "point": "5"}], "eqfLevel": EQF + "6"}}}))
>>> record = transcript([item, item], datetime(2026, 1, 1, tzinfo=UTC))
>>> record.totals.ects, record.totals.highest_eqf_level, len(record.entries)
(Decimal('5'), 6, 2)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from credstack.formats.record import RecordItem, Source, State, moment
from credstack.model.quality import ECTS
from credstack.pathways.workload import Workload, workload_of

EQF: Final = "http://data.europa.eu/snb/eqf/"
_EQF_IRI: Final = re.compile(r"^https?://data\.europa\.eu/snb/eqf/([1-8])$")

__all__ = ["ECTS", "EQF", "Totals", "Transcript", "TranscriptEntry", "eqf_level", "transcript"]


@dataclass(frozen=True)
class TranscriptEntry:
    """One credential as the transcript shows it."""

    credential: str | None
    achievement: str | None
    name: str
    achievement_type: str | None
    issuer: str | None
    issuer_name: str | None
    issued: datetime | None
    valid_until: datetime | None
    results: tuple[Mapping[str, Any], ...]
    workload: Workload
    eqf_level: int | None
    state: State
    source: Source

    def to_dict(self) -> dict[str, Any]:
        return {
            "credential": self.credential,
            "achievement": self.achievement,
            "name": self.name,
            "achievementType": self.achievement_type,
            "issuer": {"id": self.issuer, "name": self.issuer_name},
            "issued": _stamp(self.issued),
            "validUntil": _stamp(self.valid_until),
            "results": [dict(r) for r in self.results],
            "credits": {
                "ects": _number(self.workload.ects),
                "hours": _number(self.workload.hours),
                "credits": _number(self.workload.credits),
            },
            "eqfLevel": self.eqf_level,
            "state": self.state,
            "valid": self.state == "valid",
            "source": self.source,
        }


@dataclass(frozen=True)
class Totals:
    """What the valid credentials add up to. ``credentials`` counts them."""

    credentials: int = 0
    ects: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)
    credits: Decimal = Decimal(0)
    eqf_levels: tuple[int, ...] = ()

    @property
    def highest_eqf_level(self) -> int | None:
        return max(self.eqf_levels, default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "credentials": self.credentials,
            "ects": _number(self.ects),
            "hours": _number(self.hours),
            "credits": _number(self.credits),
            "eqfLevels": list(self.eqf_levels),
            "highestEqfLevel": self.highest_eqf_level,
        }


@dataclass(frozen=True)
class Transcript:
    entries: tuple[TranscriptEntry, ...]
    totals: Totals = field(default_factory=Totals)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": [e.to_dict() for e in self.entries],
            "totals": self.totals.to_dict(),
        }


def transcript(items: Iterable[RecordItem], now: datetime) -> Transcript:
    """The transcript of ``items`` at ``now``: every item, oldest first, and the totals of the
    valid ones."""
    entries = sorted(
        (_entry(item, now) for item in items),
        key=lambda e: (e.issued is None, e.issued or now, e.credential or ""),
    )
    return Transcript(tuple(entries), _totals(e for e in entries if e.state == "valid"))


def eqf_level(achievement: Mapping[str, Any]) -> int | None:
    """The EQF level an Achievement declares (ELM ``eqfLevel``), 1 to 8, or None."""
    value = achievement.get("eqfLevel")
    if isinstance(value, Mapping):  # a Concept written out: {"id": IRI, ...}
        value = value.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 8 else None
    if isinstance(value, str):
        found = _EQF_IRI.match(value.strip())
        if found:
            return int(found.group(1))
        if value.strip() in {str(n) for n in range(1, 9)}:
            return int(value.strip())
    return None


def _entry(item: RecordItem, now: datetime) -> TranscriptEntry:
    achievement = item.achievement
    kind = achievement.get("achievementType")
    name = achievement.get("name") or item.document.get("name") or ""
    issuer_name = item.issuer.get("name")
    results = item.subject.get("result")
    return TranscriptEntry(
        credential=item.id,
        achievement=item.achievement_id,
        name=name if isinstance(name, str) else "",
        achievement_type=kind if isinstance(kind, str) else None,
        issuer=item.issuer_id,
        issuer_name=issuer_name if isinstance(issuer_name, str) else None,
        issued=moment(item.subject.get("awardedDate")) or item.valid_from,
        valid_until=item.valid_until,
        results=tuple(r for r in results if isinstance(r, Mapping))
        if isinstance(results, list)
        else (),
        workload=workload_of(achievement),
        eqf_level=eqf_level(achievement),
        state=item.state(now),
        source=item.source,
    )


def _totals(entries: Iterable[TranscriptEntry]) -> Totals:
    # Per achievement (of its issuer) the larger workload, so a badge earned twice counts once.
    best: dict[tuple[str | None, str], Workload] = {}
    levels: set[int] = set()
    count = 0
    for entry in entries:
        count += 1
        if entry.eqf_level is not None:
            levels.add(entry.eqf_level)
        key = (entry.issuer, entry.achievement or f"credential:{entry.credential}")
        seen = best.get(key)
        best[key] = entry.workload if seen is None else _larger(seen, entry.workload)
    return Totals(
        credentials=count,
        ects=sum((w.ects or Decimal(0) for w in best.values()), Decimal(0)),
        hours=sum((w.hours or Decimal(0) for w in best.values()), Decimal(0)),
        credits=sum((w.credits or Decimal(0) for w in best.values()), Decimal(0)),
        eqf_levels=tuple(sorted(levels)),
    )


def _larger(a: Workload, b: Workload) -> Workload:
    def most(x: Decimal | None, y: Decimal | None) -> Decimal | None:
        return y if x is None else x if y is None else max(x, y)

    return Workload(most(a.ects, b.ects), most(a.hours, b.hours), most(a.credits, b.credits))


def _number(value: Decimal | None) -> float | int | None:
    """A Decimal for JSON: an integer when whole, else a float rounded to two places."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 2))


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None
