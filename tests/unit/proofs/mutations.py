"""Every single mutation of a JSON document: change, remove or add at any path.

Shared by the tamper conformance tests and the property tests: a signed credential must fail
verification after any one of them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

Path = tuple[str | int, ...]


def paths(value: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every path below ``value`` (members and list items), parents before children."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


def containers(value: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every object and list, the root included."""
    if isinstance(value, dict | list):
        yield prefix
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            yield from containers(item, (*prefix, key))


def _get(document: Any, path: Path) -> Any:
    for step in path:
        document = document[step]
    return document


def changed(value: Any) -> Any:
    """A different value of the same JSON kind (a different scalar, or an emptied container)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 1.5
    if isinstance(value, str):
        return value + "x"
    if value is None:
        return "x"
    return "x"  # an object or list replaced by a string


def mutate(document: dict[str, Any], kind: str, path: Path) -> dict[str, Any]:
    """A deep copy of ``document`` with one mutation at ``path``."""
    result = copy.deepcopy(document)
    parent = _get(result, path[:-1]) if kind != "add" else None
    if kind == "change":
        assert parent is not None
        parent[path[-1]] = changed(parent[path[-1]])
    elif kind == "remove":
        assert parent is not None
        del parent[path[-1]]
    elif kind == "add":
        target = _get(result, path)
        if isinstance(target, dict):
            target["tamperedField"] = "x"
        else:
            target.append("x")
    else:
        raise ValueError(kind)
    return result


def all_mutations(document: dict[str, Any]) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    """(kind, path, mutated document) for every single mutation of ``document``."""
    for path in paths(document):
        yield "change", path, mutate(document, "change", path)
        yield "remove", path, mutate(document, "remove", path)
    for path in containers(document):
        yield "add", path, mutate(document, "add", path)
