"""``credstack ledger backfill``: leaves for what happened before the ledger existed.

Credentials issued before migration ``0009_ledger`` have no leaf, and neither have their
status changes of that time. The backfill appends, at the end of the log, one issuance leaf
for each stored credential without one and one leaf for each of its status changes that the
audit log records and the ledger does not, oldest first (a credential's issuance, then its
changes at their audit times). Each such entry carries ``backfill``: the time the database
gives for the event; its ``time`` is, as for every leaf, when the log appended it, so nobody
reads a backfilled leaf as seen by the log when it happened.

For one credential and one kind of change, the audit log's latest changes are the ones that
have leaves (every change since the ledger exists appends one), so the earlier ones are those
missing. A revoked credential with no revocation in the audit log and none in the ledger gets
one at its ``revoked_at``. Running it again appends nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.ledger import Entry, credential_digest
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.ledger import LedgerRepository
from credstack.store.models import Organization

CHANGES: Final = ("credential.revoked", "credential.suspended", "credential.unsuspended")
CHUNK: Final = 1000
_ORDER: Final = {"credential.issued": 0, **{kind: n + 1 for n, kind in enumerate(CHANGES)}}


@dataclass(frozen=True, order=True)
class MissingEvent:
    """An event with no leaf, in the order the backfill appends it."""

    at: datetime
    issue_order: int
    kind_order: int
    record_id: uuid.UUID
    kind: str


@dataclass(frozen=True)
class BackfillReport:
    leaves: int
    credentials: int
    first_index: int | None


def missing_events(ledger: LedgerRepository) -> list[MissingEvent]:
    """Every event that has no leaf, oldest first."""
    unlogged = ledger.unlogged_credentials()
    if not unlogged:
        return []
    by_credential = {credential: n for n, (_, credential, *_) in enumerate(unlogged)}
    changes: dict[tuple[str, str], list[datetime]] = {}
    for credential, action, at in ledger.status_events(CHANGES):
        if credential in by_credential:
            changes.setdefault((credential, action), []).append(at)
    logged = ledger.leaf_counts(CHANGES)
    events: list[MissingEvent] = []
    for order, (record_id, credential, issued_at, status, revoked_at) in enumerate(unlogged):
        events.append(MissingEvent(issued_at, order, 0, record_id, "credential.issued"))
        for kind in CHANGES:
            times = changes.get((credential, kind), [])
            if kind == "credential.revoked" and status == "revoked" and not times:
                times = [revoked_at or issued_at]  # revoked, but the audit log does not say when
            have = logged.get((credential, kind), 0)
            for at in times[: max(len(times) - have, 0)]:
                events.append(MissingEvent(at, order, _ORDER[kind], record_id, kind))
    return sorted(events)


def entries(session: Session, events: Sequence[MissingEvent]) -> Iterator[list[Entry]]:
    """The entries of ``events``, a chunk at a time (the credentials' texts are read per chunk)."""
    now = _stamp(datetime.now(UTC))
    issuers: dict[uuid.UUID, str] = {}
    for start in range(0, len(events), CHUNK):
        chunk = events[start : start + CHUNK]
        ids = {event.record_id for event in chunk}
        records = {
            record.id: record
            for record in session.scalars(
                select(IssuedCredentialRecord).where(IssuedCredentialRecord.id.in_(ids))
            )
        }
        made = []
        for event in chunk:
            record = records[event.record_id]
            if record.organization_id not in issuers:
                org = session.get(Organization, record.organization_id)
                issuers[record.organization_id] = org.issuer_did if org is not None else ""
            made.append(
                Entry(
                    kind=event.kind,
                    credential=record.credential_id,
                    digest=credential_digest(record.text),
                    issuer=issuers[record.organization_id],
                    time=now,
                    backfill=_stamp(event.at),
                )
            )
        yield made


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
