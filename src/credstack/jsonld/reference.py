"""JSON-LD expansion and RDFC-1.0 canonicalization through pyld, in safe mode.

This is the reference path: correct for any JSON-LD 1.1 document, and the yardstick the fast
path in this package is proven against (``tests/unit/jsonld``, ``tests/property``). It is also
where the fast path hands over whatever it does not cover.

Safe mode (see ``safe.py``): pyld drops undefined terms silently and its toRdf skips IRIs that
are not absolute, so they would go unsigned. The reference JavaScript libraries refuse such
documents; so do we.

One more refusal is ours alone: pyld writes control characters in literals raw, where
RDFC-1.0's canonical N-Quads escape them (section 4.3.1; ``nquads.py``), and the escaped lines
are what blank node labels are hashed from. pyld cannot be made to write them the spec's way,
so a document with such a character in any string is refused here rather than canonicalized in
a form no other verifier produces. Every other document comes out exactly as pyld writes it.
"""

from __future__ import annotations

import hashlib
import re
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


# The characters pyld's ``nquads.escape`` writes raw and RDFC-1.0 escapes (section 4.3.1): every
# control character but HT, LF and CR, which both escape alike, and DEL. pyld writes even BS and
# FF raw, not as ``\b`` and ``\f``; the others RDFC-1.0 writes as ``\u00XX``.
_PYLD_WRITES_RAW = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def unsupported_characters(text: str, char: str) -> InvalidJsonLd:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return InvalidJsonLd(
        f"The text {shown!r} holds the control character U+{ord(char):04X}. This document "
        "uses JSON-LD features that Credstack canonicalizes only with pyld, which cannot write "
        "that character as RDFC-1.0 canonical N-Quads require (other verifiers would compute "
        "a different signature). Remove the character or replace it with a space.",
        code="unsupported_characters",
    )


def _check_characters(document: Mapping[str, Any]) -> None:
    """Refuse a string, key or value, holding a character pyld escapes differently.

    The whole document is searched, keys included: a key can end up in a literal (the lexical
    form of an ``@json`` value), and where a string ends up after expansion matters less than
    never signing a form the recommendation does not produce.
    """
    pending: list[Any] = [document]
    # A loop, not recursion, so that no depth pyld accepted can overflow; popped in document
    # order, so the first offending string is the one named.
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found = _PYLD_WRITES_RAW.search(item)
            if found is not None:
                raise unsupported_characters(item, found[0])
        elif isinstance(item, Mapping):
            for key, value in reversed(list(item.items())):
                pending += (value, key)
        elif isinstance(item, list | tuple):
            pending.extend(reversed(item))


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
    """RDFC-1.0 canonical N-Quads of ``document`` (pyld calls the algorithm URDNA2015).

    Raises ``InvalidJsonLd`` with code ``unsupported_characters`` for a document holding a
    control character that pyld would not escape as RDFC-1.0 requires.
    """
    expanded = expand(document, loader)
    _check_characters(document)
    return _normalize(expanded, loader, hash_algorithm)


def _normalize(expanded: list[Any], loader: StaticDocumentLoader, hash_algorithm: str) -> str:
    """pyld's canonical N-Quads of an expanded document, literals escaped as pyld escapes them."""
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
