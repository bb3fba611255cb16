"""The ``TaskQueue`` port bound to one session: tasks leave only when the session commits.

A task that ran before its transaction committed would not see what the transaction wrote
(a new bulk job, a flipped status bit), and one whose transaction rolled back must not run at
all; so the queue holds tasks until the transaction commits and drops them when it ends
otherwise. A savepoint's release or rollback (``begin_nested``) is not the transaction's end:
SQLAlchemy tells ``after_commit`` and ``after_rollback`` of those too, so the queue looks at
which transaction ended.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

# Tasks of one row each (a delivery, a message): the clock may ask for one that is already
# waiting in the queue, so a dispatcher keeps at most one waiting copy per row.
ONE_WAITING: Final = frozenset({"deliver_webhook", "send_mail"})


def waiting_key(task: str, arguments: Mapping[str, str]) -> str | None:
    """The key that at most one waiting copy of the task holds; None for other tasks."""
    if task not in ONE_WAITING:
        return None
    return task + ":" + ",".join(f"{k}={v}" for k, v in sorted(arguments.items()))


class Dispatch(Protocol):
    """Hands one task and its arguments to whatever runs tasks (procrastinate, or a thread),
    to run now or ``delay`` seconds from now."""

    def __call__(self, task: str, arguments: dict[str, str], delay: float = 0.0) -> None: ...


class AfterCommitQueue:
    def __init__(self, session: Session, dispatch: Dispatch) -> None:
        self._dispatch = dispatch
        self._pending: list[tuple[str, dict[str, str], float]] = []
        event.listen(session, "after_commit", self._send)
        event.listen(session, "after_transaction_end", self._end)

    def enqueue(self, task: str, /, **arguments: str) -> None:
        self._pending.append((task, arguments, 0.0))

    def enqueue_in(self, seconds: float, task: str, /, **arguments: str) -> None:
        self._pending.append((task, arguments, max(0.0, seconds)))

    def _send(self, session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: its tasks wait for the transaction's commit
        pending, self._pending = self._pending, []
        for task, arguments, delay in pending:
            if delay:
                self._dispatch(task, arguments, delay)
            else:
                self._dispatch(task, arguments)

    def _end(self, _session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # the transaction, not a savepoint: what is left goes
            self._pending = []
