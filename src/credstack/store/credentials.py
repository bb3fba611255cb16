"""Issued credentials and the status lists that revoke or suspend them: tables and repository.

A credential is stored as the exact text that was signed and handed out (JSON text or a compact
JWT), never re-serialised; the columns beside it are what the service looks things up by. The
recipient's email is kept here, and only here: the credential carries its salted hash.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.batch import insert_rows
from credstack.store.ids import time_ordered_id
from credstack.store.models import Base, Organization, _now, _one_of

CREDENTIAL_STATUSES: Final = ("active", "revoked", "suspended")
STATUS_PURPOSES: Final = ("revocation", "suspension")


class StatusListRecord(Base):
    """One Bitstring Status List of an organisation, for one purpose.

    ``bits`` is the encoded bit string (GZIP + base64url), ``length`` bits long; ``allocated``
    marks, as raw bits (read and written once per batch, so not compressed), the indexes
    handed out (reserved by a bulk batch or held by a credential). ``revision`` counts changes
    of ``bits``; ``published`` is the signed list credential made from ``published_revision``,
    re-signed only when the bits have changed since or its validity runs low.
    """

    __tablename__ = "status_lists"
    __table_args__ = (
        CheckConstraint(_one_of("purpose", STATUS_PURPOSES), name="purpose"),
        Index(None, "organization_id", "purpose", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    purpose: Mapped[str] = mapped_column(String(16))
    length: Mapped[int]
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    # {base_url}/orgs/{slug}/status/{id}: the list credential's id and statusListCredential.
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)
    allocated: Mapped[bytes | None] = mapped_column(LargeBinary)
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    published: Mapped[str | None] = mapped_column(Text)
    published_revision: Mapped[int | None]
    published_at: Mapped[datetime | None]
    published_until: Mapped[datetime | None]


class IssuedCredentialRecord(Base):
    """A signed credential as issued, with where its status bits live."""

    __tablename__ = "issued_credentials"
    __table_args__ = (
        CheckConstraint(_one_of("status", CREDENTIAL_STATUSES), name="status"),
        CheckConstraint(
            "(recipient_email IS NULL) <> (recipient_did IS NULL)", name="one_recipient"
        ),
        UniqueConstraint("organization_id", "idempotency_key"),
        UniqueConstraint("organization_id", "client_credential_id"),
        CheckConstraint(_one_of("status_purpose", STATUS_PURPOSES), name="status_purpose"),
        UniqueConstraint("status_list_id", "status_index"),
        # The organisation's list pages in this order; with the id, the index alone finds a
        # page, however deep (see ``for_organization``).
        Index(None, "organization_id", "issued_at", "id"),
        Index(
            "ix_issued_credentials_recipient_did",
            "recipient_did",
            postgresql_where=text("recipient_did IS NOT NULL"),
            sqlite_where=text("recipient_did IS NOT NULL"),
        ),
        # A learner's wallet finds what was issued to their addresses (store/wallet.py).
        Index(
            "ix_issued_credentials_recipient_email_lower",
            func.lower(literal_column("recipient_email")),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=time_ordered_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    achievement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("achievements.id", ondelete="SET NULL")
    )
    achievement_version: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(500))
    recipient_email: Mapped[str | None] = mapped_column(String(320))
    # An organisation's record of a learner finds their credentials by DID (store/records.py):
    # an index of the credentials that have one (most go to an email; migration 0021).
    recipient_did: Mapped[str | None] = mapped_column(String(2048))
    # {base_url}/credentials/{id}: the credential's own id.
    credential_id: Mapped[str] = mapped_column(String(2048), unique=True)
    suite: Mapped[str] = mapped_column(String(32))
    media_type: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")
    # OB 3.0 allows one credentialStatus object, so a credential has one status entry: in a
    # revocation list (the default) or a suspension list.
    status_purpose: Mapped[str] = mapped_column(String(16))
    status_list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int]
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    # The VC-API issue option credentialId: the caller's name for the credential.
    client_credential_id: Mapped[str | None] = mapped_column(String(2048))
    # sha256 of the canonical request, to tell a retry from a reuse of the key.
    request_hash: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(default=_now)
    revoked_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)


# Built once: verification asks it for every credential it checks.
LIST_VERSION = (
    select(StatusListRecord.revision)
    .join(Organization, Organization.id == StatusListRecord.organization_id)
    .where(StatusListRecord.id == bindparam("list_id"), Organization.slug == bindparam("slug"))
)


class CredentialRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: IssuedCredentialRecord) -> IssuedCredentialRecord:
        self._session.add(record)
        return record

    def insert_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Write a batch's credentials in one go (``store.batch``), past the unit of work (and
        the session's identity map): the batch's listeners read them with queries."""
        insert_rows(self._session, cast(Table, IssuedCredentialRecord.__table__), rows)

    def get(self, credential_id: uuid.UUID) -> IssuedCredentialRecord | None:
        return self._session.get(IssuedCredentialRecord, credential_id)

    def by_idempotency_key(
        self, organization_id: uuid.UUID, key: str
    ) -> IssuedCredentialRecord | None:
        return self._session.scalars(
            select(IssuedCredentialRecord).where(
                IssuedCredentialRecord.organization_id == organization_id,
                IssuedCredentialRecord.idempotency_key == key,
            )
        ).one_or_none()

    def named_or_id(
        self, organization_id: uuid.UUID, name: str, key: uuid.UUID | None
    ) -> IssuedCredentialRecord | None:
        """The organisation's credential whose VC-API credentialId is ``name``, else the one
        whose id is ``key``: one query (two index probes) where a revocation made two."""
        wanted = [IssuedCredentialRecord.client_credential_id == name]
        if key is not None:
            wanted.append(IssuedCredentialRecord.id == key)
        found = list(
            self._session.scalars(
                select(IssuedCredentialRecord).where(
                    IssuedCredentialRecord.organization_id == organization_id, or_(*wanted)
                )
            )
        )
        named = [r for r in found if r.client_credential_id == name]
        return next(iter(named or found), None)

    def list_version(self, slug: str, list_id: uuid.UUID) -> int | None:
        """The revision of the organisation's list (it counts changes of its bits): one small
        query, for caches of the signed list to check they are current."""
        # Core, not the ORM: a column, and asked on every verification.
        return (
            self._session.connection()
            .execute(LIST_VERSION, {"list_id": list_id, "slug": slug})
            .scalar_one_or_none()
        )

    def by_client_credential_id(
        self, organization_id: uuid.UUID, name: str
    ) -> IssuedCredentialRecord | None:
        return self._session.scalars(
            select(IssuedCredentialRecord).where(
                IssuedCredentialRecord.organization_id == organization_id,
                IssuedCredentialRecord.client_credential_id == name,
            )
        ).one_or_none()

    def for_organization(
        self, organization_id: uuid.UUID, *, offset: int = 0, limit: int = 50
    ) -> list[IssuedCredentialRecord]:
        """A page of the organisation's credentials, oldest first.

        The page's ids are found first, from the (organization_id, issued_at, id) index alone,
        then only those rows are read: a deep offset walks index entries, not a million rows
        of credential text.
        """
        order = (IssuedCredentialRecord.issued_at, IssuedCredentialRecord.id)
        page = (
            select(IssuedCredentialRecord.id)
            .where(IssuedCredentialRecord.organization_id == organization_id)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
            .scalar_subquery()
        )
        return list(
            self._session.scalars(
                select(IssuedCredentialRecord)
                .where(IssuedCredentialRecord.id.in_(page))
                .order_by(*order)
            )
        )

    def after(
        self, organization_id: uuid.UUID, credential_id: uuid.UUID, *, limit: int = 50
    ) -> list[IssuedCredentialRecord] | None:
        """The page that follows the credential ``credential_id`` (keyset paging: one index
        range, however deep); None when the organisation has no such credential."""
        anchor = self._session.scalars(
            select(IssuedCredentialRecord.issued_at).where(
                IssuedCredentialRecord.id == credential_id,
                IssuedCredentialRecord.organization_id == organization_id,
            )
        ).one_or_none()
        if anchor is None:
            return None
        order = (IssuedCredentialRecord.issued_at, IssuedCredentialRecord.id)
        return list(
            self._session.scalars(
                select(IssuedCredentialRecord)
                .where(
                    IssuedCredentialRecord.organization_id == organization_id,
                    tuple_(*order)
                    > tuple_(
                        literal(anchor, IssuedCredentialRecord.issued_at.type),
                        literal(credential_id, IssuedCredentialRecord.id.type),
                    ),
                )
                .order_by(*order)
                .limit(limit)
            )
        )

    def search(
        self,
        organization_id: uuid.UUID,
        *,
        text: str | None = None,
        status: str | None = None,
        achievement_id: uuid.UUID | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> list[IssuedCredentialRecord]:
        """The organisation's credentials, newest first, whose recipient, name or id contains
        ``text`` (case-insensitive), with ``status`` and of ``achievement_id`` when given."""
        query = select(IssuedCredentialRecord).where(
            IssuedCredentialRecord.organization_id == organization_id
        )
        if text:
            pattern = _contains(text)
            query = query.where(
                or_(
                    *(
                        func.lower(column).like(pattern, escape="\\")
                        for column in (
                            IssuedCredentialRecord.recipient_email,
                            IssuedCredentialRecord.recipient_did,
                            IssuedCredentialRecord.name,
                            IssuedCredentialRecord.credential_id,
                        )
                    )
                )
            )
        if status is not None:
            query = query.where(IssuedCredentialRecord.status == status)
        if achievement_id is not None:
            query = query.where(IssuedCredentialRecord.achievement_id == achievement_id)
        order = (IssuedCredentialRecord.issued_at.desc(), IssuedCredentialRecord.id.desc())
        return list(self._session.scalars(query.order_by(*order).offset(offset).limit(limit)))

    def add_list(self, status_list: StatusListRecord) -> StatusListRecord:
        self._session.add(status_list)
        return status_list

    def status_list(self, list_id: uuid.UUID) -> StatusListRecord | None:
        return self._session.get(StatusListRecord, list_id)

    def status_list_for_update(self, list_id: uuid.UUID) -> StatusListRecord | None:
        """The list, locked until the transaction ends (PostgreSQL), so bit flips never race.

        No key is changed, so FOR NO KEY UPDATE: credentials referring to the list still insert.
        """
        return self._session.scalars(
            select(StatusListRecord)
            .where(StatusListRecord.id == list_id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        ).one_or_none()

    def newest_list_for_update(
        self, organization_id: uuid.UUID, purpose: str
    ) -> StatusListRecord | None:
        """The newest list, locked and read afresh (allocation reads and writes ``allocated``)."""
        return self._session.scalars(
            select(StatusListRecord)
            .where(
                StatusListRecord.organization_id == organization_id,
                StatusListRecord.purpose == purpose,
            )
            .order_by(StatusListRecord.created_at.desc(), StatusListRecord.id)
            .limit(1)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        ).one_or_none()

    def lock_organization(self, organization_id: uuid.UUID) -> None:
        """Hold the organisation's row until the transaction ends (PostgreSQL).

        FOR NO KEY UPDATE, not FOR UPDATE: the key-share lock that inserting a row which refers
        to the organisation takes must not wait on it, or a transaction that holds the newest
        list and inserts its credential deadlocks with one waiting here for that list.
        """
        self._session.execute(
            select(Organization.id)
            .where(Organization.id == organization_id)
            .with_for_update(key_share=True)
        )

    def by_idempotency_keys(
        self, organization_id: uuid.UUID, keys: list[str]
    ) -> dict[str, IssuedCredentialRecord]:
        """The credentials already issued under any of ``keys``, by key (one query a batch)."""
        if not keys:
            return {}
        found = self._session.scalars(
            select(IssuedCredentialRecord).where(
                IssuedCredentialRecord.organization_id == organization_id,
                IssuedCredentialRecord.idempotency_key.in_(keys),
            )
        )
        return {record.idempotency_key or "": record for record in found}

    def used_indexes(self, status_list: StatusListRecord) -> set[int]:
        """The indexes of the list that credentials hold."""
        return set(
            self._session.scalars(
                select(IssuedCredentialRecord.status_index).where(
                    IssuedCredentialRecord.status_list_id == status_list.id
                )
            )
        )

    def count(self, organization_id: uuid.UUID) -> int:
        return (
            self._session.scalar(
                select(func.count())
                .select_from(IssuedCredentialRecord)
                .where(IssuedCredentialRecord.organization_id == organization_id)
            )
            or 0
        )


def _contains(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, its own ``%`` and ``_`` taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
