"""A stored credential as pathway evaluation sees it (``pathways.Held``), and its digest.

The digest (``credstack.formats.evidence.digest_of``) is of the exact text handed out: the
``digestMultibase`` that a stacked credential's evidence carries for each component.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from credstack.formats.evidence import digest_of
from credstack.pathways import Held, workload_of
from credstack.proofs.multibase import base64url_decode
from credstack.store.credentials import IssuedCredentialRecord

__all__ = ["digest_of", "document_of", "held_of"]


def document_of(record: IssuedCredentialRecord) -> dict[str, Any]:
    """The credential's JSON: the text itself, or the payload of a VC-JOSE JWT we signed."""
    if record.media_type.endswith("jwt"):
        payload: dict[str, Any] = json.loads(base64url_decode(record.text.split(".")[1]))
        return payload
    document: dict[str, Any] = json.loads(record.text)
    return document


def held_of(record: IssuedCredentialRecord, now: datetime) -> Held:
    """``record`` as a learner's credential: valid while active and inside its validity window."""
    document = document_of(record)
    achievement = document["credentialSubject"]["achievement"]
    issuer = document["issuer"]
    valid_until = document.get("validUntil")
    expired = valid_until is not None and _moment(valid_until) <= now
    return Held(
        id=record.credential_id,
        achievement=str(achievement["id"]),
        issuer=str(issuer["id"] if isinstance(issuer, dict) else issuer),
        issued=_moment(document["validFrom"]),
        workload=workload_of(achievement),
        valid=record.status == "active" and not expired,
        digest=digest_of(record.text),
    )


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
