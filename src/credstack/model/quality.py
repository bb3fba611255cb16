"""Quality profiles: what an Achievement must say to meet a named standard.

``eu-2022`` is the 2022 Council Recommendation on a European approach to micro-credentials
(OJ C 243, 27.6.2022), Annex I: eleven mandatory elements (part I) and five optional ones
(part II). Native Open Badges 3.0 properties carry what they can (name, the issuer Profile, the
credential's validFrom and credentialSubject, Result); the rest are extension properties of the
Achievement defined by the bundled context ``EU_MICROCREDENTIAL_CONTEXT``, whose terms map to
the European Learning Model (ELM v3) where ELM has the concept. The mapping follows the ELM v3
Annex I sample (``Sample-MC-Annex1``): learning outcomes, credit points, EQF level, mode,
assessment (``provenBy``), accreditation, entry requirements, ``isPartOf``.

``Achievement.creditsAvailable`` is not read as ECTS: OB 3.0 gives it no unit (B.1.1: "credits
available to the earner"), so a bare number cannot say which credit system it counts in. ECTS
comes from an ELM ``creditPoint`` whose ``framework`` is the ECTS concept; notional workload
without ECTS comes from ``volumeOfLearning`` (an xsd:duration, hours of learning).

>>> report = assess_eu_2022({"name": "Teamwork"}, {"name": "Acme", "address": {}})
>>> report.met
False
>>> [e.id for e in report.missing]  # doctest: +NORMALIZE_WHITESPACE
['country', 'learning_outcomes', 'workload', 'level', 'assessment', 'participation',
 'quality_assurance']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from credstack.errors import InvalidInput

# Contexts are bundled with the package (jsonld/contexts) and never fetched; the server serves
# the same file at this URL so that others can read the terms.
EU_MICROCREDENTIAL_CONTEXT: Final = "https://credstack.org/contexts/eu-microcredential/v1.json"
# The ECTS concept of the EU "education credit" vocabulary, as in the ELM v3 Annex I sample.
ECTS: Final = "http://data.europa.eu/snb/education-credit/6fcec5c5af"

ProfileName = Literal["eu-2022"]
PROFILES: Final[tuple[ProfileName, ...]] = ("eu-2022",)


@dataclass(frozen=True)
class ElementResult:
    """One element of a profile: whether the achievement provides it, and a sentence why."""

    id: str
    label: str
    mandatory: bool
    met: bool
    note: str
    # True when the element belongs to each issued credential, not to the achievement.
    at_issue: bool = False


@dataclass(frozen=True)
class QualityReport:
    profile: ProfileName
    elements: tuple[ElementResult, ...]

    @property
    def missing(self) -> tuple[ElementResult, ...]:
        """The mandatory elements that are not met."""
        return tuple(e for e in self.elements if e.mandatory and not e.met)

    @property
    def met(self) -> bool:
        return not self.missing

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "met": self.met,
            "elements": [
                {
                    "id": e.id,
                    "label": e.label,
                    "mandatory": e.mandatory,
                    "met": e.met,
                    "atIssue": e.at_issue,
                    "note": e.note,
                }
                for e in self.elements
            ],
        }


class QualityProfileUnmet(InvalidInput):
    """An achievement lacks mandatory elements of its quality profile; ``report`` says which."""

    code = "quality_profile_unmet"

    def __init__(self, report: QualityReport) -> None:
        labels = "; ".join(f"{e.label} ({e.id})" for e in report.missing)
        super().__init__(f"The achievement does not meet {report.profile}: missing {labels}.")
        self.report = report


def check_profile(name: str) -> ProfileName:
    """``name`` as a profile name, or ``InvalidInput`` (code ``unknown_quality_profile``)."""
    for profile in PROFILES:
        if name == profile:
            return profile
    raise InvalidInput(
        f"{name!r} is not a quality profile; use one of {', '.join(PROFILES)}.",
        code="unknown_quality_profile",
    )


def assess(
    profile: ProfileName, achievement: Mapping[str, Any], issuer: Mapping[str, Any] | None = None
) -> QualityReport:
    """The report of ``profile`` for ``achievement`` (only ``eu-2022`` exists so far)."""
    return assess_eu_2022(achievement, issuer)


def assess_eu_2022(
    achievement: Mapping[str, Any], issuer: Mapping[str, Any] | None = None
) -> QualityReport:
    """Every Annex I element for an OB 3.0 Achievement (JSON) and its issuer Profile (JSON).

    Without ``issuer`` the Achievement's ``creator`` Profile stands in for it.
    """
    if issuer is None:
        creator = achievement.get("creator")
        issuer = creator if isinstance(creator, Mapping) else {}
    return QualityReport("eu-2022", tuple(_element(spec, achievement, issuer) for spec in _EU_2022))


Check = Callable[[Mapping[str, Any], Mapping[str, Any]], str | None]
"""Returns where the element was found, or None when it is missing."""


@dataclass(frozen=True)
class _Spec:
    id: str
    label: str
    mandatory: bool
    check: Check | None
    missing: str
    at_issue: str = ""


def _element(
    spec: _Spec, achievement: Mapping[str, Any], issuer: Mapping[str, Any]
) -> ElementResult:
    if spec.check is None:
        return ElementResult(spec.id, spec.label, spec.mandatory, True, spec.at_issue, True)
    found = spec.check(achievement, issuer)
    if found is None:
        return ElementResult(spec.id, spec.label, spec.mandatory, False, spec.missing)
    return ElementResult(spec.id, spec.label, spec.mandatory, True, found)


def _text(value: Any) -> str | None:
    """A non-empty string: plain, a node's ``title``, or an ELM Note's ``noteLiteral``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        if "title" in value:
            return _text(value["title"])
        if "noteLiteral" in value:
            # A language map (elm:noteLiteral is @container @language): any language will do.
            literal = value["noteLiteral"]
            texts = [_text(v) for v in literal.values()] if isinstance(literal, Mapping) else []
            return next((t for t in texts if t), _text(literal))
    return None


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _iri(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://", "urn:"))


def _title(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    return "Achievement.name" if _text(achievement.get("name")) else None


def _country(_: Mapping[str, Any], issuer: Mapping[str, Any]) -> str | None:
    address = issuer.get("address")
    if isinstance(address, Mapping) and _text(address.get("addressCountry")):
        return f"issuer Profile address.addressCountry ({address['addressCountry']})"
    return None


def _awarding_body(_: Mapping[str, Any], issuer: Mapping[str, Any]) -> str | None:
    name = _text(issuer.get("name"))
    return f"issuer Profile name ({name})" if name else None


def _learning_outcomes(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    outcomes = [o for o in _items(achievement.get("learningOutcome")) if _text(o)]
    return f"learningOutcome (elm:learningOutcome), {len(outcomes)} given" if outcomes else None


def _workload(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    for credit in _items(achievement.get("creditPoint")):
        if isinstance(credit, Mapping) and _text(credit.get("point")):
            system = "ECTS" if credit.get("framework") == ECTS else "credits"
            return f"creditPoint (elm:creditPoint): {credit['point']} {system}"
    volume = _text(achievement.get("volumeOfLearning"))
    return f"volumeOfLearning (elm:volumeOfLearning): {volume}" if volume else None


def _level(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    found = [
        f"{key} ({achievement[key]})"
        for key in ("eqfLevel", "qfEheaLevel")
        if _iri(achievement.get(key))
    ]
    if found:
        return ", ".join(found)
    if achievement.get("levelNotApplicable") is True:
        return "levelNotApplicable: no EQF or QF-EHEA level applies"
    return None


def _assessment(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    found = [a for a in _items(achievement.get("assessment")) if _text(a)]
    return "assessment (elm:provenBy)" if found else None


def _participation(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    modes = [m for m in _items(achievement.get("learningMode")) if _iri(m)]
    if modes:
        return f"learningMode (elm:mode): {', '.join(modes)}"
    return None


def _quality_assurance(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    found = [q for q in _items(achievement.get("qualityAssurance")) if _text(q)]
    return "qualityAssurance (elm:accreditation)" if found else None


def _prerequisites(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    return (
        "entryRequirement (elm:entryRequirement)"
        if _text(achievement.get("entryRequirement"))
        else None
    )


def _supervision(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    if _text(achievement.get("supervisionAndIdentityVerification")):
        return "supervisionAndIdentityVerification"
    return None


def _stackability(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    found = []
    if [p for p in _items(achievement.get("isPartOf")) if _iri(p)]:
        found.append("isPartOf (elm:isPartOf)")
    if _text(achievement.get("integrationStackabilityOptions")):
        found.append("integrationStackabilityOptions")
    return ", ".join(found) or None


def _further_information(achievement: Mapping[str, Any], _: Mapping[str, Any]) -> str | None:
    if [d for d in _items(achievement.get("supplementaryDocument")) if _iri(d)]:
        return "supplementaryDocument (elm:supplementaryDocument)"
    return None


_EU_2022: Final = (
    _Spec(
        "learner",
        "Identification of the learner",
        True,
        None,
        "",
        "Provided at issue time: the credential's credentialSubject id or identifier.",
    ),
    _Spec("title", "Title of the micro-credential", True, _title, "Give the Achievement a name."),
    _Spec(
        "country",
        "Country/region of the issuer",
        True,
        _country,
        "Give the issuer Profile an address with addressCountry (the organisation's country).",
    ),
    _Spec(
        "awarding_body",
        "Awarding body",
        True,
        _awarding_body,
        "Give the issuer Profile a name.",
    ),
    _Spec(
        "date_of_issuing",
        "Date of issuing",
        True,
        None,
        "",
        "Provided at issue time: the credential's validFrom (and awardedDate when given).",
    ),
    _Spec(
        "learning_outcomes",
        "Learning outcomes",
        True,
        _learning_outcomes,
        "Add learningOutcome entries, each a LearningOutcome with a title.",
    ),
    _Spec(
        "workload",
        "Notional workload (ECTS where possible)",
        True,
        _workload,
        "Add creditPoint (framework ECTS, point) or volumeOfLearning (an ISO 8601 duration); "
        "creditsAvailable alone names no credit system.",
    ),
    _Spec(
        "level",
        "Level (EQF and/or QF-EHEA), where applicable",
        True,
        _level,
        "Add eqfLevel or qfEheaLevel (an IRI), or levelNotApplicable: true.",
    ),
    _Spec(
        "assessment",
        "Type of assessment",
        True,
        _assessment,
        "Add assessment: a LearningAssessmentSpecification with a title.",
    ),
    _Spec(
        "participation",
        "Form of participation in the learning activity",
        True,
        _participation,
        "Add learningMode: IRIs of the EU mode of learning and assessment vocabulary "
        "(online, onsite, blended).",
    ),
    _Spec(
        "quality_assurance",
        "Type of quality assurance used",
        True,
        _quality_assurance,
        "Add qualityAssurance: an Accreditation with a title.",
    ),
    _Spec(
        "prerequisites",
        "Prerequisites needed to enrol",
        False,
        _prerequisites,
        "Not given (optional): entryRequirement.",
    ),
    _Spec(
        "supervision",
        "Supervision and identity verification during assessment",
        False,
        _supervision,
        "Not given (optional): supervisionAndIdentityVerification.",
    ),
    _Spec(
        "grade",
        "Grade achieved",
        False,
        None,
        "",
        "Provided at issue time: the credential's result, against the Achievement's "
        "resultDescription.",
    ),
    _Spec(
        "stackability",
        "Integration/stackability options",
        False,
        _stackability,
        "Not given (optional): isPartOf or integrationStackabilityOptions.",
    ),
    _Spec(
        "further_information",
        "Further information",
        False,
        _further_information,
        "Not given (optional): supplementaryDocument.",
    ),
)
