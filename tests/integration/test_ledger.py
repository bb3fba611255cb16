"""The transparency ledger through the real services, on SQLite and PostgreSQL: one leaf per
issuance and status change, signed checkpoints, proofs that verify, cosignatures, and an audit
that finds rows changed, removed or reordered directly in SQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from credstack.bootstrap import Platform
from credstack.errors import Forbidden, InvalidInput, LedgerError, NotFound
from credstack.ledger import (
    Checkpoint,
    Cosigner,
    Entry,
    MemoryTree,
    check_inclusion,
    credential_digest,
    leaf_hash,
    open_checkpoint,
    parse_note,
    verify_consistency,
    verify_inclusion,
)
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.audit import AuditTrail
from credstack.services.issuing import IssueRequest
from credstack.services.ledger import LedgerPolicy, LedgerService
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.ledger import LedgerKey
from tests.integration.conftest import BASE_URL

OPERATOR = Actor.operator("test")
BADGE = {
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works well in a team.",
    "criteria": {"narrative": "Nominated by peers."},
}


@pytest.fixture
def acme(services: Services) -> str:
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy")
    return "acme"


def issue(services: Services, slug: str, n: int = 1) -> list[IssuedCredentialRecord]:
    return [
        services.credentials.issue(
            OPERATOR,
            slug,
            IssueRequest(recipient=f"learner{i}@example.com", achievement=BADGE),
        )
        for i in range(n)
    ]


def entries(services: Services, credential_id: str) -> list[Entry]:
    proof = services.ledger.inclusion(credential_id)
    return [Entry.decode(e.data) for e in proof.entries]


def test_issue_and_status_changes_append_leaves(services: Services, acme: str) -> None:
    before = services.ledger.size()
    (record,) = issue(services, acme)
    services.credentials.revoke(OPERATOR, acme, record.id, reason="error")
    assert services.ledger.size() == before + 2
    services.ledger.checkpoint(OPERATOR)
    found = entries(services, record.credential_id)
    assert [e.kind for e in found] == ["credential.issued", "credential.revoked"]
    org = services.organizations.get(acme)
    assert {e.issuer for e in found} == {org.issuer_did}
    assert {e.digest for e in found} == {credential_digest(json.loads(record.text))}
    proof = services.ledger.inclusion(record.credential_id)
    assert [e.index for e in proof.entries] == [before, before + 1]


def test_a_checkpoint_signs_the_head_and_proofs_verify_against_it(
    services: Services, acme: str
) -> None:
    first = issue(services, acme, 3)
    one = services.ledger.checkpoint(OPERATOR)
    assert services.ledger.checkpoint(OPERATOR).tree_size == one.tree_size  # nothing new
    second = issue(services, acme, 2)
    two = services.ledger.checkpoint(OPERATOR)
    assert two.tree_size == one.tree_size + 2
    log = services.ledger.log_key
    assert log.name == "badges.example.edu:8443/ledger"
    old, _ = open_checkpoint(one.note, log)
    new, _ = open_checkpoint(services.ledger.latest_note(), log)
    verify_consistency(
        old.size,
        new.size,
        services.ledger.consistency(old.size, new.size),
        old.root_hash,
        new.root_hash,
    )
    for record in first + second:
        lookup = services.ledger.lookup(record.credential_id)
        assert lookup is not None
        assert lookup.issued is not None
        checked = check_inclusion(lookup.issued, lookup.trust)
        assert checked.entry.credential == record.credential_id
        assert checked.checkpoint == new
    proof = services.ledger.inclusion(first[0].credential_id).entries[0]
    with pytest.raises(LedgerError):
        verify_inclusion(
            proof.index + 1, new.size, leaf_hash(proof.data), proof.proof, new.root_hash
        )


def test_entries_after_the_latest_checkpoint_are_pending(services: Services, acme: str) -> None:
    services.ledger.checkpoint(OPERATOR)
    (record,) = issue(services, acme)
    lookup = services.ledger.lookup(record.credential_id)
    assert lookup is not None
    assert lookup.issued is None
    assert services.ledger.inclusion(record.credential_id).pending == [lookup.index]
    assert services.ledger.lookup("https://elsewhere.example/credentials/1") is None


def test_bad_requests_are_refused(services: Services, acme: str) -> None:
    issue(services, acme)
    services.ledger.checkpoint(OPERATOR)
    size = services.ledger.size()
    for old, new in [(0, 1), (2, 1), (1, size + 1)]:
        with pytest.raises(InvalidInput) as caught:
            services.ledger.consistency(old, new)
        assert caught.value.code == "invalid_tree_sizes"
    with pytest.raises(NotFound):
        services.ledger.inclusion("https://badges.example.edu:8443/credentials/nope")
    with pytest.raises(NotFound):
        services.ledger.note_at(size + 10)
    issuer = Actor(kind="token", id="t", organization_id=None, role="owner")
    with pytest.raises(Forbidden):
        services.ledger.checkpoint(issuer)


def test_the_log_key_is_sealed_and_not_an_issuer_key(services: Services, session: Session) -> None:
    key = services.ledger.log_key
    sealed = session.execute(
        text("SELECT encrypted_private_key, public_key FROM ledger_keys WHERE purpose = 'log'")
    ).one()
    assert bytes(sealed[1]) == key.public_key
    assert key.public_key not in bytes(sealed[0])
    issuer_keys = session.execute(text("SELECT public_multikey FROM signing_keys")).scalars()
    assert all(key.public_key.hex() not in k for k in issuer_keys)


def witness() -> Cosigner:
    private = Ed25519PrivateKey.generate()
    return Cosigner("w.example/witness", private.public_key().public_bytes_raw(), private.sign)


def test_cosignatures_of_trusted_witnesses_are_kept(
    platform: Platform, session: Session, services: Services, acme: str
) -> None:
    trusted, stranger = witness(), witness()
    ledger = LedgerService(
        session,
        platform.keystore,
        BASE_URL,
        AuditTrail(session),
        LedgerPolicy(witnesses=(trusted.verifier,), required_witnesses=1),
    )
    (record,) = issue(services, acme)
    row = ledger.checkpoint(OPERATOR)
    checkpoint = Checkpoint.from_text(parse_note(row.note).text)
    note = parse_note(row.note)
    with pytest.raises(Forbidden) as caught:
        ledger.add_cosignatures(str(note.with_signatures([stranger.cosign(checkpoint, 10)])))
    assert caught.value.code == "unknown_witness"
    cosigned = str(note.with_signatures([trusted.cosign(checkpoint, 10)]))
    assert ledger.add_cosignatures(cosigned) == ["w.example/witness"]
    assert ledger.add_cosignatures(cosigned) == ["w.example/witness"]  # kept once
    assert ledger.latest_note() == cosigned
    lookup = ledger.lookup(record.credential_id)
    assert lookup is not None
    assert lookup.issued is not None
    assert check_inclusion(lookup.issued, lookup.trust).witnesses == ["w.example/witness"]
    bogus = Checkpoint(checkpoint.origin, checkpoint.size + 100, checkpoint.root_hash)
    with pytest.raises(LedgerError):
        ledger.add_cosignatures(bogus.text + "\n" + trusted.cosign(bogus, 1).line)
    assert ledger.audit(OPERATOR).ok


def audited(services: Services, session: Session, acme: str) -> int:
    """Five credentials and a checkpoint; a clean audit first. Returns the first new index."""
    base = services.ledger.size()
    issue(services, acme, 5)
    services.ledger.checkpoint(OPERATOR)
    report = services.ledger.audit(OPERATOR)
    assert report.ok, report.findings
    assert report.leaves == base + 5
    session.flush()
    return base


def test_audit_finds_a_changed_row(services: Services, session: Session, acme: str) -> None:
    base = audited(services, session, acme)
    session.execute(
        text("UPDATE ledger_leaves SET data = :data WHERE idx = :idx"),
        {"data": b'{"forged":true}', "idx": base + 2},
    )
    report = services.ledger.audit(OPERATOR)
    assert not report.ok
    assert report.first_bad_index == base + 2
    assert {"leaf_changed", "checkpoint_root_mismatch"} <= {f.code for f in report.findings}


def test_audit_finds_a_removed_row(services: Services, session: Session, acme: str) -> None:
    base = audited(services, session, acme)
    session.execute(text("DELETE FROM ledger_leaves WHERE idx = :idx"), {"idx": base + 1})
    report = services.ledger.audit(OPERATOR)
    assert report.first_bad_index == base + 1
    assert "leaf_missing" in {f.code for f in report.findings}


def test_audit_finds_reordered_rows(services: Services, session: Session, acme: str) -> None:
    base = audited(services, session, acme)
    swap = "UPDATE ledger_leaves SET idx = :new WHERE idx = :old"
    session.execute(text(swap), {"old": base + 1, "new": -1})
    session.execute(text(swap), {"old": base + 3, "new": base + 1})
    session.execute(text(swap), {"old": -1, "new": base + 3})
    report = services.ledger.audit(OPERATOR)
    assert report.first_bad_index == base + 1
    assert "leaf_changed" in {f.code for f in report.findings}


def test_audit_finds_a_rewritten_history(services: Services, session: Session, acme: str) -> None:
    """Leaf and every stored hash rewritten consistently: only the signed checkpoint tells."""
    base = audited(services, session, acme)
    forged = b'{"forged":true}'
    session.execute(
        text("UPDATE ledger_leaves SET data = :data WHERE idx = :idx"),
        {"data": forged, "idx": base + 4},
    )
    session.execute(text("DELETE FROM ledger_nodes"))
    rows = session.execute(text("SELECT idx, data FROM ledger_leaves ORDER BY idx")).all()
    tree = MemoryTree(bytes(data) for _, data in rows)
    for level, hashes in enumerate(tree.levels):
        for idx, value in enumerate(hashes):
            session.execute(
                text("INSERT INTO ledger_nodes (level, idx, hash) VALUES (:l, :i, :h)"),
                {"l": level, "i": idx, "h": value},
            )
    report = services.ledger.audit(OPERATOR)
    assert [f.code for f in report.findings] == ["checkpoint_root_mismatch"]
    assert report.first_bad_index is not None
    assert report.first_bad_index <= base + 4


def test_audit_finds_a_changed_checkpoint(services: Services, session: Session, acme: str) -> None:
    audited(services, session, acme)
    session.execute(text("UPDATE ledger_checkpoints SET note = replace(note, 'ledger', 'ledgr')"))
    report = services.ledger.audit(OPERATOR)
    assert "checkpoint_signature_invalid" in {f.code for f in report.findings}


def test_a_rolled_back_issue_leaves_no_leaf(platform: Platform) -> None:
    with platform.unit_of_work() as services:
        before = services.ledger.size()

    def issue_then_fail() -> None:
        with platform.unit_of_work() as services:
            services.organizations.create(OPERATOR, slug="rollback-org", name="R")
            issue(services, "rollback-org")
            raise InvalidInput("stop")

    with pytest.raises(InvalidInput):
        issue_then_fail()
    with platform.unit_of_work() as services:
        assert services.ledger.size() == before
        with pytest.raises(NotFound):
            services.organizations.get("rollback-org")


def test_a_due_checkpoint_waits_for_growth_and_for_its_period(
    services: Services, acme: str
) -> None:
    issue(services, acme)
    first = services.ledger.checkpoint(OPERATOR)
    assert services.ledger.checkpoint_due(OPERATOR, timedelta(0)) is None  # nothing new
    issue(services, acme)
    assert services.ledger.checkpoint_due(OPERATOR, timedelta(hours=1)) is None  # too soon
    assert services.ledger.latest_size() == first.tree_size
    signed = services.ledger.checkpoint_due(OPERATOR, timedelta(0))
    assert signed is not None
    assert signed.tree_size == first.tree_size + 1 == services.ledger.latest_size()
    with pytest.raises(Forbidden):
        services.ledger.checkpoint_due(Actor("token", "t", None, "owner"), timedelta(0))


def test_the_first_leaf_makes_the_log_key(services: Services, session: Session, acme: str) -> None:
    # So that a verifier reading the ledger (a read that cannot write: store.db.deferred)
    # finds the key there before any checkpoint.
    def log_keys() -> int:
        return len(session.scalars(select(LedgerKey).where(LedgerKey.purpose == "log")).all())

    assert services.ledger.size() == 0
    assert log_keys() == 0
    issue(services, acme)
    assert log_keys() == 1
    assert services.ledger.head().size == 0
    assert log_keys() == 1
