"""The ``TaskQueue`` port bound to one session: tasks leave only when the session commits.

A task that ran before its transaction committed would not see what the transaction wrote
(a new bulk job, a flipped status bit), and one whose transaction rolled back must not run at
all; so the queue holds tasks until SQLAlchemy's ``after_commit`` and drops them on rollback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

Dispatch = Callable[[str, dict[str, str]], None]
"""Hands one task and its arguments to whatever runs tasks (procrastinate, or a thread)."""


class AfterCommitQueue:
    def __init__(self, session: Session, dispatch: Dispatch) -> None:
        self._dispatch = dispatch
        self._pending: list[tuple[str, dict[str, str]]] = []
        event.listen(session, "after_commit", self._send)
        event.listen(session, "after_rollback", self._drop)

    def enqueue(self, task: str, /, **arguments: str) -> None:
        self._pending.append((task, arguments))

    def _send(self, _session: Any) -> None:
        pending, self._pending = self._pending, []
        for task, arguments in pending:
            self._dispatch(task, arguments)

    def _drop(self, _session: Any) -> None:
        self._pending = []
