"""A batch's leaves appended together (one index claim, one INSERT of leaves and of nodes), on
SQLite and PostgreSQL: the same tree as one append at a time, and no gap or fork when batches
race single issues on PostgreSQL."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from credstack.bootstrap import Platform
from credstack.errors import Error
from credstack.ledger import MemoryTree, leaf_hash, verify_inclusion
from credstack.ledger.merkle import root
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from credstack.store.ledger import LedgerRepository

OPERATOR = Actor.operator("test")
BADGE = {
    "type": ["Achievement"],
    "name": "Batches",
    "description": "Issued in a batch.",
    "criteria": {"narrative": "Was in the cohort."},
}
CREDENTIAL = '{"id": "urn:x", "type": ["VerifiableCredential"]}'


def cohort(name: str, count: int) -> list[tuple[IssueRequest, str]]:
    """``count`` rows of a batch, then one that is refused (not an address)."""
    items = [
        (IssueRequest(recipient=f"{name}{i}@example.com", achievement=BADGE), f"{name}-{i}")
        for i in range(count)
    ]
    items.append((IssueRequest(recipient="not an address", achievement=BADGE), f"{name}-bad"))
    return items


def test_batches_of_any_size_build_the_same_tree_as_single_appends(
    services: Services, session: Session
) -> None:
    ledger = services.ledger
    start = ledger.size()
    n = 0
    for round_, size in enumerate([1, 3, 4, 0, 7, 16, 5, 1, 2, 33]):
        records = [
            ("credential.issued", f"urn:batch:{n + i}", CREDENTIAL, "did:web:x.example")
            for i in range(size)
        ]
        assert ledger.record_many(records) == start + n
        n += size
        if round_ % 3 == 0:  # single appends between batches
            ledger.record("credential.revoked", f"urn:batch:{n}", CREDENTIAL, "did:web:x.example")
            n += 1
    assert ledger.size() == start + n
    # Every stored subtree hash is the one a tree built in memory from the leaves has.
    repository = LedgerRepository(session)
    tree = MemoryTree(data for _, data in repository.leaves())
    assert tree.size == start + n
    for level in range(len(tree.levels)):
        stored = dict(repository.stored_nodes(level))
        assert stored == dict(enumerate(tree.levels[level]))
    ledger.checkpoint(OPERATOR)
    assert ledger.audit(OPERATOR).ok
    (entry,) = ledger.inclusion(f"urn:batch:{n - 1}").entries
    size = ledger.latest_size()
    verify_inclusion(entry.index, size, leaf_hash(entry.data), entry.proof, root(size, tree))


def test_a_bulk_batch_appends_one_leaf_per_credential_in_order(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="cohort", name="Cohort Academy")
    start = services.ledger.size()
    items = cohort("cohort", 9)
    results = services.credentials.issue_batch(OPERATOR, "cohort", items)
    issued = [services.credentials.get(r) for r in results if isinstance(r, uuid.UUID)]
    assert len(issued) == 9  # the bad row is refused and has no leaf
    assert services.ledger.size() == start + 9
    for offset, record in enumerate(issued):
        (found,) = services.ledger.inclusion(record.credential_id).pending
        assert found == start + offset
    # Replayed rows append nothing.
    services.credentials.issue_batch(OPERATOR, "cohort", items[:3])
    assert services.ledger.size() == start + 9


def test_a_batch_gives_its_outcomes_before_its_leaves_lock_the_head(services: Services) -> None:
    # A bulk batch records its rows' outcomes there, outside the log's head lock.
    services.organizations.create(OPERATOR, slug="early", name="Early Academy")
    start = services.ledger.size()
    items = cohort("early", 4)
    seen: list[tuple[list[uuid.UUID | Error], set[uuid.UUID], int, list[str]]] = []

    def stored(outcomes: list[uuid.UUID | Error], new: set[uuid.UUID]) -> None:
        written = [
            services.credentials.get(outcome).credential_id
            for outcome in outcomes
            if isinstance(outcome, uuid.UUID)
        ]
        seen.append((list(outcomes), new, services.ledger.size(), written))

    results = services.credentials.issue_batch(OPERATOR, "early", items, stored=stored)
    ((outcomes, new, size, written),) = seen
    assert outcomes == results
    assert new == {outcome for outcome in results if isinstance(outcome, uuid.UUID)}
    assert isinstance(results[4], Error)
    assert len(written) == 4  # the credentials are written...
    assert size == start  # ...and their leaves not yet appended
    assert services.ledger.size() == start + 4


def test_batches_racing_single_issues_never_fork_or_lose_a_leaf(
    postgres_platform: Platform,
) -> None:
    platform = postgres_platform
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug="race", name="Race Academy")
        services.credentials.issue(
            OPERATOR, "race", IssueRequest(recipient="first@example.com", achievement=BADGE)
        )
        services.ledger.checkpoint(OPERATOR)
    threads_n, rounds, batch = 4, 4, 6
    start = threading.Barrier(threads_n)
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        start.wait()
        try:
            for r in range(rounds):
                with platform.unit_of_work() as services:
                    if worker % 2:
                        services.credentials.issue(
                            OPERATOR,
                            "race",
                            IssueRequest(recipient=f"s{worker}-{r}@example.com", achievement=BADGE),
                        )
                    else:
                        items = [
                            (
                                IssueRequest(
                                    recipient=f"b{worker}-{r}-{i}@example.com", achievement=BADGE
                                ),
                                f"race-{worker}-{r}-{i}",
                            )
                            for i in range(batch)
                        ]
                        services.credentials.issue_batch(OPERATOR, "race", items)
                    services.ledger.checkpoint(OPERATOR)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [], [str(f.__cause__ or f) for f in failures]
    total = 1 + (threads_n // 2) * rounds * (1 + batch)
    with platform.unit_of_work() as services:
        services.ledger.checkpoint(OPERATOR)
        assert services.ledger.size() == total
        report = services.ledger.audit(OPERATOR)
        assert report.ok, report.findings
    with platform.engine.connect() as connection:
        indexes = connection.execute(text("SELECT idx FROM ledger_leaves ORDER BY idx")).scalars()
        assert list(indexes) == list(range(total))
        counts = connection.execute(
            text(
                "SELECT count(l.idx) FROM issued_credentials c "
                "LEFT JOIN ledger_leaves l ON l.credential_id = c.credential_id "
                "GROUP BY c.credential_id"
            )
        ).scalars()
        assert sorted(set(counts)) == [1]
