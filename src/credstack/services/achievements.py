"""Achievements: create, read, edit, publish and archive OB 3.0 Achievements, with versions.

An achievement's ``id`` is its public URL, ``{base_url}/orgs/{slug}/achievements/{uuid}``. A
draft is edited in place; editing a published achievement adds a version. Under a quality
profile (``eu-2022``), publishing, and editing once published, require every mandatory element.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from credstack.errors import Conflict, InvalidInput, MalformedCredential, NotFound
from credstack.model import Achievement
from credstack.model.parse import parse_json
from credstack.model.quality import QualityProfileUnmet, QualityReport, assess, check_profile
from credstack.model.schema import validate as validate_schema
from credstack.services.actors import Actor, authorize
from credstack.services.audit import AuditTrail
from credstack.services.profiles import issuer_profile
from credstack.store.achievements import (
    AchievementRecord,
    AchievementRepository,
    AchievementVersion,
)
from credstack.store.models import Organization
from credstack.store.organizations import OrganizationRepository

# A credential wrapping the achievement, to check it against the OB 3.0 JSON Schema, which
# describes Achievement only inside an AchievementCredential.
_SCHEMA_PROBE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://example.org/issuer", "type": ["Profile"]},
    "validFrom": "2020-01-01T00:00:00Z",
}


# What an achievement's public URL shows; archived ones stay, for the credentials that name them.
PUBLIC_STATUSES = frozenset({"published", "archived"})


@dataclass(frozen=True)
class AchievementView:
    """An achievement with the JSON of its current version and its quality report."""

    record: AchievementRecord
    version: int
    document: dict[str, Any]
    text: str
    quality: QualityReport | None


class AchievementService:
    def __init__(self, session: Session, base_url: str, audit: AuditTrail) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._audit = audit
        self._achievements = AchievementRepository(session)
        self._organizations = OrganizationRepository(session)

    def create(
        self,
        actor: Actor,
        *,
        organization: str,
        achievement: Mapping[str, Any] | str | bytes,
        profile: str | None = None,
        publish: bool = False,
    ) -> AchievementView:
        """A new draft achievement (published at once with ``publish``)."""
        org = self._organization(organization)
        authorize(actor, org.id, "issue")
        quality_profile = check_profile(profile) if profile else None
        achievement_id = uuid.uuid4()
        public_id = f"{self._base_url}/orgs/{org.slug}/achievements/{achievement_id}"
        document, text = _checked(achievement, public_id)
        record = self._achievements.add(
            AchievementRecord(
                id=achievement_id,
                organization_id=org.id,
                public_id=public_id,
                name=document["name"][:500],
                status="draft",
                quality_profile=quality_profile,
                current_version=1,
            )
        )
        self._session.flush()
        self._achievements.add_version(
            AchievementVersion(achievement_id=record.id, number=1, document=text)
        )
        self._session.flush()
        self._audit.record(
            actor, org.id, "achievement.created", public_id, {"profile": quality_profile}
        )
        if publish:
            return self.publish(actor, record.id)
        return self._view(record, org)

    def get(
        self, achievement_id: uuid.UUID | str, *, organization: str | None = None
    ) -> AchievementView:
        """An achievement by id or public URL; achievements are public, like issuer profiles.

        With ``organization`` (a slug), an achievement of another organisation is not found.
        """
        record = self._record(achievement_id)
        org = self._organization_of(record)
        if organization is not None and org.slug != organization:
            raise NotFound(
                f"{organization!r} has no achievement {achievement_id}.",
                code="achievement_not_found",
            )
        return self._view(record, org)

    def get_public(self, achievement_id: uuid.UUID | str, *, organization: str) -> AchievementView:
        """What the achievement's public URL shows: published or archived ones, never drafts.

        Archived achievements stay readable so the ids inside issued credentials keep answering.
        """
        view = self.get(achievement_id, organization=organization)
        if view.record.status not in PUBLIC_STATUSES:
            raise NotFound(
                f"{organization!r} has no achievement {achievement_id}.",
                code="achievement_not_found",
            )
        return view

    def list(
        self, organization: str, *, offset: int = 0, limit: int = 50
    ) -> list[AchievementRecord]:
        if offset < 0 or not 1 <= limit <= 500:
            raise InvalidInput(
                "Paging needs offset >= 0 and 1 <= limit <= 500.", code="invalid_paging"
            )
        org = self._organization(organization)
        return self._achievements.for_organization(org.id, offset=offset, limit=limit)

    def update(
        self,
        actor: Actor,
        achievement_id: uuid.UUID | str,
        achievement: Mapping[str, Any] | str | bytes,
    ) -> AchievementView:
        """Edit a draft in place; a published achievement gets a new version."""
        record = self._record(achievement_id)
        org = self._organization_of(record)
        authorize(actor, org.id, "issue")
        if record.status == "archived":
            raise Conflict("An archived achievement cannot be edited.", code="achievement_archived")
        document, text = _checked(achievement, record.public_id)
        if record.status == "published":
            self._require_quality(record, document, org)
            record.current_version += 1
            self._achievements.add_version(
                AchievementVersion(
                    achievement_id=record.id, number=record.current_version, document=text
                )
            )
        else:
            current = self._current(record)
            current.document = text
        record.name = document["name"][:500]
        record.updated_at = datetime.now(UTC)
        self._session.flush()
        self._audit.record(
            actor,
            org.id,
            "achievement.updated",
            record.public_id,
            {"version": record.current_version},
        )
        return self._view(record, org)

    def publish(self, actor: Actor, achievement_id: uuid.UUID | str) -> AchievementView:
        """Make a draft available for issuing; refused when its quality profile is unmet."""
        record = self._record(achievement_id)
        org = self._organization_of(record)
        authorize(actor, org.id, "issue")
        if record.status == "archived":
            raise Conflict(
                "An archived achievement cannot be published.", code="achievement_archived"
            )
        view = self._view(record, org)
        self._require_quality(record, view.document, org)
        if record.status != "published":
            record.status = "published"
            record.updated_at = datetime.now(UTC)
            self._session.flush()
            self._audit.record(
                actor,
                org.id,
                "achievement.published",
                record.public_id,
                {"version": record.current_version},
            )
        return view

    def archive(self, actor: Actor, achievement_id: uuid.UUID | str) -> AchievementView:
        """Stop issuing the achievement; credentials already issued are untouched."""
        record = self._record(achievement_id)
        org = self._organization_of(record)
        authorize(actor, org.id, "issue")
        if record.status != "archived":
            record.status = "archived"
            record.updated_at = datetime.now(UTC)
            self._session.flush()
            self._audit.record(actor, org.id, "achievement.archived", record.public_id)
        return self._view(record, org)

    def _require_quality(
        self, record: AchievementRecord, document: Mapping[str, Any], org: Organization
    ) -> None:
        if record.quality_profile is None:
            return
        report = assess(check_profile(record.quality_profile), document, issuer_profile(org))
        if not report.met:
            raise QualityProfileUnmet(report)

    def _view(self, record: AchievementRecord, org: Organization) -> AchievementView:
        text = self._current(record).document
        document: dict[str, Any] = json.loads(text)
        quality = None
        if record.quality_profile is not None:
            quality = assess(check_profile(record.quality_profile), document, issuer_profile(org))
        return AchievementView(record, record.current_version, document, text, quality)

    def _current(self, record: AchievementRecord) -> AchievementVersion:
        version = self._achievements.version(record.id, record.current_version)
        if version is None:  # pragma: no cover - the service always writes the version
            raise NotFound(f"{record.public_id} has no current version.", code="version_missing")
        return version

    def _record(self, achievement_id: uuid.UUID | str) -> AchievementRecord:
        key: uuid.UUID | None
        if isinstance(achievement_id, uuid.UUID):
            key = achievement_id
        else:
            try:
                key = uuid.UUID(achievement_id.rstrip("/").rsplit("/", 1)[-1])
            except ValueError:
                key = None
        record = self._achievements.get(key) if key is not None else None
        if record is None:
            raise NotFound(f"No achievement {achievement_id}.", code="achievement_not_found")
        return record

    def _organization(self, slug: str) -> Organization:
        org = self._organizations.by_slug(slug)
        if org is None:
            raise NotFound(f"No organisation has the slug {slug!r}.", code="organization_not_found")
        return org

    def _organization_of(self, record: AchievementRecord) -> Organization:
        org = self._organizations.by_id(record.organization_id)
        if org is None:  # pragma: no cover - a foreign key with cascade
            raise NotFound("The achievement's organisation is gone.", code="organization_not_found")
        return org


def _checked(
    achievement: Mapping[str, Any] | str | bytes, public_id: str
) -> tuple[dict[str, Any], str]:
    """The achievement with ``id`` set to ``public_id``, checked by the model and the schema."""
    raw = parse_json(achievement) if isinstance(achievement, str | bytes) else achievement
    if not isinstance(raw, Mapping):
        raise InvalidInput("An achievement is a JSON object.", code="invalid_achievement")
    document = {key: value for key, value in raw.items() if key != "@context"}
    document["id"] = public_id
    try:
        Achievement.from_json(document)
    except MalformedCredential as exc:
        raise InvalidInput(
            f"Not an Open Badges 3.0 Achievement: {exc.message}", code="invalid_achievement"
        ) from exc
    probe = {
        **_SCHEMA_PROBE,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "urn:x:s",
            "achievement": document,
        },
    }
    errors = [issue for issue in validate_schema(probe) if not issue.strict_only]
    if errors:
        raise InvalidInput(
            f"The achievement does not match the Open Badges 3.0 schema at "
            f"{errors[0].path or '/'}: {errors[0].message}",
            code="invalid_achievement",
        )
    return document, json.dumps(document, ensure_ascii=False, indent=2)
