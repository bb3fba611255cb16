"""Pathway evaluation and cycles, for any tree and any credentials.

Adding a valid credential never lowers progress; revoking one can, and never raises it; a node
is met exactly when its progress is 100%; every credential used is one the learner holds; a
cycle found is a real loop of the graph.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.pathways import (
    Held,
    Outcome,
    Pathway,
    Workload,
    evaluate,
    find_cycle,
    parse_requirements,
)
from credstack.pathways.rules import Requirement

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ORG = "did:web:org"
ISSUERS = (ORG, "did:web:partner", "did:web:stranger")
ACHIEVEMENTS = tuple(f"https://x.example/a/{i}" for i in range(6))

leaves = st.one_of(
    st.builds(
        lambda a, issuer, age: {
            "type": "achievement",
            "achievement": a,
            **({"issuer": issuer} if issuer else {}),
            **({"maxAgeDays": age} if age else {}),
        },
        st.sampled_from(ACHIEVEMENTS),
        st.sampled_from((None, *ISSUERS[:2])),
        st.one_of(st.none(), st.integers(1, 400)),
    ),
    st.builds(
        lambda minimum, unit, listed: {
            "type": "workload",
            "minimum": minimum,
            "unit": unit,
            **({"achievements": listed} if listed else {}),
        },
        st.integers(1, 30),
        st.sampled_from(("ects", "hours", "credits")),
        st.lists(st.sampled_from(ACHIEVEMENTS), max_size=3, unique=True),
    ),
)


def _group(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.lists(children, min_size=1, max_size=4).flatmap(
        lambda kids: st.one_of(
            st.just({"type": "allOf", "requirements": kids}),
            st.integers(1, len(kids)).map(lambda n: {"type": "nOf", "n": n, "requirements": kids}),
        )
    )


trees = st.recursive(leaves, _group, max_leaves=12).map(parse_requirements)
amounts = st.one_of(st.none(), st.integers(0, 12).map(Decimal))
credentials = st.builds(
    lambda n, a, issuer, days, ects, hours, credits, valid: Held(
        f"urn:c:{n}",
        a,
        issuer,
        NOW - timedelta(days=days),
        Workload(ects, hours, credits),
        valid,
    ),
    st.integers(0, 10_000),
    st.sampled_from(ACHIEVEMENTS),
    st.sampled_from(ISSUERS),
    st.integers(-2, 500),
    amounts,
    amounts,
    amounts,
    st.booleans(),
)
wallets = st.lists(credentials, max_size=8, unique_by=lambda h: h.id)


def _pathway(tree: Requirement, max_age: int | None) -> Pathway:
    return Pathway(
        awards="https://x.example/a/cert",
        issuer=ORG,
        requirements=tree,
        trusted_issuers=frozenset({"did:web:partner"}),
        max_age_days=max_age,
    )


def _outcomes(outcome: Outcome) -> list[Outcome]:
    return [outcome, *(o for child in outcome.children for o in _outcomes(child))]


max_ages = st.one_of(st.none(), st.integers(1, 400))


@settings(max_examples=300, deadline=None)
@given(trees, wallets, credentials, max_ages)
def test_adding_a_valid_credential_never_lowers_progress(
    tree: Requirement, wallet: list[Held], extra: Held, max_age: int | None
) -> None:
    path = _pathway(tree, max_age)
    extra = replace(extra, id="urn:c:extra", valid=True)
    before = evaluate(path, wallet, NOW)
    after = evaluate(path, [*wallet, extra], NOW)
    for old, new in zip(_outcomes(before.root), _outcomes(after.root), strict=True):
        assert new.progress >= old.progress
    assert after.percent >= before.percent
    assert after.met or not before.met


@settings(max_examples=300, deadline=None)
@given(trees, wallets.filter(bool), st.data(), max_ages)
def test_revoking_a_credential_never_raises_progress(
    tree: Requirement, wallet: list[Held], data: st.DataObject, max_age: int | None
) -> None:
    path = _pathway(tree, max_age)
    index = data.draw(st.integers(0, len(wallet) - 1))
    revoked = [*wallet[:index], replace(wallet[index], valid=False), *wallet[index + 1 :]]
    before = evaluate(path, wallet, NOW)
    after = evaluate(path, revoked, NOW)
    assert after.root.progress <= before.root.progress
    assert wallet[index].id not in after.components


@settings(max_examples=300, deadline=None)
@given(trees, wallets, max_ages)
def test_met_means_full_progress_and_components_are_held(
    tree: Requirement, wallet: list[Held], max_age: int | None
) -> None:
    progress = evaluate(_pathway(tree, max_age), wallet, NOW)
    usable = {h.id for h in wallet if h.valid}
    for outcome in _outcomes(progress.root):
        assert outcome.met == (outcome.progress == 1)
        assert 0 <= outcome.progress <= 1
        assert set(outcome.used) <= usable
    assert progress.met == (progress.percent == 100)
    assert progress.met == (progress.remaining == [])


names = st.sampled_from([f"n{i}" for i in range(8)])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(names, st.sets(names, max_size=4), max_size=8), names)
def test_a_cycle_found_is_a_loop_and_none_means_none(
    edges: dict[str, set[str]], start: str
) -> None:
    cycle = find_cycle(edges, start)
    # Reachability by brute force: is start reachable from any of its successors?
    reach: set[str] = set()
    stack = list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in reach:
            reach.add(node)
            stack.extend(edges.get(node, ()))
    if cycle is None:
        assert start not in reach
    else:
        assert start in reach
        assert cycle[0] == cycle[-1] == start
        assert all(b in edges.get(a, ()) for a, b in itertools.pairwise(cycle))
