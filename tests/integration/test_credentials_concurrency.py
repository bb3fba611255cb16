"""Concurrent first issuance on PostgreSQL: a new organisation's first status list is started
by one of several transactions racing for it; none deadlocks, every credential gets its own
index, and there is one list."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from credstack.bootstrap import Platform
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from credstack.services.pathways import PathwayInput
from credstack.status import Bitstring

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


def test_status_changes_of_one_list_at_once_lose_no_bit(postgres_platform: Platform) -> None:
    """Threads revoke, suspend and unsuspend credentials of one status list while another
    issues into it: every bit ends as its credential's status says, the list's revision
    counts every flip, and each change has its ledger leaf."""
    platform = postgres_platform
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug="busy", name="Busy Academy")
    ids: dict[str, list[str]] = {"revocation": [], "suspension": []}
    for purpose, number in (("revocation", THREADS * 3), ("suspension", THREADS)):
        for n in range(number):
            with platform.unit_of_work() as services:
                record = services.credentials.issue(
                    OPERATOR,
                    "busy",
                    IssueRequest(
                        recipient=f"{purpose}-{n}@example.com",
                        achievement=BADGE,
                        status_purpose=purpose,
                    ),
                )
                ids[purpose].append(str(record.id))
    start = threading.Barrier(THREADS + 2)
    failures: list[BaseException] = []

    def revoke(worker: int) -> None:
        start.wait()
        try:
            for credential in ids["revocation"][worker::THREADS]:
                with platform.unit_of_work() as services:
                    services.credentials.revoke(OPERATOR, "busy", credential, "race")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread below
            failures.append(exc)

    def suspend() -> None:
        # Each suspension credential suspended, and every other one unsuspended again.
        start.wait()
        try:
            for n, credential in enumerate(ids["suspension"]):
                with platform.unit_of_work() as services:
                    services.credentials.suspend(OPERATOR, "busy", credential)
                if n % 2:
                    with platform.unit_of_work() as services:
                        services.credentials.unsuspend(OPERATOR, "busy", credential)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread below
            failures.append(exc)

    def issue() -> None:
        start.wait()
        try:
            for n in range(THREADS):
                with platform.unit_of_work() as services:
                    services.credentials.issue(
                        OPERATOR,
                        "busy",
                        IssueRequest(recipient=f"late-{n}@example.com", achievement=BADGE),
                    )
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread below
            failures.append(exc)

    threads = [threading.Thread(target=revoke, args=(n,)) for n in range(THREADS)]
    threads += [threading.Thread(target=suspend), threading.Thread(target=issue)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [], [f"{f!r} {f.__cause__!r}" for f in failures]
    flips = THREADS * 3 + THREADS + THREADS // 2
    with platform.unit_of_work() as services:
        lists = {}
        for credential in ids["revocation"] + ids["suspension"]:
            record = services.credentials.get(credential)
            if record.status_list_id not in lists:
                lists[record.status_list_id] = services.credentials.status_list_credential(
                    "busy", record.status_list_id
                )
            document = lists[record.status_list_id]
            bits = Bitstring.decode(document["credentialSubject"]["encodedList"])
            assert bits.get(record.status_index) == (record.status != "active"), record.status
        revisions = sum(services.status_lists.version("busy", i) for i in lists)
        assert revisions == flips
        assert services.ledger.audit(OPERATOR).ok
    with platform.engine.connect() as connection:
        changes = connection.execute(
            text("SELECT kind, count(*) FROM ledger_leaves WHERE kind <> 'credential.issued' "
                 "GROUP BY kind")
        ).all()  # fmt: skip
    assert dict(changes) == {
        "credential.revoked": THREADS * 3,
        "credential.suspended": THREADS,
        "credential.unsuspended": THREADS // 2,
    }


def test_cascading_revocations_at_once_neither_deadlock_nor_lose_a_bit(
    postgres_platform: Platform,
) -> None:
    """Revoking a partner's component revokes the stacked credential it earned here, in the
    same transaction (a listener's revocation, applied with the first one): two status lists,
    the partner's and ours. Threads do that for several learners at once while others revoke
    plain credentials of the partner's list and issue: no deadlock, every bit as it should be."""
    platform = postgres_platform
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug="stack", name="Stack Academy")
        partner = services.organizations.create(OPERATOR, slug="unit", name="Unit College")

        def publish(slug: str, name: str) -> str:
            view = services.achievements.create(
                OPERATOR, organization=slug, achievement={**BADGE, "name": name}, publish=True
            )
            return str(view.record.public_id)

        unit, cert = publish("unit", "Unit"), publish("stack", "Certificate")
        services.pathways.create(
            OPERATOR,
            "stack",
            PathwayInput(
                name="cert",
                achievement_id=cert,
                requirements={
                    "type": "allOf",
                    "requirements": [
                        {"type": "achievement", "achievement": unit, "issuer": partner.issuer_did}
                    ],
                },
                trusted_issuers=[partner.issuer_did],
            ),
        )
    components: list[str] = []
    plain: list[str] = []
    for n in range(THREADS):
        with platform.unit_of_work() as services:
            for target, achievement in ((components, unit), (plain, None)):
                record = services.credentials.issue(
                    OPERATOR,
                    "unit",
                    IssueRequest(
                        recipient=f"learner-{n}@example.com",
                        achievement_id=achievement,
                        achievement=None if achievement else BADGE,
                    ),
                )
                target.append(str(record.id))
    start = threading.Barrier(2 * THREADS + 1)
    failures: list[BaseException] = []

    def revoke(credential: str) -> None:
        start.wait()
        try:
            with platform.unit_of_work() as services:
                services.credentials.revoke(OPERATOR, "unit", credential, "race")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread below
            failures.append(exc)

    def issue() -> None:
        start.wait()
        try:
            for n in range(THREADS):
                with platform.unit_of_work() as services:
                    services.credentials.issue(
                        OPERATOR,
                        "stack",
                        IssueRequest(recipient=f"late-{n}@example.com", achievement=BADGE),
                    )
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread below
            failures.append(exc)

    threads = [threading.Thread(target=revoke, args=(c,)) for c in components + plain]
    threads.append(threading.Thread(target=issue))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [], [f"{f!r} {f.__cause__!r}" for f in failures]
    with platform.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT o.slug, c.status_list_id, c.status_index, c.status "
                "FROM issued_credentials c JOIN organizations o ON o.id = c.organization_id"
            )
        ).all()
    revoked = [slug for slug, _, _, status in rows if status == "revoked"]
    assert (revoked.count("unit"), revoked.count("stack")) == (2 * THREADS, THREADS)
    with platform.unit_of_work() as services:
        for slug, list_id, index, status in rows:
            document = services.credentials.status_list_credential(slug, list_id)
            bits = Bitstring.decode(document["credentialSubject"]["encodedList"])
            assert bits.get(index) == (status == "revoked")
        assert services.ledger.audit(OPERATOR).ok
