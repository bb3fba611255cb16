"""Cycles among pathways: a stacked achievement that is required, at some depth, by itself.

The graph has an edge from each stacked achievement to every achievement its pathways require.
Saving a pathway that closes a loop would make its award depend on itself, so it is refused with
the loop named.

>>> find_cycle({"cert": {"a", "diploma"}, "diploma": {"cert"}}, "cert")
['cert', 'diploma', 'cert']
>>> find_cycle({"cert": {"a", "b"}}, "cert") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def find_cycle(edges: Mapping[str, Iterable[str]], start: str) -> list[str] | None:
    """The shortest loop from ``start`` back to itself, or None; ids in the order they require."""
    # Breadth first, so the loop reported is a shortest one; iterative, so depth is no limit.
    parents: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(set(edges.get(node, ()))):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if nxt not in seen:
                    seen.add(nxt)
                    parents[nxt] = node
                    following.append(nxt)
        frontier = following
    return None
