"""Canonical N-Quads of a JSON-LD document: the fast path, and pyld for everything else.

``to_rdf`` covers what credentials use; when a document needs more it says ``Unsupported``
and the document goes to ``reference.canonicalize``, so the result is always pyld's, byte for
byte, refusals included. ``tests/unit/jsonld`` and ``tests/property`` prove the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credstack.jsonld import reference
from credstack.jsonld.contexts import Unsupported, universe_of
from credstack.jsonld.loader import DEFAULT_LOADER, StaticDocumentLoader
from credstack.jsonld.rdfc import canonicalize as rdfc
from credstack.jsonld.to_rdf import to_quads


def canonicalize(document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``, refusing what safe mode refuses.

    Raises ``UnknownContext`` for a context that is not bundled, ``UndefinedTerm`` for a term,
    type or identifier that would not be signed, and ``InvalidJsonLd`` for invalid JSON-LD.
    """
    try:
        return canonicalize_fast(document, loader)
    except Unsupported:
        return reference.canonicalize(document, loader)
    except RecursionError:
        return reference.canonicalize(document, loader)


def canonicalize_fast(
    document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER
) -> str:
    """The fast path alone: raises ``Unsupported`` where ``canonicalize`` would use pyld."""
    try:
        quads = to_quads(document, universe_of(loader))
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # Only input that is not plain JSON (say, a dict with integer keys) gets here; what
        # pyld makes of it is pyld's business.
        raise Unsupported(f"unexpected input: {exc!r}") from exc
    return rdfc(quads)
