"""Engines from URLs, with no database server (SQLite in memory)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from credstack.config import Settings
from credstack.errors import ConfigurationError
from credstack.store.db import deferred, make_engine


def test_sqlite_engines_enforce_foreign_keys_and_allow_savepoints() -> None:
    engine = make_engine("sqlite://")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        connection.rollback()
        with connection.begin():
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            nested = connection.begin_nested()
            connection.execute(text("INSERT INTO t VALUES (1)"))
            nested.rollback()
            assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 0


def test_sqlite_files_keep_a_write_ahead_log_checkpointed_every_10000_pages(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 10_000
    finally:
        engine.dispose()


@pytest.fixture
def shared_file(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    yield engine
    engine.dispose()


def count(engine: Engine) -> int:
    with deferred(engine).connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM t")).scalar_one())


def test_a_sqlite_writer_waits_for_the_other_one_instead_of_being_refused(
    shared_file: Engine,
) -> None:
    seen: list[int] = []

    def second_writer() -> None:
        with shared_file.begin() as connection:  # waits here for the first to commit
            seen.append(int(connection.execute(text("SELECT count(*) FROM t")).scalar_one()))
            connection.execute(text("INSERT INTO t VALUES (2)"))

    with shared_file.begin() as first:
        first.execute(text("INSERT INTO t VALUES (1)"))
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive()  # holding no snapshot yet: it waits for the lock
        assert count(shared_file) == 0  # a reader does not wait for the writer
    thread.join(timeout=10)
    assert seen == [1]  # it began after the first committed, and saw its row
    assert count(shared_file) == 2


def test_a_deferred_sqlite_transaction_that_read_before_another_commit_cannot_write(
    shared_file: Engine,
) -> None:
    with deferred(shared_file).connect() as reader, reader.begin():
        assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
        with shared_file.begin() as writer:
            writer.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(OperationalError, match="locked"):
            reader.execute(text("INSERT INTO t VALUES (2)"))
    assert count(shared_file) == 1


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    engine = make_engine("postgresql://user@db.example/credstack")
    assert engine.dialect.driver == "psycopg"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url"])
def test_other_databases_are_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError):
        make_engine(url)


def test_settings_read_the_environment_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDSTACK_BASE_URL", "https://badges.example.edu/")
    monkeypatch.setenv("CREDSTACK_ALLOW_PRIVATE_NETWORK", "true")
    monkeypatch.setenv("CREDSTACK_SECRET_KEY", "k" * 40)
    settings = Settings()
    assert settings.base_url == "https://badges.example.edu"
    assert settings.allow_private_network is True
    assert "k" * 40 not in repr(settings)
    assert settings.database_url == "sqlite:///./credstack.db"


@pytest.mark.parametrize(
    ("name", "value"),
    [("CREDSTACK_BASE_URL", "ftp://x"), ("CREDSTACK_SECRET_KEY", "short")],
)
def test_bad_settings_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name.removeprefix("CREDSTACK_").lower()):
        Settings()
