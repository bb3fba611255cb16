"""Fewer garbage collections during a job: frozen start-up objects, a larger young generation,
and both undone when the last job of the process ends."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from credstack.jobs.garbage import YOUNG_THRESHOLD, fewer_collections


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    before = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_a_job_freezes_and_collects_less_then_puts_both_back() -> None:
    gc.set_threshold(700, 10, 10)
    with fewer_collections():
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == (700, 10, 10)


def test_a_cycle_that_dies_during_a_job_is_collected_after_it() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self

    node = Node()
    gone = threading.Event()
    # Collected only once it is no longer frozen: it was alive when the job froze it.
    weakref.finalize(node, gone.set)
    with fewer_collections():
        del node
        gc.collect()
        assert not gone.is_set()
    gc.collect()
    assert gone.is_set()


def test_jobs_in_threads_undo_only_when_the_last_one_ends() -> None:
    gc.set_threshold(700, 10, 10)
    first_in = threading.Event()
    second_done = threading.Event()
    seen: list[tuple[int, int, int]] = []

    def second() -> None:
        first_in.wait()
        with fewer_collections():
            pass
        seen.append(gc.get_threshold())
        second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with fewer_collections():
        first_in.set()
        second_done.wait(10)
        assert gc.get_freeze_count() > 0  # the second job's end left the first's in place
    thread.join()
    assert seen == [(YOUNG_THRESHOLD, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def test_a_process_that_froze_itself_stays_frozen() -> None:
    gc.set_threshold(700, 10, 10)
    gc.freeze()
    frozen = gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    assert frozen > 0
    assert gc.get_freeze_count() > 0  # not unfrozen (objects freed since only lower it)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_larger_young_generation_is_kept_as_it_was() -> None:
    gc.set_threshold(50_000, 10, 10)
    with fewer_collections():
        assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_threshold() == (50_000, 10, 10)
