"""JSON-LD to RDF in one pass: expansion, node map and toRdf fused, for the common subset.

pyld is the only JSON-LD processor for Python, and it is about ten times too slow for signing
and verifying at hundreds of credentials per second: it reprocesses every context on each call,
builds the expanded document, then a node map, then RDF dictionaries. No maintained faster
package exists (pyoxigraph parses JSON-LD but does not implement RDFC-1.0), so this module
walks the compacted document once and writes N-Quads tokens (``nquads.py``) straight away,
with contexts compiled once (``contexts.py``).

It follows pyld's own algorithm, not just the specification, because the output must be
byte-identical to pyld's (``reference.py``), and so must the refusals of safe mode:

- expansion: JSON-LD 1.1 API section 5.1.2 as pyld's ``_expand`` and ``_expand_object`` do it:
  keys in sorted order, the same context reverting and property-, type- and embedded-scoped
  contexts, and an undefined property refused at the moment pyld would drop it;
- node map (section 7.2): nodes with the same identifier merge, and a value is added to a
  property only once, compared as pyld's ``compare_values`` compares (so ``1`` and ``1.0`` are
  one value, ``1`` and ``"1"`` two, even when both become the same literal);
- toRdf (section 8.1): each value of an ``@graph`` container becomes a graph named by a blank
  node, and literals are written as ``_object_to_rdf`` writes them.

Covered: terms, compact IRIs, ``@vocab``, ``@id``/``@vocab``/datatype coercion, language and
direction, value objects, language maps, ``@graph`` and ``@set`` containers, blank nodes,
nested and embedded contexts, protected and scoped contexts with their propagation rules.
Anything else (``@list``, ``@reverse``, ``@index``, ``@nest``, ``@included``, ``@json``,
``@graph`` as a key, id/type/index maps, numbers pyld writes through float parsing, inputs
that are not plain JSON) raises ``Unsupported``, and ``canon.py`` hands the document to pyld.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credstack.errors import UndefinedTerm
from credstack.jsonld import safe
from credstack.jsonld.contexts import (
    BNODE_PROPERTY,
    DIRECTION,
    DROPPED,
    ID,
    LANGUAGE,
    PROPERTY,
    TYPE,
    VALUE,
    ActiveContext,
    Key,
    Universe,
    Unsupported,
)
from credstack.jsonld.nquads import (
    RDF_FIRST_TOKEN,
    RDF_NIL_TOKEN,
    RDF_REST_TOKEN,
    RDF_TYPE_TOKEN,
    Quad,
    literal,
)

_ABSOLUTE = safe.ABSOLUTE_IRI.match
_NOT_A_DATATYPE = (None, "@id", "@vocab", "@none")
_NO_ID = object()

Term = tuple[str, object]
"""An object's token and the key pyld's node map tells equal values apart by."""


def to_quads(document: Mapping[str, Any], universe: Universe) -> list[Quad]:
    """The RDF dataset of ``document`` as pyld would build it, or ``Unsupported``.

    Raises the safe-mode ``UndefinedTerm`` that pyld would raise. When a document has several
    refusals that differ, which one pyld names first depends on the expanded document's key
    order, so the choice is left to the reference (``Unsupported``).
    """
    build = _Build()
    _object(build, universe.initial, None, dict(document), "", top=True)
    if build.refusals:
        first = build.refusals[0]
        if all(str(r) == str(first) and r.code == first.code for r in build.refusals):
            raise first
        raise Unsupported("several refusals")
    return build.quads


class _Build:
    """The dataset being written, with pyld's node-map bookkeeping."""

    __slots__ = ("count", "labels", "quads", "refusals", "seen")

    def __init__(self) -> None:
        self.quads: list[Quad] = []
        self.seen: set[tuple[str, str, str, object]] = set()
        self.labels: dict[str, str] = {}
        self.refusals: list[UndefinedTerm] = []
        self.count = 0

    def bnode(self) -> str:
        self.count += 1
        return f"_:b{self.count}"

    def label(self, existing: str) -> str:
        """Our label for a blank node identifier written in the document."""
        found = self.labels.get(existing)
        if found is None:
            found = self.labels[existing] = self.bnode()
        return found

    def add(self, s: str, p: str, o: str, g: str, key: tuple[str, str, str, object]) -> None:
        if key not in self.seen:
            self.seen.add(key)
            self.quads.append((s, p, o, g))


