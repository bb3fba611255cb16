"""A user's credentials and profile as the Open Badges API and the learner wallet serve them
(OB 3.0 section 6.2): getCredentials, upsertCredential, getProfile and putProfile.

The user's list is every credential issued on this server to one of their confirmed email
addresses (the account's own and those confirmed in the wallet) plus every credential a client
upserted for them. An upserted credential is verified first (the same
checks as POST /verify) and refused with the report when it fails; upserting a credential
with the id of one already held replaces it (the spec's credential equality: same id).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from sqlalchemy.orm import Session

from credstack.errors import InvalidInput, MalformedCredential, NotFound, VerificationFailed
from credstack.model.profile import Profile
from credstack.model.signed import ACHIEVEMENT_TYPES
from credstack.proofs.multibase import base64url_decode
from credstack.services.validation import uuid_or_none
from credstack.store.learners import LearnerRepository
from credstack.store.models import User
from credstack.store.wallet import HeldCredential, LearnerProfile, WalletEntry, WalletRepository
from credstack.verify.report import VerificationReport

Checker = Callable[[str], VerificationReport]
"""Verifies a credential's text and returns the report (``api.verification.Verifier.check``)."""

JWT_MEDIA_TYPE: Final = "application/vc+jwt"
JSON_MEDIA_TYPE: Final = "application/vc"
PROFILE_CONTEXT: Final = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# OB 3.0 CompactJws: three base64url parts (the signature part may not be empty).
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class CredentialPage:
    """One page of a user's credentials and how many there are in all."""

    entries: list[WalletEntry]
    total: int

    @property
    def credential(self) -> list[str]:
        """The JSON texts (Data Integrity credentials), in order."""
        return [e.text for e in self.entries if e.media_type != JWT_MEDIA_TYPE]

    @property
    def compact_jws(self) -> list[str]:
        """The VC-JWT credentials, in order."""
        return [e.text for e in self.entries if e.media_type == JWT_MEDIA_TYPE]


@dataclass(frozen=True)
class Upserted:
    """What upsertCredential did: ``created`` is False when an equal credential was replaced
    (or was one issued here to the user already)."""

    text: str
    jwt: bool
    created: bool


class WalletService:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._repo = WalletRepository(session)
        self._learners = LearnerRepository(session)

    def credentials(
        self,
        user: User,
        *,
        offset: int,
        limit: int,
        since: datetime | None = None,
        addresses: Sequence[str] | None = None,
    ) -> CredentialPage:
        """A page of the user's credentials. ``addresses``: the user's confirmed addresses when
        they are known already (a wallet session reads them with the session); else read."""
        entries, total = self._repo.page(
            user.id,
            self._addresses(user) if addresses is None else addresses,
            since=since,
            offset=offset,
            limit=limit,
        )
        return CredentialPage(entries, total)

    def credential(
        self, user: User, entry_id: uuid.UUID | str, *, addresses: Sequence[str] | None = None
    ) -> WalletEntry:
        """One of the user's credentials by its wallet id; another's is not found.
        ``addresses`` as for ``credentials``."""
        key = uuid_or_none(entry_id)
        entry = None
        if key is not None:
            known = self._addresses(user) if addresses is None else addresses
            entry = self._repo.entry(user.id, known, key)
        if entry is None:
            raise NotFound(f"The wallet has no credential {entry_id}.", code="credential_not_found")
        return entry

    def upsert(self, user: User, body: str, *, jwt: bool, check: Checker) -> Upserted:
        """Verify ``body`` (a JSON credential, or a compact JWS when ``jwt``) and keep it.

        Raises ``VerificationFailed`` with the report when it does not verify, and
        ``InvalidInput`` (``invalid_credential``) when it is not an OpenBadgeCredential in the
        format the request said."""
        text = body.strip() if jwt else body
        if jwt and not _COMPACT_JWS.match(text):
            raise InvalidInput(
                "A text/plain body must be one compact JWS (header.payload.signature).",
                code="invalid_credential",
            )
        report = check(text)
        expected = "jwt" if jwt else "data_integrity"
        if report.format not in (expected, "json"):
            raise InvalidInput(
                f"The body is a {report.format.replace('_', ' ')}, not a credential of the "
                "request's Content-Type (application/json, or text/plain for a VC-JWT).",
                code="invalid_credential",
            )
        if not report.valid:
            raise VerificationFailed(report)
        if not set(report.types) & ACHIEVEMENT_TYPES:
            raise InvalidInput(
                "Only OpenBadgeCredentials (AchievementCredentials) can be upserted here.",
                code="invalid_credential",
            )
        key = report.credential_id or "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        if report.credential_id and self._repo.issued_to(
            self._addresses(user), report.credential_id
        ):
            return Upserted(text, jwt, created=False)
        now = datetime.now(UTC)
        issued_at = _issued_at(report.document or {}) or now
        held = self._repo.held(user.id, key)
        created = held is None
        if held is None:
            held = HeldCredential(user_id=user.id, credential_key=key, created_at=now)
            self._repo.add(held)
        held.issuer_id = report.issuer_id
        held.media_type = JWT_MEDIA_TYPE if jwt else JSON_MEDIA_TYPE
        held.text = text
        held.issued_at = issued_at
        held.updated_at = now
        self._session.flush()
        return Upserted(text, jwt, created)

    def _addresses(self, user: User) -> list[str]:
        return self._learners.confirmed_addresses(user)

    def profile(self, user: User) -> dict[str, Any]:
        """The user's OB Profile: the one they put, or one made from their account."""
        stored = self._repo.profile(user.id)
        if stored is not None:
            return dict(stored.document)
        return {
            "@context": PROFILE_CONTEXT,
            "id": profile_id(user),
            "type": ["Profile"],
            "email": user.email,
        }

    def put_profile(self, user: User, document: object) -> dict[str, Any]:
        """Replace the user's profile with ``document``, a whole OB 3.0 Profile (section
        6.2.5). Its id is the user's and cannot change; left out, it is filled in."""
        if not isinstance(document, Mapping):
            raise InvalidInput("The body must be a Profile JSON object.", code="invalid_profile")
        data = dict(document)
        data.setdefault("id", profile_id(user))
        if data["id"] != profile_id(user):
            raise InvalidInput(
                f"The profile's id is {profile_id(user)} and cannot change.",
                code="invalid_profile",
            )
        try:
            Profile.from_json(data)
        except MalformedCredential as exc:
            raise InvalidInput(exc.message, code="invalid_profile") from exc
        now = datetime.now(UTC)
        stored = self._repo.profile(user.id)
        if stored is None:
            self._repo.add(LearnerProfile(user_id=user.id, document=data, updated_at=now))
        else:
            stored.document = data
            stored.updated_at = now
        self._session.flush()
        return data


@dataclass(frozen=True)
class WalletCredential:
    """A credential of the wallet as the learner sees it: its status now and what it is."""

    entry: WalletEntry
    status: str
    document: dict[str, Any]
    name: str | None
    issuer: str | None
    valid_until: datetime | None


def describe(entry: WalletEntry, now: datetime) -> WalletCredential:
    """``entry`` with its status at ``now`` and its name, issuer and end of validity."""
    document = document_of(entry.text, entry.media_type)
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    name = document.get("name")
    if not isinstance(name, str) and isinstance(achievement, dict):
        name = achievement.get("name")
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return WalletCredential(
        entry=entry,
        status=wallet_status(entry, now, document),
        document=document,
        name=name if isinstance(name, str) else None,
        issuer=issuer if isinstance(issuer, str) else None,
        valid_until=_valid_until(document),
    )


def wallet_status(
    entry: WalletEntry, now: datetime, document: Mapping[str, Any] | None = None
) -> str:
    """``revoked`` or ``suspended`` as this server keeps it, else ``expired`` past the
    credential's ``validUntil`` (``exp`` of a JWT), else ``active``. ``document``: the
    entry's, when it has been read already."""
    if entry.status != "active":
        return entry.status
    if document is None:
        document = document_of(entry.text, entry.media_type)
    until = _valid_until(document)
    return "expired" if until is not None and until <= now else "active"


def document_of(text: str, media_type: str) -> dict[str, Any]:
    """The credential's JSON: the text, or a VC-JWT's payload (already verified, or ours)."""
    try:
        raw = base64url_decode(text.split(".")[1]) if media_type == JWT_MEDIA_TYPE else text
        try:
            payload = orjson.loads(raw)
        except orjson.JSONDecodeError:  # an integer past 64 bits, or not JSON at all
            payload = json.loads(raw)
    except (ValueError, IndexError, InvalidInput):
        return {}
    return payload if isinstance(payload, dict) else {}


def _valid_until(document: Mapping[str, Any]) -> datetime | None:
    for key in ("validUntil", "expirationDate"):
        value = document.get(key)
        if isinstance(value, str):
            return _moment(value)
    exp = document.get("exp")
    if isinstance(exp, int | float):
        return datetime.fromtimestamp(exp, UTC)
    return None


def _moment(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def profile_id(user: User) -> str:
    """The id of a user's Profile: a URN of their account, which has no public page."""
    return f"urn:uuid:{user.id}"


def _issued_at(document: Mapping[str, Any]) -> datetime | None:
    for key in ("validFrom", "issuanceDate"):
        value = document.get(key)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                continue
            if parsed.tzinfo is not None:
                return parsed.astimezone(UTC)
    return None
