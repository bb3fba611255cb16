"""Values: value expansion (JSON-LD 1.1 API, section 5.3.2) and value objects, as literals.

Each function returns the object's N-Quads token and the key pyld's node map compares values
by: the JSON value with its type (``True`` is not ``1``, but ``1.0`` is), datatype and
language, and never the direction, which pyld's ``compare_values`` ignores.
"""

from __future__ import annotations

from typing import Any

from credstack.jsonld.contexts import (
    BNODE_PROPERTY,
    DIRECTION,
    LANGUAGE,
    PROPERTY,
    TYPE,
    VALUE,
    ActiveContext,
    Key,
    Unsupported,
)
from credstack.jsonld.dataset import Dataset, Term
from credstack.jsonld.nquads import literal

_NOT_A_DATATYPE = (None, "@id", "@vocab", "@none")


def scalar(dataset: Dataset, term: ActiveContext, key: str, value: Any) -> Term:
    """Value expansion (section 5.3.2) of a string, number or boolean, then its RDF term."""
    info = term.keys[key]
    if info.kind != PROPERTY and info.kind != BNODE_PROPERTY:
        raise Unsupported("a scoped context that makes a property a keyword")
    coercion = info.coercion
    kind = type(value)
    if kind is str:
        if coercion == "@id":
            return dataset.reference(term.expand_id(value))
        if coercion == "@vocab":
            return dataset.reference(term.keys[value].ep)
    elif kind is not int and kind is not float and kind is not bool:
        raise Unsupported("a value that is not JSON")
    if coercion == "@json":
        raise Unsupported("a JSON literal")
    datatype = None if coercion in _NOT_A_DATATYPE else coercion
    language = info.language if datatype is None and kind is str else None
    return literal(value, datatype, language), (kind is bool, value, datatype, language)


def value_object(
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


def language_map(
    dataset: Dataset,
    term: ActiveContext,
    info: Key,
    value: dict[str, Any],
    subject: str,
    graph: str,
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
            dataset.add(
                subject,
                predicate,
                token,
                graph,
                (graph, subject, predicate, (False, item, None, language)),
            )
