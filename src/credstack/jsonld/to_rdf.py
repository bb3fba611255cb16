"""JSON-LD to RDF in one pass: expansion, node map and toRdf fused, for the common subset.

Why our own: pyld is the JSON-LD 1.1 processor for Python that Data Integrity tooling relies
on, and it is an order of magnitude too slow for signing and verifying hundreds of credentials a
second: it reprocesses every context on each call, builds the expanded document, then a node
map, then RDF dictionaries. No maintained package on PyPI does this faster with pyld's results
(rdflib and pyoxigraph read JSON-LD, but implement neither RDFC-1.0 nor pyld's safe-mode
hooks), so this module walks the compacted document once and writes N-Quads tokens
(``nquads.py``) straight away, with contexts compiled once (``contexts.py``); pyld stays the
reference it is tested against and the fallback for the rest.

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
direction, value objects, language maps, ``@graph``, ``@set`` and ``@list`` containers, blank
nodes, nested and embedded contexts, protected and scoped contexts with their propagation
rules. Anything else (``@list`` objects and lists of lists, ``@reverse``, ``@index``, ``@nest``,
``@included``, ``@json``, ``@graph`` as a key, id/type/index maps, blank node types, numbers
pyld writes through float parsing, input that is not plain JSON) raises ``Unsupported``, and
``canon.py`` hands the document to pyld.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credstack.errors import UndefinedTerm
from credstack.jsonld import safe
from credstack.jsonld.contexts import (
    BNODE_PROPERTY,
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
from credstack.jsonld.dataset import Dataset, Term
from credstack.jsonld.nquads import (
    RDF_FIRST_TOKEN,
    RDF_NIL_TOKEN,
    RDF_REST_TOKEN,
    RDF_TYPE_TOKEN,
    Quad,
)
from credstack.jsonld.values import language_map, scalar, value_object

_ABSOLUTE = safe.ABSOLUTE_IRI.match
_NO_ID = object()


def to_quads(document: Mapping[str, Any], universe: Universe) -> list[Quad]:
    """The RDF dataset of ``document`` as pyld would build it, or ``Unsupported``.

    Raises the safe-mode ``UndefinedTerm`` that pyld would raise. When a document has several
    refusals that differ, which one pyld names first depends on the expanded document's key
    order, so the choice is left to the reference (``Unsupported``).
    """
    dataset = Dataset()
    _object(dataset, universe.initial, None, dict(document), "", top=True)
    if dataset.refusals:
        first = dataset.refusals[0]
        if all(str(r) == str(first) and r.code == first.code for r in dataset.refusals):
            raise first
        raise Unsupported("several refusals")
    return dataset.quads


def _object(
    dataset: Dataset,
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
        term = value_object(active, type_scoped, element, keys)
        return None if top else term
    if other:
        raise Unsupported("a node object with other keywords")
    subject, refusal = _subject(dataset, active, element[id_key] if id_key else _NO_ID)
    # A node's @language says nothing in RDF, but expansion keeps it as an entry.
    language = element[language_key] if language_key else None
    if language is not None and type(language) is not str:
        raise Unsupported("a language that is not a string")
    added = language is not None
    has_content = False
    for key, info in entries:
        kind = info.kind
        if kind == PROPERTY:
            if _property(dataset, active, info, key, element[key], subject, graph):
                added = has_content = True
        elif kind == TYPE:
            if _types(dataset, type_scoped, element[key], subject, graph):
                added = has_content = True
        elif kind == DROPPED:
            raise safe.undefined_property(info.ep)
        elif kind == BNODE_PROPERTY and _property(
            dataset, active, info, key, element[key], subject, graph
        ):
            added = has_content = True
            dataset.refusals.append(safe.blank_node_property(info.token[1:-1]))
    # A top-level object with nothing but an @id is dropped by expansion, unchecked; so is
    # any object with nothing but a language.
    if refusal is not None and (added or not top):
        dataset.refusals.append(refusal)
    if top or (id_key is None and language is not None and not has_content):
        return None
    return subject, subject


def _subject(
    dataset: Dataset, active: ActiveContext, written: Any
) -> tuple[str, UndefinedTerm | None]:
    if written is _NO_ID:
        return dataset.bnode(), None
    if type(written) is not str:
        raise Unsupported("an @id that is not a string")
    iri = active.expand_id(written)
    if iri is None or iri[:1] == "@":
        raise Unsupported("an @id that expands to a keyword")
    if iri.startswith("_:"):
        return dataset.label(iri), None
    return f"<{iri}>", None if _ABSOLUTE(iri) else safe.relative_iri(iri)


def _strings(values: list[Any]) -> list[str]:
    strings = []
    for value in values:
        if type(value) is str:
            strings.append(value)
        elif isinstance(value, str):
            raise Unsupported("a string subclass")
    return strings


def _types(
    dataset: Dataset, type_scoped: ActiveContext, value: Any, subject: str, graph: str
) -> bool:
    names = [value] if type(value) is str else value
    if type(names) is not list or len(_strings(names)) != len(names):
        raise Unsupported("an @type that is not strings")
    for name in names:
        info = type_scoped.keys[name]
        if info.kind == PROPERTY:
            dataset.add(
                subject, RDF_TYPE_TOKEN, info.token, graph, (graph, subject, "@type", info.ep)
            )
        elif info.kind == DROPPED and info.ep is not None:
            dataset.refusals.append(safe.undefined_type(info.ep))
        else:
            raise Unsupported("a blank node or keyword as a type")
    return bool(names)


def _property(
    dataset: Dataset,
    active: ActiveContext,
    info: Key,
    key: str,
    value: Any,
    subject: str,
    graph: str,
) -> bool:
    """Add the values of one property; whether expansion keeps the property at all."""
    # pyld applies a property-scoped context before it looks at the value, even a null one.
    term = active if info.scoped is None else active.derive_scoped(info.scoped, type_scoped=False)
    if value is None:
        return False
    # The term as the scoped context defines it; pyld asks each question of one or the other.
    scoped = info if term is active else term.keys[key]
    if info.reverse or scoped.reverse or info.coercion == "@json" or info.other_container:
        raise Unsupported("a reverse, JSON literal or map property")
    if type(value) is dict and info.language_map:
        language_map(dataset, term, info, value, subject, graph)
        return True
    if info.list or scoped.list:
        if not (info.list and scoped.list):
            raise Unsupported("a list container in one context only")
        return _list(dataset, term, key, value, subject, info.token, graph)
    if type(value) is list:
        _items(dataset, term, key, value, subject, info.token, graph, info.graph)
        return True
    return _item(dataset, term, key, value, subject, info.token, graph, info.graph)


def _items(
    dataset: Dataset,
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
            _items(dataset, term, key, value, subject, predicate, graph, wrap)  # arrays flatten
        else:
            _item(dataset, term, key, value, subject, predicate, graph, wrap)


def _item(
    dataset: Dataset,
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
    inner = dataset.bnode() if wrap else graph
    result = _expand_value(dataset, term, key, value, inner)
    if result is None:
        return False
    obj, same = (inner, inner) if wrap else result
    dataset.add(subject, predicate, obj, graph, (graph, subject, predicate, same))
    return True


def _expand_value(
    dataset: Dataset, term: ActiveContext, key: str, value: Any, graph: str
) -> Term | None:
    if type(value) is dict:
        return _object(dataset, term, key, value, graph)
    return scalar(dataset, term, key, value)


def _list(
    dataset: Dataset,
    term: ActiveContext,
    key: str,
    value: Any,
    subject: str,
    predicate: str,
    graph: str,
) -> bool:
    """A list container (section 8.4, "List Conversion"): a chain of rdf:first/rdf:rest.

    An array always makes a list, empty or not; a single value makes a list of one, unless it
    expands to nothing. pyld's node map never merges lists, so each gets its own key.
    """
    objects = []
    for item in value if type(value) is list else [value]:
        if type(item) is list:
            raise Unsupported("a list of lists")
        result = _expand_value(dataset, term, key, item, graph) if item is not None else None
        if result is not None:
            objects.append(result[0])
        elif type(value) is not list:
            return False
    head = node = dataset.bnode() if objects else RDF_NIL_TOKEN
    for index, obj in enumerate(objects):
        rest = dataset.bnode() if index + 1 < len(objects) else RDF_NIL_TOKEN
        dataset.add(node, RDF_FIRST_TOKEN, obj, graph, (graph, node, RDF_FIRST_TOKEN, index))
        dataset.add(node, RDF_REST_TOKEN, rest, graph, (graph, node, RDF_REST_TOKEN, index))
        node = rest
    dataset.add(subject, predicate, head, graph, (graph, subject, predicate, object()))
    return True
