"""Parse untrusted JSON text with limits, and refuse what would make a signed document ambiguous.

A verifier is handed text by strangers. Before anything else reads it, this module refuses input
that is too large, nested too deep (Python's ``json`` would raise ``RecursionError`` on ten
thousand nested arrays), not UTF-8 (RFC 8259 section 8.1), not JSON, or JSON that parsers read
differently: duplicate keys (RFC 8259 section 4 leaves the winner undefined), ``NaN`` and
``Infinity`` (not JSON at all), numbers that overflow to infinity, and unpaired UTF-16
surrogate escapes (they cannot be encoded back to UTF-8 for canonicalization).

>>> parse_json('{"type": ["VerifiableCredential"]}')
{'type': ['VerifiableCredential']}
>>> parse_json('{"a": 1, "a": 2}')  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
credstack.errors.MalformedCredential: A JSON object has the key 'a' twice. ...
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from credstack.errors import MalformedCredential

DEFAULT_MAX_BYTES = 1_048_576
DEFAULT_MAX_DEPTH = 64
_MAX_INT_DIGITS = 4_000

# One token at a time: a whole JSON string (escapes included, so brackets inside strings do not
# count), or a bracket. The string pattern is the unrolled form, linear on long strings.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_json(
    raw: str | bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Any:
    """The JSON value in ``raw``; raises ``MalformedCredential`` with a stable code otherwise.

    Codes: ``too_large`` (checked before parsing), ``too_deep``, ``malformed_json`` (not UTF-8,
    not JSON, NaN or Infinity, unpaired surrogates), ``duplicate_key``.
    """
    size = len(raw) if isinstance(raw, bytes) else _utf8_length(raw, max_bytes)
    if size > max_bytes:
        raise MalformedCredential(
            f"The input is {size:,} bytes; the limit is {max_bytes:,} bytes. "
            "A credential is rarely more than a few kilobytes: check that this is the right file.",
            code="too_large",
        )
    text = _decode(raw) if isinstance(raw, bytes) else raw
    if text.startswith("\ufeff"):
        raise MalformedCredential(
            "The input starts with a byte order mark, which JSON text must not have "
            "(RFC 8259 section 8.1). Save the file as UTF-8 without a BOM.",
            code="malformed_json",
        )
    _check_depth(text, max_depth)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except _DuplicateKeyError as exc:
        raise MalformedCredential(_duplicate_key_message(exc.key), code="duplicate_key") from exc
    except json.JSONDecodeError as exc:
        raise MalformedCredential(
            f"The input is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            code="malformed_json",
        ) from exc
    except ValueError as exc:  # NaN, Infinity, a float overflow, an integer too long
        raise MalformedCredential(
            f"The input is not acceptable JSON: {exc}.", code="malformed_json"
        ) from exc
    if _SURROGATE_ESCAPE.search(text) or _SURROGATE.search(text):
        _check_surrogates(value)
    return value


def plain_json(value: object, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """A copy of a JSON-like Python value with every mapping a ``dict`` and every tuple a
    ``list``, refused with ``too_deep`` past ``max_depth`` as parsed text would be."""
    return _plain(value, max_depth, 0)


def _plain(value: object, max_depth: int, depth: int) -> Any:
    if isinstance(value, Mapping | list | tuple):
        if depth >= max_depth:
            raise MalformedCredential(
                f"The data is nested more than {max_depth} levels deep; no credential needs "
                "that, so it is refused.",
                code="too_deep",
            )
        if isinstance(value, Mapping):
            return {key: _plain(item, max_depth, depth + 1) for key, item in value.items()}
        return [_plain(item, max_depth, depth + 1) for item in value]
    return value


def _utf8_length(text: str, limit: int) -> int:
    # Each character takes 1 to 4 bytes: skip the encoding when the answer is already clear.
    if len(text) > limit:
        return len(text)
    if len(text) * 4 <= limit:
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw[: exc.start].decode("utf-8", "replace"))
        raise MalformedCredential(
            f"The input is not valid UTF-8 at line {line}, column {column} "
            f"(byte offset {exc.start}); JSON exchanged between systems must be UTF-8 "
            "(RFC 8259 section 8.1). Re-save the file as UTF-8.",
            code="malformed_json",
        ) from exc


def _position(prefix: str) -> tuple[int, int]:
    line = prefix.count("\n") + 1
    return line, len(prefix) - (prefix.rfind("\n") + 1) + 1


def _check_depth(text: str, max_depth: int) -> None:
    """Count bracket nesting outside strings, so deep input is refused before ``json`` recurses."""
    depth = 0
    for match in _TOKENS.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > max_depth:
                line, column = _position(text[: match.start()])
                raise MalformedCredential(
                    f"The JSON is nested more than {max_depth} levels deep (at line {line}, "
                    f"column {column}); no credential needs that, so it is refused.",
                    code="too_deep",
                )
        elif bracket in "]}":
            depth -= 1


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _duplicate_key_message(key: str) -> str:
    return (
        f"A JSON object has the key {key!r} twice. Parsers disagree on which value wins, "
        "so a signed document with duplicate keys is ambiguous and is refused. "
        "Remove one of the two."
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (RFC 8259 section 6)")


def _finite_float(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise ValueError(f"the number {literal[:40]} is too large to represent")
    return number


def _bounded_int(literal: str) -> int:
    # Python refuses to convert integers of more than 4,300 digits; say so in plain words.
    if len(literal) > _MAX_INT_DIGITS:
        raise ValueError(
            f"an integer has {len(literal):,} digits; the limit is {_MAX_INT_DIGITS:,}"
        )
    return int(literal)


def _check_surrogates(value: Any) -> None:
    """Walk the parsed value without recursion; refuse strings with unpaired surrogates."""
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            strings: list[str] = [node]
        elif isinstance(node, dict):
            strings = list(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            strings = []
            stack.extend(node)
        else:
            continue
        for string in strings:
            if _SURROGATE.search(string):
                raise MalformedCredential(
                    f"The string {string[:40]!r} holds an unpaired UTF-16 surrogate, which is "
                    "not a character and cannot be encoded as UTF-8.",
                    code="malformed_json",
                )
