"""The public share links that hand a selection of a learner's credentials out.

A share link's token is random and only its SHA-256 is kept, like an API token's. A share names
its credentials by row (held or issued); deleting a held credential drops it from every share.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from credstack.store.models import Base, _now


class WalletShare(Base):
    """A public link to some of a learner's credentials; revocable, optionally expiring."""

    __tablename__ = "wallet_shares"
    __table_args__ = (Index(None, "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WalletShareItem(Base):
    """One credential of a share, in the order the learner chose: a held or an issued one."""

    __tablename__ = "wallet_share_items"
    __table_args__ = (
        CheckConstraint("(held_id IS NULL) <> (issued_id IS NULL)", name="one_source"),
    )

    share_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("wallet_shares.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    held_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("held_credentials.id", ondelete="CASCADE"), index=True
    )
    issued_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("issued_credentials.id", ondelete="CASCADE"), index=True
    )


class ShareRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, share: WalletShare, items: list[WalletShareItem]) -> WalletShare:
        self._session.add(share)
        self._session.flush()
        for position, item in enumerate(items):
            item.share_id = share.id
            item.position = position
        self._session.add_all(items)
        self._session.flush()
        return share

    def get(self, share_id: uuid.UUID) -> WalletShare | None:
        return self._session.get(WalletShare, share_id)

    def by_token_hash(self, token_hash: str) -> WalletShare | None:
        return self._session.scalars(
            select(WalletShare).where(WalletShare.token_hash == token_hash)
        ).one_or_none()

    def for_user(
        self, user_id: uuid.UUID, *, offset: int = 0, limit: int | None = None
    ) -> list[WalletShare]:
        return list(
            self._session.scalars(
                select(WalletShare)
                .where(WalletShare.user_id == user_id)
                .order_by(WalletShare.created_at, WalletShare.id)
                .offset(offset)
                .limit(limit)
            )
        )

    def items(self, share_id: uuid.UUID) -> list[WalletShareItem]:
        return list(
            self._session.scalars(
                select(WalletShareItem)
                .where(WalletShareItem.share_id == share_id)
                .order_by(WalletShareItem.position)
            )
        )
