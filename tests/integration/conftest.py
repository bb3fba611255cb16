"""Fixtures for repositories and services on SQLite and PostgreSQL, each test rolled back.

``database_url`` is parametrised over both databases and migrated once per test session; each
test then runs in a transaction that is rolled back (services flush into SAVEPOINTs inside it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from credstack.adapters.evidence_files import FileEvidenceStore
from credstack.adapters.keystore import KeyStore
from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.services import Services
from credstack.store.db import make_engine, make_session_factory
from credstack.store.migrate import upgrade
from tests.integration.databases import DATABASES, postgres_schema
from tests.integration.smtp import inbox  # noqa: F401 (a fixture of tests/integration)

BASE_URL = "https://badges.example.edu:8443"
MASTER_SECRET = "integration-test-master-secret-0123456789"


@pytest.fixture(scope="session", params=DATABASES)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'credstack.db'}"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def platform(
    engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Platform:
    settings = Settings(
        database_url=database_url,
        base_url=BASE_URL,
        secret_key=MASTER_SECRET,
        key_file=Path(tmp_path_factory.mktemp("keys") / "unused.key"),
    )
    return Platform(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        keystore=KeyStore(MASTER_SECRET.encode()),
        # Cheap parameters: the tests check the flow, not argon2's cost.
        hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
        evidence=FileEvidenceStore(tmp_path_factory.mktemp("evidence")),
    )


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def services(platform: Platform, session: Session) -> Services:
    return platform.services(session)


@pytest.fixture
def postgres_platform(tmp_path: Path) -> Iterator[Platform]:
    """A platform on a PostgreSQL schema of its own whose transactions commit for real, for
    tests that race several transactions (row locks are what they test)."""
    with postgres_schema() as url:
        settings = Settings(
            database_url=url,
            base_url="https://badges.example.edu",
            secret_key=MASTER_SECRET,
            key_file=tmp_path / "unused.key",
        )
        platform = build(settings, migrate=True)
        try:
            yield platform
        finally:
            platform.close()
