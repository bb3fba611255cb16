"""The revision of a status list, read the cheapest way the database allows.

A verifying server asks, for every one of its own credentials it checks, whether the status
list it remembers is still current. Through a session that one indexed read costs ten times
the query itself (a pooled connection checked out and pinged, BEGIN, the ORM, ROLLBACK), so
``ListRevisions`` keeps one connection of its own, out of the pool and in autocommit (each
read sees the latest commit and holds no snapshot), for the one thread that uses it: the
server's event loop. Anything unexpected closes it, and the caller reads through a session.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.pool import PoolProxiedConnection

from credstack.store.credentials import LIST_VERSION, StatusListRecord


class ListRevisions:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        compiled = LIST_VERSION.compile(dialect=engine.dialect)
        self._sql = str(compiled)
        self._order: Sequence[str] | None = compiled.positiontup if compiled.positional else None
        self._uuid = StatusListRecord.__table__.c.id.type.bind_processor(engine.dialect)
        self._connection: PoolProxiedConnection | None = None
        self._owner: int | None = None
        # A SQLite database in memory lives in its one pooled connection per thread: taking
        # that connection out of the pool would leave the thread's sessions a new, empty one.
        self._usable = not (
            engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
        )

    def read(self, slug: str, list_id: uuid.UUID) -> int | None:
        """The list's revision; None when there is no such list, when called from another
        thread than the first caller's, or when the database did not answer (then ask it
        through a session, which says why)."""
        if not self._usable:
            return None
        if self._owner is None:
            self._owner = threading.get_ident()
        elif self._owner != threading.get_ident():
            return None
        values: dict[str, Any] = {
            "list_id": self._uuid(list_id) if self._uuid else list_id,
            "slug": slug,
        }
        parameters = [values[name] for name in self._order] if self._order else values
        try:
            connection = self._connection or self._connect()
            cursor = connection.cursor()
            try:
                cursor.execute(self._sql, parameters)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except self._engine.dialect.dbapi.Error:  # type: ignore[union-attr]
            self.close()
            return None
        return int(row[0]) if row is not None else None

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # An error here means it was already broken: nothing more to release.
            with suppress(self._engine.dialect.dbapi.Error):  # type: ignore[union-attr]
                connection.close()

    def _connect(self) -> PoolProxiedConnection:
        connection = self._engine.raw_connection()
        connection.detach()  # closed for real when closed, never handed to anyone else
        if self._engine.dialect.name == "postgresql":
            connection.dbapi_connection.autocommit = True  # type: ignore[union-attr]
        # SQLite connections are already in autocommit (store.db), in WAL mode.
        self._connection = connection
        return connection
