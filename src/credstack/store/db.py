"""Engines and session factories made from a database URL; no module-level engine.

>>> engine = make_engine("sqlite://")
>>> with engine.connect() as connection:
...     connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
1
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from credstack.errors import ConfigurationError

WAL_CHECKPOINT_PAGES: Final = 10_000
# How long a SQLite transaction waits for the write lock before "database is locked" (503):
# longer than any one write (a bulk batch commits in well under a second).
BUSY_SECONDS: Final = 15.0
_DEFERRED: Final = "credstack_deferred"


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite (a file, or ``sqlite://`` in memory) or PostgreSQL."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"The database URL {url!r} cannot be read; use sqlite:///path.db or "
            "postgresql+psycopg://user@host/db.",
            code="invalid_database_url",
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": BUSY_SECONDS}
        )
        _fix_sqlite_transactions(engine)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise ConfigurationError(
        f"Credstack runs on SQLite or PostgreSQL, not {backend}.", code="unsupported_database"
    )


def _fix_sqlite_transactions(engine: Engine) -> None:
    """Foreign keys on, and transactions that SQLAlchemy controls (so SAVEPOINT works).

    Python's sqlite3 opens transactions lazily and only before DML; the SQLAlchemy SQLite
    dialect documents this recipe ("Serializable isolation / Savepoints / Transactional DDL").
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        # Write-ahead log: readers (the API, a progress bar) no longer block the one writer (a
        # bulk job), nor it them. synchronous stays FULL: an issued credential survives power
        # loss. A database in memory keeps its "memory" journal.
        cursor.execute("PRAGMA journal_mode = WAL")
        # The log is copied into the database file (a checkpoint, with its own disk sync) by
        # the commit that grows it past this many pages: 10,000 (40 MB), not SQLite's 1,000,
        # so a bulk job's commits do that a tenth as often (a 100,000-row job: 1,730/s ->
        # 1,950/s).
        cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock at the start, waiting for it (BUSY_SECONDS). A
        # deferred transaction that reads, then writes after another writer committed, is
        # refused at once ("database is locked", SQLITE_BUSY_SNAPSHOT) with no wait; so every
        # transaction that may write is IMMEDIATE (Django's and Rails' fix), and only those
        # that mostly read (``deferred``) wait for nobody.
        deferred = connection.get_execution_options().get(_DEFERRED, False)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def deferred(engine: Engine) -> Engine:
    """``engine`` (same pool) for transactions that mostly read: on SQLite they take the write
    lock only when they first write, so they never wait for a writer, but a write they make
    after another writer's commit is refused. PostgreSQL is unchanged."""
    return engine.execution_options(**{_DEFERRED: True})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (services return them)."""
    return sessionmaker(engine, expire_on_commit=False)
