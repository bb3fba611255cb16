"""The shared classes, Profile and Achievement: what they require, keep and write back."""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Any

import pytest

from credstack.errors import MalformedCredential
from credstack.model import (
    Achievement,
    Address,
    Alignment,
    Criteria,
    GeoCoordinates,
    IdentifierEntry,
    Image,
    Profile,
    Related,
    ResultDescription,
    RubricCriterionLevel,
)
from credstack.model.common import OBModel
from tests.unit.model.examples import DELETE, achievement, changed, profile


def rejection(model: type[OBModel], data: Any) -> MalformedCredential:
    with pytest.raises(MalformedCredential) as caught:
        model.from_json(data)
    return caught.value


def test_image() -> None:
    image = Image.from_json({"id": "https://example.edu/a.png", "type": "Image", "caption": "A"})
    assert (image.id, image.type, image.caption) == ("https://example.edu/a.png", ["Image"], "A")
    error = rejection(Image, {"id": "https://example.edu/a.png", "type": "Picture"})
    assert error.code == "invalid_credential"
    assert "type must include 'Image'" in error.message
    assert "id is required" in rejection(Image, {"type": "Image"}).message


def test_identifier_entry() -> None:
    entry = IdentifierEntry.from_json(
        {"type": "IdentifierEntry", "identifier": "12345", "identifierType": "sourcedId"}
    )
    assert entry.identifier_type == "sourcedId"
    error = rejection(IdentifierEntry, {"type": "IdentifierEntry", "identifier": "1"})
    assert "identifierType is required" in error.message


def test_geo_coordinates_are_numbers_not_strings() -> None:
    geo = GeoCoordinates.from_json({"type": "GeoCoordinates", "latitude": 1, "longitude": 2.5})
    assert (geo.latitude, geo.longitude) == (1, 2.5)
    assert geo.to_dict() == {"type": "GeoCoordinates", "latitude": 1, "longitude": 2.5}
    error = rejection(GeoCoordinates, {"type": "GeoCoordinates", "latitude": "1", "longitude": 2})
    assert "latitude" in error.message
    error = rejection(GeoCoordinates, {"type": "GeoCoordinates", "latitude": True, "longitude": 2})
    assert "latitude" in error.message


def test_address() -> None:
    address = Address.from_json(
        {
            "type": ["Address"],
            "addressCountryCode": "NL",
            "geo": {"type": "GeoCoordinates", "latitude": 52.0, "longitude": 4.3},
        }
    )
    assert address.address_country_code == "NL"
    assert address.geo is not None
    assert address.geo.latitude == 52.0
    assert "type is required" in rejection(Address, {"addressCountry": "NL"}).message


def test_profile_minimal_and_full() -> None:
    assert Profile.from_json(profile()).name == "Example University"
    full = profile(
        url="https://example.edu",
        email="registrar@example.edu",
        image={"id": "https://example.edu/logo.png", "type": "Image"},
        address={"type": ["Address"], "addressLocality": "Austin"},
        otherIdentifier=[{"type": "IdentifierEntry", "identifier": "1", "identifierType": "name"}],
        parentOrg=profile(id="did:example:parent", name="Parent"),
        dateOfBirth="1990-12-31",
        endorsementJwt=["a.b.c"],
    )
    parsed = Profile.from_json(full)
    assert parsed.parent_org is not None
    assert parsed.parent_org.id == "did:example:parent"
    assert parsed.date_of_birth == date(1990, 12, 31)
    assert parsed.other_identifier is not None
    assert parsed.other_identifier[0].identifier == "1"
    assert parsed.to_dict() == full


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("id", DELETE, "id is required"),
        ("type", DELETE, "type is required"),
        ("type", ["Issuer"], "type must include 'Profile' (it is ['Issuer'])"),
        ("name", 42, "name must be a string"),
        ("parentOrg", {"id": "x", "type": "Organization"}, "parentOrg.type must include"),
        ("dateOfBirth", "31-12-1990", "dateOfBirth expected a date"),
    ],
)
def test_profile_rejections(path: str, value: Any, message: str) -> None:
    error = rejection(Profile, changed(profile(), path, value))
    assert error.code == "invalid_credential"
    assert message in error.message


def test_extension_properties_are_kept_and_written_back() -> None:
    doc = profile(
        **{"@context": "https://example.org/ext.json", "ext:rank": 3, "custom": {"a": [1, None]}}
    )
    parsed = Profile.from_json(doc)
    assert parsed.model_extra == {
        "@context": "https://example.org/ext.json",
        "ext:rank": 3,
        "custom": {"a": [1, None]},
    }
    assert parsed.to_dict() == doc


