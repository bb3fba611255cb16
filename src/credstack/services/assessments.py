"""Assessment: an achievement's assessment settings, learners' submissions of evidence, the
assessors' queue and reviews, and automated awards from a score.

Passing issues the credential through ``CredentialService`` with a Result per rubric criterion
(its level) and one for the total score, and the evidence submitted. Submissions are made by an
API token with the issuer role on the learner's behalf, or by the learner from their wallet
(``submit_own``, as one of their confirmed addresses).
"""

from __future__ import annotations

import builtins
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.assessment import (
    Decision,
    EvidenceItem,
    Judgement,
    Rubric,
    Score,
    check_evidence,
    decide,
    judge,
    parse_policy,
    parse_rubric,
    policy_to_json,
    rubric_to_json,
    score,
)
from credstack.errors import Conflict, Forbidden, InvalidInput, NotFound
from credstack.services.achievements import AchievementService, AchievementView
from credstack.services.actors import Actor, authorize, authorize_member
from credstack.services.audit import AuditTrail
from credstack.services.credentials import CredentialService
from credstack.services.held import digest_of
from credstack.services.issuing import IssueRequest
from credstack.services.organizations import OrganizationService
from credstack.services.pathways import learner_key
from credstack.services.ports import NO_EVENTS, EventPublisher, EvidenceStore
from credstack.services.validation import page, uuid_or_none
from credstack.store.assessment import (
    AssessmentRepository,
    AssessmentSettings,
    Review,
    Submission,
)
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.models import Organization

# The credential of a passed submission is the platform's doing; the review is the assessor's.
SYSTEM: Final = Actor.operator("assessment")


@dataclass(frozen=True)
class SettingsInput:
    prompt: str
    rubric: Mapping[str, Any]
    evidence: Mapping[str, Any]
    reviews_required: int = 1


@dataclass(frozen=True)
class SubmissionView:
    submission: Submission
    reviews: tuple[Review, ...]


@dataclass(frozen=True)
class ScoreOutcome:
    judgement: Judgement
    credential: IssuedCredentialRecord | None


