"""RDF Dataset Canonicalization (RDFC-1.0, https://www.w3.org/TR/rdf-canon/) over N-Quads tokens.

A port of pyld's ``URDNA2015`` (the algorithm's earlier name) that works on the string tokens
of ``nquads.py`` instead of dictionaries, which is most of its speed. Where pyld deviates from
the final recommendation without changing any output it is followed anyway, so that the two
cannot disagree on some input: a quad that holds one blank node twice is listed twice for it
(section 4.4.3, step 2), and permutations (4.8.3, step 5.4) come in pyld's order.

Every line, hashed or written, is made of the tokens ``nquads.py`` made, so literals are
escaped as canonical N-Quads (section 4.3.1) in the first-degree hashes too, as the
recommendation hashes them, and unlike pyld.

Credentials almost always take the fast path of section 4.4.3 step 5: every blank node's
first-degree hash is unique. Hash N-Degree Quads runs only for blank nodes that look alike.

>>> canonicalize([("_:x", "<urn:p>", '"v"', "")])
'_:c14n0 <urn:p> "v" .\\n'
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Final, Protocol

from credstack.jsonld.nquads import Quad, line


class _Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


HASHES: Final[dict[str, Callable[[bytes], _Hash]]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}
"""RDFC-1.0 hashes with SHA-256 unless told otherwise (section 4.4); ecdsa-rdfc-2019 with
P-384 tells it to use SHA-384 (the W3C P-384 vectors are made so)."""


def canonicalize(quads: list[Quad], hash_algorithm: str = "sha256") -> str:
    """The canonical N-Quads document of the dataset ``quads`` (section 4.4)."""
    return _Canonicalizer(quads, HASHES[hash_algorithm]).run()


class _Issuer:
    """Issue Identifier algorithm state (section 4.5): prefix, counter and issue order."""

    __slots__ = ("issued", "order", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = {}
        self.order: list[str] = []

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is None:
            found = self.issued[existing] = f"{self.prefix}{len(self.order)}"
            self.order.append(existing)
        return found

    def copy(self) -> _Issuer:
        twin = _Issuer(self.prefix)
        twin.issued = dict(self.issued)
        twin.order = list(self.order)
        return twin


class _Canonicalizer:
    def __init__(self, quads: list[Quad], hasher: Callable[[bytes], _Hash]) -> None:
        self.quads = quads
        self.hasher = hasher
        self.canonical = _Issuer("_:c14n")
        self.first_degree: dict[str, str] = {}
        # Section 4.4.3 step 2: the blank node to quads map.
        self.quads_of: dict[str, list[Quad]] = {}
        quads_of = self.quads_of
        for quad in quads:
            s, _, o, g = quad
            if s[0] == "_":
                _append(quads_of, s, quad)
            if o[0] == "_":
                _append(quads_of, o, quad)
            if g and g[0] == "_":
                _append(quads_of, g, quad)

    def run(self) -> str:
        if not self.quads_of:
            return "".join(sorted(map(line, self.quads)))
        # Steps 3-5: first-degree hashes; a unique hash names its blank node at once.
        by_hash: dict[str, list[str]] = {}
        for node in self.quads_of:
            _append(by_hash, self.hash_first_degree(node), node)
        shared: list[tuple[str, list[str]]] = []
        for digest, nodes in sorted(by_hash.items()):
            if len(nodes) == 1:
                self.canonical.issue(nodes[0])
            else:
                shared.append((digest, nodes))
        # Step 6: blank nodes that share a first-degree hash, told apart by their neighbours.
        for _, nodes in shared:
            results: list[tuple[str, _Issuer]] = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                issuer = _Issuer("_:b")
                issuer.issue(node)
                results.append(self.hash_n_degree(node, issuer))
            for _, issuer in sorted(results, key=lambda result: result[0]):
                for existing in issuer.order:
                    self.canonical.issue(existing)
        # Step 7: relabel and serialize; code point order is Python's string order.
        issued = self.canonical.issued
        lines = []
        for s, p, o, g in self.quads:
            if s[0] == "_":
                s = issued[s]
            if o[0] == "_":
                o = issued[o]
            if g and g[0] == "_":
                g = issued[g]
            lines.append(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
        lines.sort()
        return "".join(lines)

    def hash_first_degree(self, node: str) -> str:
        """Section 4.6: hash of the node's quads, itself as ``_:a`` and others as ``_:z``."""
        found = self.first_degree.get(node)
        if found is not None:
            return found
        lines = []
        for s, p, o, g in self.quads_of[node]:
            if s[0] == "_":
                s = "_:a" if s == node else "_:z"
            if o[0] == "_":
                o = "_:a" if o == node else "_:z"
            if g:
                if g[0] == "_":
                    g = "_:a" if g == node else "_:z"
                lines.append(f"{s} {p} {o} {g} .\n")
            else:
                lines.append(f"{s} {p} {o} .\n")
        lines.sort()
        found = self.first_degree[node] = self.hasher("".join(lines).encode()).hexdigest()
        return found

    def hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        """Section 4.7, Hash Related Blank Node."""
        identifier = self.canonical.issued.get(related) or issuer.issued.get(related)
        if identifier is None:
            identifier = self.hash_first_degree(related)
        predicate = quad[1] if position != "g" else ""
        return self.hasher(f"{position}{predicate}{identifier}".encode()).hexdigest()

    def hash_n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """Section 4.8, Hash N-Degree Quads; returns the hash and the issuer it chose."""
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.quads_of[node]:
            for position, component in (("s", quad[0]), ("o", quad[2]), ("g", quad[3])):
                if component and component[0] == "_" and component != node:
                    digest = self.hash_related(component, quad, issuer, position)
                    _append(related_by_hash, digest, component)
        data = self.hasher(b"")
        for digest, related_nodes in sorted(related_by_hash.items()):
            data.update(digest.encode())
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in _permutations(related_nodes):
                path, candidate = self._path(permutation, issuer, chosen_path)
                if candidate is not None and (not chosen_path or path < chosen_path):
                    chosen_path, chosen_issuer = path, candidate
            data.update(chosen_path.encode())
            assert chosen_issuer is not None  # the first permutation is never skipped
            issuer = chosen_issuer
        return data.hexdigest(), issuer

    def _path(
        self, permutation: list[str], issuer: _Issuer, chosen_path: str
    ) -> tuple[str, _Issuer | None]:
        """Steps 5.4.1-5.4.5 for one permutation; no issuer when it cannot beat the chosen."""
        issuer_copy = issuer.copy()
        path = ""
        recursion: list[str] = []
        for related in permutation:
            canonical = self.canonical.issued.get(related)
            if canonical is not None:
                path += canonical
            else:
                if related not in issuer_copy.issued:
                    recursion.append(related)
                path += issuer_copy.issue(related)
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return path, None
        for related in recursion:
            digest, chosen = self.hash_n_degree(related, issuer_copy)
            path += issuer_copy.issue(related) + f"<{digest}>"
            issuer_copy = chosen
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return path, None
        return path, issuer_copy


def _append(index: dict[str, list[Quad]] | dict[str, list[str]], key: str, item: object) -> None:
    found = index.get(key)
    if found is None:
        index[key] = [item]  # type: ignore[list-item]
    else:
        found.append(item)  # type: ignore[arg-type]


def _permutations(elements: list[str]) -> Iterator[list[str]]:
    """pyld's Steinhaus-Johnson-Trotter permutations (``pyld.canon.permutations``), verbatim.

    The order matters only when two paths tie, and then only to match pyld label for label.
    The same list is yielded each time, rearranged in place.
    """
    elements.sort()
    left = dict.fromkeys(elements, True)
    length = len(elements)
    last = length - 1
    while True:
        yield elements
        k: str | None = None
        pos = 0
        for i in range(length):
            e = elements[i]
            is_left = left[e]
            if (k is None or e > k) and (
                (is_left and i > 0 and e > elements[i - 1])
                or (not is_left and i < last and e > elements[i + 1])
            ):
                k, pos = e, i
        if k is None:
            return
        swap = pos - 1 if left[k] else pos + 1
        elements[pos], elements[swap] = elements[swap], k
        for i in range(length):
            if elements[i] > k:
                left[elements[i]] = not left[elements[i]]
