"""Engines from URLs, with no database server (SQLite in memory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from credstack.config import Settings
from credstack.errors import ConfigurationError
from credstack.store.db import make_engine


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
