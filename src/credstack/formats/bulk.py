"""The bulk issuance file: CSV or JSON in, validated rows with their line numbers out.

A CSV file has a header row; ``recipient`` (an email address or a DID/URL) is required, and
``name``, ``grade``, ``evidence_url``, ``evidence_narrative``, ``valid_until`` (a date or an
RFC 3339 date-time with a zone) and ``idempotency_key`` are optional. Any other column is kept
as an extra field of the row: it is reported with the row's result, not put in the credential
(an unknown term would fail JSON-LD safe mode). A JSON file is an array of objects with the
same names in camelCase (``evidenceUrl``, ``validUntil``, ...) and extra fields under ``extra``.

The whole file is read before anything is issued: every bad row is reported with its line
number (for JSON, the line where its object starts) and a reason.

>>> from datetime import datetime, UTC
>>> now = datetime(2026, 1, 1, tzinfo=UTC)
>>> text = b"recipient,grade\\nada@example.com,A\\nnot-an-address,B\\n"
>>> bulk = read_bulk_file(text, "cohort.csv", now=now)
>>> [(row.line, row.recipient) for row in bulk.rows]
[(2, 'ada@example.com')]
>>> bulk.problems[0].line, bulk.problems[0].reason[:33]
(3, 'recipient: neither an email addre')
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any, Final
from urllib.parse import urlsplit

from credstack.errors import Error, InvalidInput
from credstack.issue import recipient_kind

MAX_ROWS: Final = 200_000
MAX_FIELD: Final = 2_000
COLUMNS: Final = (
    "recipient",
    "name",
    "grade",
    "evidence_url",
    "evidence_narrative",
    "valid_until",
    "idempotency_key",
)
_JSON_NAMES: Final = {
    "recipient": "recipient",
    "name": "name",
    "grade": "grade",
    "evidenceUrl": "evidence_url",
    "evidenceNarrative": "evidence_narrative",
    "validUntil": "valid_until",
    "idempotencyKey": "idempotency_key",
}


@dataclass(frozen=True)
class BulkRow:
    """One valid row: what its credential says, and how a retry recognises it."""

    line: int
    recipient: str
    name: str | None = None
    grade: str | None = None
    evidence_url: str | None = None
    evidence_narrative: str | None = None
    valid_until: datetime | None = None
    idempotency_key: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def result(self) -> list[dict[str, Any]]:
        """The OB 3.0 ``Result`` list for the grade, if any."""
        return [{"type": ["Result"], "value": self.grade}] if self.grade else []

    def evidence(self) -> list[dict[str, Any]]:
        """The OB 3.0 ``Evidence`` list for the URL and narrative, if any."""
        if not (self.evidence_url or self.evidence_narrative):
            return []
        item: dict[str, Any] = {"type": ["Evidence"]}
        if self.evidence_url:
            item["id"] = self.evidence_url
        if self.evidence_narrative:
            item["narrative"] = self.evidence_narrative
        return [item]

    def to_json(self) -> dict[str, Any]:
        """The row as stored with its job (``from_json`` reads it back)."""
        return {
            "line": self.line,
            "recipient": self.recipient,
            "name": self.name,
            "grade": self.grade,
            "evidenceUrl": self.evidence_url,
            "evidenceNarrative": self.evidence_narrative,
            "validUntil": self.valid_until.isoformat() if self.valid_until else None,
            "idempotencyKey": self.idempotency_key,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BulkRow:
        until = data.get("validUntil")
        return cls(
            line=int(data["line"]),
            recipient=str(data["recipient"]),
            name=data.get("name"),
            grade=data.get("grade"),
            evidence_url=data.get("evidenceUrl"),
            evidence_narrative=data.get("evidenceNarrative"),
            valid_until=datetime.fromisoformat(until) if until else None,
            idempotency_key=data.get("idempotencyKey"),
            extra=dict(data.get("extra") or {}),
        )


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass(frozen=True)
class BulkFile:
    rows: tuple[BulkRow, ...]
    problems: tuple[RowProblem, ...]

    @property
    def clean(self) -> bool:
        return not self.problems


def read_bulk_file(data: bytes, filename: str, *, now: datetime) -> BulkFile:
    """Every row of a CSV or JSON bulk file, each valid or with the reason it is not.

    ``filename`` picks the format by its ending (``.json`` is JSON, anything else CSV);
    ``now`` is the moment a ``valid_until`` must lie after. A file that cannot be read at all
    (not UTF-8, no header, not an array) raises ``InvalidInput``.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"The bulk file is not UTF-8 text (byte {exc.start}).", code="invalid_bulk_file"
        ) from exc
    records = _json_records(text) if filename.lower().endswith(".json") else _csv_records(text)
    rows: list[BulkRow] = []
    problems: list[RowProblem] = []
    seen_recipients: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for line, record in records:
        if len(rows) + len(problems) >= MAX_ROWS:
            raise InvalidInput(
                f"A bulk file holds at most {MAX_ROWS:,} rows; split the file.",
                code="bulk_file_too_large",
            )
        try:
            row = _row(line, record, now)
        except Error as exc:
            problems.append(RowProblem(line, exc.message))
            continue
        recipient = row.recipient.lower()
        if recipient in seen_recipients:
            problems.append(
                RowProblem(line, f"recipient: already on line {seen_recipients[recipient]}")
            )
            continue
        if row.idempotency_key is not None and row.idempotency_key in seen_keys:
            problems.append(
                RowProblem(
                    line, f"idempotency_key: already on line {seen_keys[row.idempotency_key]}"
                )
            )
            continue
        seen_recipients[recipient] = line
        if row.idempotency_key is not None:
            seen_keys[row.idempotency_key] = line
        rows.append(row)
    if not rows and not problems:
        raise InvalidInput("The bulk file has no rows.", code="empty_bulk_file")
    return BulkFile(tuple(rows), tuple(problems))


