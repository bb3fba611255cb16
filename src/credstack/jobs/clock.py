"""The ledger clock: signs a transparency-ledger checkpoint when one is due.

Each ``credstack serve`` and ``credstack worker`` process runs one, in a daemon thread. It asks
every quarter period; the service signs only if the log grew and the latest checkpoint is a
whole period old, under a lock in the database, so any number of processes together sign at
most one checkpoint per period (docs/ledger.md, "Checkpoints").
"""

from __future__ import annotations

import logging
import threading

from credstack.errors import Error
from credstack.jobs.tasks import UnitOfWork, checkpoint_ledger

_log = logging.getLogger(__name__)
MIN_TICK = 0.25


class LedgerClock:
    def __init__(self, unit_of_work: UnitOfWork, every_seconds: float) -> None:
        self._unit_of_work = unit_of_work
        self._every = every_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None and self._every > 0:
            self._thread = threading.Thread(
                target=self._run, name="credstack-ledger-clock", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        tick = max(self._every / 4, MIN_TICK)
        while not self._stop.wait(tick):
            try:
                checkpoint_ledger(self._unit_of_work, str(self._every))
            except Error as exc:
                # A busy database or a lost connection: the next tick tries again.
                _log.warning("ledger checkpoint failed: %s [%s]", exc.message, exc.code)
            except Exception:  # noqa: BLE001  # a bug: logged with its traceback; the clock goes on
                _log.exception("ledger checkpoint failed")
