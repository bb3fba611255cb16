"""RDF terms as N-Quads text, exactly as pyld writes them.

A term is kept as its N-Quads token from the moment it is made: ``<iri>``, ``_:label`` or a
literal ``"lexical"`` with its datatype or language suffix. The first character says which
(``<``, ``_`` or ``"``), canonicalization only swaps blank node labels, and a quad becomes a
line by joining four strings.

Byte identity with pyld decides the details, including where pyld departs from RDFC-1.0
(section 4.3.1 of https://www.w3.org/TR/rdf-canon/ wants ``\\b``, ``\\f`` and other control
characters escaped; pyld escapes only backslash, tab, newline, carriage return and quote).
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


def escape(value: str) -> str:
    """pyld's ``nquads.escape``: the five characters N-Quads must escape in a literal."""
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )


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
