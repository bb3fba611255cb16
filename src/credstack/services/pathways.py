"""Pathways: define them, follow a learner's progress, award stacked credentials, and apply the
pathway's policy when a component is revoked.

A pathway awards one published achievement of its organisation when its requirement tree
(``credstack.pathways``) is met by a learner's valid credentials from the organisation or the
issuers it trusts. The service listens to ``CredentialService``: after each issue it evaluates
the pathways that count the issuer's credentials for that learner, and issues the stacked
credential when one is met, once: the award row is unique per pathway and learner, and a lock
per learner makes concurrent evaluations take turns, so each sees what the one before committed.
The stacked credential's evidence names each component by id and ``digestMultibase``.
"""

from __future__ import annotations

import builtins
import hashlib
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput, NotFound
from credstack.issue import credential_subject
from credstack.pathways import (
    AchievementRule,
    Held,
    Outcome,
    Pathway,
    Progress,
    Requirement,
    evaluate,
    find_cycle,
    parse_requirements,
    requirements_to_json,
)
from credstack.pathways.rules import WorkloadRule, required_achievements, walk
from credstack.services.achievements import AchievementService
from credstack.services.actors import Actor, authorize, authorize_member
from credstack.services.audit import AuditTrail
from credstack.services.credentials import CredentialService
from credstack.services.held import held_of, held_of_import
from credstack.services.issuing import IssueRequest
from credstack.services.organizations import OrganizationService
from credstack.services.ports import NO_EVENTS, EventPublisher
from credstack.services.validation import page, uuid_or_none
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.holdings import HoldingsRepository
from credstack.store.models import Organization
from credstack.store.organizations import OrganizationRepository
from credstack.store.pathways import (
    AWARD_STATUSES,
    REVOCATION_POLICIES,
    PathwayAward,
    PathwayRecord,
    PathwayRepository,
)

# Awards and the revocations they cause are the platform's doing, not the caller's.
SYSTEM: Final = Actor.operator("pathways")
_DID: Final = re.compile(r"^did:[a-z0-9]+:\S+$")


@dataclass(frozen=True)
class PathwayInput:
    """What an organisation says about a pathway (create, or replace on update)."""

    name: str
    achievement_id: str
    requirements: Mapping[str, Any]
    description: str | None = None
    trusted_issuers: Sequence[str] = ()
    max_age_days: int | None = None
    revocation_policy: str = "revoke"


@dataclass(frozen=True)
class LearnerProgress:
    pathway: PathwayRecord
    learner: str
    progress: Progress
    award: PathwayAward | None


@dataclass(frozen=True)
class PathwayStep:
    """One requirement that is not a group, as a learner reads it: a name, and whether it is met."""

    name: str
    done: bool
    achievement: str | None = None


@dataclass(frozen=True)
class FollowedPathway:
    """A pathway as the learner's wallet shows it: whose it is, what it awards, how far along."""

    found: LearnerProgress
    organization: str
    awards_name: str
    steps: tuple[PathwayStep, ...]


