"""Reads for a learner's record: the credentials issued here to them, those their wallet holds,
and credentials by id (the components a stacked credential names)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.wallet import HeldCredential

# Bounds the record one request reads; a learner with more credentials than this gets the
# newest ones (a transcript this long is not read by a person).
MAX_RECORD: int = 2_000


class RecordRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def issued_to(
        self,
        emails: Collection[str] = (),
        dids: Collection[str] = (),
        *,
        organization_id: uuid.UUID | None = None,
    ) -> list[IssuedCredentialRecord]:
        """Credentials issued here to any of ``emails`` (lower case; matched in any case) or
        ``dids``, by one organisation or all, oldest first."""
        if not emails and not dids:
            return []
        query = select(IssuedCredentialRecord).where(
            or_(
                func.lower(IssuedCredentialRecord.recipient_email).in_(list(emails)),
                IssuedCredentialRecord.recipient_did.in_(list(dids)),
            )
        )
        if organization_id is not None:
            query = query.where(IssuedCredentialRecord.organization_id == organization_id)
        newest = query.order_by(
            IssuedCredentialRecord.issued_at.desc(), IssuedCredentialRecord.id.desc()
        ).limit(MAX_RECORD)
        return list(reversed(self._session.scalars(newest).all()))

    def by_credential_ids(self, credential_ids: Sequence[str]) -> list[IssuedCredentialRecord]:
        if not credential_ids:
            return []
        return list(
            self._session.scalars(
                select(IssuedCredentialRecord).where(
                    IssuedCredentialRecord.credential_id.in_(list(credential_ids))
                )
            )
        )

    def held(self, user_id: uuid.UUID) -> list[HeldCredential]:
        """What the user's wallet holds, oldest first."""
        return list(
            self._session.scalars(
                select(HeldCredential)
                .where(HeldCredential.user_id == user_id)
                .order_by(HeldCredential.issued_at, HeldCredential.id)
                .limit(MAX_RECORD)
            )
        )