class AssessmentService:
    def __init__(
        self,
        session: Session,
        base_url: str,
        audit: AuditTrail,
        organizations: OrganizationService,
        achievements: AchievementService,
        credentials: CredentialService,
        evidence: EvidenceStore,
        events: EventPublisher = NO_EVENTS,
    ) -> None:
        self._session = session
        self._events = events
        self._base_url = base_url.rstrip("/")
        self._audit = audit
        self._organizations = organizations
        self._achievements = achievements
        self._credentials = credentials
        self._evidence = evidence
        self._rows = AssessmentRepository(session)

    def configure(
        self, actor: Actor, slug: str, achievement_id: str, data: SettingsInput
    ) -> AssessmentSettings:
        """Set (or replace) how the achievement is assessed."""
        org, view = self._achievement(slug, achievement_id)
        authorize(actor, org.id, "issue")
        prompt = data.prompt.strip()
        if not prompt or len(prompt) > 20_000:
            raise InvalidInput(
                "The assignment prompt is 1 to 20000 characters.", code="invalid_prompt"
            )
        if data.reviews_required not in (1, 2):
            raise InvalidInput(
                "reviewsRequired is 1, or 2 for a second assessor.", code="invalid_reviews"
            )
        rubric = rubric_to_json(parse_rubric(data.rubric))
        policy = policy_to_json(parse_policy(data.evidence))
        settings = self._rows.settings(view.record.id)
        if settings is None:
            settings = AssessmentSettings(
                achievement_id=view.record.id,
                organization_id=org.id,
                prompt=prompt,
                rubric=rubric,
                evidence_policy=policy,
                reviews_required=data.reviews_required,
            )
            self._rows.add(settings)
        else:
            settings.prompt, settings.rubric, settings.evidence_policy = prompt, rubric, policy
            settings.reviews_required = data.reviews_required
            settings.updated_at = datetime.now(UTC)
            self._session.flush()
        self._audit.record(actor, org.id, "assessment.configured", view.record.public_id)
        return settings

    def settings(self, actor: Actor, slug: str, achievement_id: str) -> AssessmentSettings:
        org, view = self._achievement(slug, achievement_id)
        authorize_member(actor, org.id)
        return self._settings(view)

    def submit(
        self,
        actor: Actor,
        slug: str,
        achievement_id: str,
        learner: str,
        items: Sequence[EvidenceItem],
    ) -> SubmissionView:
        """A learner's evidence for the achievement, submitted on their behalf."""
        org, view = self._achievement(slug, achievement_id)
        authorize(actor, org.id, "issue")
        return self._submit(actor, org, view, learner, items)

    def submit_own(
        self,
        actor: Actor,
        addresses: Sequence[str],
        achievement_id: str,
        items: Sequence[EvidenceItem],
        *,
        email: str | None = None,
    ) -> SubmissionView:
        """A learner's own evidence, from their wallet, as ``email`` (the address the credential
        is issued to): one of their confirmed ``addresses``, the first when left out."""
        if actor.kind != "learner" or not addresses:
            raise Forbidden(
                "Only a signed-in learner submits for themselves.", code="not_a_learner"
            )
        address = email.strip().lower() if email else addresses[0]
        if address not in addresses:
            raise Forbidden(
                f"{address} is not a confirmed address of this wallet; confirm it first.",
                code="email_not_confirmed",
            )
        view = self._achievements.get(achievement_id)
        org = self._session.get(Organization, view.record.organization_id)
        if org is None:  # pragma: no cover - an achievement belongs to an organisation
            raise NotFound(f"No achievement {achievement_id}.", code="achievement_not_found")
        return self._submit(actor, org, view, address, items)

    def brief(
        self, actor: Actor, achievement_id: str
    ) -> tuple[AssessmentSettings, AchievementView]:
        """What a published, assessed achievement asks of a learner (the prompt, rubric and
        evidence accepted); drafts and unassessed achievements are not found."""
        if actor.kind != "learner":
            raise Forbidden("Only a signed-in learner reads this.", code="not_a_learner")
        view = self._achievements.get(achievement_id)
        if view.record.status != "published":
            raise NotFound(
                f"No published achievement {achievement_id}.", code="achievement_not_found"
            )
        return self._settings(view), view

    def own_submissions(
        self, actor: Actor, addresses: Sequence[str], *, offset: int = 0, limit: int = 50
    ) -> builtins.list[tuple[SubmissionView, AchievementView]]:
        """A learner's submissions (made by them or for them to one of their confirmed
        addresses), newest first; reviews only once the submission is decided."""
        if actor.kind != "learner":
            raise Forbidden(
                "Only a signed-in learner reads their submissions.", code="not_a_learner"
            )
        page(offset, limit)
        found = []
        for submission in self._rows.for_learners(addresses, offset=offset, limit=limit):
            decided = submission.status != "pending"
            reviews = tuple(self._rows.reviews(submission.id)) if decided else ()
            view = self._achievements.get(submission.achievement_id)
            found.append((SubmissionView(submission, reviews), view))
        return found

    def _submit(
        self,
        actor: Actor,
        org: Organization,
        view: AchievementView,
        learner: str,
        items: Sequence[EvidenceItem],
    ) -> SubmissionView:
        settings = self._settings(view)
        if view.record.status != "published":
            raise Conflict(
                f"The achievement is {view.record.status}; only a published one is assessed.",
                code="achievement_not_published",
            )
        key, recipient = learner_key(learner)
        check_evidence(parse_policy(settings.evidence_policy), items)
        latest = self._rows.latest(view.record.id, key)
        if latest is not None and latest.status == "pending":
            raise Conflict(
                "The learner's last submission is still being assessed.", code="submission_pending"
            )
        if latest is not None and latest.status == "passed":
            raise Conflict("The learner has passed already.", code="already_passed")
        submission_id = uuid.uuid4()
        evidence = [self._stored(org, submission_id, n, item) for n, item in enumerate(items)]
        submission = Submission(
            id=submission_id,
            organization_id=org.id,
            achievement_id=view.record.id,
            learner=key,
            recipient=recipient,
            attempt=(latest.attempt + 1) if latest else 1,
            evidence=[entry for entry, _ in evidence],
            submitted_by=actor.label,
        )
        try:
            with self._session.begin_nested():
                self._rows.add(submission)
        except IntegrityError as exc:
            raise Conflict(
                "Another submission for this learner arrived at the same time.",
                code="submission_pending",
            ) from exc
        # Files go to the store last, once everything else is accepted; a transaction that
        # fails after this leaves unreferenced files, never a submission without its files.
        for entry, content in evidence:
            if content is not None:
                self._evidence.put(entry["key"], content)
        self._audit.record(
            actor,
            org.id,
            "assessment.submitted",
            str(submission.id),
            {"achievement": view.record.public_id, "attempt": submission.attempt},
        )
        return SubmissionView(submission, ())

    def queue(
        self, actor: Actor, slug: str, *, offset: int = 0, limit: int = 50
    ) -> builtins.list[Submission]:
        """Pending submissions the actor has not reviewed, oldest first."""
        page(offset, limit)
        org = self._organizations.get(slug)
        authorize(actor, org.id, "assess")
        return self._rows.queue(org.id, actor.label, offset=offset, limit=limit)

    def get(self, actor: Actor, slug: str, submission_id: uuid.UUID | str) -> SubmissionView:
        _, submission = self._submission(actor, slug, submission_id)
        return SubmissionView(submission, tuple(self._rows.reviews(submission.id)))

    def evidence_file(
        self, actor: Actor, slug: str, submission_id: uuid.UUID | str, index: int
    ) -> tuple[dict[str, Any], bytes]:
        _, submission = self._submission(actor, slug, submission_id)
        if not 0 <= index < len(submission.evidence) or "key" not in submission.evidence[index]:
            raise NotFound(f"The submission has no file {index}.", code="evidence_not_found")
        entry = submission.evidence[index]
        return entry, self._evidence.get(entry["key"])

    def review(
        self,
        actor: Actor,
        slug: str,
        submission_id: uuid.UUID | str,
        levels: Mapping[str, str],
        *,
        decision: Decision | None = None,
        comment: str | None = None,
    ) -> SubmissionView:
        """Score each criterion, comment, pass or fail; the last review needed decides."""
        org, submission = self._submission(actor, slug, submission_id)
        if submission.status != "pending":
            raise Conflict(f"The submission has {submission.status}.", code="submission_decided")
        settings = self._rows.settings(submission.achievement_id)
        if settings is None:  # pragma: no cover - a submission needs settings
            raise NotFound("The achievement is not assessed.", code="not_assessed")
        reviews = self._rows.reviews(submission.id)
        if any(r.assessor == actor.label for r in reviews):
            raise Conflict(
                "You have reviewed this submission; a second review needs another assessor.",
                code="already_reviewed",
            )
        if comment is not None and len(comment) > 20_000:
            raise InvalidInput("A comment is up to 20000 characters.", code="invalid_comment")
        rubric = parse_rubric(settings.rubric)
        scored = score(rubric, levels)
        decided = decide(scored, decision)
        review = Review(
            submission_id=submission.id,
            assessor=actor.label,
            levels=dict(levels),
            points=str(scored.points),
            decision=decided,
            comment=comment,
        )
        self._rows.add(review)
        self._audit.record(
            actor,
            org.id,
            "assessment.reviewed",
            str(submission.id),
            {"decision": decided, "points": str(scored.points)},
        )
        if decided == "fail":
            self._decide(actor, org, submission, "failed")
        elif self._rows.passes(submission.id) >= settings.reviews_required:
            self._pass(actor, org, submission, rubric, [*reviews, review])
        return SubmissionView(submission, (*reviews, review))

    def score(
        self,
        actor: Actor,
        slug: str,
        achievement_id: str,
        learner: str,
        *,
        value: str | None = None,
        level: str | None = None,
        description_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> ScoreOutcome:
        """An automated award: the achievement's resultDescription decides ``value``/``level``."""
        org, view = self._achievement(slug, achievement_id)
        authorize(actor, org.id, "issue")
        descriptions = view.document.get("resultDescription") or []
        if isinstance(descriptions, dict):
            descriptions = [descriptions]
        judgement = judge(descriptions, value=value, level=level, description_id=description_id)
        if not judgement.met:
            return ScoreOutcome(judgement, None)
        _, recipient = learner_key(learner)
        record = self._credentials.issue(
            actor,
            slug,
            IssueRequest(
                recipient=recipient,
                achievement_id=str(view.record.id),
                result=[judgement.result],
            ),
            idempotency_key=idempotency_key,
        )
        return ScoreOutcome(judgement, record)

    def _pass(
        self,
        actor: Actor,
        org: Organization,
        submission: Submission,
        rubric: Rubric,
        reviews: Sequence[Review],
    ) -> None:
        # With two assessors, the lower passing score goes on the credential.
        passing = [r for r in reviews if r.decision == "pass"]
        chosen = min(passing, key=lambda r: Decimal(r.points))
        scored = score(rubric, chosen.levels)
        view = self._achievements.get(submission.achievement_id)
        record = self._credentials.issue(
            SYSTEM,
            org.slug,
            IssueRequest(
                recipient=submission.recipient,
                achievement_id=str(submission.achievement_id),
                result=_results(view.record.public_id, scored),
                evidence=self._evidence_refs(org, submission),
                awarded_date=datetime.now(UTC).replace(microsecond=0),
            ),
        )
        submission.credential_id = record.id
        self._decide(actor, org, submission, "passed", record)

    def _decide(
        self,
        actor: Actor,
        org: Organization,
        submission: Submission,
        status: str,
        credential: IssuedCredentialRecord | None = None,
    ) -> None:
        submission.status = status
        submission.decided_at = datetime.now(UTC)
        self._session.flush()
        self._audit.record(actor, org.id, f"assessment.{status}", str(submission.id))
        # What an integrator needs to follow up, never the evidence itself.
        self._events.publish(
            org.id,
            "assessment.decided",
            {
                "submission": str(submission.id),
                "achievementId": str(submission.achievement_id),
                "outcome": status,
                "credential": credential.credential_id if credential is not None else None,
            },
        )

    def _evidence_refs(
        self, org: Organization, submission: Submission
    ) -> builtins.list[dict[str, Any]]:
        refs: builtins.list[dict[str, Any]] = []
        for n, entry in enumerate(submission.evidence):
            if entry["type"] == "text":
                refs.append(
                    {"type": ["Evidence"], "name": "Submitted text", "narrative": entry["text"]}
                )
            elif entry["type"] == "url":
                refs.append({"id": entry["url"], "type": ["Evidence"], "name": "Submitted work"})
            else:
                # The file stays with the organisation; its digest lets the learner prove it.
                refs.append(
                    {
                        "id": f"{self._base_url}/orgs/{org.slug}/submissions/{submission.id}"
                        f"/evidence/{n}",
                        "type": ["Evidence"],
                        "name": entry["name"],
                        "digestMultibase": entry["digest"],
                    }
                )
        return refs

    def _stored(
        self, org: Organization, submission_id: uuid.UUID, n: int, item: EvidenceItem
    ) -> tuple[dict[str, Any], bytes | None]:
        if item.kind == "text":
            return {"type": "text", "text": item.text}, None
        if item.kind == "url":
            return {"type": "url", "url": item.url}, None
        entry = {
            "type": "file",
            "name": item.name,
            "mediaType": item.media_type,
            "size": len(item.content),
            "sha256": hashlib.sha256(item.content).hexdigest(),
            "digest": digest_of(item.content),
            "key": f"{org.id}/{submission_id}/{n}",
        }
        return entry, item.content

    def _settings(self, view: AchievementView) -> AssessmentSettings:
        settings = self._rows.settings(view.record.id)
        if settings is None:
            raise NotFound(
                f"{view.record.public_id} has no assessment; set one with PUT .../assessment.",
                code="not_assessed",
            )
        return settings

    def _achievement(self, slug: str, achievement_id: str) -> tuple[Organization, AchievementView]:
        org = self._organizations.get(slug)
        view = self._achievements.get(achievement_id)
        if view.record.organization_id != org.id:
            raise NotFound(
                f"{slug!r} has no achievement {achievement_id}.", code="achievement_not_found"
            )
        return org, view

    def _submission(
        self, actor: Actor, slug: str, submission_id: uuid.UUID | str
    ) -> tuple[Organization, Submission]:
        org = self._organizations.get(slug)
        authorize(actor, org.id, "assess")
        key = uuid_or_none(submission_id)
        submission = self._rows.submission(key) if key is not None else None
        if submission is None or submission.organization_id != org.id:
            raise NotFound(
                f"{slug!r} has no submission {submission_id}.", code="submission_not_found"
            )
        return org, submission


def _results(achievement: str, scored: Score) -> builtins.list[dict[str, Any]]:
    """A Result per criterion (its level, named by an IRI under the achievement) and the total."""
    results: builtins.list[dict[str, Any]] = [
        {
            "type": ["Result"],
            "achievedLevel": f"{achievement}#rubric.{criterion.id}.{level.id}",
            "value": str(level.points),
        }
        for criterion, level in scored.levels
    ]
    results.append({"type": ["Result"], "value": str(scored.points), "status": "Completed"})
    return results
