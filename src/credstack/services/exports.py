"""A learner's credentials taken out of the wallet: a verifiable presentation of a selection,
and one JSON document of everything (profile, addresses, credentials as issued, reports, shares).

Export format ``credstack-wallet-export/1``: every credential's exact text is a string, so its
bytes (and so its signature) come out exactly as they went in; imports carry the verification
report they passed. Share tokens are not in it: only their hashes were ever kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from credstack.formats.presentation import presentation
from credstack.services.audit import AuditTrail
from credstack.services.holdings import Holdings, WalletItem, learner_actor
from credstack.services.shares import ShareService, ShareView
from credstack.services.wallet import WalletService, profile_id
from credstack.store.models import User

EXPORT_FORMAT: Final = "credstack-wallet-export/1"


class ExportService:
    def __init__(self, session: Session, audit: AuditTrail) -> None:
        self._audit = audit
        self._holdings = Holdings(session)
        self._wallet = WalletService(session)
        self._shares = ShareService(session, audit)

    def presentation(self, user_id: uuid.UUID, ids: Sequence[str | uuid.UUID]) -> dict[str, Any]:
        """An unsigned VC 2.0 VerifiablePresentation of the learner's credentials ``ids``."""
        user = self._holdings.learner(user_id)
        items = self._holdings.select(user, ids)
        return presentation(
            [item.text for item in items], presentation_id=f"urn:uuid:{uuid.uuid4()}"
        )

    def export(self, user_id: uuid.UUID) -> dict[str, Any]:
        """Everything the wallet holds for the learner, as one JSON document."""
        user = self._holdings.learner(user_id)
        document = {
            "format": EXPORT_FORMAT,
            "exportedAt": _iso(datetime.now(UTC)),
            "account": {"id": profile_id(user), "createdAt": _iso(user.created_at)},
            "profile": self._wallet.profile(user),
            "emails": self._emails(user),
            "credentials": [_credential(item) for item in self._holdings.everything(user)],
            "shares": [_share(view) for view in self._shares.all(user.id)],
        }
        self._audit.record(learner_actor(user), None, "wallet.exported", profile_id(user))
        return document

    def _emails(self, user: User) -> list[dict[str, Any]]:
        """The account's own address, then every other the learner added."""
        rows = {row.email: row for row in self._holdings.emails(user)}
        own = rows.get(user.email)
        found = [
            {
                "address": user.email,
                "primary": True,
                "confirmed": True,
                "confirmedAt": _iso(own.confirmed_at) if own and own.confirmed_at else None,
            }
        ]
        for email, row in rows.items():
            if email != user.email:
                confirmed = row.confirmed_at is not None
                found.append(
                    {
                        "address": email,
                        "primary": False,
                        "confirmed": confirmed,
                        "confirmedAt": _iso(row.confirmed_at) if row.confirmed_at else None,
                    }
                )
        return found


def _credential(item: WalletItem) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": str(item.id),
        "source": item.source,
        "credentialId": item.credential_id,
        "mediaType": item.media_type,
        "issuedAt": _iso(item.issued_at),
        "text": item.text,
    }
    if item.report is not None:
        entry["verification"] = item.report
    return entry


def _share(view: ShareView) -> dict[str, Any]:
    share = view.share
    return {
        "id": str(share.id),
        "label": share.label,
        "status": view.status,
        "createdAt": _iso(share.created_at),
        "expiresAt": _iso(share.expires_at) if share.expires_at else None,
        "revokedAt": _iso(share.revoked_at) if share.revoked_at else None,
        "credentials": [str(i) for i in view.credentials],
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
