"""What the API answers, as pydantic models (``XPublic``) for the OpenAPI document.

>>> from credstack.verify import check
>>> result = verification_result(check("{not json"))
>>> result["verified"], result["errors"][0]["code"]
(False, 'malformed_json')
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.services.achievements import AchievementView
from credstack.verify.report import Check, VerificationReport


def problem_type(code: str) -> str:
    """The problem ``type`` URI of a code; URNs, as RFC 9457 section 3.1.1 allows."""
    return f"urn:credstack:problem:{code}"


class _Public(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)


class HealthPublic(_Public):
    status: str = "ok"


class OrganizationPublic(_Public):
    """An organisation as its members see it: its Profile fields and its DID."""

    slug: str
    name: str
    issuer_did: str
    did_method: str
    country: str | None = None
    url: str | None = None
    email: str | None = None
    image: str | None = None
    description: str | None = None
    street_address: str | None = None
    locality: str | None = None
    region: str | None = None
    postal_code: str | None = None
    accreditation: str | None = None
    accreditation_url: str | None = None
    created_at: AwareDatetime


class OrganizationUpdate(BaseModel):
    """The Profile fields to change; a field set to null is cleared, a missing one kept."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=2048)
    email: str | None = Field(default=None, max_length=320)
    image: str | None = Field(default=None, max_length=2048)
    description: str | None = Field(default=None, max_length=5000)
    country: str | None = Field(default=None, max_length=8, description="ISO 3166-1 alpha-2")
    street_address: str | None = Field(default=None, max_length=200)
    locality: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=32)
    accreditation: str | None = Field(default=None, max_length=5000)
    accreditation_url: str | None = Field(default=None, max_length=2048)

    def changes(self) -> dict[str, str | None]:
        """The fields the request named (snake_case), null ones included."""
        return self.model_dump(exclude_unset=True, by_alias=False)


class ProblemPublic(_Public):
    """An RFC 9457 problem (VC-API lists the problems of a verification this way)."""

    type: str
    title: str
    detail: str
    code: str


class VerificationResultPublic(_Public):
    """The VC-API verification result; ``report`` is the full report of named checks."""

    verified: bool
    checks: list[str]
    warnings: list[ProblemPublic]
    errors: list[ProblemPublic]
    report: dict[str, Any] = Field(description="Credstack's report: every named check.")


def _problem(check: Check) -> dict[str, str]:
    return {
        "type": problem_type(check.code),
        "title": check.name,
        "detail": check.message,
        "code": check.code,
    }


def _all(report: VerificationReport) -> list[Check]:
    checks = list(report.checks)
    for child in report.children:
        checks.extend(_all(child))
    return checks


def verification_result(report: VerificationReport) -> dict[str, Any]:
    """The VC-API result of ``report``: passed check names, warnings and errors as problems."""
    checks = _all(report)
    return {
        "verified": report.valid,
        "checks": list(dict.fromkeys(c.name for c in report.checks if c.outcome == "passed")),
        "warnings": [_problem(c) for c in checks if c.outcome == "warning"],
        "errors": [_problem(c) for c in checks if c.outcome == "failed"],
        "report": report.to_dict(),
    }


class AchievementPublic(_Public):
    """An achievement for its organisation: the current version's JSON and its quality report."""

    id: uuid.UUID
    status: str
    version: int
    profile: str | None = None
    achievement: dict[str, Any]
    quality: dict[str, Any] | None = Field(
        default=None, description="Which elements of the quality profile the achievement meets."
    )

    @classmethod
    def of(cls, view: AchievementView) -> AchievementPublic:
        return cls(
            id=view.record.id,
            status=view.record.status,
            version=view.version,
            profile=view.record.quality_profile,
            achievement=view.document,
            quality=view.quality.to_dict() if view.quality else None,
        )


class AchievementSummaryPublic(_Public):
    """An achievement as the organisation's list shows it."""

    id: uuid.UUID
    public_id: str
    name: str
    status: str
    version: int = Field(validation_alias="current_version")
    profile: str | None = Field(default=None, validation_alias="quality_profile")
    updated_at: AwareDatetime
