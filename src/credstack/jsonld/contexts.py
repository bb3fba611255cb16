"""Compiled JSON-LD active contexts: each context is processed once, then reused.

pyld processes every ``@context`` again on each call, bundled contexts included (it caches
remote contexts per operation only), which is about half of its expansion time. Here each
distinct context is processed once, by pyld itself (``JsonLdProcessor._process_context``), so
term definitions, protection and scoping are exactly pyld's. An ``ActiveContext`` wraps the
result and memoizes what expansion asks of it: how a key expands, the term's coercion,
container and scoped context, and the contexts derived from it by property-scoped, type-scoped
and embedded contexts (JSON-LD 1.1 API, section 4.1, "Context Processing Algorithm").

Active contexts never change once built, and every derived context is a pure function of its
parent, the local context and the processing flags, so caching them is sound. Caches belong to
one document loader (a loader decides what a URL means) and are bounded, because embedded
contexts and keys come from untrusted documents.
"""

from __future__ import annotations

import copy
import json
import threading
import weakref
from collections.abc import Mapping
from typing import Any, Final

from pyld import jsonld as pyld

from credstack.jsonld.loader import StaticDocumentLoader
from credstack.jsonld.reference import PYLD_LOCK
from credstack.jsonld.reference import wrap as reference_error
from credstack.jsonld.safe import ABSOLUTE_IRI

KEYWORDS: Final = frozenset(pyld.KEYWORDS)

# How a key of a node object expands (JSON-LD 1.1 API 5.1.2, step 13.1-13.3).
PROPERTY: Final = 0  # an absolute IRI: a predicate
DROPPED: Final = 1  # expands to nothing or to a relative IRI: pyld drops it; we refuse it
BNODE_PROPERTY: Final = 2  # a blank node identifier: not an RDF predicate
ID: Final = 3
TYPE: Final = 4
VALUE: Final = 5
LANGUAGE: Final = 6
DIRECTION: Final = 7
OTHER_KEYWORD: Final = 8  # any other keyword: outside the fast path

_KIND_OF_KEYWORD: Final = {
    "@id": ID,
    "@type": TYPE,
    "@value": VALUE,
    "@language": LANGUAGE,
    "@direction": DIRECTION,
}

# How far the caches may grow before they stop memoizing (keys) or start over (contexts).
_MAX_KEYS_PER_CONTEXT: Final = 4096
_MAX_CONTEXTS_PER_LOADER: Final = 2048

# Processing flags of the three ways a context is derived (pyld's ``_expand``,
# ``_expand_object`` and ``_prepare_nested_context``).
_PROPERTY_SCOPED: Final = {"override_protected": True}
_TYPE_SCOPED: Final = {"propagate": False}
_EMBEDDED: Final[dict[str, bool]] = {}


class Unsupported(Exception):
    """The document needs something the fast path leaves to the reference implementation."""


class Key:
    """What one string means in one active context, as a key, a type or an ``@vocab`` value."""

    __slots__ = (
        "coercion",
        "ep",
        "graph",
        "kind",
        "language",
        "language_map",
        "list",
        "other_container",
        "reverse",
        "scoped",
        "token",
    )

    def __init__(self, raw: Mapping[str, Any], key: str, ep: str | None) -> None:
        self.ep = ep
        if ep is None:
            self.kind = DROPPED
        elif ep in KEYWORDS:
            self.kind = _KIND_OF_KEYWORD.get(ep, OTHER_KEYWORD)
        elif not ABSOLUTE_IRI.match(ep):
            self.kind = DROPPED
        elif ep.startswith("_:"):
            self.kind = BNODE_PROPERTY
        else:
            self.kind = PROPERTY
        self.token = f"<{ep}>"
        # pyld's get_context_value: the term's entry wins over the context default.
        mapping = raw["mappings"].get(key)
        entry: Mapping[str, Any] = mapping if mapping is not None else {}
        self.scoped: Any = entry.get("@context")
        self.coercion: str | None = entry.get("@type")
        self.language: str | None = entry.get("@language", raw.get("@language"))
        self.reverse: bool = bool(entry.get("reverse"))
        container = entry.get("@container") or ()
        # An @graph container wraps each value in its own graph unless it is an id/index map.
        self.graph = "@graph" in container and "@id" not in container and "@index" not in container
        self.language_map = "@language" in container
        self.list = "@list" in container
        self.other_container = any(c in container for c in ("@index", "@id", "@type"))


class Keys(dict[str, Key]):
    """``Key`` per string for one context, computed on first use: ``ctx.keys[name]``.

    A dict subclass with ``__missing__`` keeps the common case, a hit, a plain dict lookup.
    """

    __slots__ = ("_raw", "_universe")

    def __init__(self, raw: Mapping[str, Any], universe: Universe) -> None:
        super().__init__()
        self._raw = raw
        self._universe = universe

    def __missing__(self, key: str) -> Key:
        found = Key(self._raw, key, self._universe.expand_iri(self._raw, key))
        if len(self) < _MAX_KEYS_PER_CONTEXT:
            self[key] = found
        return found


