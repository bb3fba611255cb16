"""RFC 8785 JSON Canonicalization Scheme, fast for the JSON that credentials hold.

``rfc8785`` is the reference here: exact, and pure Python (about 150 µs for an Open Badges
credential, several times the Ed25519 signature it feeds). Most credentials hold only objects,
arrays, strings, booleans, null and integers, and for those the RFC 8785 form is what orjson
writes with sorted keys: the same escapes (RFC 8785 section 3.2.2.2), integers written as
they are, no whitespace. ``canonicalize`` takes that path when ``is_plain`` says the value is
of that kind, and gives everything else (floats, whose ECMAScript form differs from orjson's;
integers beyond 2**53; keys whose UTF-16 order may differ from code point order; other types)
to ``rfc8785``. The property tests compare the two on generated JSON of every kind.

>>> canonicalize({"b": [True, None], "a": "é\\n", "c": 1.0})
b'{"a":"\\xc3\\xa9\\\\n","b":[true,null],"c":1}'
"""

from __future__ import annotations

from typing import Any

import orjson
import rfc8785

from credstack.model.plain_json import is_plain


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 form of ``value`` as UTF-8; ``rfc8785.CanonicalizationError`` when it has
    none (NaN, lone surrogates, unsafe integers, keys that are not strings)."""
    if is_plain(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # a lone surrogate, or nesting deeper than orjson goes: rfc8785 says which
    try:
        data: bytes = rfc8785.dumps(value)
    except UnicodeEncodeError as exc:
        # rfc8785 sorts keys by their UTF-16 form before it checks them for lone surrogates.
        raise rfc8785.CanonicalizationError("input contains non-UTF-8 codepoints") from exc
    return data
