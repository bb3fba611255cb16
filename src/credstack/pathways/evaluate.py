"""Evaluating a learner's credentials against a pathway: what is met, by which credential, what
remains, and how far along the learner is.

Progress is a number from 0 to 1 per node: an achievement node is 0 or 1; a workload node is the
share of the minimum reached; ``allOf`` is the mean of its children; ``nOf`` the mean of its
``n`` best children. A node is met exactly when its progress is 1, and adding a valid credential
never lowers any node's progress (tests/property/test_pathways.py).

>>> from datetime import UTC, datetime
>>> now = datetime(2026, 1, 1, tzinfo=UTC)
>>> pathway = Pathway(
...     awards="https://example.edu/a/cert", issuer="did:web:example.edu",
...     requirements=parse_requirements({"type": "allOf", "requirements": [
...         {"type": "achievement", "achievement": "https://example.edu/a/1"},
...         {"type": "achievement", "achievement": "https://example.edu/a/2"}]}))
>>> held = Held("urn:c:1", "https://example.edu/a/1", "did:web:example.edu", now)
>>> progress = evaluate(pathway, [held], now)
>>> progress.percent, progress.met, progress.components
(50, False, ('urn:c:1',))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from credstack.pathways.rules import (
    AchievementRule,
    AllOf,
    NOf,
    Requirement,
    WorkloadRule,
    parse_requirements,
    requirements_to_json,
)
from credstack.pathways.workload import Workload

__all__ = ["Held", "Outcome", "Pathway", "Progress", "evaluate", "parse_requirements"]


@dataclass(frozen=True)
class Pathway:
    """A pathway as evaluation needs it: the stacked achievement, its issuer, the tree."""

    awards: str
    issuer: str
    requirements: Requirement
    trusted_issuers: frozenset[str] = frozenset()
    # Components older than this do not count (None: any age); a node may ask for less.
    max_age_days: int | None = None


@dataclass(frozen=True)
class Held:
    """One credential of the learner: whose, of what, since when, and whether it is valid now."""

    id: str
    achievement: str
    issuer: str
    issued: datetime
    workload: Workload = field(default_factory=Workload)
    valid: bool = True
    digest: str = ""


@dataclass(frozen=True)
class Outcome:
    """The evaluation of one node: its progress (0 to 1), the credentials it used, its children."""

    requirement: Requirement
    progress: Fraction
    used: tuple[str, ...]
    children: tuple[Outcome, ...] = ()
    total: Decimal | None = None

    @property
    def met(self) -> bool:
        return self.progress == 1

    def to_dict(self) -> dict[str, Any]:
        node = requirements_to_json(self.requirement)
        node.pop("requirements", None)
        node.update(
            met=self.met,
            percent=_percent(self.progress),
            credentials=list(self.used),
        )
        if self.total is not None:
            node["total"] = str(self.total)
        if self.children:
            node["requirements"] = [child.to_dict() for child in self.children]
        return node


@dataclass(frozen=True)
class Progress:
    root: Outcome

    @property
    def met(self) -> bool:
        return self.root.met

    @property
    def percent(self) -> int:
        return _percent(self.root.progress)

    @property
    def components(self) -> tuple[str, ...]:
        """The credentials that count toward the tree, in the order its nodes name them."""
        return self.root.used

    @property
    def remaining(self) -> list[str]:
        """A sentence for each unmet requirement that is not a group."""
        return list(_remaining(self.root))

    def to_dict(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "percent": self.percent,
            "components": list(self.components),
            "remaining": self.remaining,
            "requirements": self.root.to_dict(),
        }


def evaluate(pathway: Pathway, held: Iterable[Held], now: datetime) -> Progress:
    """Which of ``pathway``'s requirements ``held`` meets at ``now``."""
    issuers = pathway.trusted_issuers | {pathway.issuer}
    eligible = [h for h in held if h.valid and h.issuer in issuers and h.issued <= now]
    return Progress(_node(pathway, pathway.requirements, eligible, now))


def _node(pathway: Pathway, node: Requirement, held: Sequence[Held], now: datetime) -> Outcome:
    if isinstance(node, AchievementRule):
        issuer = node.issuer or pathway.issuer
        matches = [
            h
            for h in held
            if h.achievement == node.achievement
            and h.issuer == issuer
            and _young(h, node.max_age_days or pathway.max_age_days, now)
        ]
        if not matches:
            return Outcome(node, Fraction(0), ())
        newest = max(matches, key=lambda h: (h.issued, h.id))
        return Outcome(node, Fraction(1), (newest.id,))
    if isinstance(node, WorkloadRule):
        return _workload(pathway, node, held, now)
    children = tuple(_node(pathway, child, held, now) for child in node.requirements)
    if isinstance(node, AllOf):
        chosen: Sequence[Outcome] = children
        progress = sum((c.progress for c in children), Fraction(0)) / len(children)
    else:
        # The n best children, ties in the order listed; their credentials are the ones used.
        ranked = sorted(range(len(children)), key=lambda i: (-children[i].progress, i))
        chosen = [children[i] for i in sorted(ranked[: node.n])]
        progress = sum((c.progress for c in chosen), Fraction(0)) / node.n
    return Outcome(node, progress, _union(c.used for c in chosen), children)


def _workload(pathway: Pathway, node: WorkloadRule, held: Sequence[Held], now: datetime) -> Outcome:
    # One credential per achievement counts (the largest), so a badge earned twice adds once.
    best: dict[tuple[str, str], tuple[Decimal, Held]] = {}
    for h in held:
        amount = h.workload.amount(node.unit)
        if (
            amount is None
            or amount <= 0
            or (node.achievements and h.achievement not in node.achievements)
            or not _young(h, pathway.max_age_days, now)
        ):
            continue
        key = (h.issuer, h.achievement)
        if key not in best or (amount, h.id) > (best[key][0], best[key][1].id):
            best[key] = (amount, h)
    total = sum((amount for amount, _ in best.values()), Decimal(0))
    used = tuple(sorted(h.id for _, h in best.values()))
    progress = min(Fraction(total) / Fraction(node.minimum), Fraction(1))
    return Outcome(node, progress, used, total=total)


def _young(held: Held, max_age_days: int | None, now: datetime) -> bool:
    return max_age_days is None or now - held.issued <= timedelta(days=max_age_days)


def _union(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        seen.update(dict.fromkeys(group))
    return tuple(seen)


def _percent(progress: Fraction) -> int:
    # Rounded down, so 100 means met and nothing less.
    return int(progress * 100)


def _remaining(outcome: Outcome) -> Iterable[str]:
    if outcome.met:
        return
    node = outcome.requirement
    if isinstance(node, AchievementRule):
        source = f" from {node.issuer}" if node.issuer else ""
        age = f" issued in the last {node.max_age_days} days" if node.max_age_days else ""
        yield f"a credential of {node.achievement}{source}{age}"
    elif isinstance(node, WorkloadRule):
        missing = node.minimum - (outcome.total or Decimal(0))
        yield f"{missing.normalize():f} more {node.unit} (of {node.minimum.normalize():f})"
    else:
        unmet = [c for c in outcome.children if not c.met]
        if isinstance(node, NOf):
            short = node.n - sum(1 for c in outcome.children if c.met)
            yield f"{short} more of the following {len(unmet)}:"
        for child in unmet:
            yield from _remaining(child)
