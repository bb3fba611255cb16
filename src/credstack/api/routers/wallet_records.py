"""``/wallet/credentials`` and ``/wallet/submissions``: what a signed-in learner holds and has
submitted. Every route acts on the session's own learner (``LearnerDep``) only.

The credentials are those issued here to any of the learner's confirmed addresses and those
held through the Open Badges API (``services.wallet``); submissions reuse the assessment service,
with the same evidence rules as a submission made on the learner's behalf (docs/assessment.md).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import LearnerDep, ReadingLearnerDep, ReadingServicesDep, ServicesDep
from credstack.api.routers.assessment import EvidenceEntry, evidence_items
from credstack.services.achievements import AchievementView
from credstack.services.assessments import SubmissionView
from credstack.services.wallet import JWT_MEDIA_TYPE, WalletCredential, describe
from credstack.store.assessment import AssessmentSettings

router = APIRouter(prefix="/wallet", tags=["wallet"])
Offset = Annotated[int, Query(ge=0, description="Skip this many.")]
Limit = Annotated[int, Query(ge=1, le=500, description="At most this many.")]


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class WalletCredentialPublic(_Model):
    id: uuid.UUID = Field(description="The credential's id in this wallet.")
    source: Literal["issued", "held"] = Field(
        description="issued: by this server to a confirmed address; held: through the OB API."
    )
    status: Literal["active", "revoked", "suspended", "expired"]
    name: str | None
    issuer: str | None
    issued_at: AwareDatetime
    valid_until: AwareDatetime | None
    media_type: str
    credential: dict[str, Any] | str = Field(
        description="The credential: its JSON, or the compact VC-JWT as issued."
    )

    @classmethod
    def of(cls, view: WalletCredential) -> WalletCredentialPublic:
        entry = view.entry
        return cls(
            id=entry.id,
            source=entry.source,
            status=view.status,
            name=view.name,
            issuer=view.issuer,
            issued_at=entry.issued_at,
            valid_until=view.valid_until,
            media_type=entry.media_type,
            credential=entry.text if entry.media_type == JWT_MEDIA_TYPE else view.document,
        )


class WalletSubmissionCreate(_Model):
    achievement_id: str = Field(max_length=2048, description="The achievement's id or URL.")
    email: str | None = Field(
        default=None,
        max_length=320,
        description="The confirmed address the credential goes to; the account's own if left out.",
    )
    evidence: list[EvidenceEntry]


class WalletReviewPublic(_Model):
    levels: dict[str, Any]
    points: str
    decision: str
    comment: str | None
    created_at: AwareDatetime


class WalletSubmissionPublic(_Model):
    id: uuid.UUID
    achievement: str = Field(description="The achievement's id (URL).")
    achievement_name: str
    email: str
    attempt: int
    status: Literal["pending", "passed", "failed"]
    evidence: list[dict[str, Any]]
    credential: uuid.UUID | None = Field(
        description="The wallet id of the credential, once passed."
    )
    reviews: list[WalletReviewPublic] = Field(description="Scores and comments, once decided.")
    created_at: AwareDatetime
    decided_at: AwareDatetime | None

    @classmethod
    def of(cls, view: SubmissionView, achievement: AchievementView) -> WalletSubmissionPublic:
        s = view.submission
        return cls(
            id=s.id,
            achievement=achievement.record.public_id,
            achievement_name=achievement.record.name,
            email=s.recipient,
            attempt=s.attempt,
            status=s.status,
            # Where a file lies in the store is the organisation's to know.
            evidence=[{k: v for k, v in e.items() if k != "key"} for e in s.evidence],
            credential=s.credential_id,
            # Which assessor scored is the organisation's to know, not the learner's.
            reviews=[
                WalletReviewPublic(
                    levels=r.levels,
                    points=r.points,
                    decision=r.decision,
                    comment=r.comment,
                    created_at=r.created_at,
                )
                for r in view.reviews
            ],
            created_at=s.created_at,
            decided_at=s.decided_at,
        )


class AssessmentBrief(_Model):
    achievement: str
    achievement_name: str
    prompt: str
    rubric: dict[str, Any]
    evidence: dict[str, Any]

    @classmethod
    def of(cls, settings: AssessmentSettings, view: AchievementView) -> AssessmentBrief:
        return cls(
            achievement=view.record.public_id,
            achievement_name=view.record.name,
            prompt=settings.prompt,
            rubric=settings.rubric,
            evidence=settings.evidence_policy,
        )


@router.get("/credentials", summary="The learner's credentials, oldest first (X-Total-Count)")
async def list_credentials(
    learner: ReadingLearnerDep,
    services: ReadingServicesDep,
    response: Response,
    offset: Offset = 0,
    limit: Limit = 50,
) -> list[WalletCredentialPublic]:
    page = services.wallet.credentials(
        learner.user, offset=offset, limit=limit, addresses=learner.addresses
    )
    response.headers["X-Total-Count"] = str(page.total)
    now = datetime.now(UTC)
    return [WalletCredentialPublic.of(describe(entry, now)) for entry in page.entries]


@router.get("/credentials/{credential_id}", summary="One of the learner's credentials")
async def read_credential(
    credential_id: str, learner: ReadingLearnerDep, services: ReadingServicesDep
) -> WalletCredentialPublic:
    entry = services.wallet.credential(learner.user, credential_id, addresses=learner.addresses)
    return WalletCredentialPublic.of(describe(entry, datetime.now(UTC)))


@router.get(
    "/assessments/{achievement_id:path}",
    summary="What an assessed achievement asks for: prompt, rubric, evidence accepted",
)
def read_assessment(
    achievement_id: str, learner: LearnerDep, services: ServicesDep
) -> AssessmentBrief:
    settings, view = services.assessments.brief(learner.actor, achievement_id)
    return AssessmentBrief.of(settings, view)


@router.post("/submissions", status_code=201, summary="Submit evidence for an assessed achievement")
def submit(
    body: WalletSubmissionCreate, learner: LearnerDep, services: ServicesDep
) -> WalletSubmissionPublic:
    view = services.assessments.submit_own(
        learner.actor,
        learner.addresses,
        body.achievement_id,
        evidence_items(body.evidence),
        email=body.email,
    )
    return WalletSubmissionPublic.of(
        view, services.achievements.get(view.submission.achievement_id)
    )


@router.get("/submissions", summary="The learner's submissions, newest first")
def list_submissions(
    learner: LearnerDep, services: ServicesDep, offset: Offset = 0, limit: Limit = 50
) -> list[WalletSubmissionPublic]:
    found = services.assessments.own_submissions(
        learner.actor, learner.addresses, offset=offset, limit=limit
    )
    return [WalletSubmissionPublic.of(view, achievement) for view, achievement in found]
