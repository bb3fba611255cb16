"""Field types for JSON-LD compacted data: one-or-many values, type sets, and timestamps.

JSON-LD compaction writes a set of one as the bare value (``"type": "Profile"``), so every
multi-valued property accepts a single value or a list, and the model sees a list. The value
remembers which form it came in, so ``to_dict()`` writes it back the same way.

Timestamps keep the exact text they were read from: a signed document is never re-serialised,
but a model written back by ``to_dict()`` must not turn ``+00:00`` into ``Z`` behind anyone's back.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(DateTimeZ).validate_python("2010-01-01T00:00:00Z").year
2010
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    PlainSerializer,
    PlainValidator,
    SerializerFunctionWrapHandler,
    ValidatorFunctionWrapHandler,
    WrapSerializer,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

T = TypeVar("T")

# RFC 3339 section 5.6 date-time, which VC 2.0 (section 4.9) and OB 3.0 (DateTimeZ) require:
# the time zone is mandatory. Lower-case t and z are allowed by RFC 3339.
# ASCII digits only and no trailing newline (Python's \d and $ allow both): the text is signed
# exactly as written, so what passes here must be exactly an RFC 3339 date-time.
DATETIME_PATTERN = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})\Z"
)
_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class ValueList(list[T]):
    """A list that remembers whether the document held a single value instead of an array."""

    single: bool = False


def _one_or_many(value: object, handler: ValidatorFunctionWrapHandler) -> ValueList[Any]:
    single = not isinstance(value, list)
    result: ValueList[Any] = ValueList(handler([value] if single else value))
    result.single = single
    return result


def _compact(value: object, handler: SerializerFunctionWrapHandler) -> Any:
    serialised = handler(value)
    if getattr(value, "single", False) and isinstance(serialised, list) and len(serialised) == 1:
        return serialised[0]
    return serialised


OneOrMany = Annotated[list[T], WrapValidator(_one_or_many), WrapSerializer(_compact)]
"""A multi-valued property: a single value or an array in JSON, always a list in Python."""


def _type_set(value: object, handler: ValidatorFunctionWrapHandler) -> ValueList[Any]:
    result = _one_or_many(value, handler)
    if not result:
        raise PydanticCustomError("empty_type", "type must name at least one type")
    if any(not item for item in result):
        raise PydanticCustomError("empty_type", "type must not contain an empty string")
    return result


Types = Annotated[list[str], WrapValidator(_type_set), WrapSerializer(_compact)]
"""The ``type`` property: one IRI or a set of them (JSON-LD ``@type``), always a list here."""


class Timestamp(datetime):
    """An aware datetime that keeps the exact text it was parsed from (``text``)."""

    __slots__ = ("text",)
    text: str

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse an RFC 3339 date-time with a time zone; raise ``ValueError`` otherwise."""
        match = DATETIME_PATTERN.match(text)
        if match is None:
            raise ValueError(text)
        fraction = (match.group(7) or "")[:7]  # Python keeps microseconds: 6 digits after "."
        zone = match.group(8).upper()
        iso = "{}-{}-{}T{}:{}:{}{}{}".format(*match.group(1, 2, 3, 4, 5, 6), fraction, zone)
        moment = datetime.fromisoformat(iso)
        stamp = cls(
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
            moment.microsecond,
            moment.tzinfo,
        )
        stamp.text = text
        return stamp

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        # datetime's own reduction would drop ``text``; arithmetic results have none to keep.
        text = getattr(self, "text", None)
        if text is None:
            return (datetime.fromisoformat, (self.isoformat(),))
        return (type(self).parse, (text,))


def parse_datetime(value: object) -> datetime:
    """``value`` as an aware datetime; a ``Timestamp`` (keeping its text) when it was a string."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise PydanticCustomError(
                "naive_datetime", "a date-time must carry a time zone (for example Z)"
            )
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_type", "expected a date-time string")
    try:
        return Timestamp.parse(value)
    except ValueError:
        raise PydanticCustomError(
            "datetime_format",
            "{value} is not a date-time with a time zone (for example 2026-01-01T00:00:00Z)",
            {"value": repr(value[:60])},
        ) from None


def format_datetime(moment: datetime) -> str:
    """The text a timestamp was read from, or XML Schema dateTimeStamp form (UTC as ``Z``)."""
    text = getattr(moment, "text", None)
    if isinstance(text, str):
        return text
    if moment.utcoffset() == UTC.utcoffset(None):
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


DateTimeZ = Annotated[
    datetime, PlainValidator(parse_datetime), PlainSerializer(format_datetime, return_type=str)
]
"""OB 3.0 DateTimeZ / VC 2.0 dateTimeStamp: an aware datetime, written back as it was read."""


def _parse_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_PATTERN.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_format", "expected a date such as 1990-12-31")


Date = Annotated[
    date, PlainValidator(_parse_date), PlainSerializer(date.isoformat, return_type=str)
]
"""OB 3.0 Date (``YYYY-MM-DD``), for example Profile.dateOfBirth."""
