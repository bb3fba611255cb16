"""RFC 8785 JSON Canonicalization Scheme, fast for the JSON that credentials hold.

``rfc8785`` is the reference here: exact, and pure Python (about 150 µs for an Open Badges
credential, several times the Ed25519 signature it feeds). Most credentials hold only objects,
arrays, strings, booleans, null and integers, and for those the RFC 8785 form is what orjson
writes with sorted keys: the same escapes (RFC 8785 section 3.2.2.2), integers written as
they are, no whitespace. ``canonicalize`` takes that path when the value is of that kind
(``plain_json.is_plain``), and gives everything else (floats, whose ECMAScript form differs
from orjson's; integers beyond 2**53; keys whose UTF-16 order may differ from code point
order; other types) to ``rfc8785``. The property tests compare the two on generated JSON of
every kind.

>>> canonicalize({"b": [True, None], "a": "é\\n", "c": 1.0})
b'{"a":"\\xc3\\xa9\\\\n","b":[true,null],"c":1}'
"""

from __future__ import annotations

from typing import Any

import orjson
import rfc8785

from credstack.model.plain_json import has_plain_values, has_unsafe_key_bytes, is_plain


def canonicalize(value: Any, *, values_checked: bool = False) -> bytes:
    """The RFC 8785 form of ``value`` as UTF-8; ``rfc8785.CanonicalizationError`` when it has
    none (NaN, lone surrogates, unsafe integers, keys that are not strings).

    ``values_checked`` says that the caller has found ``has_plain_values(value)`` true (as
    ``plain_json.checked_copy`` does), so it is not walked again. The keys are checked on
    the text written: orjson refuses keys that are not strings, and only text with a byte
    from 0xEE up (which starts a character from U+E000) can hold a key whose UTF-16 order
    differs; a byte search rules that out much faster than a walk of the keys.
    """
    if values_checked or has_plain_values(value):
        try:
            fast = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # a lone surrogate, or nesting deeper than orjson goes: rfc8785 says which
        else:
            if not has_unsafe_key_bytes(fast) or is_plain(value):
                return fast
    try:
        data: bytes = rfc8785.dumps(value)
    except UnicodeEncodeError as exc:
        # rfc8785 sorts keys by their UTF-16 form before it checks them for lone surrogates.
        raise rfc8785.CanonicalizationError("input contains non-UTF-8 codepoints") from exc
    return data
