"""The transparency ledger's tables and repository.

``ledger_leaves`` holds each entry's bytes; ``ledger_nodes`` the hash of every perfect subtree
(level 0 is the leaf hashes), written once when the leaf that completes it is appended, so a
proof reads O(log n) rows; ``ledger_heads`` the size of the tree, whose one row every append
updates first: that UPDATE takes the row lock on PostgreSQL and the write lock on SQLite, so
concurrent appends queue up and never fork or reuse an index. Checkpoints, the witnesses'
cosignatures on them, the log's and the witness's keys, and what this server saw of the logs it
witnesses complete the picture.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Final, cast

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.ledger.merkle import Node, NodeMap, leaf_hash, left_siblings, new_nodes
from credstack.store.batch import insert_rows
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.models import AuditEntry, Base, _now, _one_of

LEDGER_KEY_PURPOSES: Final = ("log", "witness")
LOG_ID: Final = 1


class LedgerHead(Base):
    """The size of the log: the number of leaves appended and committed."""

    __tablename__ = "ledger_heads"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)


class LedgerLeaf(Base):
    __tablename__ = "ledger_leaves"

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    # The credential's id URL, to find its entries; the entry bytes say it too.
    credential_id: Mapped[str] = mapped_column(String(2048), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=_now)


class LedgerNode(Base):
    """The hash of the perfect subtree of 2**level leaves from idx * 2**level."""

    __tablename__ = "ledger_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class LedgerCheckpoint(Base):
    """A signed checkpoint: the C2SP note exactly as signed (without cosignatures)."""

    __tablename__ = "ledger_checkpoints"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_now)


class LedgerCosignature(Base):
    """A witness's cosignature line on one of our checkpoints, as received."""

    __tablename__ = "ledger_cosignatures"
    __table_args__ = (UniqueConstraint("tree_size", "witness", "key_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tree_size: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("ledger_checkpoints.tree_size", ondelete="CASCADE")
    )
    witness: Mapped[str] = mapped_column(String(255))
    key_id: Mapped[str] = mapped_column(String(8))
    line: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=_now)