def _object(
    build: _Build,
    ctx: ActiveContext,
    prop: str | None,
    element: dict[str, Any],
    graph: str,
    *,
    top: bool = False,
) -> Term | None:
    """Expand a JSON object (a node or a value object) and add its quads to ``graph``."""
    # Steps 7-8: outside a value or a node reference, a type-scoped context is reverted;
    # then the property-scoped context of the active property applies.
    active = ctx
    if ctx.previous is not ctx:
        revert = True
        if len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                kind = ctx.keys[key].kind
                if kind == VALUE:
                    revert = False
                    break
                if kind == ID and len(element) == 1:
                    revert = False
                    break
        if revert:
            active = ctx.previous
    if prop is not None:
        scoped = ctx.keys[prop].scoped
        if scoped is not None:
            active = active.derive_scoped(scoped, type_scoped=False)
    # Steps 9-11: an embedded context, then the type-scoped contexts of the types, in order.
    if "@context" in element:
        active = active.derive_embedded(element["@context"])
    type_scoped = active
    keys = sorted(element)
    infos = active.keys
    for key in keys:
        if infos[key].kind == TYPE:
            value = element[key]
            for name in sorted(_strings(value if type(value) is list else [value])):
                scoped = type_scoped.keys[name].scoped
                if scoped is not None and scoped is not False:
                    active = active.derive_scoped(scoped, type_scoped=True)
                    infos = active.keys
    # Step 13, classified first: a value object, or a node, its identifier and language.
    entries = [(key, infos[key]) for key in keys]
    id_key = language_key = None
    is_value = other = False
    for key, info in entries:
        kind = info.kind
        if kind == ID:
            other = other or id_key is not None  # colliding keywords
            id_key = key
        elif kind == VALUE:
            is_value = True
        elif kind == LANGUAGE:
            other = other or language_key is not None
            language_key = key
        elif kind > LANGUAGE and key != "@context":
            other = True
    if is_value:
        term = _value_object(active, type_scoped, element, keys)
        return None if top else term
    if other:
        raise Unsupported("a node object with other keywords")
    subject, refusal = _subject(build, active, element[id_key] if id_key else _NO_ID)
    # A node's @language says nothing in RDF, but expansion keeps it as an entry.
    language = element[language_key] if language_key else None
    if language is not None and type(language) is not str:
        raise Unsupported("a language that is not a string")
    added = language is not None
    has_content = False
    for key, info in entries:
        kind = info.kind
        if kind == PROPERTY:
            if _property(build, active, info, key, element[key], subject, graph):
                added = has_content = True
        elif kind == TYPE:
            if _types(build, type_scoped, element[key], subject, graph):
                added = has_content = True
        elif kind == DROPPED:
            raise safe.undefined_property(info.ep)
        elif kind == BNODE_PROPERTY and _property(
            build, active, info, key, element[key], subject, graph
        ):
            added = has_content = True
            build.refusals.append(safe.blank_node_property(info.token[1:-1]))
    # A top-level object with nothing but an @id is dropped by expansion, unchecked; so is
    # any object with nothing but a language.
    if refusal is not None and (added or not top):
        build.refusals.append(refusal)
    if top or (id_key is None and language is not None and not has_content):
        return None
    return subject, subject


def _subject(
    build: _Build, active: ActiveContext, written: Any
) -> tuple[str, UndefinedTerm | None]:
    if written is _NO_ID:
        return build.bnode(), None
    if type(written) is not str:
        raise Unsupported("an @id that is not a string")
    iri = active.expand_id(written)
    if iri is None or iri[:1] == "@":
        raise Unsupported("an @id that expands to a keyword")
    if iri.startswith("_:"):
        return build.label(iri), None
    return f"<{iri}>", None if _ABSOLUTE(iri) else safe.relative_iri(iri)


