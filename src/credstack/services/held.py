"""A stored credential as pathway evaluation sees it (``pathways.Held``), and its digest.

An imported credential is valid while its last verification passed, inside its validity window,
and, when it was issued here, while the issuer has not revoked or suspended it. Whether an
outside issuer revoked it is what its last verification found (on import, or when the learner
verifies it again): pathways do not reach the network.

The digest (``credstack.formats.evidence.digest_of``) is of the exact text handed out: the
``digestMultibase`` that a stacked credential's evidence carries for each component.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from credstack.errors import MalformedCredential
from credstack.formats.evidence import digest_of
from credstack.pathways import Held, workload_of
from credstack.proofs.multibase import base64url_decode
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.holdings import HoldingsRepository
from credstack.store.wallet import HeldCredential

__all__ = ["digest_of", "document_of", "document_of_text", "held_of", "held_of_import"]


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


def held_of_import(
    row: HeldCredential, now: datetime, holdings: HoldingsRepository
) -> tuple[str, Held]:
    """An imported credential's name (for the stacked credential's evidence) and its ``Held``."""
    document = document_of_text(row.text, row.media_type)
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    achievement = achievement if isinstance(achievement, dict) else {}
    key = row.credential_key
    verified = row.report is None or row.report.get("valid") is True
    valid = verified and (row.valid_until is None or row.valid_until > now)
    if valid and not key.startswith("sha256:"):
        record = holdings.issued_by_credential_id(key)
        valid = record is None or record.status == "active"
    name = achievement.get("name")
    return str(name) if isinstance(name, str) else "An imported credential", Held(
        id=key,
        achievement=row.achievement or "",
        issuer=row.issuer_id or "",
        issued=row.issued_at,
        workload=workload_of(achievement),
        valid=valid,
        digest=digest_of(row.text),
    )


def document_of_text(text: str, media_type: str) -> dict[str, Any]:
    """A held credential's JSON: the text, or a JWT's payload (its ``vc`` claim in a VC 1.1
    JWT)."""
    try:
        if media_type.endswith("jwt"):
            payload = json.loads(base64url_decode(text.split(".")[1]))
            if isinstance(payload, dict) and isinstance(payload.get("vc"), dict):
                payload = payload["vc"]
        else:
            payload = json.loads(text)
    except (ValueError, IndexError, MalformedCredential) as exc:
        raise MalformedCredential("A held credential is not readable.") from exc
    if not isinstance(payload, dict):
        raise MalformedCredential("A held credential is not a JSON object.")
    return payload


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
