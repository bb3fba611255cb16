"""Tasks through procrastinate on PostgreSQL: any number of ``credstack worker`` processes, on
any machines that reach the database, fetch and run them.

procrastinate (a maintained PostgreSQL task queue: LISTEN/NOTIFY, retries with backoff, worker
heartbeats) keeps its jobs in the same database; its schema is installed by migration 0004.
Deferring uses a synchronous connection pool; the worker runs procrastinate's asyncio loop and
our synchronous task functions in its threads.
"""

from __future__ import annotations

import logging
import math
from typing import Any, Final

import procrastinate
from sqlalchemy.engine import make_url

from credstack.jobs.inprocess import Runner
from credstack.jobs.queue import waiting_key

QUEUE: Final = "credstack"
# Five tries, waiting 2, 4, 8, 16 seconds between them: a database restart or a deadlock passes.
RETRY: Final = procrastinate.RetryStrategy(max_attempts=5, exponential_wait=2)
_log = logging.getLogger(__name__)


def conninfo(database_url: str) -> str:
    """The libpq URL of a SQLAlchemy ``postgresql+psycopg://`` URL (search_path option kept)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class ProcrastinateDispatcher:
    """Defers tasks; opened on first use, closed with the platform."""

    def __init__(self, database_url: str) -> None:
        connector = procrastinate.SyncPsycopgConnector(
            conninfo=conninfo(database_url), min_size=1, max_size=4
        )
        self._app = procrastinate.App(connector=connector)
        self._open = False

    def __call__(self, task: str, arguments: dict[str, str], delay: float = 0.0) -> None:
        if not self._open:
            self._app.open()
            self._open = True
        options: dict[str, Any] = {"queue": QUEUE}
        if delay > 0:
            # Whole seconds, rounded up: procrastinate's scheduling grain.
            options["schedule_in"] = {"seconds": max(1, math.ceil(delay))}
        key = waiting_key(task, arguments)
        if key is not None:
            # procrastinate refuses a second job with this lock while one waits ("todo").
            options["queueing_lock"] = key
        try:
            self._app.configure_task(task, **options).defer(**arguments)
        except procrastinate.exceptions.AlreadyEnqueued:
            _log.debug("task %s already waits in the queue", key)

    def close(self) -> None:
        if self._open:
            self._app.close()
            self._open = False


def worker_app(database_url: str, run: Runner) -> procrastinate.App:
    """A procrastinate app with every task of ``jobs.tasks`` registered, run by ``run``."""
    from credstack.jobs.tasks import TASKS

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url))
    )
    for name in TASKS:
        _register(app, name, run)
    return app


def _register(app: procrastinate.App, name: str, run: Runner) -> None:
    def task(**arguments: Any) -> None:
        run(name, {key: str(value) for key, value in arguments.items()})

    task.__name__ = name
    app.task(name=name, queue=QUEUE, retry=RETRY)(task)


def run_worker(app: procrastinate.App, *, concurrency: int = 1) -> None:
    """Fetch and run tasks until SIGINT/SIGTERM (procrastinate stops after the current task)."""
    app.run_worker(queues=[QUEUE], concurrency=concurrency, install_signal_handlers=True)
