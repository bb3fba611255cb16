"""Plain JSON, fast: what the proof suites check, copy and write on every signature.

orjson reads and writes JSON several times faster than the standard library, but it writes NaN
and infinities as null, datetimes and dataclasses as strings and objects, and its float form is
not ECMAScript's. These helpers take the fast path only where the result is exact.

>>> is_plain({"a": [1, "x", None, True]}), is_plain({"a": 1.5})
(True, False)
>>> dumps({"n": float("nan")}) is None
True
>>> checked_copy({"a": [1, {"b": "x"}]}), checked_copy({"a": [1.5]})
(({'a': [1, {'b': 'x'}]}, True), ({'a': [1.5]}, False))
"""

from __future__ import annotations

import copy as _copy
from collections.abc import Iterable
from typing import Any

import orjson

# RFC 8785 section 3.2.2.3: numbers are IEEE 754 doubles; integers beyond this are not exact.
_SAFE_INTEGER = 2**53
# Keys at or above U+E000 may sort differently by UTF-16 code units (section 3.2.3) than by
# code points, as orjson sorts; surrogates (U+D800-U+DFFF) are not text at all.
_FIRST_UNSAFE_KEY_CHARACTER = "\ud800"


def is_plain(value: object) -> bool:
    """True when ``value`` is dicts with string keys below U+D800, lists, strings, booleans,
    None and integers of magnitude below 2**53, all the way down."""
    try:
        return _all_plain((value,))
    except RecursionError:
        return False


def has_unsafe_key_bytes(data: bytes) -> bool:
    """Whether JSON text ``data`` (UTF-8) may hold a key at or above U+E000: False when no
    byte of it starts the UTF-8 form of such a character (0xEE to 0xF4).

    Keys below U+D800 sort the same by UTF-16 code units as by code points; surrogates are not
    UTF-8 at all, so a writer refuses them. One ``in`` per byte value (memchr) is several times
    faster than a regular expression or a walk of the keys.
    """
    if data.isascii():
        return False
    return any(lead in data for lead in _UNSAFE_LEAD_BYTES)


_UNSAFE_LEAD_BYTES = tuple(bytes([lead]) for lead in range(0xEE, 0xF5))


def checked_copy(value: Any) -> tuple[Any, bool]:
    """A deep copy of ``value``, and whether its values are plain: ``is_plain`` apart from
    the keys, which ``credstack.model.jcs.canonicalize`` checks on the text it writes.

    One walk does both, for the signers, which copy the document and canonicalize it. Only
    the dicts and lists are copied; strings, integers, booleans and None are immutable. A
    value that is not plain is copied by ``copy``.
    """
    kind = type(value)
    try:
        if kind is dict:
            copied = _copy_dict(value)
        elif kind is list:
            copied = _copy_list(value)
        else:
            copied = value if _all_plain_values((value,)) else _NOT_PLAIN
    except RecursionError:
        copied = _NOT_PLAIN
    if copied is _NOT_PLAIN:
        return copy(value), False
    return copied, True


_NOT_PLAIN: Any = object()


# The two walks below are ``_all_plain_values`` unrolled for dicts and lists (checked here
# for every signature, so each node costs as little as Python allows: strings first, as most
# leaves are strings; the copy's own containers replaced as they are copied).
def _copy_dict(source: dict[Any, Any]) -> Any:
    copied = source.copy()
    for key, value in source.items():
        kind = type(value)
        if kind is str:
            continue
        if kind is dict:
            child = _copy_dict(value)
        elif kind is list:
            child = _copy_list(value)
        elif (
            kind is bool
            or value is None
            or (kind is int and -_SAFE_INTEGER < value < _SAFE_INTEGER)
        ):
            continue
        else:
            return _NOT_PLAIN
        if child is _NOT_PLAIN:
            return _NOT_PLAIN
        copied[key] = child
    return copied


def _copy_list(source: list[Any]) -> Any:
    copied = source.copy()
    index = -1
    for value in source:
        index += 1
        kind = type(value)
        if kind is str:
            continue
        if kind is dict:
            child = _copy_dict(value)
        elif kind is list:
            child = _copy_list(value)
        elif (
            kind is bool
            or value is None
            or (kind is int and -_SAFE_INTEGER < value < _SAFE_INTEGER)
        ):
            continue
        else:
            return _NOT_PLAIN
        if child is _NOT_PLAIN:
            return _NOT_PLAIN
        copied[index] = child
    return copied


def has_plain_values(value: object) -> bool:
    """``is_plain`` apart from the keys: dicts, lists, strings, booleans, None and integers of
    magnitude below 2**53, all the way down, whatever the dicts' keys."""
    try:
        return _all_plain_values((value,))
    except RecursionError:
        return False


def _all_plain_values(values: Iterable[object]) -> bool:
    for value in values:
        kind = type(value)
        if kind is str or kind is bool or value is None:
            continue
        if kind is dict:
            if not _all_plain_values(value.values()):  # type: ignore[attr-defined]
                return False
        elif kind is list:
            if not _all_plain_values(value):  # type: ignore[arg-type]
                return False
        elif kind is int:
            if not -_SAFE_INTEGER < value < _SAFE_INTEGER:  # type: ignore[operator]
                return False
        else:
            return False
    return True


def _all_plain(values: Iterable[object]) -> bool:
    for value in values:
        kind = type(value)
        if kind is str or kind is bool or value is None:
            continue
        if kind is dict:
            try:
                keys = "".join(value)  # type: ignore[arg-type]
            except TypeError:
                return False  # a key that is not a string
            if not keys.isascii() and max(keys) >= _FIRST_UNSAFE_KEY_CHARACTER:
                return False
            if not _all_plain(value.values()):  # type: ignore[attr-defined]
                return False
        elif kind is list:
            if not _all_plain(value):  # type: ignore[arg-type]
                return False
        elif kind is int:
            if not -_SAFE_INTEGER < value < _SAFE_INTEGER:  # type: ignore[operator]
                return False
        else:
            return False
    return True


# Types orjson would write in a form of its own are refused instead (to the slow path).
_EXACT = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | (orjson.OPT_PASSTHROUGH_SUBCLASS)
)


def dumps(value: object) -> bytes | None:
    """Compact JSON of ``value`` (UTF-8, members in their order), or None when orjson cannot
    write it exactly: NaN or infinities (orjson writes null), integers beyond 64 bits, lone
    surrogates, datetimes, dataclasses and subclasses of the JSON types. Tuples are written
    as arrays and UUIDs and enums as their values, as JSON encoders commonly do."""
    try:
        data = orjson.dumps(value, option=_EXACT)
    except orjson.JSONEncodeError:
        return None
    # A null may stand for a NaN: only then is reading it back worth the time.
    if b"null" in data and orjson.loads(data) != value:
        return None
    return data


def copy(value: Any) -> Any:
    """A deep copy: through orjson where ``dumps`` is exact, else ``copy.deepcopy``."""
    data = dumps(value)
    return _copy.deepcopy(value) if data is None else orjson.loads(data)
