"""JSON-LD expansion and RDFC-1.0 canonicalization through pyld, in safe mode.

This is the reference path: correct for any JSON-LD 1.1 document, and the yardstick the fast
path in this package is proven against (``tests/unit/jsonld``, ``tests/property``). It is also
where the fast path hands over whatever it does not cover.

Safe mode (see ``safe.py``): pyld drops undefined terms silently and its toRdf skips IRIs that
are not absolute, so they would go unsigned. The reference JavaScript libraries refuse such
documents; so do we.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from typing import Any

from pyld import jsonld as pyld
from pyld.canon import URDNA2015

from credstack.errors import InvalidJsonLd, UndefinedTerm, UnknownContext
from credstack.jsonld import safe
from credstack.jsonld.loader import DEFAULT_LOADER, StaticDocumentLoader

# pyld shares caches between calls (cachetools LRU caches, which are not thread-safe), so
# every call into pyld holds this lock; the fast path needs pyld only to compile contexts.
PYLD_LOCK = threading.RLock()


def _raise_dropped(term: str | None) -> None:
    raise safe.undefined_property(term)


def _check_expanded(node: Any) -> None:
    """Refuse what toRdf would skip: non-absolute types, identifiers and properties.

    The walk is depth-first in the expanded document's key order; the fast path relies on
    that order when a document has more than one refusal (``to_rdf.py``).
    """
    if isinstance(node, list):
        for item in node:
            _check_expanded(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@type" and "@value" not in node:
            for t in value if isinstance(value, list) else [value]:
                if isinstance(t, str) and not safe.is_signable(t):
                    raise safe.undefined_type(t)
        elif key == "@id" and isinstance(value, str) and not safe.is_signable(value):
            raise safe.relative_iri(value)
        elif not key.startswith("@"):
            if key.startswith("_:"):
                raise safe.blank_node_property(key)
            if not safe.ABSOLUTE_IRI.match(key):
                raise safe.undefined_property(key)
        if key != "@value":
            _check_expanded(value)


def wrap(exc: pyld.JsonLdError) -> Exception:
    """Map pyld's errors to ours, preserving an UnknownContext or UndefinedTerm raised inside.

    Anything else is ``InvalidJsonLd``, worded from pyld's chain of causes, outermost first
    ("invalid scoped context: a term definition must not contain context").
    """
    reasons: list[str] = []
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, UnknownContext | UndefinedTerm):
            return cause
        if isinstance(cause, pyld.JsonLdError) and cause.args:
            reason = str(cause.args[0]).removeprefix("Invalid JSON-LD syntax; ").rstrip(".")
            if reason not in reasons:
                reasons.append(reason)
        details = getattr(cause, "details", None)
        nested = details.get("cause") if isinstance(details, dict) else None
        cause = nested if isinstance(nested, BaseException) else cause.__cause__
    return invalid(": ".join(reasons))


def invalid(reason: str) -> InvalidJsonLd:
    return InvalidJsonLd(f"The document is not valid JSON-LD: {reason}.")


def expand(document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER) -> list[Any]:
    """Expanded JSON-LD, refusing undefined terms, non-absolute IRIs and unknown contexts."""
    processor = pyld.JsonLdProcessor(on_property_dropped=_raise_dropped)
    # No base: a relative IRI must stay relative so that safe mode can refuse it (pyld would
    # otherwise resolve it against http://example.org/base/ and sign that).
    options = {"documentLoader": loader, "base": None}
    try:
        with PYLD_LOCK:
            expanded: list[Any] = processor.expand(dict(document), options)
    except pyld.JsonLdError as exc:
        raise wrap(exc) from exc
    except ValueError as exc:  # pyld's IRI resolver, on a relative context URL without a base
        raise invalid(str(exc)) from exc
    _check_expanded(expanded)
    return expanded


def canonicalize(
    document: Mapping[str, Any],
    loader: StaticDocumentLoader = DEFAULT_LOADER,
    *,
    hash_algorithm: str = "sha256",
) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` (pyld calls the algorithm URDNA2015)."""
    expanded = expand(document, loader)
    options = {"format": "application/n-quads", "documentLoader": loader, "base": None}
    try:
        with PYLD_LOCK:
            if hash_algorithm == "sha256":
                nquads: str = pyld.normalize(expanded, {**options, "algorithm": "URDNA2015"})
            else:
                # pyld hard-codes SHA-256; the algorithm is otherwise the same (RDFC-1.0, 4.4).
                rdf_options = {"documentLoader": loader, "base": None}
                dataset = pyld.JsonLdProcessor().to_rdf(expanded, rdf_options)
                nquads = _Urdna2015(hash_algorithm).main(dataset, options)
    except pyld.JsonLdError as exc:
        raise wrap(exc) from exc
    return nquads


class _Urdna2015(URDNA2015):  # type: ignore[misc]  # pyld is untyped
    def __init__(self, hash_algorithm: str) -> None:
        super().__init__()
        self._hash_algorithm = hash_algorithm

    def create_hash(self) -> Any:
        return hashlib.new(self._hash_algorithm)