class ActiveContext:
    """One processed active context (pyld's frozen dict in ``raw``) and its memos."""

    __slots__ = ("_derived", "_prefixes", "keys", "previous", "raw", "universe")

    def __init__(self, raw: Mapping[str, Any], universe: Universe) -> None:
        self.raw = raw
        self.universe = universe
        self.keys = Keys(raw, universe)
        self._derived: dict[Any, tuple[Any, ActiveContext]] = {}
        self._prefixes: dict[str, str] | None = None
        previous = raw.get("previousContext")
        # Reverting (step 7 of the expansion algorithm) goes to the context that was active
        # before a type-scoped context; without one, a context reverts to itself.
        self.previous: ActiveContext = self if previous is None else universe.wrap(previous)

    def expand_id(self, value: str) -> str | None:
        """IRI expansion of an ``@id`` (document-relative, no vocabulary, no base).

        pyld's ``_expand_iri(ctx, value, base=None)``: only a compact IRI whose prefix is a
        prefix term changes; anything else is returned as written and judged by the caller.
        """
        if value[:1] == "@":
            return self.universe.expand_iri(self.raw, value, vocab=False)
        colon = value.find(":")
        # A blank node identifier (prefix "_") and an IRI with an authority stay as written.
        if colon > 0 and value[colon + 1 : colon + 3] != "//" and value[:colon] != "_":
            prefixes = self._prefixes
            if prefixes is None:
                prefixes = self._prefixes = {
                    term: mapping["@id"]
                    for term, mapping in self.raw["mappings"].items()
                    if mapping and mapping["_prefix"]
                }
            iri = prefixes.get(value[:colon])
            if iri is not None:
                return iri + value[colon + 1 :]
        return value

    def derive_scoped(self, local: Any, *, type_scoped: bool) -> ActiveContext:
        """This context with a property-scoped or type-scoped context applied.

        ``local`` comes from a term definition, which lives as long as this context, so its
        identity is a sound cache key (the entry keeps it alive).
        """
        flags = _TYPE_SCOPED if type_scoped else _PROPERTY_SCOPED
        cache_key = (type_scoped, id(local))
        found = self._derived.get(cache_key)
        if found is not None:
            return found[1]
        return self._derive(cache_key, local, flags)

    def derive_embedded(self, local: Any) -> ActiveContext:
        """This context with a document's own ``@context`` applied (step 9)."""
        if type(local) is dict and len(local) == 1 and "@context" in local:
            raise Unsupported("a context whose only entry is @context")  # pyld refuses it
        cache_key = ("embedded", _json_key(local))
        found = self._derived.get(cache_key)
        if found is not None:
            return found[1]
        # pyld keeps the context it was given; give it one the caller cannot change later.
        return self._derive(cache_key, copy.deepcopy(local), _EMBEDDED)

    def _derive(self, cache_key: Any, local: Any, flags: Mapping[str, bool]) -> ActiveContext:
        raw = self.universe.process(self.raw, local, flags)
        derived = self.universe.wrap(raw)
        self._derived[cache_key] = (local, derived)
        return derived


class Universe:
    """The compiled contexts of one document loader."""

    def __init__(self, loader: StaticDocumentLoader) -> None:
        self._loader = weakref.ref(loader)
        self._processor = pyld.JsonLdProcessor()
        self._wrapped: dict[int, ActiveContext] = {}
        self.initial = self._reset()

    def _reset(self) -> ActiveContext:
        self._wrapped.clear()
        self.initial = self.wrap(self._processor._get_initial_context(self._options()))
        return self.initial

    def _options(self) -> dict[str, Any]:
        loader = self._loader()
        # pyld's defaults for expansion (JsonLdProcessor.expand), with no document base.
        return {
            "isFrame": False,
            "keepFreeFloatingNodes": False,
            "documentLoader": loader,
            "contextResolver": pyld.ContextResolver(pyld._resolved_context_cache, loader),
            "extractAllScripts": False,
            "processingMode": "json-ld-1.1",
            "base": None,
        }

    def wrap(self, raw: Mapping[str, Any]) -> ActiveContext:
        found = self._wrapped.get(id(raw))
        if found is None:
            found = self._wrapped[id(raw)] = ActiveContext(raw, self)  # keeps raw alive
        return found

    def expand_iri(self, raw: Mapping[str, Any], value: str, *, vocab: bool = True) -> str | None:
        expanded: str | None = self._processor._expand_iri(raw, value, vocab=vocab)
        return expanded

    def process(self, raw: Mapping[str, Any], local: Any, flags: Mapping[str, bool]) -> Any:
        with PYLD_LOCK:
            if len(self._wrapped) > _MAX_CONTEXTS_PER_LOADER:
                self._reset()  # drop every memo; the next documents compile afresh
            try:
                return self._processor._process_context(raw, local, self._options(), **flags)
            except pyld.JsonLdError as exc:
                # pyld raises this very error at this point of its expansion too, so it is
                # the reference's error: an unknown context, or invalid JSON-LD.
                raise reference_error(exc) from exc
            except Exception as exc:  # not pyld's own error: let pyld decide what it means
                raise Unsupported(f"context processing failed: {exc!r}") from exc


_universes: weakref.WeakKeyDictionary[StaticDocumentLoader, Universe] = weakref.WeakKeyDictionary()
_universes_lock = threading.Lock()


def universe_of(loader: StaticDocumentLoader) -> Universe:
    found = _universes.get(loader)
    if found is None:
        with _universes_lock:
            found = _universes.setdefault(loader, Universe(loader))
    return found


def _json_key(value: Any) -> Any:
    """A hashable stand-in for a JSON value that tells apart what JSON tells apart."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is list:
        return ("list", *(_json_key(v) for v in value))
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise Unsupported("a context with a key that is not a string")
        return ("dict", *((k, _json_key(v)) for k, v in value.items()))
    if kind is bool or kind is int or kind is float:
        return (kind.__name__, json.dumps(value))
    raise Unsupported(f"a context that is not JSON: {kind.__name__}")
