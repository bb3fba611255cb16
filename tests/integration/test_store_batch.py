"""``store.batch.insert_rows``: COPY on PostgreSQL, executemany on SQLite, the same rows back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.store.batch import insert_rows
from credstack.store.ledger import LedgerLeaf
from credstack.store.models import AuditEntry, Organization

AUDIT = cast(Table, AuditEntry.__table__)
LEAVES = cast(Table, LedgerLeaf.__table__)
# What COPY's text format escapes, and what JSON and UTF-8 make of it.
AWKWARD = 'tab\there, new\nline, back\\slash, "quoted", \\N, naïve café ✓, \r'


def _organization(session: Session) -> Organization:
    org = Organization(
        slug="acme", name="Acme", issuer_did="did:web:example.org:orgs:acme", did_method="web"
    )
    session.add(org)
    return org  # not flushed: insert_rows must flush it first (the entries' foreign key)


def _entry(org: Organization, n: int, **changes: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": org.id,
        "actor": f"user:{n}",
        "action": "credential.issued",
        "subject": f"https://badges.example.edu/credentials/{n}",
        "detail": {"n": n, "text": AWKWARD, "nested": {"list": [1, 2.5, None, True]}},
        "at": datetime(2026, 3, 1, 12, n, tzinfo=timezone(timedelta(hours=2))),
    } | changes


def test_rows_come_back_as_written(session: Session) -> None:
    org = _organization(session)
    org.id = uuid.uuid4()
    rows = [_entry(org, n) for n in range(30)] + [
        _entry(org, 30, organization_id=None, subject=AWKWARD, detail={})
    ]
    insert_rows(session, AUDIT, rows)
    session.expire_all()
    stored = {e.id: e for e in session.scalars(select(AuditEntry))}
    assert len(stored) == len(rows)
    for row in rows:
        entry = stored[row["id"]]
        assert entry.organization_id == row["organization_id"]
        assert (entry.actor, entry.action, entry.subject) == (
            row["actor"],
            row["action"],
            row["subject"],
        )
        assert entry.detail == row["detail"]
        assert entry.at == row["at"]
        assert entry.at.utcoffset() == timedelta(0)


def test_bytes_and_big_integers_round_trip(session: Session) -> None:
    data = bytes(range(256)) + b"\\\t\n"
    insert_rows(
        session,
        LEAVES,
        [
            {
                "idx": 2**40 + n,
                "kind": "credential.issued",
                "credential_id": f"urn:x:{n}",
                "data": data + bytes([n]),
                "created_at": datetime.now(UTC),
            }
            for n in range(3)
        ],
    )
    found = session.scalars(select(LedgerLeaf).order_by(LedgerLeaf.idx)).all()
    assert [(leaf.idx, leaf.data) for leaf in found] == [
        (2**40 + n, data + bytes([n])) for n in range(3)
    ]


def test_a_duplicate_is_an_integrity_error_and_what_was_there_stays(session: Session) -> None:
    org = _organization(session)
    org.id = uuid.uuid4()
    first = _entry(org, 1)
    insert_rows(session, AUDIT, [first])
    with pytest.raises(IntegrityError), session.begin_nested():
        insert_rows(session, AUDIT, [_entry(org, 2), _entry(org, 3, id=first["id"])])
    assert [e.id for e in session.scalars(select(AuditEntry))] == [first["id"]]


def test_a_missing_parent_is_an_integrity_error(session: Session) -> None:
    org = _organization(session)
    org.id = uuid.uuid4()
    with pytest.raises(IntegrityError), session.begin_nested():
        insert_rows(session, AUDIT, [_entry(org, 1, organization_id=uuid.uuid4())])
    assert session.scalars(select(AuditEntry)).all() == []


def test_no_rows_writes_nothing(session: Session) -> None:
    insert_rows(session, AUDIT, [])
    assert session.scalars(select(AuditEntry)).all() == []


def test_rows_that_give_different_columns_are_refused(session: Session) -> None:
    org = _organization(session)
    org.id = uuid.uuid4()
    left_out = {k: v for k, v in _entry(org, 2).items() if k != "organization_id"}
    with pytest.raises(ValueError, match="same columns"):
        insert_rows(session, AUDIT, [_entry(org, 1), left_out])
    assert session.scalars(select(AuditEntry)).all() == []


def test_a_column_with_a_default_of_its_own_left_out_takes_that_default(session: Session) -> None:
    org = _organization(session)
    org.id = uuid.uuid4()
    # id, detail and at have Python-side defaults, which COPY would not know.
    rows = [
        {k: v for k, v in _entry(org, n).items() if k not in ("id", "detail", "at")}
        for n in range(3)
    ]
    before = datetime.now(UTC)
    insert_rows(session, AUDIT, rows)
    found = session.scalars(select(AuditEntry)).all()
    assert len({e.id for e in found}) == 3
    assert all(e.detail == {} and e.at >= before - timedelta(seconds=1) for e in found)
