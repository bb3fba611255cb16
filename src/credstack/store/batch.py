"""Writing a batch of rows in one go: ``COPY ... FROM STDIN`` on PostgreSQL, executemany on SQLite.

A bulk batch writes about a thousand rows (its credentials, audit entries, ledger leaves and
nodes). The psycopg dialect runs an executemany INSERT as one statement per row (pipelined), so
PostgreSQL plans and executes each; COPY is one statement for the batch, and psycopg writes its
rows in C. SQLAlchemy has no COPY of its own: the rows go through each column's bind processor
(as an INSERT's would) and then psycopg's own COPY. SQLite's executemany is already one
prepared statement run per row, in C.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT ``rows`` (each with the same keys: column names) into ``table``, in the session's
    transaction; a refused row raises SQLAlchemy's error (``IntegrityError`` for a duplicate)."""
    if not rows:
        return
    if session.autoflush:
        session.flush()  # as session.execute would: pending objects first (foreign keys)
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        session.execute(insert(table), list(rows))
        return
    columns = [table.c[name] for name in rows[0]]
    processors = [column.type._cached_bind_processor(dialect) for column in columns]
    quote = dialect.identifier_preparer
    names = ", ".join(quote.quote(column.name) for column in columns)
    statement = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    keys = list(rows[0])
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if process is None else process(value)
                        for value, process in zip(
                            [row[key] for key in keys], processors, strict=True
                        )
                    ]
                )
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc
