"""A learner's credentials as the wallet finds them by id: a held row (imported or upserted)
or a credential issued here to one of their addresses."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.wallet import HeldCredential


class HoldingsRepository:
    """A learner's credentials by wallet id: a held row's id or an issued record's id."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def held(self, user_id: uuid.UUID, ids: Collection[uuid.UUID]) -> list[HeldCredential]:
        if not ids:
            return []
        return list(
            self._session.scalars(
                select(HeldCredential).where(
                    HeldCredential.user_id == user_id, HeldCredential.id.in_(ids)
                )
            )
        )

    def issued(
        self, emails: Collection[str], ids: Collection[uuid.UUID]
    ) -> list[IssuedCredentialRecord]:
        if not ids or not emails:
            return []
        return list(
            self._session.scalars(
                select(IssuedCredentialRecord).where(
                    IssuedCredentialRecord.id.in_(ids),
                    func.lower(IssuedCredentialRecord.recipient_email).in_(emails),
                )
            )
        )

    def all_held(self, user_id: uuid.UUID) -> list[HeldCredential]:
        return list(
            self._session.scalars(
                select(HeldCredential)
                .where(HeldCredential.user_id == user_id)
                .order_by(HeldCredential.issued_at, HeldCredential.id)
            )
        )

    def all_issued(self, emails: Collection[str]) -> list[IssuedCredentialRecord]:
        if not emails:
            return []
        return list(
            self._session.scalars(
                select(IssuedCredentialRecord)
                .where(func.lower(IssuedCredentialRecord.recipient_email).in_(emails))
                .order_by(IssuedCredentialRecord.issued_at, IssuedCredentialRecord.id)
            )
        )

    def imports(self, user_id: uuid.UUID, *, offset: int, limit: int) -> list[HeldCredential]:
        return list(
            self._session.scalars(
                select(HeldCredential)
                .where(HeldCredential.user_id == user_id, HeldCredential.source == "import")
                .order_by(HeldCredential.created_at, HeldCredential.id)
                .offset(offset)
                .limit(limit)
            )
        )

    def imported_for(self, email: str) -> list[HeldCredential]:
        """The imports whose subject is the address ``email`` (lower case): what pathways
        count beside the credentials issued here to it."""
        return list(
            self._session.scalars(
                select(HeldCredential)
                .where(HeldCredential.subject_email == email, HeldCredential.source == "import")
                .order_by(HeldCredential.issued_at, HeldCredential.id)
            )
        )

    def issued_by_credential_id(self, credential_id: str) -> IssuedCredentialRecord | None:
        return self._session.scalars(
            select(IssuedCredentialRecord).where(
                IssuedCredentialRecord.credential_id == credential_id
            )
        ).one_or_none()

    def delete(self, row: HeldCredential) -> None:
        self._session.delete(row)
