"""A learner's credentials by wallet id, for sharing, presentations and export.

A wallet id is the id of a held row (imported by the learner or upserted by an OB API client)
or of a credential issued here to one of the learner's addresses; the credential's own ``id``
(a URL or URN) names it too. Every lookup is scoped to the
learner: an id of anyone else's credential is not found, exactly like an id that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from credstack.errors import InvalidInput, NotFound
from credstack.services.actors import Actor
from credstack.services.validation import uuid_or_none
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.holdings import HoldingsRepository
from credstack.store.learners import LearnerEmail, LearnerRepository
from credstack.store.models import User
from credstack.store.users import UserRepository
from credstack.store.wallet import HeldCredential, WalletRepository

JWT_MEDIA_TYPE: Final = "application/vc+jwt"
# How many credentials one share or presentation names.
MAX_SELECTION: Final = 100


@dataclass(frozen=True)
class WalletItem:
    """One credential of a learner: its wallet id, where it came from, its exact text."""

    id: uuid.UUID
    source: str  # "issued" (here), "import" or "ob_api"
    credential_id: str | None
    media_type: str
    text: str
    issued_at: datetime
    report: dict[str, Any] | None = None

    @property
    def jwt(self) -> bool:
        return self.media_type.endswith("jwt")

    @classmethod
    def of_held(cls, row: HeldCredential) -> WalletItem:
        key = row.credential_key
        return cls(
            id=row.id,
            source=row.source,
            credential_id=None if key.startswith("sha256:") else key,
            media_type=row.media_type,
            text=row.text,
            issued_at=row.issued_at,
            report=row.report,
        )

    @classmethod
    def of_issued(cls, record: IssuedCredentialRecord) -> WalletItem:
        return cls(
            id=record.id,
            source="issued",
            credential_id=record.credential_id,
            media_type=record.media_type,
            text=record.text,
            issued_at=record.issued_at,
        )


def learner_actor(user: User) -> Actor:
    """The learner acting on their own wallet, as the audit log names them."""
    return Actor(kind="learner", id=str(user.id), organization_id=None, role=None)


class Holdings:
    def __init__(self, session: Session) -> None:
        self._users = UserRepository(session)
        self._repo = HoldingsRepository(session)
        self._learners = LearnerRepository(session)
        self._wallet = WalletRepository(session)

    def addresses(self, user: User) -> list[str]:
        """The learner's confirmed addresses (the account's own always), lower case: the
        credentials issued here to any of them are theirs, and an import naming one counts."""
        confirmed = {r.email for r in self._learners.emails(user.id) if r.confirmed_at}
        return sorted(confirmed | {user.email.lower()})

    def emails(self, user: User) -> list[LearnerEmail]:
        """Every address the learner added, confirmed or not."""
        return self._learners.emails(user.id)

    def learner(self, user_id: uuid.UUID) -> User:
        user = self._users.by_id(user_id)
        if user is None:
            raise NotFound("There is no such learner account.", code="learner_not_found")
        return user

    def select(self, user: User, ids: Sequence[str | uuid.UUID]) -> list[WalletItem]:
        """The learner's credentials ``ids``, in the order given (each once).

        ``InvalidInput`` (``invalid_selection``) for an empty or too long list, ``NotFound``
        (``credential_not_found``) naming the first id that is not one of theirs."""
        if not ids:
            raise InvalidInput("Name at least one credential.", code="invalid_selection")
        if len(ids) > MAX_SELECTION:
            raise InvalidInput(
                f"Name at most {MAX_SELECTION} credentials at a time.", code="invalid_selection"
            )
        keys: dict[uuid.UUID, str] = {}
        for raw in ids:
            text = str(raw).strip()
            key = uuid_or_none(text) if ":" not in text else None
            if key is None or not self.find(user, [key]):
                key = self._by_credential_id(user, text)
            if key is None:
                raise NotFound(f"You hold no credential {raw}.", code="credential_not_found")
            keys.setdefault(key, text)
        found = {item.id: item for item in self.find(user, list(keys))}
        return [found[key] for key in keys]

    def _by_credential_id(self, user: User, credential_id: str) -> uuid.UUID | None:
        """The wallet id of the learner's credential whose own ``id`` is ``credential_id``."""
        held = self._wallet.held(user.id, credential_id)
        if held is not None:
            return held.id
        issued = self._repo.issued_by_credential_id(credential_id)
        if issued is not None and (issued.recipient_email or "").lower() in self.addresses(user):
            return issued.id
        return None

    def find(self, user: User, ids: Sequence[uuid.UUID]) -> list[WalletItem]:
        """Those of ``ids`` that are the learner's credentials, in the order given."""
        found = {row.id: WalletItem.of_held(row) for row in self._repo.held(user.id, ids)}
        missing = [k for k in ids if k not in found]
        for record in self._repo.issued(self.addresses(user), missing):
            found[record.id] = WalletItem.of_issued(record)
        return [found[key] for key in dict.fromkeys(ids) if key in found]

    def everything(self, user: User) -> list[WalletItem]:
        """Every credential of the learner: issued here, then held, each oldest first."""
        issued: Iterable[WalletItem] = map(
            WalletItem.of_issued, self._repo.all_issued(self.addresses(user))
        )
        held = map(WalletItem.of_held, self._repo.all_held(user.id))
        return [*issued, *held]
