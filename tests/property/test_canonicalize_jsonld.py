"""Generated JSON-LD, far beyond credentials: wherever the fast path answers, pyld agrees.

Documents draw keys and values from small pools over contexts with prefixes, coercions, every
container, type-scoped, property-scoped, propagating, protected and nulled contexts, so that
the corners meet: scoped contexts inside lists inside graphs, undefined terms beside relative
identifiers, value objects where a node was expected. The fast path may hand a document to
pyld (``Unsupported``); when it does not, its outcome must be pyld's, and ``canonicalize``
must always be. Where a control character makes pyld refuse, the fast path must give pyld's
result with RDFC-1.0's escaping instead (``agree.py``).
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credstack.jsonld.contexts import Unsupported
from tests.unit.jsonld.agree import assert_agrees, assert_fast_path_agrees

XSD = "http://www.w3.org/2001/XMLSchema#"
TERMS: dict[str, Any] = {
    "@version": 1.1,
    "id": "@id",
    "type": "@type",
    "value": "@value",
    "p": "urn:p:",
    "name": "urn:p:name",
    "ref": {"@id": "urn:p:ref", "@type": "@id"},
    "vref": {"@id": "urn:p:vref", "@type": "@vocab"},
    "num": {"@id": "urn:p:num", "@type": XSD + "integer"},
    "dbl": {"@id": "urn:p:dbl", "@type": XSD + "double"},
    "none": {"@id": "urn:p:none", "@type": "@none"},
    "lang": {"@id": "urn:p:lang", "@language": "de"},
    "nolang": {"@id": "urn:p:nolang", "@language": None},
    "lmap": {"@id": "urn:p:lmap", "@container": "@language"},
    "list": {"@id": "urn:p:list", "@container": "@list"},
    "graph": {"@id": "urn:p:graph", "@type": "@id", "@container": "@graph"},
    "set": {"@id": "urn:p:set", "@container": ["@set"]},
    "T1": {"@id": "urn:t:T1", "@context": {"name": "urn:t1:name", "inner": "urn:t1:inner"}},
    "T2": {
        "@id": "urn:t:T2",
        "@context": {"@propagate": True, "name": {"@id": "urn:t2:name", "@language": "fr"}},
    },
    "T3": {"@id": "urn:t:T3", "@context": {"ref": "urn:t3:ref", "list": "urn:t3:list"}},
    "scoped": {
        "@id": "urn:p:scoped",
        "@context": {"name": "urn:scoped:name", "T1": "urn:t:T1-scoped", "num": "urn:s:num"},
    },
    "nulled": {"@id": "urn:p:nulled", "@context": None},
    "dropped": None,
}

contexts = st.fixed_dictionaries(
    {},
    optional={
        "@vocab": st.sampled_from(["urn:vocab:", "urn:vocab#"]),
        "@language": st.sampled_from(["EN", "nl-BE"]),
        "@protected": st.booleans(),
    },
).map(lambda extra: {**TERMS, **extra})

KEYS = [
    "name", "ref", "vref", "num", "dbl", "none", "lang", "nolang", "lmap", "list", "graph",
    "set", "scoped", "nulled", "inner", "p:x", "urn:abs:prop", "undefined", "dropped",
]  # fmt: skip
IDS = ["urn:x:1", "urn:x:2", "_:b1", "_:b2", "p:thing", "relative", "http://e.org/a b"]
TYPES = ["T1", "T2", "T3", "p:Type", "urn:t:Other", "Undefined"]
# Control characters pyld escapes unlike RDFC-1.0 as well: the fast path must write them as the
# recommendation does, and pyld's path refuse them (``agree.py``).
STRINGS = [*IDS, "T1", "", 'a "quoted"\nline', "Zoë", "@id", "bell\x07 \x0b\x7f"]
scalars = st.one_of(
    st.sampled_from(STRINGS),
    st.integers(-5, 5),
    st.sampled_from([1.0, 2.5, -0.125, 1e-9, 123456789.0]),
    st.booleans(),
    st.none(),
)
value_objects = st.fixed_dictionaries(
    {"@value": st.one_of(st.sampled_from(STRINGS), scalars)},
    optional={
        "@type": st.sampled_from(["urn:d:t", XSD + "string", "T1", "relative"]),
        "@language": st.sampled_from(["EN", "fr"]),
        "@direction": st.sampled_from(["ltr", "rtl"]),
    },
).filter(lambda v: "@type" not in v or ("@language" not in v and "@direction" not in v))
language_maps = st.dictionaries(
    st.sampled_from(["en", "DE", "@none"]), st.one_of(st.sampled_from(STRINGS), st.none())
)
types = st.one_of(st.sampled_from(TYPES), st.lists(st.sampled_from(TYPES), max_size=3))


@st.composite
def _nodes(draw: st.DrawFn, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    node: dict[str, Any] = {}
    if draw(st.booleans()):
        node[draw(st.sampled_from(["id", "@id"]))] = draw(st.sampled_from(IDS))
    if draw(st.booleans()):
        node[draw(st.sampled_from(["type", "@type"]))] = draw(types)
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True)):
        node[key] = draw(st.one_of(children, st.lists(children, max_size=3)))
    if draw(st.integers(0, 5)) == 0:
        node["@context"] = {"inner": "urn:embedded:inner", "name": "urn:embedded:name"}
    return node


values = st.recursive(
    st.one_of(scalars, value_objects, language_maps),
    lambda children: st.one_of(_nodes(children), st.lists(children, max_size=3)),
    max_leaves=12,
)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    node = draw(_nodes(values))
    node["@context"] = draw(contexts)
    return node


def check(document: dict[str, Any]) -> None:
    with contextlib.suppress(Unsupported):  # handed over to pyld: assert_agrees checks that
        assert_fast_path_agrees(document)
    assert_agrees(document)


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@examples(400)
@given(documents())
def test_generated_json_ld_agrees(document: dict[str, Any]) -> None:
    check(document)


@pytest.mark.slow
@examples(1500)
@given(documents())
def test_much_more_generated_json_ld_agrees(document: dict[str, Any]) -> None:
    check(document)
