"""Allocation never hands out an index that is in use, and fills a list completely."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.errors import Conflict
from credstack.status.allocation import allocate


@given(st.integers(min_value=1, max_value=300), st.data())
def test_never_a_used_index(length: int, data: st.DataObject) -> None:
    used = data.draw(st.sets(st.integers(min_value=0, max_value=length - 1), max_size=length))
    attempts = data.draw(st.integers(min_value=0, max_value=40))
    if len(used) == length:
        with pytest.raises(Conflict):
            allocate(used, length, attempts=attempts)
        return
    index = allocate(used, length, attempts=attempts)
    assert 0 <= index < length
    assert index not in used


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=200))
def test_allocating_until_full_uses_every_index_once(length: int) -> None:
    used: set[int] = set()
    for _ in range(length):
        index = allocate(used.__contains__, length)
        assert index not in used
        used.add(index)
    assert used == set(range(length))
    with pytest.raises(Conflict):
        allocate(used, length)