class LedgerKey(Base):
    """The log's signing key, or this server's witness key; never an issuer's key."""

    __tablename__ = "ledger_keys"
    __table_args__ = (CheckConstraint(_one_of("purpose", LEDGER_KEY_PURPOSES), name="purpose"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    purpose: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=_now)

    def __repr__(self) -> str:
        return f"LedgerKey({self.purpose}, {self.name!r})"


class WitnessedLog(Base):
    """As a witness: the largest checkpoint of another log that this server cosigned."""

    __tablename__ = "witnessed_logs"

    origin: Mapped[str] = mapped_column(String(255), primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim_index(self, count: int = 1) -> int:
        """The first of ``count`` consecutive leaf indexes, with the log locked until this
        transaction ends."""
        size = self._session.execute(
            update(LedgerHead)
            .where(LedgerHead.id == LOG_ID)
            .values(size=LedgerHead.size + count)
            .returning(LedgerHead.size)
        ).scalar_one()
        return int(size) - count

    def size(self) -> int:
        return int(
            self._session.scalars(select(LedgerHead.size).where(LedgerHead.id == LOG_ID)).one()
        )

    def append(self, index: int, kind: str, credential_id: str, data: bytes, leaf: bytes) -> None:
        """Store leaf ``index`` and every node its arrival completes."""
        self._session.add(LedgerLeaf(idx=index, kind=kind, credential_id=credential_id, data=data))
        source = self.nodes(left_siblings(index))
        for (level, idx), value in new_nodes(index, leaf, source):
            self._session.add(LedgerNode(level=level, idx=idx, hash=value))

    def append_many(self, start: int, leaves: Sequence[tuple[str, str, bytes]]) -> None:
        """Store ``(kind, credential_id, data)`` as leaves ``start``, ``start + 1``... and every
        node they complete: one read of the older left siblings, one INSERT of the leaves and
        one of the nodes."""
        hashes = [leaf_hash(data) for _, _, data in leaves]
        # The left siblings completed before this batch are stored; the others it makes.
        older: set[Node] = set()
        for offset in range(len(leaves)):
            older |= {n for n in left_siblings(start + offset) if (n[1] + 1) << n[0] <= start}
        known = self._hashes(older)
        made: list[dict[str, object]] = []
        for offset, leaf in enumerate(hashes):
            for (level, idx), value in new_nodes(start + offset, leaf, NodeMap(known)):
                known[(level, idx)] = value
                made.append({"level": level, "idx": idx, "hash": value})
        now = _now()
        insert_rows(
            self._session,
            cast(Table, LedgerLeaf.__table__),
            [
                {
                    "idx": start + offset,
                    "kind": kind,
                    "credential_id": credential,
                    "data": data,
                    "created_at": now,
                }
                for offset, (kind, credential, data) in enumerate(leaves)
            ],
        )
        insert_rows(self._session, cast(Table, LedgerNode.__table__), made)

    def nodes(self, wanted: Iterable[Node]) -> NodeMap:
        """The hashes of ``wanted`` nodes in one query: per level an ``idx IN (...)`` on the
        primary key (a row-value IN is not an index lookup on every database).

        Written as SQL text with bound integers: building the same expression with the ORM
        costs more than the query itself, and a proof is a handful of rows.
        """
        return NodeMap(self._hashes(wanted))

    def _hashes(self, wanted: Iterable[Node]) -> dict[Node, bytes]:
        by_level: dict[int, list[int]] = {}
        for level, idx in set(wanted):
            by_level.setdefault(level, []).append(idx)
        if not by_level:
            return {}
        params: dict[str, int] = {}
        terms = []
        for n, (level, indexes) in enumerate(sorted(by_level.items())):
            params[f"l{n}"] = level
            names = []
            for m, idx in enumerate(indexes):
                params[f"i{n}_{m}"] = idx
                names.append(f":i{n}_{m}")
            terms.append(f"(level = :l{n} AND idx IN ({', '.join(names)}))")
        # The text holds only placeholder names made here; every value is a bound integer.
        query = "SELECT level, idx, hash FROM ledger_nodes WHERE " + " OR ".join(terms)  # noqa: S608
        rows = self._session.execute(text(query), params)
        return {(int(level), int(idx)): bytes(value) for level, idx, value in rows}

    def leaves_of(self, credential_id: str) -> list[LedgerLeaf]:
        return list(
            self._session.scalars(
                select(LedgerLeaf)
                .where(LedgerLeaf.credential_id == credential_id)
                .order_by(LedgerLeaf.idx)
            )
        )

    def leaves(self, batch: int = 10_000) -> Iterator[tuple[int, bytes]]:
        """Every (index, data) in index order, read in batches (audits)."""
        after = -1
        while True:
            rows = self._session.execute(
                select(LedgerLeaf.idx, LedgerLeaf.data)
                .where(LedgerLeaf.idx > after)
                .order_by(LedgerLeaf.idx)
                .limit(batch)
            ).all()
            if not rows:
                return
            for idx, data in rows:
                yield int(idx), bytes(data)
            after = int(rows[-1][0])

    def stored_nodes(self, level: int, batch: int = 10_000) -> Iterator[tuple[int, bytes]]:
        after = -1
        while True:
            rows = self._session.execute(
                select(LedgerNode.idx, LedgerNode.hash)
                .where(LedgerNode.level == level, LedgerNode.idx > after)
                .order_by(LedgerNode.idx)
                .limit(batch)
            ).all()
            if not rows:
                return
            for idx, value in rows:
                yield int(idx), bytes(value)
            after = int(rows[-1][0])

    def latest_checkpoint(self) -> LedgerCheckpoint | None:
        return self._session.scalars(
            select(LedgerCheckpoint).order_by(LedgerCheckpoint.tree_size.desc()).limit(1)
        ).one_or_none()

    def signed_size(self) -> int:
        """The latest checkpoint's size (0 before the first): one index lookup, through Core
        (verifiers ask it for each credential of the last minute)."""
        size = (
            self._session.connection()
            .execute(select(func.max(LedgerCheckpoint.tree_size)))
            .scalar_one_or_none()
        )
        return int(size or 0)

    def checkpoint(self, size: int) -> LedgerCheckpoint | None:
        return self._session.get(LedgerCheckpoint, size)

    def checkpoints(self) -> list[LedgerCheckpoint]:
        return list(
            self._session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.tree_size))
        )

    def add_checkpoint(self, checkpoint: LedgerCheckpoint) -> None:
        self._session.add(checkpoint)

    def cosignatures(self, size: int) -> list[LedgerCosignature]:
        return list(
            self._session.scalars(
                select(LedgerCosignature)
                .where(LedgerCosignature.tree_size == size)
                .order_by(LedgerCosignature.created_at, LedgerCosignature.id)
            )
        )

    def add_cosignature(self, cosignature: LedgerCosignature) -> None:
        self._session.add(cosignature)

    def key(self, purpose: str) -> LedgerKey | None:
        return self._session.scalars(
            select(LedgerKey).where(LedgerKey.purpose == purpose)
        ).one_or_none()

    # Backfill: what happened before the log existed.

    def unlogged_credentials(self) -> list[tuple[uuid.UUID, str, datetime, str, datetime | None]]:
        """(id, credential id, issued at, status, revoked at) of each stored credential with
        no issuance leaf, in issue order."""
        logged = select(LedgerLeaf.idx).where(
            LedgerLeaf.credential_id == IssuedCredentialRecord.credential_id,
            LedgerLeaf.kind == "credential.issued",
        )
        rows = self._session.execute(
            select(
                IssuedCredentialRecord.id,
                IssuedCredentialRecord.credential_id,
                IssuedCredentialRecord.issued_at,
                IssuedCredentialRecord.status,
                IssuedCredentialRecord.revoked_at,
            )
            .where(~logged.exists())
            .order_by(IssuedCredentialRecord.issued_at, IssuedCredentialRecord.id)
        )
        return list(rows.tuples())

    def status_events(self, actions: Sequence[str]) -> list[tuple[str, str, datetime]]:
        """(credential id, action, time) of every status change in the audit log, oldest first."""
        rows = self._session.execute(
            select(AuditEntry.subject, AuditEntry.action, AuditEntry.at)
            .where(AuditEntry.action.in_(actions))
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        return [(str(subject), str(action), at) for subject, action, at in rows]

    def leaf_counts(self, kinds: Sequence[str]) -> dict[tuple[str, str], int]:
        """How many leaves of each of ``kinds`` each credential has."""
        rows = self._session.execute(
            select(LedgerLeaf.credential_id, LedgerLeaf.kind, func.count())
            .where(LedgerLeaf.kind.in_(kinds))
            .group_by(LedgerLeaf.credential_id, LedgerLeaf.kind)
        )
        return {(str(credential), str(kind)): int(n) for credential, kind, n in rows}

    def lock_signing(self) -> None:
        """Lock the log key's row until this transaction ends: checkpoints are signed one at a
        time (FOR UPDATE; SQLite, which has one writer, ignores it)."""
        self._session.execute(
            select(LedgerKey.id).where(LedgerKey.purpose == "log").with_for_update()
        ).all()

    def add_key(self, key: LedgerKey) -> None:
        self._session.add(key)

    def witnessed(self, origin: str) -> WitnessedLog | None:
        return self._session.scalars(
            select(WitnessedLog).where(WitnessedLog.origin == origin).with_for_update()
        ).one_or_none()

    def add_witnessed(self, state: WitnessedLog) -> None:
        self._session.add(state)
