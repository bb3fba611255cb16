"""Public share links to a learner's credentials: one credential or a selection, optionally
expiring, revocable at any time.

Whoever has the link sees the credentials exactly as issued, with no account. The token is 32
random bytes (base64url) shown once, at creation; only its SHA-256 is stored, so the database
alone cannot open a share. A revoked or expired link answers ``share_revoked`` or
``share_expired`` (HTTP 410), an unknown one ``share_not_found``.
"""

from __future__ import annotations

import builtins
import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.orm import Session

from credstack.errors import Conflict, InvalidInput, NotFound
from credstack.services.audit import AuditTrail
from credstack.services.holdings import Holdings, WalletItem, learner_actor
from credstack.services.validation import optional_text, page, uuid_or_none
from credstack.store.shares import ShareRepository, WalletShare, WalletShareItem

TOKEN_BYTES: Final = 32


def hash_share_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ShareView:
    """A share as its owner sees it: the row, the wallet ids it names, and its state."""

    share: WalletShare
    credentials: list[uuid.UUID]
    now: datetime

    @property
    def status(self) -> str:
        if self.share.revoked_at is not None:
            return "revoked"
        if self.share.expires_at is not None and self.share.expires_at <= self.now:
            return "expired"
        return "active"


@dataclass(frozen=True)
class CreatedShare:
    view: ShareView
    token: str  # shown once; only its hash is kept


@dataclass(frozen=True)
class OpenedShare:
    share: WalletShare
    credentials: list[WalletItem]


class ShareService:
    def __init__(self, session: Session, audit: AuditTrail) -> None:
        self._session = session
        self._audit = audit
        self._holdings = Holdings(session)
        self._repo = ShareRepository(session)

    def create(
        self,
        user_id: uuid.UUID,
        ids: Sequence[str | uuid.UUID],
        *,
        expires_at: datetime | None = None,
        label: str | None = None,
    ) -> CreatedShare:
        """A new link to the learner's credentials ``ids`` (in that order)."""
        user = self._holdings.learner(user_id)
        now = datetime.now(UTC)
        if expires_at is not None:
            if expires_at.tzinfo is None:
                raise InvalidInput(
                    "expiresAt needs a time zone (for example 2027-01-31T00:00:00Z).",
                    code="invalid_expiry",
                )
            if expires_at <= now:
                raise InvalidInput("expiresAt must be in the future.", code="invalid_expiry")
        name = optional_text(label, field="label", max_length=200) if label else None
        items = self._holdings.select(user, ids)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        share = self._repo.add(
            WalletShare(
                user_id=user.id,
                token_hash=hash_share_token(token),
                label=name,
                created_at=now,
                expires_at=expires_at,
            ),
            [
                WalletShareItem(
                    held_id=None if item.source == "issued" else item.id,
                    issued_id=item.id if item.source == "issued" else None,
                )
                for item in items
            ],
        )
        self._audit.record(
            learner_actor(user),
            None,
            "wallet.share_created",
            str(share.id),
            {
                "credentials": len(items),
                "expiresAt": expires_at.isoformat() if expires_at else None,
            },
        )
        return CreatedShare(ShareView(share, [item.id for item in items], now), token)

    def list(
        self, user_id: uuid.UUID, *, offset: int = 0, limit: int = 50
    ) -> builtins.list[ShareView]:
        page(offset, limit)
        user = self._holdings.learner(user_id)
        now = datetime.now(UTC)
        return [
            self._view(share, now)
            for share in self._repo.for_user(user.id, offset=offset, limit=limit)
        ]

    def all(self, user_id: uuid.UUID) -> builtins.list[ShareView]:
        """Every share of the learner, oldest first (for an export)."""
        user = self._holdings.learner(user_id)
        now = datetime.now(UTC)
        return [self._view(share, now) for share in self._repo.for_user(user.id)]

    def revoke(self, user_id: uuid.UUID, share_id: uuid.UUID | str) -> ShareView:
        """End the link now; revoking a revoked link changes nothing."""
        user = self._holdings.learner(user_id)
        key = uuid_or_none(share_id)
        share = self._repo.get(key) if key is not None else None
        if share is None or share.user_id != user.id:
            raise NotFound(f"You have no share {share_id}.", code="share_not_found")
        now = datetime.now(UTC)
        if share.revoked_at is None:
            share.revoked_at = now
            self._session.flush()
            self._audit.record(learner_actor(user), None, "wallet.share_revoked", str(share.id))
        return self._view(share, now)

    def open(self, token: str) -> OpenedShare:
        """The credentials behind a share link, for anyone holding it."""
        share = self._repo.by_token_hash(hash_share_token(token.strip()))
        if share is None:
            raise NotFound("There is no share at this link.", code="share_not_found")
        if share.revoked_at is not None:
            raise Conflict("The learner revoked this share link.", code="share_revoked")
        if share.expires_at is not None and share.expires_at <= datetime.now(UTC):
            raise Conflict(
                f"This share link expired at {share.expires_at.isoformat()}.",
                code="share_expired",
            )
        user = self._holdings.learner(share.user_id)
        ids = [item.held_id or item.issued_id for item in self._repo.items(share.id)]
        credentials = self._holdings.find(user, [i for i in ids if i is not None])
        if not credentials:
            raise Conflict(
                "The learner removed every credential this link shared.", code="share_empty"
            )
        return OpenedShare(share, credentials)

    def _view(self, share: WalletShare, now: datetime) -> ShareView:
        ids = [item.held_id or item.issued_id for item in self._repo.items(share.id)]
        return ShareView(share, [i for i in ids if i is not None], now)
