"""What a credential certifies: OB 3.0 B.1.1 Achievement and the classes that describe it.

>>> achievement = Achievement.from_json({
...     "id": "https://example.edu/achievements/teamwork", "type": ["Achievement"],
...     "name": "Teamwork", "description": "Works well in a team.",
...     "criteria": {"narrative": "Nominated by peers."},
... })
>>> achievement.criteria.narrative
'Nominated by peers.'

Enumerations that the specification calls extensible (achievementType, alignment targetType,
resultType) are plain strings here; the JSON Schema checks their vocabulary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from credstack.model.common import IdentifierEntry, Image, Number, OBModel
from credstack.model.fields import OneOrMany, Types
from credstack.model.profile import Profile

if TYPE_CHECKING:
    # Endorsements are credentials about the achievement: see the note in profile.py.
    from credstack.model.credential import EndorsementCredential


class Alignment(OBModel):
    """B.1.5: an alignment to a node in an educational framework (a competency, a standard)."""

    required_types = (("Alignment",),)

    type: Types
    target_code: str | None = None
    target_description: str | None = None
    target_name: str
    target_framework: str | None = None
    target_type: str | None = None
    target_url: str


class Criteria(OBModel):
    """B.1.6: how to earn the achievement: a page (``id``), a Markdown narrative, or both."""

    id: str | None = None
    narrative: str | None = None


class RubricCriterionLevel(OBModel):
    """B.1.18: one level of a rubric criterion, which a Result can name as achieved."""

    required_types = (("RubricCriterionLevel",),)

    id: str
    type: Types
    alignment: OneOrMany[Alignment] | None = None
    description: str | None = None
    level: str | None = None
    name: str
    points: str | None = None


class ResultDescription(OBModel):
    """B.1.17: a possible result of the achievement (a grade, a status, a rubric level)."""

    required_types = (("ResultDescription",),)

    id: str
    type: Types
    alignment: OneOrMany[Alignment] | None = None
    allowed_value: OneOrMany[str] | None = None
    name: str
    required_level: str | None = None
    required_value: str | None = None
    result_type: str
    rubric_criterion_level: OneOrMany[RubricCriterionLevel] | None = None
    value_max: str | None = None
    value_min: str | None = None


class Related(OBModel):
    """B.1.15: another Achievement that is the same for most purposes (a translation, a version)."""

    required_types = (("Related",),)

    id: str
    type: Types
    in_language: str | None = None
    version: str | None = None


class Achievement(OBModel):
    """B.1.1: the accomplishment a credential recognises; one Achievement, many credentials."""

    required_types = (("Achievement",),)

    id: str
    type: Types
    alignment: OneOrMany[Alignment] | None = None
    achievement_type: str | None = None
    creator: Profile | None = None
    credits_available: Number | None = None
    criteria: Criteria
    description: str
    endorsement: OneOrMany[EndorsementCredential] | None = None
    endorsement_jwt: OneOrMany[str] | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    image: Image | None = None
    in_language: str | None = None
    name: str
    other_identifier: OneOrMany[IdentifierEntry] | None = None
    related: OneOrMany[Related] | None = None
    result_description: OneOrMany[ResultDescription] | None = None
    specialization: str | None = None
    tag: OneOrMany[str] | None = None
    version: str | None = None
