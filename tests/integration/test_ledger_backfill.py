"""``LedgerService.backfill`` on SQLite and PostgreSQL: credentials issued and changed before the
ledger existed (by a credential service with no ledger, as before migration 0009) get their
leaves, marked as backfilled, in the order things happened; a second run appends nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from credstack.errors import Forbidden
from credstack.ledger import Entry, credential_digest
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.audit import AuditTrail
from credstack.services.credentials import CredentialService
from credstack.services.issuing import IssueRequest
from tests.integration.conftest import BASE_URL

OPERATOR = Actor.operator("test")
BADGE = {
    "type": ["Achievement"],
    "name": "Heritage",
    "description": "Issued before the ledger.",
    "criteria": {"narrative": "Was early."},
}


def leaves_of(services: Services, credential_id: str) -> list[Entry]:
    proof = services.ledger.inclusion(credential_id)
    return [Entry.decode(e.data) for e in proof.entries]


def test_backfill_logs_what_came_before_the_ledger(services: Services, session: Session) -> None:
    services.organizations.create(OPERATOR, slug="heritage", name="Heritage College")
    # The credential service as it was before the ledger: no recorder.
    before = CredentialService(
        session,
        BASE_URL,
        AuditTrail(session),
        services.organizations,
        services.achievements,
    )

    def old_issue(n: int, purpose: str = "revocation") -> str:
        request = IssueRequest(f"old{n}@example.com", achievement=BADGE, status_purpose=purpose)
        return before.issue(OPERATOR, "heritage", request).credential_id

    kept, revoked, toggled, later = (
        old_issue(0),
        old_issue(1),
        old_issue(2, "suspension"),
        old_issue(3),
    )
    before.revoke(OPERATOR, "heritage", revoked.rsplit("/", 1)[1])
    toggled_id = toggled.rsplit("/", 1)[1]
    before.suspend(OPERATOR, "heritage", toggled_id)
    before.unsuspend(OPERATOR, "heritage", toggled_id)
    # After the migration: a change made with the ledger has its leaf already.
    services.credentials.suspend(OPERATOR, "heritage", toggled_id)
    services.credentials.revoke(OPERATOR, "heritage", later.rsplit("/", 1)[1])
    size = services.ledger.size()
    with pytest.raises(Forbidden):
        services.ledger.backfill(Actor("token", "t", None, "owner"))

    report = services.ledger.backfill(OPERATOR)
    # Four issuances, the old revocation, the old suspension and unsuspension.
    assert (report.leaves, report.credentials, report.first_index) == (7, 4, size)
    assert services.ledger.size() == size + 7
    assert services.ledger.backfill(OPERATOR).leaves == 0  # idempotent
    services.ledger.checkpoint(OPERATOR)
    assert services.ledger.audit(OPERATOR).ok

    assert [e.kind for e in leaves_of(services, kept)] == ["credential.issued"]
    assert [e.kind for e in leaves_of(services, revoked)] == [
        "credential.issued",
        "credential.revoked",
    ]
    # The suspension logged after the migration comes first in the log; the backfilled
    # issuance, suspension and unsuspension follow it, marked.
    toggled_leaves = leaves_of(services, toggled)
    assert [(e.kind, e.backfill is not None) for e in toggled_leaves] == [
        ("credential.suspended", False),
        ("credential.issued", True),
        ("credential.suspended", True),
        ("credential.unsuspended", True),
    ]
    assert [e.kind for e in leaves_of(services, later)] == [
        "credential.revoked",
        "credential.issued",
    ]
    backfilled = [
        e for c in (kept, revoked, toggled, later) for e in leaves_of(services, c) if e.backfill
    ]
    assert len(backfilled) == 7
    stored = {
        row.credential_id: row
        for row in (services.credentials.get(c.rsplit("/", 1)[1]) for c in (kept, later))
    }
    for entry in backfilled:
        # time: when the log appended it; backfill: when the database says it happened.
        assert entry.time >= entry.backfill  # type: ignore[operator]
        if entry.credential in stored and entry.kind == "credential.issued":
            record = stored[entry.credential]
            assert entry.backfill == record.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            assert entry.digest == credential_digest(json.loads(record.text))
            assert entry.issuer == services.organizations.get("heritage").issuer_did
    # The log's order is the order things happened.
    ordered = [e.backfill for e in sorted(backfilled, key=lambda e: index_of(services, e))]
    assert ordered == sorted(ordered)  # type: ignore[type-var]
    # The verifier finds a backfilled issuance like any other.
    found = services.ledger.lookup(kept)
    assert found is not None
    assert found.issued is not None
    assert Entry.decode(found.issued.leaf).backfill is not None


def index_of(services: Services, entry: Entry) -> int:
    proof = services.ledger.inclusion(entry.credential)
    (index,) = [e.index for e in proof.entries if Entry.decode(e.data) == entry]
    return index


def test_backfill_with_nothing_to_do_appends_nothing(services: Services, session: Session) -> None:
    # Every credential of this database has its leaves: a fresh one does not count.
    services.ledger.backfill(OPERATOR)
    count = session.execute(text("SELECT count(*) FROM ledger_leaves")).scalar_one()
    report = services.ledger.backfill(OPERATOR)
    assert (report.leaves, report.credentials, report.first_index) == (0, 0, None)
    assert session.execute(text("SELECT count(*) FROM ledger_leaves")).scalar_one() == count
