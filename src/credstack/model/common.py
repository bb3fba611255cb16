"""The base of every Open Badges 3.0 model, and the small classes many others share.

Every model validates at construction (``from_json`` raises ``MalformedCredential``), keeps
extension properties it does not know (OB 3.0 section 6, "This class can be extended with
additional properties"), and writes itself back with ``to_dict()`` in the form it was read:
camelCase keys, single values where the document had them, timestamps as their original text.

>>> image = Image.from_json({"id": "https://example.edu/logo.png", "type": "Image"})
>>> image.type
['Image']
>>> image.to_dict()
{'id': 'https://example.edu/logo.png', 'type': 'Image'}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import ErrorDetails, PydanticCustomError

from credstack.errors import MalformedCredential
from credstack.model.fields import OneOrMany, Types
from credstack.model.parse import parse_json, plain_json

Number = int | float
"""A JSON number; an integer stays an integer so that ``to_dict()`` gives back what it read."""


class OBModel(BaseModel):
    """Base of the Open Badges 3.0 models: camelCase on the wire, extensions kept, strict types."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="allow",
        # No silent coercion ("true" is not a boolean, "3" is not a number): what a signed
        # document says is what it means.
        strict=True,
    )

    required_types: ClassVar[tuple[tuple[str, ...], ...]] = ()
    """The IRIs ``type`` must include: from each group, at least one member."""

    @field_validator("type", check_fields=False)
    @classmethod
    def _has_required_types(cls, value: list[str]) -> list[str]:
        for group in cls.required_types:
            if not any(member in value for member in group):
                wanted = " or ".join(repr(member) for member in group)
                raise PydanticCustomError(
                    "wrong_type",
                    "must include {wanted} (it is {actual})",
                    {"wanted": wanted, "actual": str(list(value))},
                )
        return value

    @classmethod
    def from_json(cls, raw: str | bytes | Mapping[str, object], *, copy: bool = True) -> Self:
        """Parse and validate; raise ``MalformedCredential`` naming the first problem's path.

        Text goes through ``parse_json`` (size, depth, duplicate keys); a mapping is copied
        into plain dicts and lists, with the same depth limit. The error code is
        ``invalid_credential``, or ``missing_type`` for a credentialSchema, credentialStatus or
        refreshService entry without a type. ``copy=False`` takes a mapping that is already
        plain dicts and lists within the depth limit (what ``parse_json`` returns) as it is.
        """
        if isinstance(raw, str | bytes):
            data: object = parse_json(raw)
        else:
            data = plain_json(raw) if copy else raw
        if not isinstance(data, Mapping):
            raise MalformedCredential(
                f"A {cls.__name__} is a JSON object; this is a {_json_kind(data)}.",
                code="invalid_credential",
            )
        try:
            # By alias only: a snake_case key in a document is an extension, not a field.
            return cls.model_validate(data, by_alias=True, by_name=False)
        except ValidationError as exc:
            raise _malformed(cls.__name__, data, exc) from exc

    def to_dict(self) -> dict[str, Any]:
        """The JSON object: camelCase keys, extension properties kept, unset values left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)


def _malformed(kind: str, data: Mapping[str, object], exc: ValidationError) -> MalformedCredential:
    errors = exc.errors(include_url=False)
    first = errors[0]
    path = json_path(data, first["loc"], missing=first["type"] == "missing")
    subject = path or f"the {kind}"
    more = len(errors) - 1
    tail = f" ({more} more problem{'s' if more > 1 else ''})" if more else ""
    code = "missing_type" if first["type"] == "missing_type" else "invalid_credential"
    return MalformedCredential(
        f"Not a valid {kind}: {subject} {_predicate(first)}{tail}.", code=code
    )


def json_path(data: object, loc: Sequence[int | str], *, missing: bool = False) -> str:
    """A readable path (``credentialSubject.result[1].type``) to where a pydantic error points.

    Pydantic's ``loc`` also names union members and wrapped single values; only the steps that
    exist in the document are kept (and the last one when it names a missing property).
    """
    steps: list[int | str] = []
    node = data
    for index, step in enumerate(loc):
        found, child = _step_into(node, step)
        if found:
            node = child
        elif not (missing and index == len(loc) - 1 and isinstance(step, str)):
            continue
        steps.append(step)
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _step_into(node: object, step: int | str) -> tuple[bool, object]:
    if isinstance(node, Mapping) and isinstance(step, str) and step in node:
        return True, node[step]
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return True, node[step]
    return False, None


_PREDICATES = {
    "missing": "is required",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "int_type": "must be a number",
    "float_type": "must be a number",
    "list_type": "must be an array",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
}


def _predicate(error: ErrorDetails) -> str:
    known = _PREDICATES.get(error["type"])
    if known is not None:
        return known
    # Pydantic's own sentences start "Input should be ...": the path is the subject here.
    return error["msg"].removeprefix("Input ")


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "JSON array"
    if isinstance(value, str):
        return "JSON string"
    if isinstance(value, bool):
        return "JSON boolean"
    if value is None:
        return "JSON null"
    return "JSON number"


class Image(OBModel):
    """OB 3.0 B.1.13 Image: a URI or data URI, and a caption."""

    required_types = (("Image",),)

    id: str
    type: Types
    caption: str | None = None


class IdentifierEntry(OBModel):
    """OB 3.0 B.1.11 IdentifierEntry: an identifier of a Profile or Achievement, and its kind."""

    required_types = (("IdentifierEntry",),)

    type: Types
    identifier: str
    identifier_type: str
    """IdentifierTypeEnum: an extensible vocabulary (``ext:`` terms), left to the JSON Schema."""


class GeoCoordinates(OBModel):
    """OB 3.0 B.1.10 GeoCoordinates (WGS84)."""

    required_types = (("GeoCoordinates",),)

    type: Types
    latitude: Number
    longitude: Number


class Address(OBModel):
    """OB 3.0 B.1.4 Address."""

    required_types = (("Address",),)

    type: Types
    address_country: str | None = None
    address_country_code: str | None = None
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: GeoCoordinates | None = None


__all__ = [
    "Address",
    "GeoCoordinates",
    "IdentifierEntry",
    "Image",
    "Number",
    "OBModel",
    "OneOrMany",
    "Types",
    "json_path",
]
