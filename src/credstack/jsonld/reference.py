"""JSON-LD expansion and RDFC-1.0 canonicalization through pyld, in safe mode.

This is the reference path: correct for any JSON-LD 1.1 document, and the yardstick the fast
path in this package is proven against.

Safe mode: pyld drops undefined terms silently and turns undefined types into relative IRIs, so
they would go unsigned. The reference JavaScript libraries refuse such documents; so do we.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyld import jsonld as pyld

from credstack.errors import InvalidJsonLd, UndefinedTerm, UnknownContext
from credstack.jsonld.loader import DEFAULT_LOADER, StaticDocumentLoader


def _raise_dropped(term: str | None) -> None:
    raise UndefinedTerm(
        f"The property {term!r} is not defined by any of the document's JSON-LD contexts, "
        "so it would not be signed. Define it in a context or remove it.",
        code="undefined_term",
    )


def _is_absolute(iri: str) -> bool:
    return ":" in iri and not iri.startswith(":")


def _check_expanded(node: Any) -> None:
    """Refuse relative IRIs left in types and property names after expansion."""
    if isinstance(node, list):
        for item in node:
            _check_expanded(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@type" and "@value" not in node:
            for t in value if isinstance(value, list) else [value]:
                if isinstance(t, str) and not _is_absolute(t):
                    raise UndefinedTerm(
                        f"The type {t!r} is not defined by any of the document's JSON-LD "
                        "contexts, so it would be signed as a relative IRI. Define it in a "
                        "context or use a full IRI.",
                    )
        elif key == "@id" and isinstance(value, str) and not _is_absolute(value):
            raise UndefinedTerm(
                f"The identifier {value!r} is a relative IRI; use an absolute IRI "
                "(for example urn:uuid:...) so that it is signed as written.",
                code="relative_iri",
            )
        elif not key.startswith("@") and not _is_absolute(key):
            _raise_dropped(key)
        if key != "@value":
            _check_expanded(value)


def _wrap(exc: pyld.JsonLdError) -> Exception:
    """Map pyld's errors to ours, preserving an UnknownContext or UndefinedTerm raised inside."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, UnknownContext | UndefinedTerm):
            return cause
        details = getattr(cause, "details", None)
        nested = details.get("cause") if isinstance(details, dict) else None
        cause = nested if isinstance(nested, BaseException) else cause.__cause__
    return InvalidJsonLd(f"The document is not valid JSON-LD: {exc}")


def expand(
    document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER
) -> list[Any]:
    """Expanded JSON-LD, refusing undefined terms and unknown contexts."""
    processor = pyld.JsonLdProcessor(on_property_dropped=_raise_dropped)
    try:
        expanded: list[Any] = processor.expand(dict(document), {"documentLoader": loader})
    except pyld.JsonLdError as exc:
        raise _wrap(exc) from exc
    _check_expanded(expanded)
    return expanded


def canonicalize(
    document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER
) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` (pyld calls the algorithm URDNA2015)."""
    expanded = expand(document, loader)
    try:
        nquads: str = pyld.normalize(
            expanded,
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
        )
    except pyld.JsonLdError as exc:
        raise _wrap(exc) from exc
    return nquads
