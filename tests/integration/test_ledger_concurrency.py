"""Concurrent issuance on PostgreSQL: threads issue at once, each in its own transaction, and
the log ends with one leaf per credential at indexes 0..n-1, no fork, no gap, audit clean."""

from __future__ import annotations

import threading

from sqlalchemy import text

from credstack.bootstrap import Platform
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest

OPERATOR = Actor.operator("test")
THREADS = 6
EACH = 8
BADGE = {
    "type": ["Achievement"],
    "name": "Concurrency",
    "description": "Issued while others issue.",
    "criteria": {"narrative": "Ran in a thread."},
}


def test_concurrent_issuance_never_forks_or_loses_a_leaf(postgres_platform: Platform) -> None:
    platform = postgres_platform
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug="busy", name="Busy Academy")
        # The organisation's first status list exists before the race (starting it in a race is
        # tested in test_credentials_concurrency.py); this tests the log.
        services.credentials.issue(
            OPERATOR, "busy", IssueRequest(recipient="first@example.com", achievement=BADGE)
        )
        services.ledger.checkpoint(OPERATOR)  # the log key exists before the race
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def issue_many(worker: int) -> None:
        start.wait()
        try:
            for i in range(EACH):
                with platform.unit_of_work() as services:
                    services.credentials.issue(
                        OPERATOR,
                        "busy",
                        IssueRequest(recipient=f"w{worker}-{i}@example.com", achievement=BADGE),
                    )
                    if i % 3 == 0:
                        services.ledger.checkpoint(OPERATOR)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread below
            failures.append(exc)

    threads = [threading.Thread(target=issue_many, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [], [str(f.__cause__) for f in failures]
    total = THREADS * EACH + 1
    with platform.unit_of_work() as services:
        services.ledger.checkpoint(OPERATOR)
        assert services.ledger.size() == total
        report = services.ledger.audit(OPERATOR)
        assert report.ok, report.findings
        assert report.checkpoints >= 2
    with platform.engine.connect() as connection:
        indexes = connection.execute(text("SELECT idx FROM ledger_leaves ORDER BY idx")).scalars()
        assert list(indexes) == list(range(total))
        per_credential = connection.execute(
            text(
                "SELECT c.credential_id, count(l.idx) FROM issued_credentials c "
                "LEFT JOIN ledger_leaves l ON l.credential_id = c.credential_id "
                "GROUP BY c.credential_id"
            )
        ).all()
        assert len(per_credential) == total
        assert {count for _, count in per_credential} == {1}
