"""The achievement form of the console: its fields to an OB 3.0 Achievement (JSON) and back.

The EU elements are the extension terms of ``model.quality`` (learningOutcome, creditPoint,
volumeOfLearning, eqfLevel, assessment, learningMode, qualityAssurance, entryRequirement,
supervisionAndIdentityVerification, isPartOf, integrationStackabilityOptions,
supplementaryDocument). Editing starts from the stored document, so properties the form does
not show (endorsements, other alignments, anything an API client set) are kept.

>>> form = AchievementForm(name="Teamwork", description="Works in a team.", criteria="Peers.",
...                        ects="5", eqf_level="6", skills=("http://data.europa.eu/esco/skill/S1",))
>>> document = form.to_document({})
>>> document["creditPoint"][0]["point"], document["eqfLevel"]
('5', 'http://data.europa.eu/snb/eqf/6')
>>> AchievementForm.from_document(document).ects
'5'
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import filetype

from credstack.errors import InvalidInput
from credstack.model.quality import ECTS
from credstack.web import skills

# OB 3.0 B.2.1 AchievementType (the common ones; the schema accepts ext: terms too).
ACHIEVEMENT_TYPES: Final = (
    "Achievement",
    "Badge",
    "Certificate",
    "Certification",
    "Competency",
    "Course",
    "License",
    "MicroCredential",
)
EQF: Final = "http://data.europa.eu/snb/eqf/"
MAX_IMAGE_BYTES: Final = 256 * 1024
IMAGE_TYPES: Final = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_HOURS: Final = re.compile(r"^PT(\d+)H$")
# The properties this form owns: what it leaves blank is removed from the document.
_OWNED: Final = (
    "description",
    "achievementType",
    "criteria",
    "inLanguage",
    "image",
    "learningOutcome",
    "creditPoint",
    "volumeOfLearning",
    "eqfLevel",
    "levelNotApplicable",
    "assessment",
    "learningMode",
    "qualityAssurance",
    "entryRequirement",
    "supervisionAndIdentityVerification",
    "isPartOf",
    "integrationStackabilityOptions",
    "supplementaryDocument",
)


@dataclass(frozen=True)
class AchievementForm:
    """The form's values, as text (what a browser posts)."""

    name: str = ""
    description: str = ""
    achievement_type: str = "MicroCredential"
    criteria: str = ""
    criteria_url: str = ""
    language: str = "en"
    skills: tuple[str, ...] = ()
    image: str = ""
    learning_outcomes: str = ""
    ects: str = ""
    hours: str = ""
    eqf_level: str = ""
    assessment: str = ""
    learning_mode: str = ""
    quality_assurance: str = ""
    quality_assurance_url: str = ""
    entry_requirement: str = ""
    supervision: str = ""
    is_part_of: str = ""
    stackability: str = ""
    supplementary: str = ""
    extra_alignments: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)

    @classmethod
    def from_post(cls, values: Mapping[str, str], chosen_skills: Sequence[str]) -> AchievementForm:
        """The form from posted fields (unknown ones ignored, each trimmed)."""
        names = {f.name for f in fields(cls)} - {"skills", "extra_alignments", "image"}
        texts: dict[str, Any] = {n: str(values[n]).strip() for n in names if n in values}
        filled = replace(cls(), **texts)
        return replace(filled, skills=tuple(s for s in chosen_skills if skills.find(s)))

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> AchievementForm:
        criteria = document.get("criteria") or {}
        alignments = [a for a in _items(document.get("alignment")) if isinstance(a, Mapping)]
        known = tuple(a["targetUrl"] for a in alignments if skills.find(str(a.get("targetUrl"))))
        credit: Any = next(iter(_items(document.get("creditPoint"))), {})
        hours = _HOURS.match(str(document.get("volumeOfLearning") or ""))
        level = str(document.get("eqfLevel") or "")
        quality: Any = next(iter(_items(document.get("qualityAssurance"))), {})
        image = document.get("image")
        return cls(
            name=_text(document.get("name")),
            description=_text(document.get("description")),
            achievement_type=_text(document.get("achievementType")),
            criteria=_text(criteria.get("narrative")),
            criteria_url=_text(criteria.get("id")),
            language=_text(document.get("inLanguage")),
            skills=known,
            image=_text(image.get("id")) if isinstance(image, Mapping) else _text(image),
            learning_outcomes="\n".join(
                _text(o.get("title")) if isinstance(o, Mapping) else _text(o)
                for o in _items(document.get("learningOutcome"))
            ),
            ects=_text(credit.get("point")) if isinstance(credit, Mapping) else "",
            hours=hours.group(1) if hours else "",
            eqf_level=(
                level.removeprefix(EQF)
                if level.startswith(EQF)
                else ("none" if document.get("levelNotApplicable") is True else "")
            ),
            assessment=_title(next(iter(_items(document.get("assessment"))), "")),
            learning_mode=_text(next(iter(_items(document.get("learningMode"))), "")),
            quality_assurance=_title(quality),
            quality_assurance_url=_text(quality.get("homepage"))
            if isinstance(quality, Mapping)
            else "",
            entry_requirement=_note(document.get("entryRequirement")),
            supervision=_text(document.get("supervisionAndIdentityVerification")),
            is_part_of=_text(next(iter(_items(document.get("isPartOf"))), "")),
            stackability=_text(document.get("integrationStackabilityOptions")),
            supplementary=_text(next(iter(_items(document.get("supplementaryDocument"))), "")),
            extra_alignments=tuple(a for a in alignments if not skills.find(str(a["targetUrl"]))),
        )

    def with_image(self, image: str) -> AchievementForm:
        return replace(self, image=image)

    def to_document(self, base: Mapping[str, Any]) -> dict[str, Any]:
        """The Achievement: ``base`` (the stored one, or empty) with the form's values.

        Raises ``InvalidInput`` (``invalid_field``) for a number or level that is not one.
        """
        document = {k: v for k, v in base.items() if k not in _OWNED and k != "alignment"}
        document.setdefault("type", ["Achievement"])
        document["name"] = self.name
        _put(document, "description", self.description)
        _put(document, "achievementType", self.achievement_type)
        criteria = {k: v for k, v in (("id", self.criteria_url), ("narrative", self.criteria)) if v}
        _put(document, "criteria", criteria)
        _put(document, "inLanguage", self.language)
        if self.image:
            document["image"] = {"id": self.image, "type": "Image", "caption": self.name}
        alignments = [*self.extra_alignments]
        alignments += [s.alignment() for url in self.skills if (s := skills.find(url))]
        _put(document, "alignment", alignments)
        outcomes = [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]
        _put(
            document,
            "learningOutcome",
            [{"type": "LearningOutcome", "title": outcome} for outcome in outcomes],
        )
        if self.ects:
            points = _decimal(self.ects, "ECTS credits")
            document["creditPoint"] = [{"type": "CreditPoint", "framework": ECTS, "point": points}]
        if self.hours:
            if not self.hours.isdigit() or int(self.hours) == 0:
                raise _field("Hours of learning", "a whole number above 0")
            document["volumeOfLearning"] = f"PT{int(self.hours)}H"
        if self.eqf_level == "none":
            document["levelNotApplicable"] = True
        elif self.eqf_level:
            if self.eqf_level not in {str(n) for n in range(1, 9)}:
                raise _field("EQF level", "a level from 1 to 8")
            document["eqfLevel"] = EQF + self.eqf_level
        if self.assessment:
            document["assessment"] = [
                {"type": "LearningAssessmentSpecification", "title": self.assessment}
            ]
        _put(document, "learningMode", [_url(self.learning_mode, "Learning mode")])
        if self.quality_assurance:
            quality: dict[str, Any] = {"type": "Accreditation", "title": self.quality_assurance}
            if self.quality_assurance_url:
                quality["homepage"] = _url(self.quality_assurance_url, "Quality assurance page")
            document["qualityAssurance"] = [quality]
        if self.entry_requirement:
            document["entryRequirement"] = {
                "type": "Note",
                "noteLiteral": {self.language or "en": self.entry_requirement},
            }
        _put(document, "supervisionAndIdentityVerification", self.supervision)
        _put(document, "isPartOf", [_url(self.is_part_of, "Part of")])
        _put(document, "integrationStackabilityOptions", self.stackability)
        _put(document, "supplementaryDocument", [_url(self.supplementary, "Further information")])
        return document


