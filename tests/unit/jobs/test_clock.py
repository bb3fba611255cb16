"""The clock of servers and workers: each duty at its period, the first at start when asked,
and a failing duty that neither stops the clock nor the other duties."""

from __future__ import annotations

import threading
import time

import pytest

from credstack.errors import StorageError
from credstack.jobs.clock import Clock, Duty


def test_duties_run_at_their_periods_and_failures_do_not_stop_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: dict[str, int] = {"fast": 0, "failing": 0, "slow": 0}
    lock = threading.Lock()

    def counted(name: str, error: Exception | None = None) -> Duty:
        def run() -> None:
            with lock:
                runs[name] += 1
            if error is not None:
                raise error

        return Duty(name, {"fast": 0.25, "failing": 0.25, "slow": 60}[name], run, name == "fast")

    clock = Clock(
        [
            counted("fast"),
            counted("failing", StorageError("busy", code="storage_error")),
            counted("slow"),
            Duty("never", 0, lambda: pytest.fail("a duty with no period never runs")),
        ]
    )
    clock.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with lock:
                if runs["fast"] >= 3 and runs["failing"] >= 2:
                    break
            time.sleep(0.05)
    finally:
        clock.stop()
    assert runs["fast"] >= 3
    assert runs["failing"] >= 2
    assert runs["slow"] == 0  # its first time is a whole period after start
    assert "failing failed: busy [storage_error]" in caplog.text


def test_the_at_start_duty_runs_at_once() -> None:
    ran = threading.Event()
    clock = Clock([Duty("sweep", 3600, ran.set, at_start=True)])
    clock.start()
    try:
        assert ran.wait(5)
    finally:
        clock.stop()
