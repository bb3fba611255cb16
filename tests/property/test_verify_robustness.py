"""Whatever it is given, the verifier answers with a report; it never raises."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credstack.issue import issue
from credstack.proofs.keys import generate_key
from credstack.verify import check

NOW = datetime(2026, 1, 1, tzinfo=UTC)
KEY = generate_key("ed25519")
ACHIEVEMENT = {
    "id": "https://example.edu/achievements/1",
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works in a team.",
    "criteria": {"narrative": "Peer nominated."},
}
SIGNED: dict[str, Any] = issue(
    ACHIEVEMENT, KEY, recipient="did:example:learner", valid_from=NOW
).credential

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


ALL_PATHS = paths(SIGNED)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PATHS), json_values)
def test_any_value_anywhere_gives_a_report_and_fails(path: tuple[Any, ...], value: Any) -> None:
    document = json.loads(json.dumps(SIGNED))
    node = document
    for step in path[:-1]:
        node = node[step]
    if node[path[-1]] == value:
        return
    node[path[-1]] = value
    report = check(json.dumps(document), now=NOW)
    assert not report.valid
    assert report.failures[0].message


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_a_report(raw: bytes) -> None:
    report = check(raw, now=NOW)
    assert not report.valid
    assert all(c.code and c.message for c in report.checks)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_any_json_gives_a_report(value: Any) -> None:
    report = check(json.dumps(value), now=NOW)
    assert not report.valid


TOKEN = issue(ACHIEVEMENT, KEY, recipient="did:example:learner", valid_from=NOW, suite="jwt").text
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(TOKEN) - 1), st.sampled_from(ALPHABET))
def test_any_changed_character_of_a_jwt_fails(position: int, replacement: str) -> None:
    if TOKEN[position] == replacement:
        return
    changed = TOKEN[:position] + replacement + TOKEN[position + 1 :]
    assert not check(changed, now=NOW).valid
