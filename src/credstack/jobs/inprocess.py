"""Tasks run by a thread of the process that enqueued them: the SQLite default.

SQLite has one writer at a time and no server to share a queue through, so the process that
asks for a task runs it, in one background thread, in the order asked. Nothing survives the
process: a bulk job whose process died is finished by ``credstack bulk resume``. Short tasks
(``INLINE``: re-signing a status list) run at once in the thread that committed, so they never
race the requests that follow for SQLite's one write lock. A task asked for later (a retry
after a backoff) waits in a timer thread, then joins the queue; the timer dies with the
process, but the row keeps when its retry is due and the server's clock asks for it again
(``jobs.clock``). A delivery or message already waiting in the queue is not queued twice.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Mapping

from credstack.errors import Error
from credstack.jobs.queue import waiting_key

_log = logging.getLogger(__name__)
INLINE = frozenset({"publish_status_list"})
Runner = Callable[[str, Mapping[str, str]], None]


class InProcessDispatcher:
    def __init__(self, run: Runner) -> None:
        self._run = run
        self._tasks: queue.Queue[tuple[str, dict[str, str]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._waiting: set[str] = set()

    def __call__(self, task: str, arguments: dict[str, str], delay: float = 0.0) -> None:
        if delay > 0:
            # A retry's backoff: a timer thread hands the task over when the wait is up.
            timer = threading.Timer(delay, self, args=(task, arguments))
            timer.daemon = True
            timer.start()
            return
        if task in INLINE:
            self._run_one(task, arguments)
            return
        key = waiting_key(task, arguments)
        with self._lock:
            if key is not None:
                if key in self._waiting:
                    return
                self._waiting.add(key)
            self._tasks.put((task, arguments))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="credstack-tasks", daemon=True
                )
                self._thread.start()

    def join(self) -> None:
        """Wait until every task asked for so far has run."""
        self._tasks.join()

    def _work(self) -> None:
        while True:
            task, arguments = self._tasks.get()
            key = waiting_key(task, arguments)
            if key is not None:
                with self._lock:
                    self._waiting.discard(key)
            try:
                self._run_one(task, arguments)
            finally:
                self._tasks.task_done()

    def _run_one(self, task: str, arguments: dict[str, str]) -> None:
        try:
            self._run(task, arguments)
        except Error as exc:
            _log.error("task %s failed: %s [%s]", task, exc.message, exc.code)
        except Exception:  # noqa: BLE001  # a bug: logged with its traceback; work goes on
            _log.exception("task %s failed", task)
