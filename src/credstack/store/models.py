"""The tables, as typed SQLAlchemy 2 models.

Keys are UUIDs made in Python; times are aware and stored as UTC; every row that belongs to an
organisation carries its id (DESIGN.md, security model: tenancy).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Final

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from credstack.store.ids import time_ordered_id
from credstack.store.types import JsonDocument, UtcDateTime

ROLES: Final = ("owner", "admin", "issuer", "assessor")
KEY_KINDS: Final = ("ed25519", "p256")
KEY_STATUSES: Final = ("active", "retired")
DID_METHODS: Final = ("web", "key")


def _now() -> datetime:
    return datetime.now(UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    # Named constraints, so later migrations (and SQLite's batch mode) can refer to them.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JsonDocument,
    }


class Organization(Base):
    """An issuer: its OB 3.0 Profile fields and its DID."""

    __tablename__ = "organizations"
    __table_args__ = (CheckConstraint(_one_of("did_method", DID_METHODS), name="did_method"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    url: Mapped[str | None] = mapped_column(String(2048))
    email: Mapped[str | None] = mapped_column(String(320))
    description: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(2048))
    # The postal address beside ``country`` (OB 3.0 Address).
    street_address: Mapped[str | None] = mapped_column(String(200))
    locality: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(32))
    # The accreditation or quality-assurance statement (EU Annex I, type of quality assurance).
    accreditation: Mapped[str | None] = mapped_column(Text)
    accreditation_url: Mapped[str | None] = mapped_column(String(2048))
    issuer_did: Mapped[str] = mapped_column(String(2048), unique=True)
    did_method: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=_now)

    def __repr__(self) -> str:
        return f"Organization({self.slug!r}, {self.issuer_did!r})"


class SigningKey(Base):
    """One signing key of an organisation; the private part is sealed by the key store."""

    __tablename__ = "signing_keys"
    __table_args__ = (
        CheckConstraint(_one_of("kind", KEY_KINDS), name="kind"),
        CheckConstraint(_one_of("status", KEY_STATUSES), name="status"),
        # did:web methods are numbered #key-1, #key-2... in creation order, never reused.
        UniqueConstraint("organization_id", "number"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    public_multikey: Mapped[str] = mapped_column(String(200))
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    verification_method: Mapped[str] = mapped_column(String(2048), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=_now)
    retired_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship(lazy="raise")

    def __repr__(self) -> str:
        # Never the sealed private key: only what the DID document shows anyway.
        return f"SigningKey({self.verification_method!r}, {self.kind}, {self.status})"


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # Stored lower-cased, so the unique constraint is case-insensitive on both databases.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=_now)

    def __repr__(self) -> str:
        return f"User({self.email!r})"


class Membership(Base):
    """A user's role in one organisation."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role"),
        UniqueConstraint("user_id", "organization_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=_now)


class ApiToken(Base):
    """An API token of one organisation and role; only the SHA-256 of its secret is kept."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, to recognise a token in a list; not enough to use it.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    revoked_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"ApiToken({self.prefix}..., {self.role})"


class AuditEntry(Base):
    """Who did what to which subject, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "organization_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=time_ordered_id)
    # No cascade: deleting an organisation must not erase the record of what was done.
    organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(2048))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=_now)
