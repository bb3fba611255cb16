"""Concurrent first issuance on PostgreSQL: a new organisation's first status list is started
by one of several transactions racing for it; none deadlocks, every credential gets its own
index, and there is one list."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from credstack.bootstrap import Platform
from credstack.services.actors import Actor
from credstack.services.credentials import IssueRequest

OPERATOR = Actor.operator("test")
THREADS = 8
BADGE = {
    "type": ["Achievement"],
    "name": "First",
    "description": "Issued in a race for the first status list.",
    "criteria": {"narrative": "Ran in a thread."},
}


@pytest.mark.parametrize("round_", range(6))
def test_first_credentials_of_a_new_organisation_issued_at_once(
    postgres_platform: Platform, round_: int
) -> None:
    platform = postgres_platform
    slug = f"fresh-{round_}"
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug=slug, name="Fresh Academy")
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def issue_one(worker: int) -> None:
        start.wait()
        try:
            with platform.unit_of_work() as services:
                services.credentials.issue(
                    OPERATOR,
                    slug,
                    IssueRequest(recipient=f"w{worker}@example.com", achievement=BADGE),
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread below
            failures.append(exc)

    threads = [threading.Thread(target=issue_one, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [], [f"{f!r} {f.__cause__!r}" for f in failures]
    with platform.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT l.id, c.status_index FROM issued_credentials c "
                "JOIN status_lists l ON l.id = c.status_list_id "
                "JOIN organizations o ON o.id = c.organization_id WHERE o.slug = :slug"
            ),
            {"slug": slug},
        ).all()
    assert len(rows) == THREADS
    assert len({list_id for list_id, _ in rows}) == 1
    assert len({index for _, index in rows}) == THREADS
