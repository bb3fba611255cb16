"""The fast JSON paths of the proof suites agree with the slow, exact ones on any JSON.

``jcs.canonicalize`` must give ``rfc8785``'s bytes (or fail where it fails), ``plain_json``
must copy and write values exactly, and base58 must agree with the ``base58`` package.
"""

from __future__ import annotations

import json
import math
from typing import Any

import base58
import orjson
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.issue import credential_text
from credstack.model import jcs, plain_json
from credstack.proofs.multibase import base58btc_decode, base58btc_encode

# Keys and text from all of Unicode (lone surrogates included), with the
# characters whose UTF-16 and code point orders differ made likely.
TEXT = st.text(
    st.one_of(
        st.characters(),
        st.sampled_from(["\ue000", "\uffff", "\U0001f600", "\U00010000", "\x00", "\x1f", '"']),
    ),
    max_size=8,
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e21, 1e-7, 123.0, 5e-324, 2**53, -(2**53), 2**64]),
)
SCALARS = st.one_of(st.none(), st.booleans(), TEXT, NUMBERS)
JSON: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(TEXT, children, max_size=5)
    ),
    max_leaves=30,
)


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


MANY = settings(max_examples=1000, deadline=None)


def reference(value: Any) -> bytes | str:
    try:
        data: bytes = rfc8785.dumps(value)
    except UnicodeEncodeError:  # rfc8785's own slip for a lone surrogate in a key
        return "CanonicalizationError"
    except rfc8785.CanonicalizationError:
        return "CanonicalizationError"
    return data


def fast(value: Any) -> bytes | str:
    try:
        return jcs.canonicalize(value)
    except rfc8785.CanonicalizationError:
        return "CanonicalizationError"


@MANY
@given(JSON)
def test_jcs_is_rfc8785_byte_for_byte(value: Any) -> None:
    assert fast(value) == reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {"\ud800": 1},
        ["\udfff"],
        {"a": {"b": "x\ud83d"}},
        {1: "not a string key"},
        (1, "tuple"),
        {"deep": nested(40)},
        nested(300),  # deeper than orjson writes
        {"k": float("nan")},
        {"k": 2**53},
        {"k": True, "j": False, "i": None},
        {"\ue000": 1, "\U00010000": 2},  # U+E000 sorts after U+10000 by UTF-16 code units
        {"\U0001f600": 1, "\uffff": 2},
        {"\ud7ff": 1, "\u00e9": "\ue000 in a value only"},
    ],
    ids=lambda value: repr(value)[:24],
)
def test_jcs_agrees_at_the_edges(value: Any) -> None:
    assert fast(value) == reference(value)


def same(left: Any, right: Any) -> bool:
    """Equality where NaN equals NaN and types must match (True is not 1, 1.0 is not 1)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple):
        return len(left) == len(right) and all(map(same, left, right))
    return bool(left == right)


@MANY
@given(JSON)
def test_copy_is_a_deep_and_exact_copy(value: Any) -> None:
    copied = plain_json.copy(value)
    assert same(copied, value)
    if isinstance(value, dict | list) and value:
        assert copied is not value


def _containers(value: Any) -> dict[int, Any]:
    """Every dict and list in ``value``, by identity (the values keep them alive)."""
    found: dict[int, Any] = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict | list):
            found[id(item)] = item
            stack.extend(item.values() if isinstance(item, dict) else item)
    return found


@MANY
@given(JSON)
def test_checked_copy_copies_exactly_and_checks_the_values(value: Any) -> None:
    copied, checked = plain_json.checked_copy(value)
    assert same(copied, value)
    assert not set(_containers(copied)) & set(_containers(value))
    assert checked == plain_json.has_plain_values(value)
    if plain_json.is_plain(value):
        assert checked
    if checked:  # what the signers do: the copy's JCS form, its values not walked again
        try:
            data: bytes | str = jcs.canonicalize(copied, values_checked=True)
        except rfc8785.CanonicalizationError:
            data = "CanonicalizationError"
        assert data == reference(value)


def test_checked_copy_declines_what_is_not_plain() -> None:
    for value in ({"a": [1.5]}, {"a": (1,)}, [2**53], {"a": {"b": float("nan")}}):
        copied, checked = plain_json.checked_copy(value)
        assert not checked
        assert copied is not value
    assert plain_json.checked_copy({"a": [-(2**53) + 1, "x", None, {}]})[1]
    assert plain_json.checked_copy("text") == ("text", True)


def test_unsafe_key_bytes_are_the_lead_bytes_from_u_e000() -> None:
    assert not plain_json.has_unsafe_key_bytes(b'{"a":"\xc3\xa9"}')
    assert not plain_json.has_unsafe_key_bytes("\ud7ff\u00e9".encode())
    for character in ("\ue000", "\uffff", "\U00010000", "\U0010ffff"):
        assert plain_json.has_unsafe_key_bytes(character.encode())


@MANY
@given(JSON)
def test_dumps_writes_the_value_or_declines(value: Any) -> None:
    data = plain_json.dumps(value)
    if data is None:
        return
    read = json.loads(data)
    assert same(read, json.loads(json.dumps(value, allow_nan=True)))
    assert not any(isinstance(x, float) and not math.isfinite(x) for x in _leaves(value))


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def test_dumps_declines_nan_infinities_and_foreign_types() -> None:
    from datetime import UTC, datetime

    assert plain_json.dumps({"a": [float("nan")]}) is None
    assert plain_json.dumps({"a": float("-inf"), "b": None}) is None
    assert plain_json.dumps({"when": datetime(2026, 1, 1, tzinfo=UTC)}) is None
    assert plain_json.dumps({"a": None}) == b'{"a":null}'
    assert orjson.loads(plain_json.dumps({"b": 1, "a": [True]}) or b"") == {"b": 1, "a": [True]}


@settings(max_examples=2000, deadline=None)
@given(st.integers(min_value=0, max_value=3), st.binary(max_size=80))
def test_base58_agrees_with_the_base58_package(zeros: int, tail: bytes) -> None:
    data = b"\0" * zeros + tail  # leading zero bytes are written as "1"s
    text = base58.b58encode(data).decode("ascii")
    assert base58btc_encode(data) == text
    assert base58btc_decode(text) == data


def test_nesting_too_deep_to_walk_is_not_plain() -> None:
    assert not plain_json.is_plain(nested(5000))
    assert plain_json.is_plain(nested(50))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(TEXT, JSON, max_size=6))
def test_issued_text_is_what_json_dumps_writes(document: dict[str, Any]) -> None:
    try:
        expected = json.dumps(document, indent=2, ensure_ascii=False)
    except ValueError:  # NaN and infinities are out of scope: issuing refuses them
        return
    assert credential_text(document) == expected
