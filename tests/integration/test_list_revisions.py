"""``store.list_revisions.ListRevisions``: a status list's revision read on a connection of
its own, on SQLite and PostgreSQL; every change committed elsewhere is seen by the next read."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from credstack.store.list_revisions import ListRevisions
from tests.integration.databases import DATABASES, own_platform

OPERATOR = Actor.operator("test")
BADGE = {
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works well in a team.",
    "criteria": {"narrative": "Nominated by peers."},
}


@pytest.fixture(scope="module", params=DATABASES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    """A database of this module's own: its changes commit for real (the shared one of
    tests/integration/conftest.py must stay empty between tests)."""

    with own_platform(
        request.param,
        tmp_path_factory.mktemp("revisions"),
        base_url="https://badges.example.edu",
        secret_key="list-revisions-master-secret-0123456789abc",
    ) as platform:
        yield platform


def issued(platform: Platform) -> tuple[str, uuid.UUID, uuid.UUID]:
    """(slug, credential record id, its status list's id), committed."""
    slug = f"rev-{uuid.uuid4().hex[:10]}"
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug=slug, name="Revisions")
        record = services.credentials.issue(
            OPERATOR, slug, IssueRequest(recipient="did:example:learner", achievement=BADGE)
        )
    entry = json.loads(record.text)["credentialStatus"]
    if isinstance(entry, list):
        entry = entry[0]
    list_id = uuid.UUID(entry["statusListCredential"].rsplit("/", 1)[-1])
    return slug, record.id, list_id


def test_reads_follow_committed_changes(platform: Platform) -> None:
    slug, record_id, list_id = issued(platform)
    revisions = ListRevisions(platform.engine)
    try:
        with platform.unit_of_work() as services:
            expected = services.status_lists.version(slug, list_id)
        assert revisions.read(slug, list_id) == expected
        with platform.unit_of_work() as services:
            services.credentials.revoke(OPERATOR, slug, record_id)
        changed = revisions.read(slug, list_id)
        with platform.unit_of_work() as services:
            assert changed == services.status_lists.version(slug, list_id) > expected
        # Another organisation's slug, or no such list: nothing.
        assert revisions.read("someone-else", list_id) is None
        assert revisions.read(slug, uuid.uuid4()) is None
    finally:
        revisions.close()


def test_only_the_first_thread_reads_and_a_broken_connection_is_replaced(
    platform: Platform,
) -> None:
    slug, _record_id, list_id = issued(platform)
    revisions = ListRevisions(platform.engine)
    try:
        first = revisions.read(slug, list_id)
        assert first is not None
        elsewhere: list[int | None] = []
        thread = threading.Thread(target=lambda: elsewhere.append(revisions.read(slug, list_id)))
        thread.start()
        thread.join()
        assert elsewhere == [None]  # that caller reads through a session instead
        # The connection is closed under it (a restarted database): one miss, then a new one.
        revisions._connection.dbapi_connection.close()  # type: ignore[union-attr]
        assert revisions.read(slug, list_id) is None
        assert revisions.read(slug, list_id) == first
    finally:
        revisions.close()


def test_a_database_in_memory_is_left_to_the_sessions(tmp_path: Path) -> None:
    settings = Settings(
        database_url="sqlite://",
        base_url="https://badges.example.edu",
        secret_key="list-revisions-master-secret-0123456789abc",
        key_file=tmp_path / "unused.key",
    )
    platform = build(settings, migrate=True)
    try:
        slug, _record_id, list_id = issued(platform)
        revisions = ListRevisions(platform.engine)
        assert revisions.read(slug, list_id) is None
        with platform.unit_of_work() as services:  # the database is still there
            assert services.status_lists.version(slug, list_id) == 0  # found, unchanged
    finally:
        platform.close()
