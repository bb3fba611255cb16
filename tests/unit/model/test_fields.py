"""One-or-many values, type sets and timestamps: read either way, written back as read."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from credstack.model.fields import (
    Date,
    DateTimeZ,
    OneOrMany,
    Timestamp,
    Types,
    ValueList,
    format_datetime,
)

TYPES = TypeAdapter(Types)
STRINGS = TypeAdapter(OneOrMany[str])
STAMP = TypeAdapter(DateTimeZ)


def test_a_single_value_becomes_a_list_and_is_written_back_single() -> None:
    value = STRINGS.validate_python("a")
    assert value == ["a"]
    assert isinstance(value, ValueList)
    assert value.single
    assert STRINGS.dump_python(value) == "a"


def test_a_list_stays_a_list() -> None:
    value = STRINGS.validate_python(["a"])
    assert isinstance(value, ValueList)
    assert not value.single
    assert STRINGS.dump_python(value) == ["a"]


def test_a_single_value_grown_to_two_is_written_as_a_list() -> None:
    value = STRINGS.validate_python("a")
    value.append("b")
    assert STRINGS.dump_python(value) == ["a", "b"]


def test_types_must_name_something() -> None:
    for bad in ([], "", [""], ["Profile", ""]):
        with pytest.raises(ValidationError, match="type must"):
            TYPES.validate_python(bad)
    assert TYPES.validate_python("Profile") == ["Profile"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-01-01T00:00:00Z", datetime(2010, 1, 1, tzinfo=UTC)),
        ("2010-01-01T02:00:00+02:00", datetime(2010, 1, 1, tzinfo=UTC)),
        ("2010-01-01T00:00:00.5Z", datetime(2010, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC)),
        ("2010-01-01t00:00:00.123456789z", datetime(2010, 1, 1, 0, 0, 0, 123_456, tzinfo=UTC)),
    ],
)
def test_timestamps_are_aware_and_keep_their_text(text: str, expected: datetime) -> None:
    moment = STAMP.validate_python(text)
    assert moment == expected
    assert moment.tzinfo is not None
    assert STAMP.dump_python(moment) == text
    assert STAMP.dump_json(moment) == f'"{text}"'.encode()


@pytest.mark.parametrize(
    "text",
    [
        "2010-01-01T00:00:00",  # no time zone
        "2010-01-01",
        "2010-01-01 00:00:00Z",
        "2010-13-01T00:00:00Z",
        "2010-01-01T24:00:00Z",
        "1262304000",
        " 2010-01-01T00:00:00Z",
    ],
)
def test_timestamps_without_a_zone_or_malformed_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="not a date-time with a time zone"):
        STAMP.validate_python(text)


def test_timestamps_are_strings_not_numbers() -> None:
    with pytest.raises(ValidationError, match="expected a date-time string"):
        STAMP.validate_python(1262304000)


def test_naive_datetimes_from_python_are_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        STAMP.validate_python(datetime(2026, 1, 1))  # noqa: DTZ001 (the point of the test)


def test_datetimes_made_in_python_are_written_in_utc_with_z() -> None:
    assert format_datetime(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00Z"
    plus_two = timezone(timedelta(hours=2))
    assert format_datetime(datetime(2026, 1, 1, tzinfo=plus_two)) == "2026-01-01T00:00:00+02:00"


def test_the_text_survives_copies_and_pickling_but_not_arithmetic() -> None:
    stamp = Timestamp.parse("2026-01-01T00:00:00.000+00:00")
    assert copy.deepcopy(stamp).text == stamp.text
    assert copy.copy(stamp).text == stamp.text
    assert pickle.loads(pickle.dumps(stamp)).text == stamp.text  # noqa: S301 (our own bytes)
    later = stamp + timedelta(days=1)
    assert format_datetime(later) == "2026-01-02T00:00:00Z"
    assert copy.deepcopy(later) == later


def test_dates() -> None:
    adapter = TypeAdapter(Date)
    assert adapter.validate_python("1990-12-31") == date(1990, 12, 31)
    assert adapter.dump_python(date(1990, 12, 31)) == "1990-12-31"
    for bad in ("1990-2-3", "1990-02-30", "19901231", 19901231):
        with pytest.raises(ValidationError, match="expected a date"):
            adapter.validate_python(bad)
