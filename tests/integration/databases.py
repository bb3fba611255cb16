"""The two databases every database test runs on: a SQLite file and PostgreSQL.

PostgreSQL is ``CREDSTACK_TEST_POSTGRES_URL`` (default: the local server, trust auth, database
``test``). Each test session works in a schema of its own, dropped at the end, so parallel runs
never meet. A PostgreSQL that cannot be reached fails the run; it is never skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.store.db import make_engine

POSTGRES_URL = os.environ.get(
    "CREDSTACK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATABASES = ("sqlite", "postgresql")


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}', safe='')}"


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose connections work in a fresh schema, dropped afterwards."""
    schema = f"credstack_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL at {POSTGRES_URL} cannot be reached ({exc.orig}); every database test "
            "runs on it. Start it (.ci/run does) or set CREDSTACK_TEST_POSTGRES_URL.",
            pytrace=False,
        )
    try:
        yield with_search_path(POSTGRES_URL, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of ``kind`` (one of ``DATABASES``): a SQLite file in
    ``folder``, or a PostgreSQL schema of its own, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'credstack.db'}"
    else:
        with postgres_schema() as url:
            yield url


@contextmanager
def own_platform(kind: str, folder: Path, **settings: Any) -> Iterator[Platform]:
    """A platform on a ``fresh_database`` of ``kind``, migrated, with ``settings`` (its key file
    in ``folder``), for tests whose changes commit for real (the shared database of
    tests/integration/conftest.py must stay empty between tests); closed afterwards."""
    with fresh_database(kind, folder) as url:
        platform = build(
            Settings(database_url=url, key_file=folder / "unused.key", **settings), migrate=True
        )
        try:
            yield platform
        finally:
            platform.close()