class PathwayService:
    def __init__(
        self,
        session: Session,
        audit: AuditTrail,
        organizations: OrganizationService,
        achievements: AchievementService,
        credentials: CredentialService,
        events: EventPublisher = NO_EVENTS,
    ) -> None:
        self._session = session
        self._events = events
        self._audit = audit
        self._organizations = organizations
        self._achievements = achievements
        self._credentials = credentials
        self._pathways = PathwayRepository(session)
        self._holdings = HoldingsRepository(session)
        self._organization_rows = OrganizationRepository(session)
        # The pathways counting an issuer, per issuer, for this unit of work: a bulk batch
        # issues a hundred credentials of one issuer; create, update and archive forget it.
        self._counting: dict[str, builtins.list[PathwayRecord]] = {}

    def create(self, actor: Actor, slug: str, data: PathwayInput) -> PathwayRecord:
        self._counting.clear()
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        awards, achievement_id, tree, trusted = self._checked(org, data, None)
        record = self._pathways.add(
            PathwayRecord(
                organization_id=org.id,
                name=data.name.strip(),
                description=data.description,
                achievement_id=achievement_id,
                awards=awards,
                requirements=requirements_to_json(tree),
                trusted_issuers=sorted(trusted),
                max_age_days=data.max_age_days,
                revocation_policy=data.revocation_policy,
            ),
            trusted | {org.issuer_did},
        )
        self._session.flush()
        self._audit.record(actor, org.id, "pathway.created", str(record.id), {"awards": awards})
        return record

    def update(
        self, actor: Actor, slug: str, pathway_id: uuid.UUID | str, data: PathwayInput
    ) -> PathwayRecord:
        """Replace the pathway's definition; awards already made stay."""
        self._counting.clear()
        org, record = self._owned(actor, slug, pathway_id, write=True)
        if record.status == "archived":
            raise Conflict("An archived pathway cannot be edited.", code="pathway_archived")
        awards, achievement_id, tree, trusted = self._checked(org, data, record.id)
        record.name = data.name.strip()
        record.description = data.description
        record.achievement_id = achievement_id
        record.awards = awards
        record.requirements = requirements_to_json(tree)
        record.trusted_issuers = sorted(trusted)
        record.max_age_days = data.max_age_days
        record.revocation_policy = data.revocation_policy
        record.updated_at = datetime.now(UTC)
        self._pathways.set_issuers(record, trusted | {org.issuer_did})
        self._session.flush()
        self._audit.record(actor, org.id, "pathway.updated", str(record.id), {"awards": awards})
        return record

    def archive(self, actor: Actor, slug: str, pathway_id: uuid.UUID | str) -> PathwayRecord:
        self._counting.clear()
        """Stop awarding; awards already made stay, and the pathway leaves the cycle graph."""
        org, record = self._owned(actor, slug, pathway_id, write=True)
        if record.status != "archived":
            record.status = "archived"
            record.updated_at = datetime.now(UTC)
            self._session.flush()
            self._audit.record(actor, org.id, "pathway.archived", str(record.id))
        return record

    def get(self, actor: Actor, slug: str, pathway_id: uuid.UUID | str) -> PathwayRecord:
        return self._owned(actor, slug, pathway_id)[1]

    def list(
        self, actor: Actor, slug: str, *, offset: int = 0, limit: int = 50
    ) -> builtins.list[PathwayRecord]:
        page(offset, limit)
        org = self._organizations.get(slug)
        authorize_member(actor, org.id)
        return self._pathways.for_organization(org.id, offset=offset, limit=limit)

    def progress(
        self, actor: Actor, slug: str, pathway_id: uuid.UUID | str, learner: str
    ) -> LearnerProgress:
        """How far ``learner`` (an email address or a DID) is along the pathway."""
        org, record = self._owned(actor, slug, pathway_id)
        key, _ = learner_key(learner)
        progress = evaluate(self._pathway(org, record), self._held(key), datetime.now(UTC))
        return LearnerProgress(record, key, progress, self._pathways.award(record.id, key))

    def followed(self, actor: Actor, addresses: Sequence[str]) -> builtins.list[FollowedPathway]:
        """A signed-in learner's progress along each active pathway that counts an issuer of a
        credential they hold (issued here to one of their confirmed ``addresses``, or imported),
        and whose stacked achievement is published; oldest pathway first.

        Awards are made per address (the components must name one learner), so each pathway is
        shown for the address that is furthest along it: an award first, then the percentage.
        """
        if actor.kind != "learner":
            raise Forbidden(
                "Only a signed-in learner follows their pathways.", code="not_a_learner"
            )
        now = datetime.now(UTC)
        best: dict[uuid.UUID, LearnerProgress] = {}
        for address in addresses:
            key, _ = learner_key(address)
            held = [h for _, h in self._components(key, now).values()]
            for issuer in sorted({h.issuer for h in held}):
                for record in self._pathways.counting(issuer):
                    org = self._org_by_id(record.organization_id)
                    found = LearnerProgress(
                        record,
                        key,
                        evaluate(self._pathway(org, record), held, now),
                        self._pathways.award(record.id, key),
                    )
                    if record.id not in best or _rank(found) > _rank(best[record.id]):
                        best[record.id] = found
        followed = []
        for found in sorted(best.values(), key=lambda f: (f.pathway.created_at, f.pathway.id)):
            stacked = self._achievements.get(found.pathway.achievement_id)
            if stacked.record.status != "published":
                continue
            org = self._org_by_id(found.pathway.organization_id)
            steps = tuple(self._steps(found.progress.root))
            followed.append(FollowedPathway(found, org.name, stacked.record.name, steps))
        return followed

    def _steps(self, outcome: Outcome) -> Iterator[PathwayStep]:
        node = outcome.requirement
        if isinstance(node, AchievementRule):
            yield PathwayStep(self._name(node.achievement), outcome.met, node.achievement)
        elif isinstance(node, WorkloadRule):
            total = f"{(outcome.total or Decimal(0)).normalize():f}"
            name = f"{node.minimum.normalize():f} {node.unit} in all ({total} so far)"
            yield PathwayStep(name, outcome.met)
        else:
            for child in outcome.children:
                yield from self._steps(child)

    def _name(self, achievement_id: str) -> str:
        try:
            view = self._achievements.get(achievement_id)
        except NotFound:
            return achievement_id
        return view.record.name if view.record.public_id == achievement_id else achievement_id

    def award(
        self, actor: Actor, slug: str, pathway_id: uuid.UUID | str, learner: str
    ) -> LearnerProgress:
        """Award the pathway to ``learner`` now if met: for credentials held before it existed."""
        org, record = self._owned(actor, slug, pathway_id, write=True)
        if record.status != "active":
            raise Conflict("An archived pathway awards nothing.", code="pathway_archived")
        key, recipient = learner_key(learner)
        self._pathways.lock_learner(_lock_key(key))
        self._consider(org, record, key, recipient)
        return self.progress(actor, slug, record.id, learner)

    def awards(
        self,
        actor: Actor,
        slug: str,
        pathway_id: uuid.UUID | str,
        *,
        status: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> builtins.list[PathwayAward]:
        page(offset, limit)
        if status is not None and status not in AWARD_STATUSES:
            raise InvalidInput(
                f"status is one of {', '.join(AWARD_STATUSES)}.", code="invalid_award_status"
            )
        _, record = self._owned(actor, slug, pathway_id)
        return self._pathways.awards(record.id, status=status, offset=offset, limit=limit)

    def resolve(
        self,
        actor: Actor,
        slug: str,
        pathway_id: uuid.UUID | str,
        award_id: uuid.UUID | str,
        *,
        keep: bool,
        note: str | None = None,
    ) -> PathwayAward:
        """Settle an award flagged for review: keep it, or revoke its stacked credential."""
        org, record = self._owned(actor, slug, pathway_id, write=True)
        key = uuid_or_none(award_id)
        award = self._pathways.get_award(key) if key is not None else None
        if award is None or award.pathway_id != record.id:
            raise NotFound(f"The pathway has no award {award_id}.", code="award_not_found")
        if award.status != "review":
            raise Conflict(
                f"The award is {award.status}, not flagged for review.", code="award_not_in_review"
            )
        text = note.strip()[:2000] if note else None
        if keep:
            award.status = "awarded"
            award.note = text
            award.updated_at = datetime.now(UTC)
            self._session.flush()
            self._audit.record(actor, org.id, "pathway.award_kept", str(award.id), {"note": text})
        elif award.credential_id is not None:
            # The revocation ends the award through status_changed, with the audit entry.
            self._credentials.revoke(actor, slug, award.credential_id, text)
        return award

    def components(self, award: PathwayAward) -> dict[str, str]:
        return {c.credential_id: c.digest for c in self._pathways.components(award.id)}

    # CredentialListener: called by CredentialService inside its transaction.

    def issuing(self, organization: Organization, recipient: str) -> None:
        # The learner's lock before the issuer's status list: an award issues in another
        # organisation (taking its list) while holding the learner's lock, so taking them the
        # other way round could deadlock two issues racing for one learner.
        if self._pathways.counting(organization.issuer_did):
            self._pathways.lock_learner(_lock_key(learner_key(recipient)[0]))

    def listens(self, organization: Organization) -> bool:
        return bool(self._counting_pathways(organization))

    def issued(self, record: IssuedCredentialRecord) -> None:
        candidates = self._counting_pathways(self._org_by_id(record.organization_id))
        if not candidates:
            return
        key, recipient = _recipient(record)
        self._pathways.lock_learner(_lock_key(key))
        for pathway in candidates:
            owner = self._org_by_id(pathway.organization_id)
            self._consider(owner, pathway, key, recipient)

    def _counting_pathways(self, org: Organization) -> builtins.list[PathwayRecord]:
        # Which pathways count this issuer does not depend on the credentials still pending in
        # this transaction: no flush here, so a bulk batch keeps its one INSERT per batch.
        candidates = self._counting.get(org.issuer_did)
        if candidates is None:
            with self._session.no_autoflush:
                candidates = self._pathways.counting(org.issuer_did)
            self._counting[org.issuer_did] = candidates
        return candidates

    def status_changed(self, record: IssuedCredentialRecord, action: str) -> None:
        if action != "credential.revoked":
            return  # a suspension is temporary: the stacked credential stands
        # A stacked credential revoked by hand ends its award too.
        for award in self._pathways.awards_of(record.id):
            award.status = "revoked"
            award.note = record.reason or "The stacked credential was revoked."
            award.updated_at = datetime.now(UTC)
            self._session.flush()
            self._audit.record(
                SYSTEM,
                award.organization_id,
                "pathway.award_revoked",
                str(award.id),
                {"credential": record.credential_id},
            )
        self.component_revoked(
            record.credential_id, f"Component {record.credential_id} was revoked."
        )

    def component_revoked(self, credential_id: str, note: str) -> None:
        """Apply each pathway's policy to the live awards that stand on ``credential_id``: a
        component revoked here, or an imported one that no longer verifies."""
        for award in self._pathways.awards_on(credential_id):
            pathway = self._pathways.get(award.pathway_id)
            if pathway is None:  # pragma: no cover - a foreign key with cascade
                continue
            award.updated_at = datetime.now(UTC)
            award.note = note
            detail = {"component": credential_id, "policy": pathway.revocation_policy}
            if pathway.revocation_policy == "review":
                award.status = "review"
                self._session.flush()
                self._audit.record(
                    SYSTEM, award.organization_id, "pathway.award_flagged", str(award.id), detail
                )
                continue
            award.status = "revoked"
            self._session.flush()
            self._audit.record(
                SYSTEM, award.organization_id, "pathway.award_revoked", str(award.id), detail
            )
            if award.credential_id is not None:
                owner = self._org_by_id(award.organization_id)
                self._credentials.revoke(SYSTEM, owner.slug, award.credential_id, award.note)

    def _consider(
        self, org: Organization, pathway: PathwayRecord, key: str, recipient: str
    ) -> None:
        """Award ``pathway`` to the learner if it is met and not yet awarded."""
        if self._pathways.award(pathway.id, key) is not None:
            return
        now = datetime.now(UTC)
        held = self._components(key, now)
        progress = evaluate(self._pathway(org, pathway), [h for _, h in held.values()], now)
        if not progress.met:
            return
        stacked = self._achievements.get(pathway.achievement_id)
        if stacked.record.status != "published":
            self._audit.record(
                SYSTEM,
                org.id,
                "pathway.not_awarded",
                str(pathway.id),
                {"learner": key, "reason": f"the achievement is {stacked.record.status}"},
            )
            return
        award = PathwayAward(pathway_id=pathway.id, organization_id=org.id, learner=key)
        if not self._pathways.claim(award):
            return  # another transaction awarded it first
        components = {cid: held[cid][1].digest for cid in progress.components}
        evidence = [
            {
                "id": cid,
                "type": ["Evidence"],
                "name": held[cid][0],
                "description": f"A component of the pathway {pathway.name}.",
                "digestMultibase": digest,
            }
            for cid, digest in components.items()
        ]
        credential = self._credentials.issue(
            SYSTEM,
            org.slug,
            IssueRequest(
                recipient=recipient, achievement_id=str(pathway.achievement_id), evidence=evidence
            ),
        )
        award.credential_id = credential.id
        self._pathways.add_components(award, components)
        self._audit.record(
            SYSTEM,
            org.id,
            "pathway.awarded",
            str(award.id),
            {"pathway": str(pathway.id), "credential": credential.credential_id},
        )
        self._events.publish(
            org.id,
            "pathway.awarded",
            {
                "pathway": str(pathway.id),
                "award": str(award.id),
                "learner": key,
                "credential": credential.credential_id,
                "id": str(credential.id),
            },
        )

    def _pathway(self, org: Organization, record: PathwayRecord) -> Pathway:
        return Pathway(
            awards=record.awards,
            issuer=org.issuer_did,
            requirements=parse_requirements(record.requirements),
            trusted_issuers=frozenset(record.trusted_issuers),
            max_age_days=record.max_age_days,
        )

    def _held(self, key: str) -> builtins.list[Held]:
        return [held for _, held in self._components(key, datetime.now(UTC)).values()]

    def _components(self, key: str, now: datetime) -> dict[str, tuple[str, Held]]:
        """The learner's credentials by id, with a name for the evidence: those issued here
        to them, and the verified imports that name them (by email address)."""
        email, did = _split(key)
        found = {
            record.credential_id: (record.name, held_of(record, now))
            for record in self._pathways.credentials_of(email, did)
        }
        if email is not None:
            for row in self._holdings.imported_for(email):
                name, held = held_of_import(row, now, self._holdings)
                found.setdefault(held.id, (name, held))
        return found

    def imported(self, issuer: str, email: str) -> None:
        """A learner imported a verified credential of ``issuer`` naming them at ``email``:
        award each pathway counting that issuer that it completes (once, like ``issued``)."""
        candidates = self._pathways.counting(issuer)
        if not candidates:
            return
        key, recipient = learner_key(email)
        self._pathways.lock_learner(_lock_key(key))
        for pathway in candidates:
            self._consider(self._org_by_id(pathway.organization_id), pathway, key, recipient)

    def _checked(
        self, org: Organization, data: PathwayInput, current: uuid.UUID | None
    ) -> tuple[str, uuid.UUID, Requirement, set[str]]:
        name = data.name.strip()
        if not name or len(name) > 500:
            raise InvalidInput(
                "A pathway needs a name of 1 to 500 characters.", code="invalid_name"
            )
        if data.revocation_policy not in REVOCATION_POLICIES:
            raise InvalidInput(
                f"revocationPolicy is one of {', '.join(REVOCATION_POLICIES)}.",
                code="invalid_revocation_policy",
            )
        if data.max_age_days is not None and data.max_age_days < 1:
            raise InvalidInput("maxAgeDays is 1 or more.", code="invalid_max_age")
        trusted = set()
        for issuer in data.trusted_issuers:
            if not _DID.match(issuer) or len(issuer) > 2048:
                raise InvalidInput(
                    f"Trusted issuers are named by DID; {issuer!r} is not one.",
                    code="invalid_trusted_issuer",
                )
            trusted.add(issuer)
        trusted.discard(org.issuer_did)
        stacked = self._achievements.get(data.achievement_id)
        if stacked.record.organization_id != org.id:
            raise NotFound(
                f"{org.slug!r} has no achievement {data.achievement_id}.",
                code="achievement_not_found",
            )
        if stacked.record.status != "published":
            raise Conflict(
                f"The stacked achievement is {stacked.record.status}; publish it first.",
                code="achievement_not_published",
            )
        tree = parse_requirements(data.requirements)
        for node in walk(tree):
            if isinstance(node, AchievementRule):
                self._check_node(org, node, trusted)
        awards = stacked.record.public_id
        edges: dict[str, set[str]] = {}
        for other in self._pathways.active():
            if other.id != current:
                required = required_achievements(parse_requirements(other.requirements))
                edges.setdefault(other.awards, set()).update(required)
        edges.setdefault(awards, set()).update(required_achievements(tree))
        cycle = find_cycle(edges, awards)
        if cycle is not None:
            loop = " -> ".join(self._label(a) for a in cycle)
            raise InvalidInput(
                f"The pathway would require its own achievement: {loop}.", code="pathway_cycle"
            )
        return awards, stacked.record.id, tree, trusted

    def _check_node(self, org: Organization, node: AchievementRule, trusted: set[str]) -> None:
        issuer = node.issuer or org.issuer_did
        if issuer != org.issuer_did:
            if issuer not in trusted:
                raise InvalidInput(
                    f"The requirement names issuer {issuer}, which the pathway does not trust; "
                    "add it to trustedIssuers.",
                    code="untrusted_issuer",
                )
            return
        try:
            found = self._achievements.get(node.achievement, organization=org.slug)
        except NotFound:
            found = None
        if found is None or found.record.public_id != node.achievement:
            raise InvalidInput(
                f"{org.slug!r} has no achievement {node.achievement}; name another issuer's "
                "achievement together with its issuer.",
                code="unknown_achievement",
            )

    def _label(self, achievement_id: str) -> str:
        try:
            view = self._achievements.get(achievement_id)
        except NotFound:
            return achievement_id
        if view.record.public_id != achievement_id:
            return achievement_id
        return f"{view.record.name} ({achievement_id})"

    def _org_by_id(self, organization_id: uuid.UUID) -> Organization:
        org = self._organization_rows.by_id(organization_id)
        if org is None:  # pragma: no cover - a foreign key with cascade
            raise NotFound("The organisation is gone.", code="organization_not_found")
        return org

    def _owned(
        self, actor: Actor, slug: str, pathway_id: uuid.UUID | str, *, write: bool = False
    ) -> tuple[Organization, PathwayRecord]:
        org = self._organizations.get(slug)
        if write:
            authorize(actor, org.id, "issue")
        else:
            authorize_member(actor, org.id)
        key = uuid_or_none(pathway_id)
        record = self._pathways.get(key) if key is not None else None
        if record is None or record.organization_id != org.id:
            raise NotFound(f"{slug!r} has no pathway {pathway_id}.", code="pathway_not_found")
        return org, record


def learner_key(value: str) -> tuple[str, str]:
    """The learner's key (a lower-cased email address, or a DID/URL) and how to address them."""
    recipient = value.strip()
    subject = credential_subject(recipient)  # refuses what is neither
    return (recipient.lower() if "identifier" in subject else recipient), recipient


def _recipient(record: IssuedCredentialRecord) -> tuple[str, str]:
    if record.recipient_email is not None:
        return record.recipient_email.lower(), record.recipient_email
    did = record.recipient_did or ""
    return did, did


def _rank(found: LearnerProgress) -> tuple[bool, int]:
    award = found.award
    return (award is not None and award.status == "awarded", found.progress.percent)


def _split(key: str) -> tuple[str | None, str | None]:
    """(email, None) or (None, DID) for a learner key."""
    return (key, None) if "identifier" in credential_subject(key) else (None, key)


def _lock_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
