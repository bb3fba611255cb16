"""Random status list index allocation."""

from __future__ import annotations

from collections import Counter
from random import Random

import pytest

from credstack.errors import Conflict, InvalidInput
from credstack.status.allocation import allocate


def seeded(seed: int) -> Random:
    return Random(seed)  # noqa: S311  # repeatable draws for a test, not a secret


def test_indexes_are_random_not_sequential() -> None:
    # Section 2.1: indexes SHOULD be assigned randomly, so a position reveals no order.
    drawn = [allocate(set(), 131_072) for _ in range(20)]
    assert len(set(drawn)) > 1
    assert drawn != sorted(drawn)
    assert all(0 <= i < 131_072 for i in drawn)


def test_a_seeded_generator_gives_repeatable_draws() -> None:
    assert allocate(set(), 1000, seeded(7)) == allocate(set(), 1000, seeded(7))


def test_a_used_index_is_never_returned() -> None:
    used = set(range(0, 100, 2))
    for seed in range(200):
        assert allocate(used, 100, seeded(seed)) % 2 == 1


def test_a_predicate_can_stand_for_the_used_set() -> None:
    asked: list[int] = []

    def is_used(index: int) -> bool:
        asked.append(index)
        return index != 41

    assert allocate(is_used, 64, seeded(1)) == 41
    assert asked


def test_a_nearly_full_list_falls_back_to_one_scan() -> None:
    used = set(range(10_000)) - {1234}
    calls = 0

    def is_used(index: int) -> bool:
        nonlocal calls
        calls += 1
        return index in used

    assert allocate(is_used, 10_000, seeded(3), attempts=5) == 1234
    assert calls == 5 + 10_000


def test_the_scan_picks_uniformly_among_the_free_indexes() -> None:
    used = set(range(1000)) - {10, 500, 990}
    counts = Counter(allocate(used, 1000, seeded(seed), attempts=0) for seed in range(600))
    assert set(counts) == {10, 500, 990}
    assert min(counts.values()) > 150


def test_a_full_list_is_a_conflict() -> None:
    with pytest.raises(Conflict, match="start a new list") as caught:
        allocate(set(range(50)), 50)
    assert caught.value.code == "status_list_full"
    with pytest.raises(Conflict):
        allocate(lambda _: True, 50)
    # Indexes outside the list do not count as room.
    with pytest.raises(Conflict):
        allocate({*range(50), 99}, 50)


@pytest.mark.parametrize("length", [0, -5, True])
def test_the_length_is_a_positive_count(length: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        allocate(set(), length)
    assert caught.value.code == "invalid_status_list_length"
