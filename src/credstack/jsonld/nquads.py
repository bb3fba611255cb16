"""RDF terms as N-Quads text: pyld's terms, written in RDFC-1.0's canonical N-Quads.

A term is kept as its N-Quads token from the moment it is made: ``<iri>``, ``_:label`` or a
literal ``"lexical"`` with its datatype or language suffix. The first character says which
(``<``, ``_`` or ``"``), canonicalization only swaps blank node labels, and a quad becomes a
line by joining four strings.

Byte identity with pyld decides the details (the lexical forms of numbers, which literals get a
datatype), with one exception: literals are escaped as RDFC-1.0 section 4.3.1 requires of the
canonical form (https://www.w3.org/TR/rdf-canon/#canonical-quads), not as pyld escapes them.
pyld escapes only backslash, tab, newline, carriage return and quote and writes every other
control character raw; the reference JavaScript stack (rdf-canonize 4, under the
eddsa-rdfc-2022 and ecdsa-rdfc-2019 libraries) follows the recommendation, and so must we for
a credential whose text holds such a character to verify there. The escaped lines are also what
the first-degree and N-degree hashes are taken of, so the canonical blank node labels depend on
the escaping too. pyld cannot be made to agree, so ``reference.py`` refuses those characters.
"""

from __future__ import annotations

import math
import re
from typing import Final

from credstack.jsonld.contexts import Unsupported

XSD: Final = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING: Final = XSD + "string"
XSD_BOOLEAN: Final = XSD + "boolean"
XSD_INTEGER: Final = XSD + "integer"
XSD_DOUBLE: Final = XSD + "double"
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_LANGSTRING: Final = RDF + "langString"
RDF_TYPE_TOKEN: Final = f"<{RDF}type>"
RDF_FIRST_TOKEN: Final = f"<{RDF}first>"
RDF_REST_TOKEN: Final = f"<{RDF}rest>"
RDF_NIL_TOKEN: Final = f"<{RDF}nil>"

Quad = tuple[str, str, str, str]
"""Subject, predicate, object and graph tokens; the graph is ``""`` for the default graph."""

_DOUBLE_EXPONENT: Final = re.compile(r"(\d)0*E\+?(-)?0*(\d)")

# RDFC-1.0 section 4.3.1: in a literal, BS, HT, LF, FF, CR, quote and backslash are written as
# ECHAR, every other character in U+0000..U+001F and U+007F as UCHAR with uppercase hex
# (``\u000B``), and nothing else is escaped: not U+0080..U+009F, not U+2028, nothing non-ASCII.
_ECHAR: Final = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_ESCAPES: Final = {
    char: _ECHAR.get(char, f"\\u{ord(char):04X}")
    for char in [*map(chr, range(0x20)), '"', "\\", "\x7f"]
}
_SPECIAL: Final = re.compile(r'[\x00-\x1f"\\\x7f]')


def escape(value: str) -> str:
    """The lexical form as a canonical N-Quads ``STRING_LITERAL_QUOTE`` (RDFC-1.0, 4.3.1)."""
    # Most strings need nothing; one regex search is as fast as pyld's chain of replaces.
    if _SPECIAL.search(value) is None:
        return value
    return _SPECIAL.sub(_escaped, value)


def _escaped(match: re.Match[str]) -> str:
    return _ESCAPES[match[0]]


def canonical_double(value: float) -> str:
    """The canonical xsd:double lexical form pyld writes (JSON-LD 1.1 API 8.6, step 10)."""
    return _DOUBLE_EXPONENT.sub(r"\1E\2\3", f"{value:1.15E}")


def literal(value: str | int | float | bool, datatype: str | None, language: str | None) -> str:
    """The literal token for a JSON value with an optional datatype or language.

    JSON-LD 1.1 API section 8.6 ("Object to RDF Conversion") as pyld's ``_object_to_rdf``
    orders its cases; the cases where pyld's result hinges on Python's float parsing or on
    overflow are left to pyld.
    """
    if type(value) is str:
        if datatype is None:
            if language:
                return f'"{escape(value)}"@{language}'
            return f'"{escape(value)}"'
        if datatype == XSD_DOUBLE:
            raise Unsupported("a string typed xsd:double")
        return _typed(value, datatype)
    if type(value) is bool:
        return _typed("true" if value else "false", datatype or XSD_BOOLEAN)
    if type(value) is int:
        if abs(value) >= 1e21:
            raise Unsupported("an integer pyld writes as a double")
        if datatype == XSD_DOUBLE:
            return _typed(canonical_double(float(value)), datatype)
        return _typed(str(value), datatype or XSD_INTEGER)
    if type(value) is float:
        if not math.isfinite(value):
            raise Unsupported("a number that is not finite")
        if not value.is_integer() or datatype == XSD_DOUBLE or abs(value) >= 1e21:
            return _typed(canonical_double(value), datatype or XSD_DOUBLE)
        return _typed(str(int(value)), datatype or XSD_INTEGER)
    raise Unsupported(f"a value that is not JSON: {type(value).__name__}")


def _typed(lexical: str, datatype: str) -> str:
    if datatype in (XSD_STRING, RDF_LANGSTRING):
        return f'"{escape(lexical)}"'
    return f'"{escape(lexical)}"^^<{datatype}>'


def line(quad: Quad) -> str:
    """One N-Quads statement, newline included."""
    s, p, o, g = quad
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"