def _strings(values: list[Any]) -> list[str]:
    strings = []
    for value in values:
        if type(value) is str:
            strings.append(value)
        elif isinstance(value, str):
            raise Unsupported("a string subclass")
    return strings


def _types(build: _Build, type_scoped: ActiveContext, value: Any, subject: str, graph: str) -> bool:
    names = [value] if type(value) is str else value
    if type(names) is not list or len(_strings(names)) != len(names):
        raise Unsupported("an @type that is not strings")
    for name in names:
        info = type_scoped.keys[name]
        if info.kind == PROPERTY:
            build.add(
                subject, RDF_TYPE_TOKEN, info.token, graph, (graph, subject, "@type", info.ep)
            )
        elif info.kind == DROPPED and info.ep is not None:
            build.refusals.append(safe.undefined_type(info.ep))
        else:
            raise Unsupported("a blank node or keyword as a type")
    return bool(names)


def _property(
    build: _Build, active: ActiveContext, info: Key, key: str, value: Any, subject: str, graph: str
) -> bool:
    """Add the values of one property; whether expansion keeps the property at all."""
    # pyld applies a property-scoped context before it looks at the value, even a null one.
    term = active if info.scoped is None else active.derive_scoped(info.scoped, type_scoped=False)
    if value is None:
        return False
    if info.reverse or info.coercion == "@json" or info.other_container:
        raise Unsupported("a reverse, JSON literal or map property")
    if type(value) is dict and info.language_map:
        _language_map(build, term, info, value, subject, graph)
        return True
    if info.list or term.keys[key].list:
        _list(build, term, key, value, subject, info.token, graph)
        return True
    if type(value) is list:
        _items(build, term, key, value, subject, info.token, graph, info.graph)
        return True
    return _item(build, term, key, value, subject, info.token, graph, info.graph)


def _items(
    build: _Build,
    term: ActiveContext,
    key: str,
    values: list[Any],
    subject: str,
    predicate: str,
    graph: str,
    wrap: bool,
) -> None:
    for value in values:
        if type(value) is list:
            _items(build, term, key, value, subject, predicate, graph, wrap)  # arrays flatten
        else:
            _item(build, term, key, value, subject, predicate, graph, wrap)


def _item(
    build: _Build,
    term: ActiveContext,
    key: str,
    value: Any,
    subject: str,
    predicate: str,
    graph: str,
    wrap: bool,
) -> bool:
    if value is None:
        return False
    # An @graph container puts each value in a graph of its own, named by a blank node.
    inner = build.bnode() if wrap else graph
    result = _expand_value(build, term, key, value, inner)
    if result is None:
        return False
    obj, same = (inner, inner) if wrap else result
    build.add(subject, predicate, obj, graph, (graph, subject, predicate, same))
    return True


def _expand_value(
    build: _Build, term: ActiveContext, key: str, value: Any, graph: str
) -> Term | None:
    if type(value) is dict:
        return _object(build, term, key, value, graph)
    return _scalar(build, term, key, value)


def _list(
    build: _Build,
    term: ActiveContext,
    key: str,
    value: Any,
    subject: str,
    predicate: str,
    graph: str,
) -> None:
    """A list container (section 8.4, "List Conversion"): a chain of rdf:first/rdf:rest.

    pyld's node map never merges lists, not even two empty ones, so each gets its own key.
    """
    objects = []
    for item in value if type(value) is list else [value]:
        if type(item) is list:
            raise Unsupported("a list of lists")
        if item is not None:
            result = _expand_value(build, term, key, item, graph)
            if result is not None:
                objects.append(result[0])
    head = node = build.bnode() if objects else RDF_NIL_TOKEN
    for index, obj in enumerate(objects):
        rest = build.bnode() if index + 1 < len(objects) else RDF_NIL_TOKEN
        build.add(node, RDF_FIRST_TOKEN, obj, graph, (graph, node, RDF_FIRST_TOKEN, index))
        build.add(node, RDF_REST_TOKEN, rest, graph, (graph, node, RDF_REST_TOKEN, index))
        node = rest
    build.add(subject, predicate, head, graph, (graph, subject, predicate, object()))


