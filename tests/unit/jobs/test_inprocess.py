"""The in-process task runner (SQLite): order, inline tasks, and failures that do not stop it."""

from __future__ import annotations

import threading
from collections.abc import Mapping

import pytest

from credstack.errors import NotFound
from credstack.jobs.inprocess import InProcessDispatcher
from credstack.jobs.tasks import run_task


def test_tasks_run_in_order_and_a_failing_one_does_not_stop_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[tuple[str, str, str]] = []

    def run(task: str, arguments: Mapping[str, str]) -> None:
        ran.append((task, arguments["n"], threading.current_thread().name))
        if arguments["n"] == "2":
            raise NotFound("gone", code="bulk_job_not_found")
        if arguments["n"] == "3":
            raise RuntimeError("a bug")

    dispatch = InProcessDispatcher(run)
    for n in "1234":
        dispatch("run_bulk_job", {"n": n})
    dispatch.join()
    dispatch("publish_status_list", {"n": "5"})
    assert [(task, n) for task, n, _ in ran] == [("run_bulk_job", n) for n in "1234"] + [
        ("publish_status_list", "5")
    ]
    assert {thread for _, n, thread in ran if n != "5"} == {"credstack-tasks"}
    assert ran[-1][2] == threading.current_thread().name  # inline, in the committing thread
    assert "gone [bulk_job_not_found]" in caplog.text
    assert "a bug" in caplog.text


def test_an_unknown_task_is_refused() -> None:
    with pytest.raises(LookupError, match="no task"):
        run_task(lambda: pytest.fail("never opened"), "explode", {})  # type: ignore[arg-type,return-value]


def test_a_delivery_already_waiting_is_not_queued_twice() -> None:
    """The clock asks for every due delivery; one already in the queue stays one."""
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def run(task: str, arguments: Mapping[str, str]) -> None:
        if task == "run_bulk_job":  # keeps the one worker thread busy
            started.set()
            release.wait(10)
            return
        ran.append(arguments.get("delivery_id") or arguments["message_id"])

    dispatch = InProcessDispatcher(run)
    dispatch("run_bulk_job", {"job_id": "j"})
    assert started.wait(10)
    for _ in range(3):
        dispatch("deliver_webhook", {"delivery_id": "d1"})
        dispatch("send_mail", {"message_id": "m1"})
    dispatch("deliver_webhook", {"delivery_id": "d2"})
    release.set()
    dispatch.join()
    assert ran == ["d1", "m1", "d2"]
    # Once it ran, the same delivery may be asked for again (its next attempt).
    dispatch("deliver_webhook", {"delivery_id": "d1"})
    dispatch.join()
    assert ran == ["d1", "m1", "d2", "d1"]
