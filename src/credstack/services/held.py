"""A stored credential as pathway evaluation sees it (``pathways.Held``), and its digest.

The digest is of the exact text handed out, as a multibase multihash (sha2-256, base64url):
the ``digestMultibase`` of VC Data Model 2.0 section 5.3, which a stacked credential's evidence
carries so a verifier can check each component it names.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from credstack.pathways import Held, workload_of
from credstack.proofs.multibase import base64url_decode, encode_multibase
from credstack.store.credentials import IssuedCredentialRecord

_SHA2_256: bytes = bytes([0x12, 0x20])


def digest_of(text: str | bytes) -> str:
    """``digestMultibase`` of ``text`` (its UTF-8 bytes when a string).

    >>> digest_of("")
    'uEiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ'
    """
    data = text.encode() if isinstance(text, str) else text
    return encode_multibase(_SHA2_256 + hashlib.sha256(data).digest(), "base64url")


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
