"""The clock of each ``credstack serve`` and ``credstack worker``: periodic work, in a daemon
thread, each duty at its own period.

- Ledger checkpoints: asked every quarter period; the service signs only if the log grew and
  the latest checkpoint is a whole period old, under a lock in the database, so any number of
  processes together sign at most one checkpoint per period (docs/ledger.md, "Checkpoints").
- Due retries: webhook attempts and email tries whose time has come are enqueued again, once
  at start and then every ``retry_sweep_seconds``; the database, not a timer, keeps a retry,
  so a restart loses none (docs/operations.md). The queues keep one waiting copy per row and
  an attempt that is not due does nothing, so asking often sends nothing twice.

A duty that fails (a busy database, a lost connection) is logged and tried at its next time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from credstack.errors import Error

_log = logging.getLogger(__name__)
MIN_TICK = 0.25


@dataclass(frozen=True)
class Duty:
    """Work the clock runs every ``every`` seconds (first at start, with ``at_start``)."""

    name: str
    every: float
    run: Callable[[], object]
    at_start: bool = False


class Clock:
    def __init__(self, duties: Sequence[Duty]) -> None:
        self._duties = [d for d in duties if d.every > 0]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None and self._duties:
            self._thread = threading.Thread(target=self._run, name="credstack-clock", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        now = time.monotonic()
        due = [now if d.at_start else now + max(d.every, MIN_TICK) for d in self._duties]
        while not self._stop.wait(max(0.0, min(due) - time.monotonic())):
            for index, duty in enumerate(self._duties):
                if due[index] <= time.monotonic():
                    _run_one(duty)
                    due[index] = time.monotonic() + max(duty.every, MIN_TICK)


def _run_one(duty: Duty) -> None:
    try:
        duty.run()
    except Error as exc:
        # A busy database or a lost connection: the next time tries again.
        _log.warning("%s failed: %s [%s]", duty.name, exc.message, exc.code)
    except Exception:  # noqa: BLE001  # a bug: logged with its traceback; the clock goes on
        _log.exception("%s failed", duty.name)
