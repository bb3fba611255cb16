"""Reading bulk issuance files: every bad row reported with its line and reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from credstack.errors import InvalidInput
from credstack.formats import BulkRow, read_bulk_file

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def read(text: str, name: str = "cohort.csv") -> tuple[list[BulkRow], list[tuple[int, str]]]:
    bulk = read_bulk_file(text.encode(), name, now=NOW)
    return list(bulk.rows), [(p.line, p.reason) for p in bulk.problems]


def test_a_clean_csv_gives_every_column() -> None:
    rows, problems = read(
        "recipient,name,grade,evidence_url,evidence_narrative,valid_until,idempotency_key,cohort\n"
        "ada@example.com,Ada,A,https://lms.example/ada,Built a compiler,2027-06-30,k-1,2026A\n"
        "did:example:bob,,,,,,,\n"
    )
    assert problems == []
    ada, bob = rows
    assert (ada.line, ada.name, ada.grade, ada.idempotency_key) == (2, "Ada", "A", "k-1")
    assert ada.valid_until == datetime(2027, 6, 30, 23, 59, 59, tzinfo=UTC)
    assert ada.extra == {"cohort": "2026A"}
    assert ada.result() == [{"type": ["Result"], "value": "A"}]
    assert ada.evidence() == [
        {"type": ["Evidence"], "id": "https://lms.example/ada", "narrative": "Built a compiler"}
    ]
    assert (bob.line, bob.name, bob.result(), bob.evidence(), bob.extra) == (3, None, [], [], {})
    assert BulkRow.from_json(ada.to_json()) == ada


def test_every_bad_row_is_listed_with_its_line_and_reason() -> None:
    rows, problems = read(
        "recipient,evidence_url,valid_until,idempotency_key\n"
        "ok@example.com,,,\n"
        "nobody,,,\n"
        ",,,\n"
        "x@example.com,ftp://files,,\n"
        "y@example.com,,2025-01-01,\n"
        "z@example.com,,2027-01-01T00:00:00,\n"
        "w@example.com,,someday,\n"
        "OK@example.com,,,\n"
        "v@example.com,,,\n"
        '"multi\nline@example.com",,,\n'
        "u@example.com,,,\n"
        "t@example.com,,,k\n"
        "s@example.com,,,k\n"
        "too,many,fields,here,really\n"
    )
    assert [row.line for row in rows] == [2, 10, 13, 14]
    assert problems == [
        (3, "recipient: neither an email address nor a DID or URL"),
        (5, "evidence_url: not an http(s) URL"),
        (6, "valid_until: already past"),
        (7, "valid_until: a date-time needs a zone (Z or +01:00)"),
        (8, "valid_until: not a date (2027-12-31) or date-time"),
        (9, "recipient: already on line 2"),
        (11, "recipient: neither an email address nor a DID or URL"),
        (15, "idempotency_key: already on line 14"),
        (16, "5 fields, the header has 4"),
    ]
    # Line 4 (all empty) is skipped, not a row.


def test_json_rows_are_numbered_by_the_line_their_object_starts_on() -> None:
    rows, problems = read(
        '[\n  {"recipient": "ada@example.com", "grade": "A", "extra": {"cohort": 7}},\n'
        '  {"recipient": "bob"},\n'
        '  {"recipient": "c@example.com", "validUntil": "2027-01-01T00:00:00Z",\n'
        '   "idempotencyKey": "c"},\n'
        '  {"recipient": "d@example.com", "colour": "red"},\n'
        '  {"recipient": ["e@example.com"]},\n  {"recipient": "f@example.com", "extra": []},\n'
        "  7\n]\n",
        "cohort.json",
    )
    assert [(row.line, row.recipient) for row in rows] == [
        (2, "ada@example.com"),
        (4, "c@example.com"),
    ]
    assert rows[0].extra == {"cohort": "7"}
    assert rows[1].valid_until == datetime(2027, 1, 1, tzinfo=UTC)
    assert problems == [
        (3, "recipient: neither an email address nor a DID or URL"),
        (6, "colour: not a field of a bulk row (put it under extra)"),
        (7, "recipient: a string"),
        (8, "extra: an object of plain values"),
        (9, "not a JSON object"),
    ]


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        (b"\xff\xfe", "a.csv", "invalid_bulk_file"),
        (b"name,grade\nx,y\n", "a.csv", "invalid_bulk_file"),
        (b"", "a.csv", "invalid_bulk_file"),
        (b"recipient\n", "a.csv", "empty_bulk_file"),
        (b'recipient\n"open', "a.csv", "invalid_bulk_file"),
        (b'{"recipient": "a@example.com"}', "a.json", "invalid_bulk_file"),
        (b"[]", "a.json", "empty_bulk_file"),
        (
            b'[{"recipient": "a@example.com"} {"recipient": "b@example.com"}]',
            "a.json",
            "invalid_bulk_file",
        ),
        (b'[{"recipient": "a@example.com"}] trailing', "a.json", "invalid_bulk_file"),
        (b'[{"recipient": ', "a.json", "invalid_bulk_file"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(text: bytes, name: str, code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        read_bulk_file(text, name, now=NOW)
    assert raised.value.code == code


def test_too_many_rows_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("credstack.formats.bulk.MAX_ROWS", 2)
    with pytest.raises(InvalidInput, match="at most 2 rows"):
        read_bulk_file(
            b"recipient\na@example.com\nb@example.com\nc@example.com\n", "a.csv", now=NOW
        )


def test_an_overlong_field_is_a_bad_row() -> None:
    _rows, problems = read(f"recipient,name\na@example.com,{'x' * 2001}\n")
    assert problems == [(2, "name: longer than 2000 characters")]


def test_small_cases_of_json_and_csv_rows() -> None:
    bulk = read_bulk_file(
        b'[{"recipient": "a@example.com", "name": null, "evidenceNarrative": "Essay"},'
        b' {"name": "No one"}, {"recipient": "b@example.com", "idempotencyKey": "bad\\u0007"}]',
        "a.JSON",
        now=NOW,
    )
    assert not bulk.clean
    (row,) = bulk.rows
    assert row.evidence() == [{"type": ["Evidence"], "narrative": "Essay"}]
    assert [(p.line, p.reason) for p in bulk.problems] == [
        (1, "recipient: missing"),
        (1, "idempotency_key: 1 to 255 printable characters"),
    ]
    clean = read_bulk_file(b"recipient\na@example.com\n", "a.csv", now=NOW)
    assert clean.clean
    assert clean.rows[0].evidence() == []