def image_data_uri(data: bytes) -> str:
    """An uploaded badge image as a data URI; PNG, JPEG, GIF or WebP up to 256 KB.

    SVG is refused: it can carry scripts, and a data URI would carry them along.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput(
            f"The image has {len(data)} bytes; at most {MAX_IMAGE_BYTES} are accepted.",
            code="image_too_large",
        )
    kind = filetype.guess_mime(data)
    if kind not in IMAGE_TYPES:
        raise InvalidInput(
            "The image must be a PNG, JPEG, GIF or WebP file.", code="unsupported_image"
        )
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _put(document: dict[str, Any], key: str, value: Any) -> None:
    if isinstance(value, list):
        value = [v for v in value if v]
    if value:
        document[key] = value


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _title(value: Any) -> str:
    return _text(value.get("title")) if isinstance(value, Mapping) else _text(value)


def _note(value: Any) -> str:
    if isinstance(value, Mapping) and isinstance(value.get("noteLiteral"), Mapping):
        return next((_text(v) for v in value["noteLiteral"].values() if _text(v)), "")
    return _title(value)


def _decimal(value: str, label: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _field(label, "a number such as 5 or 2.5") from None
    if not number.is_finite() or number <= 0:
        raise _field(label, "a number above 0")
    return value


def _url(value: str, label: str) -> str:
    if value and not value.startswith(("https://", "http://")):
        raise _field(label, "a web address starting with https://")
    return value


def _field(label: str, wanted: str) -> InvalidInput:
    return InvalidInput(f"{label} must be {wanted}.", code="invalid_field")
