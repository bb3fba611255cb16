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
    """INSERT ``rows`` (dicts by column name, each with the same columns) into ``table``, in the
    session's transaction, as SQLAlchemy's INSERT would; a refused row raises SQLAlchemy's
    error (``IntegrityError`` for a duplicate)."""
    if not rows:
        return
    first = rows[0].keys()
    if any(row.keys() != first for row in rows):
        raise ValueError("every row of a batch insert gives the same columns")
    keys = list(first)
    if session.autoflush:
        session.flush()  # as session.execute would: pending objects first (foreign keys)
    connection = session.connection()
    dialect = connection.dialect
    columns = [table.c[key] for key in keys]
    # COPY knows only the database's defaults: rows that leave out a column with a default of
    # SQLAlchemy's own (a uuid, a time) take the INSERT.
    if dialect.name != "postgresql" or any(
        column.default is not None and column.name not in first for column in table.columns
    ):
        session.execute(insert(table), list(rows))
        return
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    quote = dialect.identifier_preparer
    names = ", ".join(quote.quote(column.name) for column in columns)
    statement = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        row[key] if process is None else process(row[key])
                        for key, process in zip(keys, processors, strict=True)
                    ]
                )
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc
