"""What issuing carries between its steps: the request, the status index handed out for it,
and, for a batch, its rows once checked (``Prepared``), what the batch reads once
(``BatchReads``) and the rows of a coming batch being signed (``SignedAhead``).

Kept apart from ``services.credentials``, which issues, changes and publishes with them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credstack.errors import Error, InvalidInput
from credstack.issue import IssueCall, SignedText, Suite
from credstack.services.organizations import Signer, SigningKind
from credstack.store.ids import time_ordered_id


@dataclass(frozen=True)
class IssueRequest:
    """What an issue call asks for; its hash tells a retry from a reuse of the key."""

    recipient: str
    achievement_id: str | None = None
    achievement: Mapping[str, Any] | None = None
    suite: str = "eddsa-rdfc-2022"
    valid_until: datetime | None = None
    result: Sequence[Mapping[str, Any]] = ()
    evidence: Sequence[Mapping[str, Any]] = ()
    awarded_date: datetime | None = None
    status_purpose: str = "revocation"
    # VC-API options: the caller's own name for the credential, and the proof's id.
    client_credential_id: str | None = None
    proof_id: str | None = None

    def digest(self) -> str:
        data = {
            "recipient": self.recipient,
            "achievementId": self.achievement_id,
            "achievement": self.achievement,
            "suite": self.suite,
            "validUntil": self.valid_until.isoformat() if self.valid_until else None,
            "result": list(self.result),
            "evidence": list(self.evidence),
            "awardedDate": self.awarded_date.isoformat() if self.awarded_date else None,
            "statusPurpose": self.status_purpose,
        }
        # Only when given, so that the digests stored before these options stay the same.
        if self.client_credential_id is not None:
            data["credentialId"] = self.client_credential_id
        if self.proof_id is not None:
            data["proofId"] = self.proof_id
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Slot:
    """A status list index handed out for one credential."""

    list_id: uuid.UUID
    url: str
    purpose: str
    index: int


Resolved = tuple[dict[str, Any], tuple[uuid.UUID, int] | None, list[str]]


@dataclass(frozen=True)
class Prepared:
    """A row of a batch checked and given its index, waiting for its signature."""

    request: IssueRequest
    suite: Suite
    key: str | None
    slot: Slot
    resolved: Resolved
    # The credential's uuid, chosen before signing: its id is {base_url}/credentials/{uuid}.
    record_id: uuid.UUID = field(default_factory=time_ordered_id)


@dataclass
class BatchReads:
    """What a batch reads once: achievements by id, signers by kind, and its free indexes
    (last first); ``draw``: more may be drawn from the lists when they run out."""

    free: list[Slot]
    draw: bool = True
    achievements: dict[str | None, Resolved] = field(default_factory=dict)
    signers: dict[SigningKind, Signer] = field(default_factory=dict)


class SignedAhead:
    """Rows of a coming batch being signed now (``CredentialService.sign_ahead``), by
    idempotency key; read once by ``issue_batch``, or closed to drop them."""

    def __init__(
        self,
        streams: list[
            tuple[
                str,
                list[tuple[str, Prepared, IssueCall]],
                Generator[SignedText | Error, None, None],
            ]
        ],
    ) -> None:
        self._streams = streams
        self.rows = {
            key: (method, prepared) for method, rows, _ in streams for key, prepared, _ in rows
        }

    def outcomes(self) -> Iterator[tuple[str, Prepared, SignedText | Error]]:
        for _, rows, signed in self._streams:
            for (key, prepared, _), outcome in zip(rows, signed, strict=True):
                yield key, prepared, outcome

    def close(self) -> None:
        for _, _, signed in self._streams:
            signed.close()


def checked_key(value: str) -> str:
    """An Idempotency-Key (a credential's, a bulk job's), trimmed; refused unless it is 1 to
    255 printable characters."""
    key = value.strip()
    if not key or len(key) > 255 or not key.isprintable():
        raise InvalidInput(
            "An Idempotency-Key is 1 to 255 printable characters.", code="invalid_idempotency_key"
        )
    return key
