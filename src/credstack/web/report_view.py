"""A verification report and its credential, put in the words a page shows.

The checks themselves come from ``credstack.verify`` unchanged (their outcomes and sentences);
this module only names them for people and pulls out what the credential certifies: issuer,
achievement, criteria, skills (alignments), the EU micro-credential elements, and the
components a stacked credential names in its evidence.

>>> from credstack.verify.report import VerificationReport
>>> report = VerificationReport()
>>> report.add("proof", "failed", "bad_signature", "The signature does not match.").name
'proof'
>>> view = describe(report)
>>> view.valid, view.checks[0].title, view.checks[0].outcome_label
(False, 'Signature', 'Failed')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from credstack.model.quality import EU_MICROCREDENTIAL_CONTEXT, ElementResult, assess_eu_2022
from credstack.verify.report import Check, VerificationReport

CHECK_TITLES: Final = {
    "image": "Badge image",
    "parse": "Readable",
    "context": "Known vocabularies",
    "structure": "Well formed",
    "schema": "Open Badges schema",
    "proof": "Signature",
    "validity": "Dates",
    "status": "Not revoked or suspended",
    "issuer": "Issuer's own key",
    "ledger": "Transparency log",
    "related": "Linked files",
    "presentation": "Presentation",
}
OUTCOME_LABELS: Final = {
    "passed": "Passed",
    "failed": "Failed",
    "warning": "Warning",
    "skipped": "Not checked",
}


@dataclass(frozen=True)
class CheckView:
    name: str
    title: str
    outcome: str
    outcome_label: str
    code: str
    message: str
    spec: str | None


@dataclass(frozen=True)
class Skill:
    name: str
    url: str | None
    framework: str | None
    code: str | None


@dataclass(frozen=True)
class Component:
    """A credential that a stacked credential names as evidence."""

    name: str
    url: str | None
    description: str | None


@dataclass
class ReportView:
    valid: bool
    checks: list[CheckView]
    format: str
    credential_id: str | None = None
    name: str | None = None
    description: str | None = None
    issuer_name: str | None = None
    issuer_id: str | None = None
    issuer_url: str | None = None
    achievement_type: str | None = None
    criteria: str | None = None
    criteria_url: str | None = None
    image: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    skills: list[Skill] = field(default_factory=list)
    eu_elements: list[ElementResult] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    children: list[ReportView] = field(default_factory=list)

    @property
    def failures(self) -> list[CheckView]:
        return [c for c in self.checks if c.outcome == "failed"]


def describe(report: VerificationReport) -> ReportView:
    """The page's view of ``report`` (and of its children: a presentation's or CLR's)."""
    view = ReportView(
        valid=report.valid,
        checks=[_check(c) for c in report.checks],
        format=report.format,
        credential_id=report.credential_id,
        issuer_id=report.issuer_id,
        children=[describe(child) for child in report.children],
    )
    if report.document is not None:
        _read_document(view, report.document)
    return view


def _check(check: Check) -> CheckView:
    return CheckView(
        name=check.name,
        title=CHECK_TITLES.get(check.name, check.name.replace("_", " ").capitalize()),
        outcome=check.outcome,
        outcome_label=OUTCOME_LABELS[check.outcome],
        code=check.code,
        message=check.message,
        spec=check.spec,
    )


def _read_document(view: ReportView, document: Mapping[str, Any]) -> None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        view.issuer_name = _text(issuer.get("name"))
        view.issuer_url = _http(issuer.get("url"))
    view.valid_from = _text(document.get("validFrom") or document.get("issuanceDate"))
    view.valid_until = _text(document.get("validUntil") or document.get("expirationDate"))
    view.name = _text(document.get("name"))
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    if isinstance(achievement, Mapping):
        _read_achievement(view, achievement)
        if _names_eu_context(document):
            profile = issuer if isinstance(issuer, Mapping) else {}
            view.eu_elements = list(assess_eu_2022(achievement, profile).elements)
    view.components = [
        Component(
            name=_text(item.get("name")) or _text(item.get("id")) or "A component",
            url=_http(item.get("id")),
            description=_text(item.get("description")),
        )
        for item in _items(document.get("evidence"))
        if isinstance(item, Mapping) and item.get("digestMultibase")
    ]


def _read_achievement(view: ReportView, achievement: Mapping[str, Any]) -> None:
    view.name = _text(achievement.get("name")) or view.name
    view.description = _text(achievement.get("description"))
    view.achievement_type = _text(achievement.get("achievementType"))
    criteria = achievement.get("criteria")
    if isinstance(criteria, Mapping):
        view.criteria = _text(criteria.get("narrative"))
        view.criteria_url = _http(criteria.get("id"))
    image = achievement.get("image")
    image_id = image.get("id") if isinstance(image, Mapping) else image
    if isinstance(image_id, str) and image_id.startswith(("https://", "data:image/png;base64,")):
        view.image = image_id
    view.skills = [
        Skill(
            name=_text(a.get("targetName")) or "A skill",
            url=_http(a.get("targetUrl")),
            framework=_text(a.get("targetFramework")),
            code=_text(a.get("targetCode")),
        )
        for a in _items(achievement.get("alignment"))
        if isinstance(a, Mapping)
    ]


def _names_eu_context(document: Mapping[str, Any]) -> bool:
    return EU_MICROCREDENTIAL_CONTEXT in _items(document.get("@context"))


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _http(value: Any) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) stays text."""
    text = _text(value)
    return text if text and text.startswith(("https://", "http://")) else None
