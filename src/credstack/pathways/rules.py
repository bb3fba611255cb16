"""A pathway's requirement tree: what a learner must hold to earn the stacked achievement.

Four kinds of node, nested to any depth (up to ``MAX_DEPTH``, which bounds the work of reading
an untrusted tree, as the credential parser bounds JSON nesting):

- ``achievement``: a credential of one achievement, from the pathway's organisation or from an
  issuer it trusts (by DID), optionally no older than ``maxAgeDays``;
- ``workload``: a minimum total of ECTS, hours or credits over the learner's credentials
  (``pathways.workload`` says where each number comes from), optionally from listed
  achievements only;
- ``allOf``: every child; ``nOf``: at least ``n`` of the children.

>>> tree = parse_requirements({"type": "nOf", "n": 1, "requirements": [
...     {"type": "achievement", "achievement": "https://example.edu/a/1"},
...     {"type": "workload", "minimum": 5, "unit": "ects"},
... ]})
>>> tree.n, len(tree.requirements)
(1, 2)
>>> requirements_to_json(tree)["requirements"][1]
{'type': 'workload', 'minimum': '5', 'unit': 'ects'}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

from credstack.errors import InvalidInput

Unit = Literal["ects", "hours", "credits"]
UNITS: Final[tuple[Unit, ...]] = ("ects", "hours", "credits")
MAX_DEPTH: Final = 32
MAX_NODES: Final = 500
_MAX_TEXT: Final = 2048


@dataclass(frozen=True)
class AchievementRule:
    """A credential of ``achievement`` (its OB 3.0 id) from ``issuer`` (None: the pathway's)."""

    achievement: str
    issuer: str | None = None
    max_age_days: int | None = None


@dataclass(frozen=True)
class WorkloadRule:
    """At least ``minimum`` of ``unit`` in total; with ``achievements``, counted over those only."""

    minimum: Decimal
    unit: Unit
    achievements: tuple[str, ...] = ()


@dataclass(frozen=True)
class AllOf:
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class NOf:
    n: int
    requirements: tuple[Requirement, ...]


Requirement = AchievementRule | WorkloadRule | AllOf | NOf


class InvalidRequirements(InvalidInput):
    code = "invalid_requirements"

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"The requirements at {where or '/'}: {message}")


def parse_requirements(data: Any) -> Requirement:
    """The tree of ``data`` (its JSON form), or ``InvalidRequirements`` naming the bad node."""
    counter = [0]
    return _parse(data, "", 1, counter)


def _parse(data: Any, where: str, depth: int, counter: list[int]) -> Requirement:
    if depth > MAX_DEPTH:
        raise InvalidRequirements(where, f"nested deeper than {MAX_DEPTH} levels.")
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise InvalidRequirements(where, f"more than {MAX_NODES} requirements in one pathway.")
    if not isinstance(data, Mapping):
        raise InvalidRequirements(where, "a requirement is a JSON object with a type.")
    kind = data.get("type")
    allowed = _FIELDS.get(kind) if isinstance(kind, str) else None
    if allowed is None:
        raise InvalidRequirements(
            where, f"type {kind!r} is not one of achievement, workload, allOf, nOf."
        )
    unknown = sorted(set(data) - allowed - {"type"})
    if unknown:
        raise InvalidRequirements(where, f"unknown member(s) {', '.join(unknown)} for {kind}.")
    if kind == "achievement":
        return AchievementRule(
            achievement=_iri(data.get("achievement"), f"{where}/achievement"),
            issuer=_iri(data["issuer"], f"{where}/issuer") if "issuer" in data else None,
            max_age_days=_days(data, where),
        )
    if kind == "workload":
        unit = data.get("unit")
        if unit not in UNITS:
            raise InvalidRequirements(f"{where}/unit", f"unit is one of {', '.join(UNITS)}.")
        listed = data.get("achievements", [])
        if not isinstance(listed, list):
            raise InvalidRequirements(f"{where}/achievements", "a list of achievement ids.")
        return WorkloadRule(
            minimum=_amount(data.get("minimum"), f"{where}/minimum"),
            unit=unit,
            achievements=tuple(
                _iri(item, f"{where}/achievements/{i}") for i, item in enumerate(listed)
            ),
        )
    children = data.get("requirements")
    if not isinstance(children, list) or not children:
        raise InvalidRequirements(f"{where}/requirements", "a non-empty list of requirements.")
    parsed = tuple(
        _parse(child, f"{where}/requirements/{i}", depth + 1, counter)
        for i, child in enumerate(children)
    )
    if kind == "allOf":
        return AllOf(parsed)
    n = data.get("n")
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(parsed):
        raise InvalidRequirements(
            f"{where}/n", f"n is a whole number from 1 to the {len(parsed)} requirements listed."
        )
    return NOf(n, parsed)


_FIELDS: Final[dict[str, set[str]]] = {
    "achievement": {"achievement", "issuer", "maxAgeDays"},
    "workload": {"minimum", "unit", "achievements"},
    "allOf": {"requirements"},
    "nOf": {"n", "requirements"},
}


def _iri(value: Any, where: str) -> str:
    if (
        not isinstance(value, str)
        or ":" not in value
        or len(value) > _MAX_TEXT
        or any(c.isspace() for c in value)
    ):
        raise InvalidRequirements(where, "an IRI (a URL or DID) is needed here.")
    return value


def _days(data: Mapping[str, Any], where: str) -> int | None:
    value = data.get("maxAgeDays")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidRequirements(f"{where}/maxAgeDays", "a whole number of days, 1 or more.")
    return value


def _amount(value: Any, where: str) -> Decimal:
    # A string or a number: JSON numbers such as 7.5 read exactly through their text.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidRequirements(where, "a positive number is needed here.")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidRequirements(where, "a positive number is needed here.") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidRequirements(where, "a positive number is needed here.")
    return amount


def requirements_to_json(requirement: Requirement) -> dict[str, Any]:
    """The JSON form that ``parse_requirements`` reads back to the same tree."""
    if isinstance(requirement, AchievementRule):
        out: dict[str, Any] = {"type": "achievement", "achievement": requirement.achievement}
        if requirement.issuer is not None:
            out["issuer"] = requirement.issuer
        if requirement.max_age_days is not None:
            out["maxAgeDays"] = requirement.max_age_days
        return out
    if isinstance(requirement, WorkloadRule):
        out = {"type": "workload", "minimum": str(requirement.minimum), "unit": requirement.unit}
        if requirement.achievements:
            out["achievements"] = list(requirement.achievements)
        return out
    children = [requirements_to_json(child) for child in requirement.requirements]
    if isinstance(requirement, AllOf):
        return {"type": "allOf", "requirements": children}
    return {"type": "nOf", "n": requirement.n, "requirements": children}


def walk(requirement: Requirement) -> Iterator[Requirement]:
    """Every node of the tree, parents before children."""
    yield requirement
    if isinstance(requirement, AllOf | NOf):
        for child in requirement.requirements:
            yield from walk(child)


def required_achievements(requirement: Requirement) -> frozenset[str]:
    """The achievement ids the tree names (in achievement and workload nodes)."""
    found: set[str] = set()
    for node in walk(requirement):
        if isinstance(node, AchievementRule):
            found.add(node.achievement)
        elif isinstance(node, WorkloadRule):
            found.update(node.achievements)
    return frozenset(found)


def required_issuers(requirement: Requirement) -> frozenset[str]:
    """The issuers that achievement nodes name explicitly."""
    return frozenset(
        node.issuer
        for node in walk(requirement)
        if isinstance(node, AchievementRule) and node.issuer is not None
    )
