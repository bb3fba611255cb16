"""Importing a credential into a learner's wallet: from its JSON, a compact JWT, a baked image,
or a URL fetched through the guarded fetcher.

The credential is verified on import (the checks of POST /verify) and kept exactly as received
with its report. A refusal says why with a stable code: ``not_a_credential``, ``too_large``,
``fetch_failed``, ``verification_failed`` (carrying the report) or ``credential_conflict``.
Importing the same credential again (same id, or same text when it has none) changes nothing.

An import counts toward pathways when it names the learner: its subject's identifier is a hash
of the learner's address (OB 3.0 IdentityObject). A credential naming someone else, or only a
DID nobody here has shown to control, is kept but counts for nothing, since anyone may hold a
copy of a credential that was shared with them.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from credstack.errors import (
    Conflict,
    InvalidInput,
    MalformedCredential,
    NotFound,
    ResolutionError,
    VerificationFailed,
)
from credstack.model.credential import IdentityObject
from credstack.model.identity import matches_identity
from credstack.services.audit import AuditTrail
from credstack.services.holdings import JWT_MEDIA_TYPE, Holdings, learner_actor
from credstack.services.pathways import PathwayService
from credstack.services.validation import page, uuid_or_none
from credstack.store.holdings import HoldingsRepository
from credstack.store.models import User
from credstack.store.wallet import HeldCredential, WalletRepository
from credstack.verify.report import VerificationReport

Checker = Callable[[str], VerificationReport]
"""Verifies a credential's text and returns the report (``api.verification.Verifier.check``)."""
Fetch = Callable[[str], bytes]
"""The body at a URL, through the guarded fetcher; raises ``ResolutionError``."""
Extract = Callable[[bytes], str]
"""The credential baked into a PNG or SVG image (``formats.baked.extract_credential``); raises
``MalformedCredential``, code ``not_baked`` when the image holds none."""

