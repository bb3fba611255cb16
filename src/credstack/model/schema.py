"""Validation against the official Open Badges 3.0 JSON Schemas (draft 2019-09), offline.

The schemas ship inside the package with their SHA-256 pinned in ``schemas/index.json``, under
both URLs 1EdTech publishes them at (``.../schema/json/...`` in credentials, ``.../json-ld/...``
as their ``$id``). A schema file that does not match its pin is refused.

The schemas are strict: ``proof``, ``type``, ``evidence`` and similar properties must be arrays,
where JSON-LD compaction writes a set of one as the bare value. Like the 1EdTech validator, this
module validates strictly first; when that fails, it validates again a copy in which each single
value that the schema wants as an array is wrapped in one. What wrapping fixes is reported with
``strict_only=True`` (a warning); what remains is an error.

Most documents a verifier sees are valid, and walking the large schemas in pure Python costs
most of a millisecond. So each schema is also compiled once by jsonschema-rs, and a document it
finds valid gets ``[]`` at once; any other goes through jsonschema as before. The fast validator
must say "valid" exactly where jsonschema does. The two keywords whose meaning depends on the
implementation, ``format`` (our RFC 3339 check, not the library's) and ``pattern`` (Python's
``re`` dialect, not ECMA 262), are called back into Python and checked as jsonschema checks them;
``tests/conformance/test_model_schema_fast.py`` checks that the two validators agree on every
vector and on generated mutations.

>>> [issue] = validate({"id": "https://example.edu/issuers/1", "type": "Profile"}, "profile")
>>> issue.path, issue.strict_only
('/type', True)
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import jsonschema_rs
from jsonschema import Draft201909Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT201909

from credstack.errors import ConfigurationError
from credstack.model.fields import Timestamp
from credstack.model.parse import plain_json

Kind = Literal["achievement_credential", "endorsement_credential", "profile"]

_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
SCHEMA_URLS: dict[Kind, str] = {
    "achievement_credential": _BASE + "ob_v3p0_achievementcredential_schema.json",
    "endorsement_credential": _BASE + "ob_v3p0_endorsementcredential_schema.json",
    "profile": _BASE + "ob_v3p0_profile_schema.json",
}
_KINDS_BY_TYPE: tuple[tuple[str, Kind], ...] = (
    ("EndorsementCredential", "endorsement_credential"),
    ("AchievementCredential", "achievement_credential"),
    ("OpenBadgeCredential", "achievement_credential"),
    ("Profile", "profile"),
)
_MAX_ROUNDS = 8  # each round wraps every single value found; nesting bounds how many are needed
_MAX_SHOWN = 80
_MAX_LISTED = 4


@dataclass(frozen=True)
class SchemaIssue:
    """One difference from the schema: where (a JSON Pointer), what, and whether only strictly."""

    path: str
    message: str
    strict_only: bool = False


def validate(
    document: Mapping[str, Any], kind: Kind | None = None, *, copy: bool = True
) -> list[SchemaIssue]:
    """Issues of ``document`` against the OB 3.0 schema for ``kind`` (by default, by its type).

    An empty list means the document is valid against the strict schema. A document whose type
    names no OB 3.0 class gets one issue at ``/type``. ``copy=False`` takes a document that is
    already plain dicts and lists (what ``parse_json`` returns) as it is.
    """
    kind = kind or kind_of(document)
    if kind is None:
        return [
            SchemaIssue(
                "/type",
                "names no Open Badges 3.0 class with a JSON Schema (AchievementCredential, "
                "OpenBadgeCredential, EndorsementCredential or Profile)",
            )
        ]
    validator = _validator(kind)
    instance = plain_json(document) if copy else document
    if _passes_fast(kind, instance):
        return []
    strict = list(validator.iter_errors(instance))
    if not strict:
        return []
    remaining, wrapped = _validate_with_single_values(validator, instance, strict)
    issues = [
        SchemaIssue(
            _pointer(_original(path, wrapped)),
            "is a single value; the strict schema wants an array (JSON-LD allows one value)",
            strict_only=True,
        )
        for path in wrapped
    ]
    issues.sort(key=lambda issue: issue.path)
    for error in remaining:
        leaf = best_match([error])
        path = _original(tuple(leaf.absolute_path), wrapped)
        issue = SchemaIssue(_pointer(path), _describe(leaf, _value_at(instance, path)))
        if issue not in issues:
            issues.append(issue)
    return sorted(issues, key=lambda issue: issue.strict_only)


def kind_of(document: Mapping[str, Any]) -> Kind | None:
    """Which OB 3.0 schema applies to a document, judged by its ``type``."""
    declared = document.get("type")
    types = declared if isinstance(declared, list | tuple) else [declared]
    for name, kind in _KINDS_BY_TYPE:
        if name in types:
            return kind
    return None


def kind_of_schema(url: str) -> Kind | None:
    """The bundled schema a ``credentialSchema`` id names, if it is one of the OB 3.0 schemas."""
    entry = _index().get(url)
    kinds = {_index()[known]["file"]: kind for kind, known in SCHEMA_URLS.items()}
    return None if entry is None else kinds.get(entry["file"])


def _validate_with_single_values(
    validator: Draft201909Validator, instance: Any, errors: list[ValidationError]
) -> tuple[list[ValidationError], list[tuple[str | int, ...]]]:
    """Wrap single values where arrays are wanted until none is left; return what remains."""
    candidate = copy.deepcopy(instance)
    wrapped: list[tuple[str | int, ...]] = []
    for _ in range(_MAX_ROUNDS):
        targets = {
            tuple(leaf.absolute_path)
            for error in errors
            for leaf in _all_errors(error)
            if _wants_array(leaf)
        }
        targets -= set(wrapped)
        if not targets:
            break
        for path in sorted(targets, key=len, reverse=True):  # deepest first: paths stay valid
            _wrap(candidate, path)
            wrapped.append(path)
        errors = list(validator.iter_errors(candidate))
    return errors, wrapped


def _all_errors(error: ValidationError) -> Iterator[ValidationError]:
    stack = [error]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.context or ())


def _wants_array(error: ValidationError) -> bool:
    if error.validator != "type" or isinstance(error.instance, list):
        return False
    wanted = error.validator_value
    return wanted == "array" or (isinstance(wanted, list) and "array" in wanted)


def _wrap(document: Any, path: tuple[str | int, ...]) -> None:
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = [parent[path[-1]]]


def _original(path: tuple[str | int, ...], wrapped: list[tuple[str | int, ...]]) -> list[str | int]:
    """Map a path in the wrapped copy back to the document: drop each inserted ``0``."""
    wraps = set(wrapped)
    result: list[str | int] = []
    prefix: tuple[str | int, ...] = ()
    inserted = False
    for step in path:
        prefix += (step,)
        if inserted:
            inserted = False
        else:
            result.append(step)
        if prefix in wraps:
            inserted = True
    return result


def _pointer(path: list[str | int]) -> str:
    """RFC 6901 JSON Pointer; the document itself is the empty string."""
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in path)


def _value_at(document: Any, path: list[str | int]) -> Any:
    for step in path:
        document = document[step]
    return document


def _describe(error: ValidationError, instance: Any) -> str:
    """A sentence for one error; ``instance`` is the value as the document has it (unwrapped)."""
    validator, expected = error.validator, error.validator_value
    if validator == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        return f"must be of JSON type {wanted} (it is {_shown(instance)})"
    if validator == "contains" and isinstance(expected, Mapping) and "enum" in expected:
        names = " or ".join(repr(name) for name in expected["enum"])
        return f"must include {names} (it is {_shown(instance)})"
    if validator == "enum" and isinstance(expected, list):
        if len(expected) <= _MAX_LISTED:
            allowed = " or ".join(_shown(value) for value in expected)
            return f"must be {allowed} (it is {_shown(instance)})"
        return f"{_shown(instance)} is not one of the {len(expected)} allowed values"
    if validator == "format":
        return f"{_shown(instance)} is not a valid {expected}"
    if validator == "pattern":
        return f"{_shown(instance)} does not match the pattern {expected}"
    if validator == "minItems" and isinstance(instance, list):
        return f"must have at least {expected} items (it has {len(instance)})"
    if validator in ("oneOf", "anyOf"):
        return f"{_shown(instance)} matches none of the allowed forms"
    return error.message if len(error.message) <= 2 * _MAX_SHOWN else _shown(error.message)


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats apply to strings only (draft 2019-09, section 7.1)
    try:
        Timestamp.parse(value)
    except ValueError:
        return False
    return True


@cache
def _format_checker() -> FormatChecker:
    # jsonschema checks "date-time" only with an optional package installed; RFC 3339 is simple
    # enough to check here, with the same rule the model uses.
    checker = FormatChecker()
    checker.checks("date-time")(_is_datetime)
    return checker


@cache
def _index() -> dict[str, dict[str, str]]:
    raw = resources.files("credstack.model").joinpath("schemas/index.json").read_bytes()
    index: dict[str, dict[str, str]] = json.loads(raw)
    return index


@cache
def _schema(file: str) -> dict[str, Any]:
    data = resources.files("credstack.model").joinpath("schemas", file).read_bytes()
    pinned = {entry["sha256"] for entry in _index().values() if entry["file"] == file}
    if hashlib.sha256(data).hexdigest() not in pinned:
        raise ConfigurationError(
            f"The bundled JSON Schema {file} does not match its pinned SHA-256; "
            "the installation is damaged. Reinstall Credstack.",
        )
    schema: dict[str, Any] = json.loads(data)
    return schema


@cache
def _registry() -> Registry[Any]:
    """Every bundled schema under each URL it is known by; nothing is ever retrieved."""
    return Registry().with_resources(
        (url, Resource.from_contents(_schema(entry["file"]), default_specification=DRAFT201909))
        for url, entry in _index().items()
    )


@cache
def _validator(kind: Kind) -> Draft201909Validator:
    schema = _schema(_index()[SCHEMA_URLS[kind]]["file"])
    return Draft201909Validator(schema, registry=_registry(), format_checker=_format_checker())


def _passes_fast(kind: Kind, instance: Any) -> bool:
    """Whether jsonschema-rs finds ``instance`` valid; ``False`` sends it to jsonschema."""
    try:
        return _fast_validator(kind).is_valid(instance)
    except ValueError:
        # A value JSON has no form for (a set, bytes, a key that is not a string) cannot be
        # handed to Rust; jsonschema judges it as it always has.
        return False


@cache
def _fast_validator(kind: Kind) -> jsonschema_rs.Validator:
    return jsonschema_rs.Draft201909Validator(
        _schema(_index()[SCHEMA_URLS[kind]]["file"]),
        # Not merely as strict as jsonschema, but the same: under ``oneOf`` (achievementType is
        # one of an enum or an "ext:" pattern) a keyword that refuses more accepts more. Any
        # exception in these counts as "invalid", so a surprise there reaches jsonschema too.
        keywords={"format": _Format, "pattern": _Pattern},
        # The bundled schemas refer only within themselves (#/$defs/...); nothing is fetched.
        offline=True,
    )


class _Format:
    """``format`` as jsonschema checks it (``_keywords.format``): with our format checker."""

    def __init__(self, schema: dict[str, Any], value: str, schema_path: list[str | int]) -> None:
        self.format = value

    def validate(self, instance: Any) -> None:
        _format_checker().check(instance, self.format)  # raises FormatError: invalid


class _Pattern:
    """``pattern`` as jsonschema checks it (``_keywords.pattern``): ``re.search``, Python's
    dialect (``\\d`` takes any Unicode digit and ``$`` a final newline, unlike ECMA 262)."""

    def __init__(self, schema: dict[str, Any], value: str, schema_path: list[str | int]) -> None:
        self.pattern = re.compile(value)

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and self.pattern.search(instance) is None:
            raise ValueError(f"{instance!r} does not match {self.pattern.pattern!r}")
