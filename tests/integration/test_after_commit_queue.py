"""Tasks leave with their transaction's commit, on SQLite and PostgreSQL: not when a savepoint
inside it is released (a task would run before what it needs is committed: on SQLite it waited
out the busy timeout for the write lock), and not lost when a savepoint rolls back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.jobs.queue import AfterCommitQueue
from credstack.store.db import make_engine
from tests.integration.databases import DATABASES, fresh_database


@pytest.fixture(params=DATABASES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with fresh_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE marks (name VARCHAR(20) PRIMARY KEY)"))
        yield engine
        engine.dispose()


def queued(engine: Engine) -> tuple[Session, AfterCommitQueue, list[str]]:
    sent: list[str] = []
    session = Session(engine)
    queue = AfterCommitQueue(session, lambda task, arguments, delay=0.0: sent.append(task))
    return session, queue, sent


def mark(session: Session, name: str) -> None:
    session.execute(text("INSERT INTO marks (name) VALUES (:name)"), {"name": name})


def test_a_released_savepoint_sends_nothing_before_the_commit(engine: Engine) -> None:
    session, queue, sent = queued(engine)
    with session:
        queue.enqueue("before")
        with session.begin_nested():
            mark(session, "inside")
            queue.enqueue("inside")
        assert sent == []
        session.commit()
    assert sent == ["before", "inside"]


def test_a_savepoint_rolled_back_keeps_the_tasks_of_its_transaction(engine: Engine) -> None:
    session, queue, sent = queued(engine)
    with session:
        mark(session, "taken")
        queue.enqueue("before")
        with pytest.raises(IntegrityError), session.begin_nested():
            mark(session, "taken")  # refused: the savepoint alone rolls back
        assert sent == []
        session.commit()
    assert sent == ["before"]


def test_a_rolled_back_transaction_sends_nothing_then_or_later(engine: Engine) -> None:
    session, queue, sent = queued(engine)
    with session:
        queue.enqueue("lost")
        with session.begin_nested():
            mark(session, "a")
        session.rollback()
        mark(session, "b")
        queue.enqueue("kept")
        session.commit()
    assert sent == ["kept"]
