"""How many processes sign bulk batches by default: on SQLite the job's one process uses the
other cores; on PostgreSQL workers scale out, so none of their own unless asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from credstack.adapters.signing_pool import default_processes
from credstack.bootstrap import build
from credstack.config import Settings
from tests.integration.databases import DATABASES, postgres_schema


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("asked", [None, 0, 3])
def test_signing_processes_by_database(database: str, asked: int | None, tmp_path: Path) -> None:
    def processes(url: str) -> int:
        platform = build(
            Settings(database_url=url, secret_key="s" * 40, signing_processes=asked),
            migrate=False,
        )
        try:
            return platform.signing.processes
        finally:
            platform.close()

    if database == "sqlite":
        found = processes(f"sqlite:///{tmp_path / 'c.db'}")
        default = default_processes()
    else:
        with postgres_schema() as url:
            found = processes(url)
        default = 0
    assert found == (default if asked is None else asked)


def test_a_bad_count_is_refused() -> None:
    with pytest.raises(ValueError, match="signing_processes"):
        Settings(signing_processes=-1)
