"""A learner's credential as the record views read it: the transcript, the skills profile and
the CLR 2.0 export (``formats.transcript``, ``formats.skills``, ``formats.clr``).

A ``RecordItem`` is a signed credential exactly as it was issued or received (JSON text or a
compact JWT), its parsed JSON, and what the platform knows of its status. Nothing here checks a
signature: the services hand in credentials they issued, or held ones that were verified when
they were received. Whether an item counts is its ``state`` at a moment: ``valid``, or
``revoked``, ``suspended``, ``expired`` or ``not_yet_valid``.

>>> from datetime import UTC, datetime
>>> item = RecordItem.parse('{"id": "urn:c", "validUntil": "2020-01-01T00:00:00Z"}')
>>> item.state(datetime(2026, 1, 1, tzinfo=UTC))
'expired'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

from credstack.errors import InvalidInput, MalformedCredential
from credstack.model.parse import parse_json
from credstack.proofs.multibase import base64url_decode

Status = Literal["active", "revoked", "suspended"]
Source = Literal["issued", "held"]
State = Literal["valid", "revoked", "suspended", "expired", "not_yet_valid"]


@dataclass(frozen=True)
class RecordItem:
    """One credential of a learner's record.

    ``source`` says where it comes from: ``issued`` on this server, or ``held`` (received from
    elsewhere and kept in the learner's wallet).
    """

    text: str
    document: Mapping[str, Any]
    jwt: bool = False
    status: Status = "active"
    source: Source = "issued"

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        status: Status = "active",
        source: Source = "issued",
        stored: bool = False,
    ) -> RecordItem:
        """The item for ``text``: a JSON credential, or a compact JWT (VC-JOSE) whose payload is
        the credential (or carries it as the VC 1.1 ``vc`` claim). ``MalformedCredential``
        when it is neither.

        ``stored``: a text this server keeps, which ``parse_json`` accepted when it was issued
        or received; it is read again with orjson, several times faster, to the same value."""
        loads: Callable[[str | bytes], Any] = _stored_json if stored else parse_json
        stripped = text.strip()
        jwt = not stripped.startswith(("{", "["))
        if jwt:
            parts = stripped.split(".")
            if len(parts) != 3:
                raise MalformedCredential(
                    "The credential is neither JSON nor a compact JWT.", code="malformed_json"
                )
            try:
                payload = loads(base64url_decode(parts[1]))
            except InvalidInput as exc:
                raise MalformedCredential(
                    "The JWT's payload is not base64url JSON.", code="malformed_json"
                ) from exc
            if isinstance(payload, Mapping) and "@context" not in payload and "vc" in payload:
                payload = payload["vc"]
        else:
            payload = loads(stripped)
        if not isinstance(payload, Mapping):
            raise MalformedCredential(
                "The credential is not a JSON object.", code="not_a_credential"
            )
        return cls(text=text, document=payload, jwt=jwt, status=status, source=source)

    @property
    def id(self) -> str | None:
        value = self.document.get("id")
        return value if isinstance(value, str) else None

    @property
    def issuer(self) -> Mapping[str, Any]:
        """The issuer as a Profile-shaped object (an issuer given as a bare id gets only it)."""
        issuer = self.document.get("issuer")
        if isinstance(issuer, Mapping):
            return issuer
        return {"id": issuer} if isinstance(issuer, str) else {}

    @property
    def issuer_id(self) -> str | None:
        value = self.issuer.get("id")
        return value if isinstance(value, str) else None

    @property
    def subject(self) -> Mapping[str, Any]:
        subject = self.document.get("credentialSubject")
        if isinstance(subject, list):
            subject = subject[0] if subject else None
        return subject if isinstance(subject, Mapping) else {}

    @property
    def achievement(self) -> Mapping[str, Any]:
        achievement = self.subject.get("achievement")
        return achievement if isinstance(achievement, Mapping) else {}

    @property
    def achievement_id(self) -> str | None:
        value = self.achievement.get("id")
        return value if isinstance(value, str) else None

    @property
    def valid_from(self) -> datetime | None:
        return moment(self.document.get("validFrom") or self.document.get("issuanceDate"))

    @property
    def valid_until(self) -> datetime | None:
        return moment(self.document.get("validUntil") or self.document.get("expirationDate"))

    def state(self, now: datetime) -> State:
        """Whether the item counts at ``now``, and if not, why."""
        if self.status != "active":
            return self.status
        until, start = self.valid_until, self.valid_from
        if until is not None and until <= now:
            return "expired"
        if start is not None and start > now:
            return "not_yet_valid"
        return "valid"

    def valid(self, now: datetime) -> bool:
        return self.state(now) == "valid"

    def embedded(self) -> dict[str, Any]:
        """The credential as a CLR or presentation carries it: the JSON object, or a JWT as an
        ``EnvelopedVerifiableCredential`` (VC Data Model 2.0 section 4.13)."""
        if self.jwt:
            return {
                "@context": "https://www.w3.org/ns/credentials/v2",
                "id": "data:application/vc+jwt," + self.text.strip(),
                "type": "EnvelopedVerifiableCredential",
            }
        document: dict[str, Any] = json.loads(self.text)
        return document


def _stored_json(raw: str | bytes) -> Any:
    """JSON that ``parse_json`` accepted before (no duplicate keys, NaN or lone surrogates,
    so orjson reads the same value); what orjson refuses (an integer past 64 bits) is read
    the careful way."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return parse_json(raw)


def moment(value: object) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime (UTC when it names no zone); else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
