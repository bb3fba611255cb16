"""The eu-2022 quality profile, and the bundled EU micro-credential context it relies on.

The fixture ``eu_achievement.json`` follows the ELM v3 Annex I sample
(../shared/vectors/eu-microcredential/elm-v3): the same concepts, expressed on an OB 3.0
Achievement through the Credstack EU context.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from credstack.errors import InvalidInput, UndefinedTerm
from credstack.issue import build_credential, issue
from credstack.jsonld import canonicalize, load_context
from credstack.model import Achievement
from credstack.model.quality import (
    ECTS,
    EU_MICROCREDENTIAL_CONTEXT,
    QualityProfileUnmet,
    assess,
    assess_eu_2022,
    check_profile,
)
from credstack.model.schema import validate
from credstack.proofs.keys import generate_key
from credstack.verify import check

FIXTURE = Path(__file__).with_name("eu_achievement.json")
ISSUER = {
    "id": "did:web:uniz.example",
    "type": ["Profile"],
    "name": "University of Zed",
    "address": {"type": ["Address"], "addressCountry": "IE"},
}
MANDATORY_ON_ACHIEVEMENT = {
    "title": ["name"],
    "learning_outcomes": ["learningOutcome"],
    "workload": ["creditPoint", "volumeOfLearning"],
    "level": ["eqfLevel"],
    "assessment": ["assessment"],
    "participation": ["learningMode"],
    "quality_assurance": ["qualityAssurance"],
}
OPTIONAL_ON_ACHIEVEMENT = {
    "prerequisites": ["entryRequirement"],
    "supervision": ["supervisionAndIdentityVerification"],
    "stackability": ["isPartOf", "integrationStackabilityOptions"],
    "further_information": ["supplementaryDocument"],
}


def eu_achievement() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    del document["@context"]
    return document


def test_a_complete_eu_achievement_meets_every_element() -> None:
    report = assess_eu_2022(eu_achievement(), ISSUER)
    assert report.met
    assert [e.id for e in report.elements if e.mandatory] == [
        "learner",
        "title",
        "country",
        "awarding_body",
        "date_of_issuing",
        "learning_outcomes",
        "workload",
        "level",
        "assessment",
        "participation",
        "quality_assurance",
    ]
    assert [e.id for e in report.elements if not e.mandatory] == [
        "prerequisites",
        "supervision",
        "grade",
        "stackability",
        "further_information",
    ]
    assert all(e.met for e in report.elements)
    assert {e.id for e in report.elements if e.at_issue} == {"learner", "date_of_issuing", "grade"}
    workload = next(e for e in report.elements if e.id == "workload")
    assert "5 ECTS" in workload.note


@pytest.mark.parametrize("element", sorted(MANDATORY_ON_ACHIEVEMENT))
def test_removing_a_mandatory_element_fails_exactly_that_element(element: str) -> None:
    achievement = eu_achievement()
    for key in MANDATORY_ON_ACHIEVEMENT[element]:
        del achievement[key]
    report = assess_eu_2022(achievement, ISSUER)
    assert [e.id for e in report.missing] == [element]
    assert not report.met


@pytest.mark.parametrize(
    ("element", "issuer"),
    [
        ("country", {**ISSUER, "address": {"type": ["Address"]}}),
        ("country", {"name": "University of Zed"}),
        ("awarding_body", {k: v for k, v in ISSUER.items() if k != "name"}),
    ],
)
def test_issuer_elements_come_from_the_issuer_profile(element: str, issuer: dict[str, Any]) -> None:
    assert [e.id for e in assess_eu_2022(eu_achievement(), issuer).missing] == [element]


def test_without_an_issuer_the_creator_profile_is_read() -> None:
    achievement = eu_achievement()
    assert {e.id for e in assess_eu_2022(achievement).missing} == {"country", "awarding_body"}
    achievement["creator"] = ISSUER
    assert assess_eu_2022(achievement).met


@pytest.mark.parametrize("element", sorted(OPTIONAL_ON_ACHIEVEMENT))
def test_optional_elements_never_block(element: str) -> None:
    achievement = eu_achievement()
    for key in OPTIONAL_ON_ACHIEVEMENT[element]:
        del achievement[key]
    report = assess_eu_2022(achievement, ISSUER)
    assert report.met
    assert [e.id for e in report.elements if not e.met] == [element]


def test_workload_reads_volume_of_learning_and_other_credit_systems() -> None:
    achievement = eu_achievement()
    del achievement["creditPoint"]
    assert "PT125H" in _note(assess_eu_2022(achievement, ISSUER), "workload")
    achievement["creditPoint"] = {"type": "CreditPoint", "framework": "urn:x:other", "point": "3"}
    assert "3 credits" in _note(assess_eu_2022(achievement, ISSUER), "workload")


def test_credits_available_alone_is_not_ects() -> None:
    achievement = eu_achievement()
    del achievement["creditPoint"], achievement["volumeOfLearning"]
    achievement["creditsAvailable"] = 5
    report = assess_eu_2022(achievement, ISSUER)
    assert [e.id for e in report.missing] == ["workload"]
    assert "creditsAvailable alone" in report.missing[0].note


def test_level_can_be_qf_ehea_or_declared_not_applicable() -> None:
    achievement = eu_achievement()
    del achievement["eqfLevel"]
    achievement["qfEheaLevel"] = "urn:x:qf-ehea:first-cycle"
    assert "qfEheaLevel" in _note(assess_eu_2022(achievement, ISSUER), "level")
    del achievement["qfEheaLevel"]
    achievement["levelNotApplicable"] = True
    assert "levelNotApplicable" in _note(assess_eu_2022(achievement, ISSUER), "level")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("learningOutcome", [{"type": "LearningOutcome"}]),
        ("learningOutcome", [{"type": "LearningOutcome", "title": "  "}]),
        ("learningOutcome", 7),
        ("learningMode", ["online"]),
        ("eqfLevel", 6),
        ("assessment", {"type": "LearningAssessmentSpecification", "title": ""}),
        ("qualityAssurance", []),
        ("creditPoint", [{"type": "CreditPoint", "framework": ECTS}, "5"]),
    ],
)
def test_empty_or_malformed_values_do_not_count(key: str, value: Any) -> None:
    achievement = eu_achievement()
    achievement[key] = value
    if key == "creditPoint":
        del achievement["volumeOfLearning"]
    assert len(assess_eu_2022(achievement, ISSUER).missing) == 1


@pytest.mark.parametrize(
    "note",
    [
        {"type": "Note", "noteLiteral": {"en": ""}},
        {"type": "Note", "noteLiteral": ""},
        {"type": "Note"},
    ],
)
def test_empty_notes_do_not_count(note: dict[str, Any]) -> None:
    achievement = eu_achievement()
    achievement["entryRequirement"] = note
    assert not _element(assess_eu_2022(achievement, ISSUER), "prerequisites")


def test_a_plain_note_literal_counts() -> None:
    achievement = eu_achievement()
    achievement["entryRequirement"] = {"type": "Note", "noteLiteral": "Programming."}
    assert _element(assess_eu_2022(achievement, ISSUER), "prerequisites")


def test_report_to_dict_and_the_refusal_name_what_is_missing() -> None:
    achievement = eu_achievement()
    del achievement["learningOutcome"], achievement["qualityAssurance"]
    report = assess("eu-2022", achievement, ISSUER)
    as_dict = report.to_dict()
    assert as_dict["met"] is False
    assert len(as_dict["elements"]) == 16
    error = QualityProfileUnmet(report)
    assert isinstance(error, InvalidInput)
    assert error.code == "quality_profile_unmet"
    assert "Learning outcomes (learning_outcomes)" in error.message
    assert "(quality_assurance)" in error.message
    assert error.report is report


def test_profile_names() -> None:
    assert check_profile("eu-2022") == "eu-2022"
    with pytest.raises(InvalidInput, match="not a quality profile") as caught:
        check_profile("eu-2020")
    assert caught.value.code == "unknown_quality_profile"


# The context: valid JSON-LD 1.1, protected, bundled; a credential using it signs and verifies.


def test_the_context_is_bundled_protected_and_maps_to_elm() -> None:
    context = load_context(EU_MICROCREDENTIAL_CONTEXT)["@context"]
    assert context["@version"] == 1.1
    assert context["@protected"] is True
    assert context["learningOutcome"]["@id"] == "elm:learningOutcome"
    assert context["elm"] == "http://data.europa.eu/snb/model/elm/"


def _credential(achievement: dict[str, Any]) -> dict[str, Any]:
    from datetime import UTC, datetime

    return build_credential(
        achievement,
        issuer=ISSUER,
        recipient="did:example:ana",
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        extra_contexts=[EU_MICROCREDENTIAL_CONTEXT],
    )


def test_a_credential_with_the_extension_canonicalizes_with_elm_terms() -> None:
    canonical = canonicalize(_credential(eu_achievement()))
    assert "<http://data.europa.eu/snb/model/elm/EQFLevel> <http://data.europa.eu/snb/eqf/6>" in (
        canonical
    )
    assert '<http://data.europa.eu/snb/model/elm/point> "5"' in canonical
    assert '"Basic programming in any language."@en' in canonical
    assert "https://credstack.org/ns/eu-microcredential#supervisionAndIdentityVerification" in (
        canonical
    )


def test_without_the_context_the_extension_terms_are_undefined() -> None:
    credential = _credential(eu_achievement())
    credential["@context"] = credential["@context"][:2]
    with pytest.raises(UndefinedTerm):
        canonicalize(credential)


def test_the_extension_passes_the_ob30_schema_and_model() -> None:
    achievement = eu_achievement()
    assert Achievement.from_json(achievement).to_dict()["learningOutcome"]
    assert validate(_credential(achievement)) == []


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_credential_with_the_extension_signs_and_verifies(suite: Any) -> None:
    issued = issue(
        eu_achievement(),
        generate_key("ed25519"),
        recipient="ana@example.com",
        suite=suite,
        extra_contexts=[EU_MICROCREDENTIAL_CONTEXT, EU_MICROCREDENTIAL_CONTEXT],
    )
    assert issued.credential["@context"][-1] == EU_MICROCREDENTIAL_CONTEXT
    assert len(issued.credential["@context"]) == 3
    report = check(issued.text)
    assert report.valid, [c for c in report.checks if c.outcome == "failed"]


def test_a_context_that_is_not_bundled_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not bundled") as caught:
        issue(
            eu_achievement(),
            generate_key("ed25519"),
            recipient="ana@example.com",
            extra_contexts=["https://example.org/unknown.json"],
        )
    assert caught.value.code == "unknown_context"


def test_a_single_mutation_of_an_extension_value_breaks_the_signature() -> None:
    issued = issue(
        copy.deepcopy(eu_achievement()),
        generate_key("ed25519"),
        recipient="ana@example.com",
        extra_contexts=[EU_MICROCREDENTIAL_CONTEXT],
    )
    tampered = copy.deepcopy(issued.credential)
    tampered["credentialSubject"]["achievement"]["eqfLevel"] = "http://data.europa.eu/snb/eqf/7"
    assert not check(json.dumps(tampered)).valid


def _element(report: Any, element: str) -> bool:
    return bool(next(e for e in report.elements if e.id == element).met)


def _note(report: Any, element: str) -> str:
    return str(next(e for e in report.elements if e.id == element).note)
