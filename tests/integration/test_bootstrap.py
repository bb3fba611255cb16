"""The platform's transactions (``Platform.transaction``, under ``unit_of_work`` and each API
request's session), on both databases: each a database of its own, as what these tests commit
stays."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from credstack.bootstrap import Platform
from credstack.errors import StorageError
from credstack.services.actors import Actor
from credstack.store.models import Organization
from tests.integration.databases import DATABASES, own_platform

OPERATOR = Actor.operator()


@pytest.fixture(scope="module", params=DATABASES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    with own_platform(
        request.param,
        tmp_path_factory.mktemp("tx"),
        secret_key="bootstrap-integration-master-secret-0123",
    ) as platform:
        yield platform


def _slug() -> str:
    return f"tx-{uuid.uuid4().hex[:10]}"


def _exists(platform: Platform, slug: str) -> bool:
    with platform.sessions() as session:
        found = session.query(Organization).filter_by(slug=slug).one_or_none()
        return found is not None


def test_a_transaction_commits_when_its_block_ends(platform: Platform) -> None:
    slug = _slug()
    with platform.transaction() as session:
        platform.services(session).organizations.create(OPERATOR, slug=slug, name="Kept")
    assert _exists(platform, slug)


def test_a_refusal_of_the_database_is_a_storage_error_and_nothing_is_kept(
    platform: Platform,
) -> None:
    slug = _slug()

    def refused_after_a_write() -> None:
        with platform.transaction() as session:
            platform.services(session).organizations.create(OPERATOR, slug=slug, name="Lost")
            session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(StorageError) as refused:
        refused_after_a_write()
    assert refused.value.code == "storage_error"
    assert "refused the change" in refused.value.message
    assert not _exists(platform, slug)


def test_any_other_error_is_raised_as_it_was_and_rolls_back(platform: Platform) -> None:
    slug = _slug()

    def raised_after_a_write() -> None:
        with platform.unit_of_work() as services:
            services.organizations.create(OPERATOR, slug=slug, name="Lost")
            raise KeyError("raised in the block")

    with pytest.raises(KeyError, match="raised in the block"):
        raised_after_a_write()
    assert not _exists(platform, slug)


def test_a_read_mostly_transaction_commits_what_it_writes(platform: Platform) -> None:
    slug = _slug()
    with platform.unit_of_work(read_mostly=True) as services:
        services.organizations.create(OPERATOR, slug=slug, name="Kept")
    assert _exists(platform, slug)
