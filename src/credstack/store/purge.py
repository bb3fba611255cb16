"""Deleting what has outlived its use: one ``DELETE`` per kind of row, whatever its number.

Each kind names the rows that can go at ``now`` (with ``keep``, how long finished outbox rows
and webhook deliveries are kept); ``services.purge`` runs them and reports the counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import ColumnElement, Delete, delete, or_
from sqlalchemy.orm import Session

from credstack.store.learners import LearnerLink, LearnerSession, SignInRequest
from credstack.store.mail import MailMessage
from credstack.store.oauth import AuthorizationCode, OAuthGrant
from credstack.store.staff_sessions import SignInFailure, StaffSession
from credstack.store.webhooks import WebhookDelivery

# A used or expired OAuth code is kept a day: replayed within it, it still revokes the
# tokens it gave (RFC 6749 section 4.1.2); later it is refused as unknown.
CODE_GRACE: Final = timedelta(days=1)
# Failed sign-ins count for 15 minutes (services.staff_sessions); a day is plenty.
FAILURE_GRACE: Final = timedelta(days=1)

Rule = Callable[[datetime, timedelta], ColumnElement[bool]]

KINDS: Final[dict[str, tuple[type[object], Rule]]] = {
    "sign-in links": (LearnerLink, lambda now, _keep: LearnerLink.expires_at <= now),
    "wallet sessions": (
        LearnerSession,
        lambda now, _keep: or_(
            LearnerSession.expires_at <= now, LearnerSession.revoked_at.is_not(None)
        ),
    ),
    "sign-in requests": (SignInRequest, lambda now, _keep: SignInRequest.at <= now - FAILURE_GRACE),
    "staff sessions": (StaffSession, lambda now, _keep: StaffSession.expires_at <= now),
    "failed sign-ins": (SignInFailure, lambda now, _keep: SignInFailure.at <= now - FAILURE_GRACE),
    "oauth codes": (
        AuthorizationCode,
        lambda now, _keep: AuthorizationCode.expires_at <= now - CODE_GRACE,
    ),
    "oauth grants": (
        OAuthGrant,
        lambda now, _keep: or_(
            OAuthGrant.refresh_expires_at <= now,
            OAuthGrant.revoked_at <= now - CODE_GRACE,
        ),
    ),
    "outbox messages": (
        MailMessage,
        lambda now, keep: (
            (MailMessage.status != "queued") & (MailMessage.finished_at <= now - keep)
        ),
    ),
    "webhook deliveries": (
        WebhookDelivery,
        lambda now, keep: (
            (WebhookDelivery.status != "pending") & (WebhookDelivery.created_at <= now - keep)
        ),
    ),
}


class PurgeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def delete(self, kind: str, now: datetime, keep: timedelta) -> int:
        """Delete the rows of ``kind`` that can go; how many went."""
        table, rule = KINDS[kind]
        statement: Delete = delete(table).where(rule(now, keep))
        done = self._session.execute(statement.execution_options(synchronize_session=False))
        return int(done.rowcount)  # type: ignore[attr-defined]
