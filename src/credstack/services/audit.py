"""The audit log: every change of state that matters (DESIGN.md, security model), and reading
an organisation's events a page at a time (owners and admins).

What is read back never carries a secret: the log is written without any (token secrets,
passwords and private keys never reach ``record``), and ``public_detail`` also drops any
detail whose name sounds like one and reduces addresses to what identifies them, since a
webhook URL may carry a credential in its path or query.

>>> public_detail({"url": "https://hooks.example/T1/B2/abc?token=x", "password": "p",
...                "reason": "Issued in error"})
{'url': 'https://hooks.example/…', 'password': '(hidden)', 'reason': 'Issued in error'}
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.orm import Session

from credstack.errors import InvalidInput, NotFound
from credstack.services.actors import Actor, authorize
from credstack.services.validation import page
from credstack.store.audit import AuditFilter, AuditRepository
from credstack.store.ids import time_ordered_id
from credstack.store.models import AuditEntry
from credstack.store.organizations import OrganizationRepository

# Detail names that could hold a secret, whatever wrote them.
_SECRET_NAME: Final = re.compile(r"secret|password|passphrase|token|private", re.I)
HIDDEN: Final = "(hidden)"


@dataclass(frozen=True)
class AuditQuery:
    """Which events to read: each given filter must hold; newest first."""

    action: str | None = None  # "credential.revoked", or a family: "credential"
    actor: str | None = None  # as the log names it: user:<id>, token:<id>, operator:<name>
    subject: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True)
class AuditEvent:
    id: uuid.UUID
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEvent:
        return cls(
            entry.id,
            entry.at,
            entry.actor,
            entry.action,
            entry.subject,
            public_detail(entry.detail),
        )


class AuditTrail:
    def __init__(self, session: Session) -> None:
        self._entries = AuditRepository(session)
        self._organizations = OrganizationRepository(session)

    def record(
        self,
        actor: Actor,
        organization_id: uuid.UUID | None,
        action: str,
        subject: str,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Add one entry; it is written with the rest of the transaction, or not at all."""
        return self._entries.add(
            AuditEntry(
                organization_id=organization_id,
                actor=actor.label,
                action=action,
                subject=subject,
                detail=dict(detail or {}),
            )
        )

    def record_many(
        self,
        actor: Actor,
        organization_id: uuid.UUID | None,
        action: str,
        entries: Sequence[tuple[str, Mapping[str, Any]]],
    ) -> None:
        """One entry per ``(subject, detail)`` of the same action, in one INSERT (a batch)."""
        now = datetime.now(UTC)
        self._entries.insert_many(
            [
                {
                    "id": time_ordered_id(),
                    "organization_id": organization_id,
                    "actor": actor.label,
                    "action": action,
                    "subject": subject,
                    "detail": dict(detail),
                    "at": now,
                }
                for subject, detail in entries
            ]
        )

    def entries(
        self, actor: Actor, organization_id: uuid.UUID, *, limit: int = 100
    ) -> list[AuditEntry]:
        authorize(actor, organization_id, "read_audit")
        return self._entries.for_organization(organization_id, limit=limit)

    def events(self, actor: Actor, slug: str, query: AuditQuery) -> list[AuditEvent]:
        """The organisation's events that match ``query``, newest first (owner or admin)."""
        organization = self._organizations.by_slug(slug)
        if organization is None:
            raise NotFound(f"No organisation has the slug {slug!r}.", code="organization_not_found")
        authorize(actor, organization.id, "read_audit")
        page(query.offset, query.limit)
        if query.since and query.until and query.since > query.until:
            raise InvalidInput(
                "The start of the period is after its end; swap them.", code="invalid_period"
            )
        for name, value, longest in (
            ("action", query.action, 100),
            ("actor", query.actor, 200),
            ("subject", query.subject, 2048),
        ):
            if value is not None and len(value) > longest:
                raise InvalidInput(
                    f"The {name} filter has at most {longest} characters.", code="invalid_filter"
                )
        found = self._entries.search(
            organization.id,
            AuditFilter(
                action=query.action or None,
                actor=query.actor or None,
                subject=query.subject or None,
                since=query.since,
                until=query.until,
            ),
            offset=query.offset,
            limit=query.limit,
        )
        return [AuditEvent.of(entry) for entry in found]


def public_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    """``detail`` as it may be shown: secret-sounding names hidden, URLs without their path
    (under ``url``) or without credentials, query and fragment (anywhere)."""
    return {key: _public(key, value) for key, value in detail.items()}


def _public(key: str, value: Any) -> Any:
    if _SECRET_NAME.search(key):
        return HIDDEN
    if isinstance(value, Mapping):
        return public_detail(value)
    if isinstance(value, list):
        return [_public(key, item) for item in value]
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return _public_url(value, origin_only=key == "url")
    return value


def _public_url(value: str, *, origin_only: bool) -> str:
    parts = urlsplit(value)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    if origin_only:
        return f"{parts.scheme}://{netloc}/…"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