def _csv_records(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or "recipient" not in [name.strip() for name in header]:
            raise InvalidInput(
                "The CSV file needs a header row with a recipient column "
                f"(and any of {', '.join(COLUMNS[1:])}).",
                code="invalid_bulk_file",
            )
        names = [name.strip() for name in header]
        start = reader.line_num + 1
        for values in reader:
            # line_num counts physical lines, so a quoted field over two lines keeps numbering.
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(names):
                yield line, {"__error__": f"{len(values)} fields, the header has {len(names)}"}
                continue
            yield line, dict(zip(names, values, strict=True))
    except csv.Error as exc:
        raise InvalidInput(
            f"The CSV file cannot be read at line {reader.line_num}: {exc}.",
            code="invalid_bulk_file",
        ) from exc


def _json_records(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if not text.startswith("[", position):
        raise InvalidInput("The JSON file must be an array of objects.", code="invalid_bulk_file")
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        return
    while True:
        line = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InvalidInput(
                f"The JSON file cannot be read at line {line}: {exc}.", code="invalid_bulk_file"
            ) from exc
        yield line, _json_fields(value)
        position = _skip_space(text, position)
        if text.startswith("]", position):
            if text[_skip_space(text, position + 1) :]:
                raise InvalidInput("Text follows the JSON array.", code="invalid_bulk_file")
            return
        if not text.startswith(",", position):
            raise InvalidInput(
                f"The JSON file cannot be read at line {text.count(chr(10), 0, position) + 1}: "
                "expected , or ].",
                code="invalid_bulk_file",
            )
        position = _skip_space(text, position + 1)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _json_fields(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {"__error__": "not a JSON object"}
    fields: dict[str, str] = {}
    for key, item in value.items():
        if key == "extra":
            if not isinstance(item, dict) or not all(
                isinstance(v, str | int | float | bool) for v in item.values()
            ):
                return {"__error__": "extra: an object of plain values"}
            fields.update({f"extra:{k}": str(v) for k, v in item.items()})
        elif key in _JSON_NAMES:
            if item is None:
                continue
            if not isinstance(item, str | int | float):
                return {"__error__": f"{key}: a string"}
            fields[_JSON_NAMES[key]] = str(item)
        else:
            return {"__error__": f"{key}: not a field of a bulk row (put it under extra)"}
    return fields


def _row(line: int, record: Mapping[str, str], now: datetime) -> BulkRow:
    if "__error__" in record:
        raise InvalidInput(record["__error__"])
    values = {name: value.strip() for name, value in record.items()}
    for name, value in values.items():
        if len(value) > MAX_FIELD:
            raise InvalidInput(f"{_label(name)}: longer than {MAX_FIELD} characters")
    recipient = values.get("recipient", "")
    if not recipient:
        raise InvalidInput("recipient: missing")
    try:
        recipient_kind(recipient)
    except InvalidInput as exc:
        raise InvalidInput("recipient: neither an email address nor a DID or URL") from exc
    evidence_url = values.get("evidence_url") or None
    if evidence_url is not None:
        parts = urlsplit(evidence_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput("evidence_url: not an http(s) URL")
    key = values.get("idempotency_key") or None
    if key is not None and (len(key) > 255 or not key.isprintable()):
        raise InvalidInput("idempotency_key: 1 to 255 printable characters")
    extra = {
        name.removeprefix("extra:"): value
        for name, value in values.items()
        if name not in COLUMNS and value
    }
    return BulkRow(
        line=line,
        recipient=recipient,
        name=values.get("name") or None,
        grade=values.get("grade") or None,
        evidence_url=evidence_url,
        evidence_narrative=values.get("evidence_narrative") or None,
        valid_until=_valid_until(values.get("valid_until") or None, now),
        idempotency_key=key,
        extra=extra,
    )


def _valid_until(value: str | None, now: datetime) -> datetime | None:
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            moment = datetime.combine(day.date(), time(23, 59, 59), tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput("valid_until: not a date (2027-12-31) or date-time") from exc
    if moment.tzinfo is None:
        raise InvalidInput("valid_until: a date-time needs a zone (Z or +01:00)")
    if moment <= now:
        raise InvalidInput("valid_until: already past")
    return moment.astimezone(UTC)


def _label(name: str) -> str:
    return name.removeprefix("extra:")
