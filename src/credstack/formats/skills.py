"""A learner's skills profile: the skills their valid credentials align to, grouped by framework,
each with the credentials that prove it.

A skill comes from an Achievement's ``alignment`` (OB 3.0 Alignment: ``targetName``,
``targetUrl``, ``targetFramework``, ``targetCode``, ``targetType``) or from an ESCO skill an ELM
learning outcome names (``learningOutcome[].relatedESCOSkill``, framework ``ESCO``). The same
skill from several credentials is one skill: the same ``targetUrl``, or failing that the same
``targetCode`` in the same framework, or the same name in the same framework.

>>> import json
>>> from datetime import UTC, datetime
>>> item = RecordItem.parse(json.dumps({"id": "urn:c", "credentialSubject": {"achievement": {
...     "alignment": [{"targetName": "Stats", "targetUrl": "https://x/1",
...                    "targetFramework": "ESCO"}]}}}))
>>> [f.framework for f in skills_profile([item], datetime(2026, 1, 1, tzinfo=UTC)).frameworks]
['ESCO']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from credstack.formats.record import RecordItem

ESCO: Final = "ESCO"
UNNAMED: Final = "Other"  # the group of alignments that name no framework
_ESCO_PREFIX: Final = "http://data.europa.eu/esco/"

__all__ = ["Framework", "Skill", "SkillsProfile", "skills_profile"]


@dataclass
class Skill:
    name: str
    url: str | None = None
    code: str | None = None
    type: str | None = None
    description: str | None = None
    credentials: list[Mapping[str, str | None]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "targetUrl": self.url,
            "targetCode": self.code,
            "targetType": self.type,
            "targetDescription": self.description,
            "credentials": [dict(c) for c in self.credentials],
        }


@dataclass
class Framework:
    framework: str
    skills: list[Skill] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "skills": [s.to_dict() for s in self.skills]}


@dataclass(frozen=True)
class SkillsProfile:
    frameworks: tuple[Framework, ...]

    @property
    def count(self) -> int:
        return sum(len(f.skills) for f in self.frameworks)

    def to_dict(self) -> dict[str, Any]:
        return {"skills": self.count, "frameworks": [f.to_dict() for f in self.frameworks]}


def skills_profile(items: Iterable[RecordItem], now: datetime) -> SkillsProfile:
    """The skills of the items valid at ``now``; frameworks and skills sorted by name."""
    # A skill named by URL is one skill whichever framework label it came with: it stays in
    # the framework it was first seen under.
    seen: dict[tuple[str, ...], tuple[str, Skill]] = {}
    for item in items:
        if not item.valid(now):
            continue
        proof = {
            "id": item.id,
            "name": _text(item.achievement.get("name")) or _text(item.document.get("name")),
            "issuer": item.issuer_id,
        }
        for framework, skill in _skills(item.achievement):
            _, found = seen.setdefault(_key(framework, skill), (framework, skill))
            if found is not skill:
                _complete(found, skill)
            if proof not in found.credentials:
                found.credentials.append(proof)
    groups: dict[str, list[Skill]] = {}
    for framework, skill in seen.values():
        groups.setdefault(framework, []).append(skill)
    return SkillsProfile(
        tuple(
            Framework(name, sorted(skills, key=lambda s: (s.name.lower(), s.url or "")))
            for name, skills in sorted(groups.items(), key=lambda g: g[0].lower())
        )
    )


def _skills(achievement: Mapping[str, Any]) -> Iterable[tuple[str, Skill]]:
    for alignment in _items(achievement.get("alignment")):
        if not isinstance(alignment, Mapping):
            continue
        url, name = _text(alignment.get("targetUrl")), _text(alignment.get("targetName"))
        if not (url or name):
            continue
        framework = _text(alignment.get("targetFramework")) or (
            ESCO if url and url.startswith(_ESCO_PREFIX) else UNNAMED
        )
        yield (
            framework,
            Skill(
                name=name or url or "",
                url=url,
                code=_text(alignment.get("targetCode")),
                type=_text(alignment.get("targetType")),
                description=_text(alignment.get("targetDescription")),
            ),
        )
    for outcome in _items(achievement.get("learningOutcome")):
        if not isinstance(outcome, Mapping):
            continue
        for related in _items(outcome.get("relatedESCOSkill")):
            url = _text(related.get("id")) if isinstance(related, Mapping) else _text(related)
            if url:
                title = _text(outcome.get("title"))
                yield ESCO, Skill(name=title or url, url=url, type="Skill")


def _key(framework: str, skill: Skill) -> tuple[str, ...]:
    if skill.url:
        return ("url", skill.url.rstrip("/"))
    if skill.code:
        return ("code", framework, skill.code)
    return ("name", framework, skill.name.strip().lower())


def _complete(found: Skill, other: Skill) -> None:
    """Fill what the first sighting of a skill left out from a later one."""
    found.code = found.code or other.code
    found.type = found.type or other.type
    found.description = found.description or other.description
    if found.url and found.name == found.url and other.name != other.url:
        found.name = other.name


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