# The verifier's own input limit (verify.pipeline DEFAULT_MAX_BYTES).
MAX_BYTES: Final = 1_048_576
JSON_MEDIA_TYPE: Final = "application/vc"
_COMPACT_JWS = re.compile(rb"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
_PNG: Final = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Imported:
    """The result of an import: the wallet id, whether a new row was made, and what counts.

    ``source`` is ``import``, or ``issued`` when the credential was issued here to the learner
    and so is in the wallet already."""

    id: uuid.UUID
    source: str
    created: bool
    credential_id: str | None
    issuer: str | None
    achievement: str | None
    counts_toward_pathways: bool
    report: dict[str, Any]


class ImportService:
    def __init__(self, session: Session, audit: AuditTrail, pathways: PathwayService) -> None:
        self._session = session
        self._audit = audit
        self._pathways = pathways
        self._holdings = Holdings(session)
        self._repo = HoldingsRepository(session)
        self._wallet = WalletRepository(session)

    def add(
        self, user_id: uuid.UUID, data: bytes, *, check: Checker, extract: Extract | None = None
    ) -> Imported:
        """Import the credential in ``data``: JSON, a compact JWT, or a baked PNG/SVG image."""
        user = self._holdings.learner(user_id)
        return self._import(user, credential_text(data, extract), check)

    def add_url(
        self,
        user_id: uuid.UUID,
        url: str,
        *,
        check: Checker,
        fetch: Fetch,
        extract: Extract | None = None,
    ) -> Imported:
        """Fetch ``url`` (https, public addresses only) and import what it holds."""
        user = self._holdings.learner(user_id)
        try:
            data = fetch(url.strip())
        except ResolutionError as exc:
            code = "too_large" if exc.code == "too_large" else "fetch_failed"
            raise InvalidInput(
                f"The credential could not be fetched: {exc.message}", code=code
            ) from exc
        return self._import(user, credential_text(data, extract), check)

    def list(self, user_id: uuid.UUID, *, offset: int = 0, limit: int = 50) -> list[HeldCredential]:
        """The learner's imports, oldest first."""
        page(offset, limit)
        user = self._holdings.learner(user_id)
        return self._repo.imports(user.id, offset=offset, limit=limit)

    def get(self, user_id: uuid.UUID, held_id: uuid.UUID | str) -> HeldCredential:
        user = self._holdings.learner(user_id)
        key = uuid_or_none(held_id)
        rows = self._repo.held(user.id, [key]) if key is not None else []
        if not rows or rows[0].source != "import":
            raise NotFound(f"You imported no credential {held_id}.", code="credential_not_found")
        return rows[0]

    def delete(self, user_id: uuid.UUID, held_id: uuid.UUID | str) -> None:
        """Remove an import from the wallet (and from every share that named it). Awards it
        helped to earn stand: the credential did not stop being valid."""
        row = self.get(user_id, held_id)
        self._repo.delete(row)
        self._session.flush()
        user = self._holdings.learner(user_id)
        self._audit.record(
            learner_actor(user),
            None,
            "wallet.import_deleted",
            str(row.id),
            {"credential": row.credential_key},
        )

    def reverify(
        self, user_id: uuid.UUID, held_id: uuid.UUID | str, check: Checker
    ) -> HeldCredential:
        """Verify an import again and keep the new report. One that no longer verifies (its
        issuer revoked it, or it expired) stops counting toward pathways, and the awards that
        stand on it follow their pathway's revocation policy."""
        row = self.get(user_id, held_id)
        report = check(row.text)
        was_valid = row.report is None or row.report.get("valid") is True
        row.report = report.to_dict()
        row.verified_at = datetime.now(UTC)
        self._session.flush()
        if was_valid and not report.valid:
            first = report.failures[0].message if report.failures else "a check failed"
            user = self._holdings.learner(user_id)
            self._audit.record(
                learner_actor(user),
                None,
                "wallet.import_invalid",
                str(row.id),
                {"credential": row.credential_key, "reason": first},
            )
            self._pathways.component_revoked(
                row.credential_key, f"Component {row.credential_key} no longer verifies: {first}"
            )
        return row

    def _import(self, user: User, text: str, check: Checker) -> Imported:
        report = check(text)
        parsed = [c for c in report.check("parse") if c.outcome == "failed"]
        if parsed or report.format == "presentation":
            reason = (
                parsed[0].message
                if parsed
                else "It is a presentation; import the credentials it holds one at a time."
            )
            raise VerificationFailed(
                report, code="not_a_credential", message=f"This is not a credential: {reason}"
            )
        if not report.valid:
            first = report.failures[0].message if report.failures else "a check failed"
            raise VerificationFailed(
                report,
                code="verification_failed",
                message=f"The credential did not verify, so it was not imported: {first}",
            )
        document = report.document or {}
        key = report.credential_id or "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        summary = report.to_dict()
        achievement = _achievement_id(document)
        if report.credential_id is not None:
            issued = self._repo.issued_by_credential_id(report.credential_id)
            if issued is not None and (
                issued.recipient_email or ""
            ).lower() in self._holdings.addresses(user):
                return Imported(
                    issued.id,
                    "issued",
                    False,
                    report.credential_id,
                    report.issuer_id,
                    achievement,
                    False,
                    summary,
                )
        jwt = report.format == "jwt"
        held = self._wallet.held(user.id, key)
        created = held is None
        if held is not None and not _same(held.text, text):
            raise Conflict(
                f"Your wallet holds a different credential with the id {key}; delete it first "
                "to import this one.",
                code="credential_conflict",
            )
        now = datetime.now(UTC)
        matched = _named_address(document, self._holdings.addresses(user))
        if held is None:
            held = HeldCredential(
                user_id=user.id,
                credential_key=key,
                media_type=JWT_MEDIA_TYPE if jwt else JSON_MEDIA_TYPE,
                text=text,
                issued_at=_moment(document, "validFrom", "issuanceDate") or now,
                created_at=now,
            )
            self._wallet.add(held)
        held.source = "import"
        held.issuer_id = report.issuer_id
        held.report = summary
        held.verified_at = now
        held.achievement = achievement
        held.valid_until = _moment(document, "validUntil", "expirationDate")
        held.subject_email = matched
        held.updated_at = now
        self._session.flush()
        self._audit.record(
            learner_actor(user),
            None,
            "wallet.credential_imported" if created else "wallet.credential_reimported",
            str(held.id),
            {"credential": key, "issuer": report.issuer_id},
        )
        if matched is not None and report.issuer_id is not None:
            self._pathways.imported(report.issuer_id, matched)
        return Imported(
            held.id,
            "import",
            created,
            report.credential_id,
            report.issuer_id,
            achievement,
            matched is not None,
            summary,
        )


def credential_text(data: bytes, extract: Extract | None = None) -> str:
    """The credential in ``data`` as text: JSON or a compact JWT as received, or the credential
    baked into a PNG or SVG image. ``InvalidInput`` says why there is none."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"The credential is larger than {MAX_BYTES} bytes.", code="too_large")
    head = data.lstrip()[:256]
    if data.startswith(_PNG) or head.startswith(b"<"):
        if extract is None:
            raise InvalidInput(
                "Baked images are not read yet; import the credential's JSON or JWT instead.",
                code="unsupported_format",
            )
        try:
            return extract(data)
        except MalformedCredential as exc:
            code = "not_a_credential" if exc.code == "not_baked" else exc.code
            raise InvalidInput(exc.message, code=code) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "This is not a credential: it is neither UTF-8 JSON, a compact JWT, nor a PNG or "
            "SVG image.",
            code="not_a_credential",
        ) from exc
    if _COMPACT_JWS.match(data.strip()):
        return text.strip()
    if not head.startswith((b"{", b"[")):
        raise InvalidInput(
            "This is not a credential: it is neither JSON, a compact JWT, nor a PNG or SVG image.",
            code="not_a_credential",
        )
    return text


def _same(held: str, received: str) -> bool:
    """The same credential: the same text, or JSON with the same content (spacing aside)."""
    if held == received:
        return True
    try:
        return bool(json.loads(held) == json.loads(received))
    except ValueError:
        return False


def _achievement_id(document: Mapping[str, Any]) -> str | None:
    for subject in _as_list(document.get("credentialSubject")):
        if isinstance(subject, Mapping):
            achievement = subject.get("achievement")
            if isinstance(achievement, Mapping) and isinstance(achievement.get("id"), str):
                return str(achievement["id"])
    return None


def _named_address(document: Mapping[str, Any], emails: list[str]) -> str | None:
    """The one of ``emails`` that an identifier of the credential's subject names, if any."""
    for subject in _as_list(document.get("credentialSubject")):
        if not isinstance(subject, Mapping):
            continue
        for raw in _as_list(subject.get("identifier")):
            if not isinstance(raw, Mapping) or raw.get("identityType") != "emailAddress":
                continue
            try:
                identity = IdentityObject.from_json(raw)
            except MalformedCredential:
                continue
            for email in emails:
                if matches_identity(identity, email):
                    return email
    return None


def _moment(document: Mapping[str, Any], *keys: str) -> datetime | None:
    for key in keys:
        value = document.get(key)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                continue
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]
