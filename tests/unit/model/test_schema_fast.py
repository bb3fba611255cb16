"""The jsonschema-rs fast path of ``schema.validate``: where it must read the schema as jsonschema.

The broad comparison of the two validators is ``tests/conformance/test_model_schema_fast.py``;
these are the cases that show why each guard is there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credstack.model import schema
from credstack.model.parse import plain_json
from credstack.model.schema import SchemaIssue, validate
from tests.unit.model.examples import OB_V3, VC_V2, achievement, credential, profile


def passes_fast(document: dict[str, Any]) -> bool:
    kind = schema.kind_of(document)
    assert kind is not None
    return schema._passes_fast(kind, plain_json(document))


def test_valid_documents_take_the_fast_path() -> None:
    assert passes_fast(credential())
    assert validate(credential()) == []


def test_an_invalid_document_gets_the_full_analysis() -> None:
    doc = credential(validFrom="yesterday")
    assert not passes_fast(doc)
    assert validate(doc) == [SchemaIssue("/validFrom", "'yesterday' is not a valid date-time")]


def test_dates_are_checked_by_our_rfc_3339_rule_not_the_libraries() -> None:
    # jsonschema-rs's own date-time check takes a leap second; Timestamp (and so the model)
    # does not, and the fast path must not let such a document through as valid.
    doc = credential(validFrom="2016-12-31T23:59:60Z")
    assert not passes_fast(doc)
    assert validate(doc) == [
        SchemaIssue("/validFrom", "'2016-12-31T23:59:60Z' is not a valid date-time")
    ]
    assert not passes_fast(profile(dateOfBirth="1990-02-30"))
    assert passes_fast(profile(dateOfBirth="1990-02-28"))


@pytest.mark.parametrize(
    "context",
    [
        OB_V3 + "\n",  # Python's $ matches before a final newline; ECMA 262's does not
        OB_V3.replace("3.0.3", "3.\u0663.3"),  # Python's \d takes any Unicode digit
    ],
)
def test_patterns_are_read_in_pythons_dialect_as_jsonschema_reads_them(context: str) -> None:
    doc = credential(**{"@context": [VC_V2, context]})
    assert passes_fast(doc)
    assert validate(doc) == []


def test_a_pattern_under_one_of_is_exact_not_merely_strict() -> None:
    # achievementType is one of an enum or an "ext:" pattern, searched anywhere in the value: a
    # pattern read more strictly than jsonschema reads it would make more documents valid here.
    doc = credential(
        credentialSubject={
            "type": ["AchievementSubject"],
            "achievement": achievement(achievementType="ext:Custom\n"),
        }
    )
    assert passes_fast(doc)
    assert validate(doc) == []


def test_a_pattern_ignores_values_that_are_not_strings() -> None:
    doc = credential(
        credentialSubject={"type": ["AchievementSubject"], "achievement": achievement(inLanguage=7)}
    )
    assert not passes_fast(doc)
    [issue] = validate(doc)
    assert issue.message == "must be of JSON type string (it is 7)"


def outcome(document: dict[str, Any]) -> list[SchemaIssue] | str:
    try:
        return validate(document)
    except (TypeError, ValueError) as exc:  # what validate() did with such values before, too
        return type(exc).__name__


@pytest.mark.parametrize(
    ("value", "fast"),
    [
        ({"a", "b"}, False),
        (b"bytes", False),
        ({1: "a key that is not a string"}, False),
        (float("nan"), False),
        ("\ud800", True),  # a string to both, though it cannot be written as UTF-8
    ],
    ids=["set", "bytes", "int key", "nan", "lone surrogate"],
)
def test_values_with_no_json_form_get_what_jsonschema_gives_them(
    value: Any, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = credential(name=value)
    assert passes_fast(doc) is fast
    result = outcome(doc)
    monkeypatch.setattr(schema, "_passes_fast", lambda kind, instance: False)
    assert result == outcome(doc)


def test_a_number_jsonschema_accepts_is_still_accepted_when_rust_refuses_it() -> None:
    doc = credential(
        credentialSubject={
            "type": ["AchievementSubject"],
            "creditsEarned": float("nan"),
            "achievement": achievement(),
        }
    )
    assert not passes_fast(doc)  # NaN is no JSON number to jsonschema-rs
    assert validate(doc) == []  # but jsonschema takes any Python number, as it always did


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_the_bundled_schemas_refer_only_within_themselves() -> None:
    # The fast validator is compiled offline with no registry: this is why that suffices.
    for kind, url in schema.SCHEMA_URLS.items():
        found = list(refs(schema._schema(schema._index()[url]["file"])))
        assert found, kind
        assert all(ref.startswith("#/$defs/") for ref in found), kind


def test_fast_validators_are_built_once() -> None:
    assert schema._fast_validator("profile") is schema._fast_validator("profile")
