"""The console's assessment settings form: rows of rubric criteria and levels, the pass mark,
the evidence accepted and the reviews needed, to the JSON that ``AssessmentService.configure``
takes (the body of ``PUT .../assessment``) and back.

A browser posts flat fields: ``c0_name``, ``c0_l1_points``... A criterion or level whose
fields are all blank is left out, so the form can offer empty rows to fill in; an id left
blank is made from the name (ids are kept in issued credentials' results, so a stored one is
shown and kept). What the rubric must be is ``assessment.parse_rubric``'s to say.

>>> form = SettingsForm.from_post({"prompt": "Write.", "pass_threshold": "2",
...     "c0_name": "Clarity", "c0_l0_name": "Weak", "c0_l0_points": "0",
...     "c0_l1_name": "Good", "c0_l1_points": "2", "c1_name": ""})
>>> form.rubric()["criteria"][0]["levels"][1]
{'id': 'good', 'name': 'Good', 'points': '2'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from credstack.errors import InvalidInput

_FIELD: Final = re.compile(r"^c(\d{1,2})_(?:l(\d{1,2})_)?(id|name|description|points)$")
_NOT_ID: Final = re.compile(r"[^a-z0-9]+")
KB: Final = 1024


@dataclass(frozen=True)
class LevelRow:
    id: str = ""
    name: str = ""
    points: str = ""
    description: str = ""

    @property
    def blank(self) -> bool:
        return not (self.id or self.name or self.points or self.description)


@dataclass(frozen=True)
class CriterionRow:
    id: str = ""
    name: str = ""
    description: str = ""
    levels: tuple[LevelRow, ...] = ()

    @property
    def blank(self) -> bool:
        return not (self.id or self.name or self.description) and all(
            level.blank for level in self.levels
        )


@dataclass(frozen=True)
class SettingsForm:
    """The form's values, as text."""

    prompt: str = ""
    pass_threshold: str = ""
    reviews_required: str = "1"
    evidence_text: bool = True
    evidence_url: bool = True
    file_types: str = ""
    max_file_kb: str = ""
    max_items: str = "5"
    criteria: tuple[CriterionRow, ...] = field(default=())

    @classmethod
    def from_post(cls, values: Mapping[str, str]) -> SettingsForm:
        rows: dict[int, dict[str, str]] = {}
        levels: dict[tuple[int, int], dict[str, str]] = {}
        for key, value in values.items():
            found = _FIELD.match(key)
            if found is None:
                continue
            criterion, level, name = found.groups()
            if level is None:
                rows.setdefault(int(criterion), {})[name] = value.strip()
            else:
                levels.setdefault((int(criterion), int(level)), {})[name] = value.strip()
        criteria = []
        for index in sorted(set(rows) | {c for c, _ in levels}):
            own = [
                LevelRow(**_only(levels[key], LevelRow))
                for key in sorted(levels)
                if key[0] == index
            ]
            row = CriterionRow(**_only(rows.get(index, {}), CriterionRow), levels=tuple(own))
            criteria.append(row)
        return cls(
            prompt=values.get("prompt", "").strip(),
            pass_threshold=values.get("pass_threshold", "").strip(),
            reviews_required=values.get("reviews_required", "1").strip(),
            evidence_text=values.get("evidence_text") == "on",
            evidence_url=values.get("evidence_url") == "on",
            file_types=values.get("file_types", "").strip(),
            max_file_kb=values.get("max_file_kb", "").strip(),
            max_items=values.get("max_items", "").strip(),
            criteria=tuple(criteria),
        ).filled()

    @classmethod
    def from_settings(
        cls, prompt: str, rubric: Mapping[str, Any], evidence: Mapping[str, Any], reviews: int
    ) -> SettingsForm:
        """The form of stored settings (their JSON forms, as ``configure`` keeps them)."""
        criteria = tuple(
            CriterionRow(
                id=str(c["id"]),
                name=str(c["name"]),
                description=str(c.get("description") or ""),
                levels=tuple(
                    LevelRow(
                        id=str(level["id"]),
                        name=str(level["name"]),
                        points=str(level["points"]),
                        description=str(level.get("description") or ""),
                    )
                    for level in c["levels"]
                ),
            )
            for c in rubric.get("criteria", [])
        )
        max_bytes = int(evidence.get("maxFileBytes", 0))
        return cls(
            prompt=prompt,
            pass_threshold=str(rubric.get("passThreshold", "")),
            reviews_required=str(reviews),
            evidence_text=evidence.get("text", True) is True,
            evidence_url=evidence.get("url", True) is True,
            file_types=", ".join(evidence.get("fileTypes", [])),
            max_file_kb=str(-(-max_bytes // KB)) if max_bytes else "",
            max_items=str(evidence.get("maxItems", 5)),
            criteria=criteria,
        )

    def filled(self) -> SettingsForm:
        """The rows that have something in them; levels in a criterion, criteria in order."""
        kept = [
            replace(c, levels=tuple(level for level in c.levels if not level.blank))
            for c in self.criteria
            if not c.blank
        ]
        return replace(self, criteria=tuple(kept))

    def with_blank_rows(self, levels: int = 1) -> SettingsForm:
        """The form as shown: each criterion with ``levels`` empty levels to fill in, and an
        empty criterion after the last (with three empty levels)."""
        rows = [replace(c, levels=c.levels + (LevelRow(),) * levels) for c in self.criteria]
        rows.append(CriterionRow(levels=(LevelRow(),) * 3))
        return replace(self, criteria=tuple(rows))

    def rubric(self) -> dict[str, Any]:
        """The rubric's JSON form, ids made from names where left blank."""
        criteria = []
        for n, c in enumerate(self.criteria):
            levels = [
                _described(
                    {
                        "id": level.id or _id(level.name, f"l{m}"),
                        "name": level.name,
                        "points": level.points,
                    },
                    level.description,
                )
                for m, level in enumerate(c.levels)
            ]
            criteria.append(
                _described(
                    {"id": c.id or _id(c.name, f"c{n}"), "name": c.name, "levels": levels},
                    c.description,
                )
            )
        return {"criteria": criteria, "passThreshold": self.pass_threshold}

    def evidence(self) -> dict[str, Any]:
        """The evidence policy's JSON form; ``InvalidInput`` for a size or count not a number."""
        types = [t.strip() for t in re.split(r"[,\s]+", self.file_types) if t.strip()]
        return {
            "text": self.evidence_text,
            "url": self.evidence_url,
            "fileTypes": types,
            "maxFileBytes": _whole(self.max_file_kb, "The largest file (KB)", 0) * KB,
            "maxItems": _whole(self.max_items, "The most pieces of evidence", 5),
        }

    def reviews(self) -> int:
        return _whole(self.reviews_required, "The number of reviews", 1)


def _only(values: Mapping[str, str], kind: type[Any]) -> dict[str, str]:
    names = set(kind.__dataclass_fields__) - {"levels"}
    return {k: v for k, v in values.items() if k in names}


def _described(out: dict[str, Any], description: str) -> dict[str, Any]:
    return {**out, "description": description} if description else out


def _id(name: str, fallback: str) -> str:
    made = _NOT_ID.sub("-", name.lower()).strip("-")[:64].strip("-")
    return made or fallback


def _whole(value: str, label: str, default: int) -> int:
    if not value:
        return default
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput(f"{label} must be a whole number.", code="invalid_field")
    return int(value)