def _scalar(build: _Build, term: ActiveContext, key: str, value: Any) -> Term:
    """Value expansion (section 5.3.2) of a string, number or boolean, then its RDF term."""
    info = term.keys[key]
    if info.kind != PROPERTY and info.kind != BNODE_PROPERTY:
        raise Unsupported("a scoped context that makes a property a keyword")
    coercion = info.coercion
    kind = type(value)
    if kind is str:
        if coercion == "@id":
            return _reference(build, term.expand_id(value))
        if coercion == "@vocab":
            return _reference(build, term.keys[value].ep)
    elif kind is not int and kind is not float and kind is not bool:
        raise Unsupported("a value that is not JSON")
    if coercion == "@json":
        raise Unsupported("a JSON literal")
    datatype = None if coercion in _NOT_A_DATATYPE else coercion
    language = info.language if datatype is None and kind is str else None
    return literal(value, datatype, language), (kind is bool, value, datatype, language)


def _reference(build: _Build, iri: str | None) -> Term:
    if iri is None or iri[:1] == "@":
        raise Unsupported("a reference that expands to a keyword")
    if iri.startswith("_:"):
        label = build.label(iri)
        return label, label
    token = f"<{iri}>"
    if not _ABSOLUTE(iri):
        build.refusals.append(safe.relative_iri(iri))
    return token, token


def _value_object(
    active: ActiveContext, type_scoped: ActiveContext, element: dict[str, Any], keys: list[str]
) -> Term | None:
    """A value object (section 5.1.2 step 13 and 15, as pyld validates it)."""
    value: Any = None
    datatype = language = direction = None
    seen = set()
    for key in keys:
        if key == "@context":
            continue
        kind = active.keys[key].kind
        if kind in seen:
            raise Unsupported("colliding keywords")
        seen.add(kind)
        written = element[key]
        if kind == VALUE:
            if written is not None and type(written) not in (str, int, float, bool):
                raise Unsupported("a value that is an object or an array")
            value = written
        elif kind == TYPE:
            if type(written) is not str or active.keys[written].ep == "@json":
                raise Unsupported("a datatype that is not an IRI")
            info = type_scoped.keys[written]
            if info.kind != PROPERTY:
                raise Unsupported("a datatype that is not an IRI")
            datatype = info.ep
        elif kind == LANGUAGE:
            if written is not None:
                if type(written) is not str:
                    raise Unsupported("a language that is not a string")
                language = written.lower()
        elif kind == DIRECTION and written in ("ltr", "rtl") and type(written) is str:
            direction = written
        else:
            raise Unsupported("a value object with other entries")
    if datatype is not None and (language is not None or direction is not None):
        raise Unsupported("a value object with a datatype and a language")
    if value is None:
        return None
    if language is not None and type(value) is not str:
        raise Unsupported("a language-tagged value that is not a string")
    return literal(value, datatype, language), (type(value) is bool, value, datatype, language)


def _language_map(
    build: _Build, term: ActiveContext, info: Key, value: dict[str, Any], subject: str, graph: str
) -> None:
    """A language map (section 5.1.2 step 13.7) as pyld's ``_expand_language_map``."""
    predicate = info.token
    for tag in sorted(value):
        none = term.keys[tag].ep == "@none"
        items = value[tag]
        for item in items if type(items) is list else [items]:
            if item is None:
                continue
            if type(item) is not str:
                raise Unsupported("a language map value that is not a string")
            language = None if none else tag.lower()
            token = literal(item, None, language)
            build.add(
                subject,
                predicate,
                token,
                graph,
                (graph, subject, predicate, (False, item, None, language)),
            )
