"""Safe mode: what Credstack refuses to sign, shared by the reference and the fast path.

JSON-LD processors quietly lose data that a signature should cover: a property no context
defines is dropped during expansion, and a subject, object or type whose IRI is not absolute is
skipped when the RDF dataset is built (JSON-LD 1.1 API, section 8.1, "Deserialize JSON-LD to
RDF": "if ... not well-formed, continue"). Signed data would then differ from displayed data.
The reference JavaScript libraries refuse such documents ("safe mode"); so do we, and both
canonicalization paths raise the same error for the same input.

Both paths expand with no document base, so a relative IRI stays relative and is refused,
instead of being resolved against pyld's made-up ``http://example.org/base/``.
"""

from __future__ import annotations

import re

from credstack.errors import UndefinedTerm

# pyld's test for an absolute IRI (``pyld.jsonld._is_absolute_iri``): an IRI that fails it is
# skipped by pyld's toRdf, so it would go unsigned. ``+-.`` is a range in the character class
# (``+``, ``,``, ``-``, ``.``), exactly as in pyld. We also refuse what N-Quads' IRIREF forbids
# (control characters, space, <>"{}|^`\\): pyld writes those raw while rdf-canonize escapes them,
# so the two would sign different bytes; such IRIs are invalid (RFC 3987) anyway.
ABSOLUTE_IRI = re.compile(r'^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s\x00-\x20<>"{}|^`\\\x7f]*\Z')


def is_signable(iri: str) -> bool:
    """Whether toRdf keeps ``iri`` as a subject, object or type (blank nodes are relabelled)."""
    return iri.startswith("_:") or ABSOLUTE_IRI.match(iri) is not None


def undefined_property(term: str | None) -> UndefinedTerm:
    return UndefinedTerm(
        f"The property {term!r} is not defined by any of the document's JSON-LD contexts, "
        "so it would not be signed. Define it in a context or remove it.",
        code="undefined_term",
    )


def blank_node_property(iri: str) -> UndefinedTerm:
    return UndefinedTerm(
        f"The property {iri!r} expands to a blank node identifier, which RDF does not allow "
        "as a predicate, so it would not be signed. Map it to an IRI in a context.",
        code="undefined_term",
    )


def undefined_type(iri: str) -> UndefinedTerm:
    return UndefinedTerm(
        f"The type {iri!r} is not defined by any of the document's JSON-LD contexts, so it "
        "would be signed as a relative IRI or not at all. Define it in a context or use a "
        "full IRI.",
        code="undefined_term",
    )


def relative_iri(iri: str) -> UndefinedTerm:
    return UndefinedTerm(
        f"The identifier {iri!r} is not an absolute IRI, so it would not be signed as "
        "written; use an absolute IRI (for example urn:uuid:...).",
        code="relative_iri",
    )