def test_snake_case_keys_in_a_document_are_extensions_not_fields() -> None:
    doc = profile(family_name="Not a field")
    parsed = Profile.from_json(doc)
    assert parsed.family_name is None
    assert parsed.to_dict() == doc


def test_models_are_built_in_python_with_snake_case_names() -> None:
    built = Profile(id="https://example.edu/issuers/1", type=["Profile"], given_name="Ada")
    assert built.to_dict() == {
        "id": "https://example.edu/issuers/1",
        "type": ["Profile"],
        "givenName": "Ada",
    }


def test_achievement_minimal() -> None:
    parsed = Achievement.from_json(achievement())
    assert parsed.criteria == Criteria(narrative="Nominated by peers.")
    assert parsed.to_dict() == achievement()


@pytest.mark.parametrize("required", ["id", "type", "name", "description", "criteria"])
def test_achievement_requires(required: str) -> None:
    error = rejection(Achievement, changed(achievement(), required, DELETE))
    assert f"{required} is required" in error.message


def test_achievement_with_alignments_results_and_related() -> None:
    doc = achievement(
        achievementType="ext:MicroCredential",
        creditsAvailable=3,
        inLanguage="en",
        tag="teamwork",
        alignment=[
            {"type": ["Alignment"], "targetName": "Collaboration", "targetUrl": "https://x.example"}
        ],
        related=[
            {
                "id": "https://example.edu/achievements/teamwork-nl",
                "type": ["Related"],
                "inLanguage": "nl",
            }
        ],
        resultDescription=[
            {
                "id": "urn:uuid:1",
                "type": ["ResultDescription"],
                "name": "Level",
                "resultType": "RubricCriterionLevel",
                "allowedValue": ["A", "B"],
                "rubricCriterionLevel": [
                    {"id": "urn:uuid:2", "type": ["RubricCriterionLevel"], "name": "Mastery"}
                ],
            }
        ],
        creator=profile(),
    )
    parsed = Achievement.from_json(doc)
    assert parsed.tag == ["teamwork"]
    assert parsed.result_description is not None
    levels = parsed.result_description[0].rubric_criterion_level
    assert levels is not None
    assert levels[0].name == "Mastery"
    assert parsed.to_dict() == doc


@pytest.mark.parametrize(
    ("model", "doc", "message"),
    [
        (Alignment, {"type": "Alignment", "targetUrl": "https://x"}, "targetName is required"),
        (Alignment, {"type": "Alignment", "targetName": "x"}, "targetUrl is required"),
        (Related, {"id": "https://x", "type": "Achievement"}, "type must include 'Related'"),
        (
            ResultDescription,
            {"id": "urn:uuid:1", "type": "ResultDescription", "name": "x"},
            "resultType is required",
        ),
        (RubricCriterionLevel, {"id": "urn:x", "type": "RubricCriterionLevel"}, "name is required"),
    ],
)
def test_achievement_parts_reject(model: type[OBModel], doc: dict[str, Any], message: str) -> None:
    assert message in rejection(model, doc).message


def test_criteria_may_be_empty() -> None:
    assert Criteria.from_json({}).to_dict() == {}


def test_a_json_array_is_not_a_model() -> None:
    error = rejection(Profile, "[1, 2]")
    assert error.code == "invalid_credential"
    assert "this is a JSON array" in error.message


def test_text_goes_through_the_safe_parser() -> None:
    assert rejection(Profile, '{"id": "a", "id": "b", "type": "Profile"}').code == "duplicate_key"
    assert Profile.from_json(b'{"id": "a", "type": "Profile"}').id == "a"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('"text"', "JSON string"),
        ("true", "JSON boolean"),
        ("null", "JSON null"),
        ("3", "JSON number"),
    ],
)
def test_other_json_values_are_not_models(text: str, kind: str) -> None:
    assert f"this is a {kind}" in rejection(Profile, text).message


def test_dates_made_in_python_are_kept() -> None:
    built = Profile(id="urn:x", type=["Profile"], date_of_birth=date(2000, 2, 29))
    assert built.to_dict()["dateOfBirth"] == "2000-02-29"


def test_any_mapping_is_read_as_json() -> None:
    doc = MappingProxyType(profile(parentOrg=MappingProxyType(profile(id="urn:p")), tag=("a",)))
    parsed = Profile.from_json(doc)
    assert parsed.parent_org is not None
    assert parsed.parent_org.id == "urn:p"
    assert parsed.model_extra == {"tag": ["a"]}


def test_deep_python_data_is_refused_like_deep_text() -> None:
    doc: dict[str, Any] = profile()
    for _ in range(3000):
        doc = profile(parentOrg=doc)
    assert rejection(Profile, doc).code == "too_deep"
