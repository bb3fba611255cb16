"""Purge: delete what has outlived its use, so that tables of secrets and logs do not grow for
ever. Expired sign-in links, ended wallet and staff sessions, old failed sign-ins, expired OAuth
codes and grants, and finished outbox messages and webhook deliveries older than ``keep``.

The platform operator runs it (``credstack purge``), and the clock of every server and worker
every ``CREDSTACK_PURGE_SECONDS``; any number at once is harmless (each row goes once).

>>> from datetime import timedelta
>>> PurgePolicy(keep=timedelta(days=30)).keep.days
30
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from credstack.errors import Forbidden
from credstack.services.actors import Actor
from credstack.store.purge import KINDS, PurgeRepository


@dataclass(frozen=True)
class PurgePolicy:
    """How long finished outbox messages and webhook deliveries are kept."""

    keep: timedelta = timedelta(days=30)


class PurgeService:
    def __init__(self, session: Session, policy: PurgePolicy | None = None) -> None:
        self._session = session
        self.policy = policy or PurgePolicy()
        self._rows = PurgeRepository(session)

    def purge(
        self, actor: Actor, *, keep: timedelta | None = None, now: datetime | None = None
    ) -> dict[str, int]:
        """Delete every kind of row that can go; the number deleted per kind."""
        if actor.kind != "operator":
            raise Forbidden("Only the platform operator purges.", code="operator_only")
        moment = now or datetime.now(UTC)
        kept = self.policy.keep if keep is None else keep
        counts = {kind: self._rows.delete(kind, moment, kept) for kind in KINDS}
        self._session.flush()
        return counts
