"""The RDF dataset being written, with the bookkeeping of pyld's node map.

pyld builds a node map (JSON-LD 1.1 API, section 7.2) before it writes RDF: nodes with the
same identifier merge, and a value joins a property only if ``compare_values`` finds no equal
value there. ``Dataset.add`` keeps the same books with a key per quad, so that the quads come
out as pyld's, duplicates included where pyld keeps two values that print alike.
"""

from __future__ import annotations

from credstack.errors import UndefinedTerm
from credstack.jsonld import safe
from credstack.jsonld.contexts import Unsupported
from credstack.jsonld.nquads import Quad

Term = tuple[str, object]
"""An object's token and the key pyld's node map tells equal values apart by."""

_ABSOLUTE = safe.ABSOLUTE_IRI.match


class Dataset:
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

    def reference(self, iri: str | None) -> Term:
        """A node reference (an ``@id`` or ``@vocab`` value), checked by safe mode."""
        if iri is None or iri[:1] == "@":
            raise Unsupported("a reference that expands to a keyword")
        if iri.startswith("_:"):
            label = self.label(iri)
            return label, label
        token = f"<{iri}>"
        if not _ABSOLUTE(iri):
            self.refusals.append(safe.relative_iri(iri))
        return token, token
