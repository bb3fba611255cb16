"""Assessment over HTTP: an achievement's assessment settings, submissions of evidence (made by
an issuer-role token on a learner's behalf), the assessors' queue and reviews, evidence files,
and automated awards from a score (``Idempotency-Key`` as for issuing)."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.assessment import EvidenceItem
from credstack.errors import InvalidInput
from credstack.services.assessments import SettingsInput, SubmissionView
from credstack.store.assessment import AssessmentSettings, Review

router = APIRouter(prefix="/orgs/{slug}", tags=["assessment"])


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class AssessmentSettingsPut(_Model):
    prompt: str = Field(max_length=20_000)
    rubric: dict[str, Any] = Field(
        description="{criteria: [{id, name, levels: [...]}], passThreshold}"
    )
    evidence: dict[str, Any] = Field(
        default_factory=dict,
        description="{text?, url?, fileTypes?, maxFileBytes?, maxItems?}",
    )
    reviews_required: Literal[1, 2] = 1


class AssessmentSettingsPublic(_Model):
    achievement: uuid.UUID
    prompt: str
    rubric: dict[str, Any]
    evidence: dict[str, Any]
    reviews_required: int
    updated_at: AwareDatetime

    @classmethod
    def of(cls, row: AssessmentSettings) -> AssessmentSettingsPublic:
        return cls(
            achievement=row.achievement_id,
            prompt=row.prompt,
            rubric=row.rubric,
            evidence=row.evidence_policy,
            reviews_required=row.reviews_required,
            updated_at=row.updated_at,
        )


class TextEvidence(_Model):
    type: Literal["text"]
    text: str = Field(max_length=100_000)


class UrlEvidence(_Model):
    type: Literal["url"]
    url: str = Field(max_length=2048)


class FileEvidence(_Model):
    type: Literal["file"]
    name: str = Field(max_length=255)
    media_type: str = Field(max_length=127)
    # 1 MiB of request body holds files up to about 750 KiB in base64.
    content: str = Field(description="The file's bytes, base64 (RFC 4648 section 4).")

    def decoded(self) -> bytes:
        try:
            return base64.b64decode(self.content, validate=True)
        except binascii.Error as exc:
            raise InvalidInput(
                f"The content of {self.name!r} is not base64.", code="invalid_base64"
            ) from exc


EvidenceEntry = Annotated[TextEvidence | UrlEvidence | FileEvidence, Field(discriminator="type")]


class SubmissionCreate(_Model):
    learner: str = Field(max_length=2048, description="An email address or a DID.")
    evidence: list[EvidenceEntry]

    def items(self) -> list[EvidenceItem]:
        return evidence_items(self.evidence)


def evidence_items(evidence: list[EvidenceEntry]) -> list[EvidenceItem]:
    """The request's evidence as the assessment core's items (files decoded from base64)."""
    items = []
    for entry in evidence:
        if isinstance(entry, TextEvidence):
            items.append(EvidenceItem("text", text=entry.text))
        elif isinstance(entry, UrlEvidence):
            items.append(EvidenceItem("url", url=entry.url))
        else:
            items.append(
                EvidenceItem(
                    "file", name=entry.name, media_type=entry.media_type, content=entry.decoded()
                )
            )
    return items


class ReviewPublic(_Model):
    assessor: str
    levels: dict[str, Any]
    points: str
    decision: str
    comment: str | None
    created_at: AwareDatetime

    @classmethod
    def of(cls, review: Review) -> ReviewPublic:
        return cls(
            assessor=review.assessor,
            levels=review.levels,
            points=review.points,
            decision=review.decision,
            comment=review.comment,
            created_at=review.created_at,
        )


class SubmissionPublic(_Model):
    id: uuid.UUID
    achievement: uuid.UUID
    learner: str
    attempt: int
    status: str
    evidence: list[dict[str, Any]]
    credential: uuid.UUID | None
    reviews: list[ReviewPublic]
    created_at: AwareDatetime
    decided_at: AwareDatetime | None

    @classmethod
    def of(cls, view: SubmissionView) -> SubmissionPublic:
        s = view.submission
        return cls(
            id=s.id,
            achievement=s.achievement_id,
            learner=s.recipient,
            attempt=s.attempt,
            status=s.status,
            # Where a file lies in the store is ours to know.
            evidence=[{k: v for k, v in e.items() if k != "key"} for e in s.evidence],
            credential=s.credential_id,
            reviews=[ReviewPublic.of(r) for r in view.reviews],
            created_at=s.created_at,
            decided_at=s.decided_at,
        )


class ReviewCreate(_Model):
    levels: dict[str, str] = Field(description="The level id chosen for each criterion id.")
    decision: Literal["pass", "fail"] | None = Field(
        default=None, description="Left out: the pass threshold decides."
    )
    comment: str | None = Field(default=None, max_length=20_000)


class ScoreCreate(_Model):
    learner: str = Field(max_length=2048)
    value: str | None = Field(default=None, max_length=200)
    level: str | None = Field(default=None, max_length=2048)
    result_description: str | None = Field(default=None, max_length=2048)


@router.put("/achievements/{achievement_id}/assessment", summary="Set how it is assessed")
def configure(
    slug: str,
    achievement_id: uuid.UUID,
    body: AssessmentSettingsPut,
    services: ServicesDep,
    actor: CurrentActor,
) -> AssessmentSettingsPublic:
    data = SettingsInput(body.prompt, body.rubric, body.evidence, body.reviews_required)
    row = services.assessments.configure(actor, slug, str(achievement_id), data)
    return AssessmentSettingsPublic.of(row)


@router.get("/achievements/{achievement_id}/assessment", summary="How it is assessed")
def read_settings(
    slug: str, achievement_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> AssessmentSettingsPublic:
    return AssessmentSettingsPublic.of(
        services.assessments.settings(actor, slug, str(achievement_id))
    )


@router.post(
    "/achievements/{achievement_id}/assessment/submissions",
    status_code=201,
    summary="Submit evidence",
)
def submit(
    slug: str,
    achievement_id: uuid.UUID,
    body: SubmissionCreate,
    services: ServicesDep,
    actor: CurrentActor,
) -> SubmissionPublic:
    view = services.assessments.submit(actor, slug, str(achievement_id), body.learner, body.items())
    return SubmissionPublic.of(view)


@router.get("/assessment/queue", summary="Submissions waiting for the caller's review")
def queue(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[SubmissionPublic]:
    pending = services.assessments.queue(actor, slug, offset=offset, limit=limit)
    return [SubmissionPublic.of(SubmissionView(s, ())) for s in pending]


@router.get("/submissions/{submission_id}", summary="A submission with its reviews")
def get_submission(
    slug: str, submission_id: uuid.UUID, services: ServicesDep, actor: CurrentActor
) -> SubmissionPublic:
    return SubmissionPublic.of(services.assessments.get(actor, slug, submission_id))


@router.get("/submissions/{submission_id}/evidence/{index}", summary="A submitted file")
def evidence_file(
    slug: str, submission_id: uuid.UUID, index: int, services: ServicesDep, actor: CurrentActor
) -> Response:
    entry, content = services.assessments.evidence_file(actor, slug, submission_id, index)
    return Response(
        content,
        media_type=entry["mediaType"],
        headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/submissions/{submission_id}/reviews", summary="Score, comment, pass or fail")
def review(
    slug: str,
    submission_id: uuid.UUID,
    body: ReviewCreate,
    services: ServicesDep,
    actor: CurrentActor,
) -> SubmissionPublic:
    view = services.assessments.review(
        actor, slug, submission_id, body.levels, decision=body.decision, comment=body.comment
    )
    return SubmissionPublic.of(view)


@router.post(
    "/achievements/{achievement_id}/assessment/scores",
    summary="Automated award: the resultDescription decides the score",
    responses={201: {"content": {"application/json": {}}}},
)
def post_score(
    slug: str,
    achievement_id: uuid.UUID,
    body: ScoreCreate,
    services: ServicesDep,
    actor: CurrentActor,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    outcome = services.assessments.score(
        actor,
        slug,
        str(achievement_id),
        body.learner,
        value=body.value,
        level=body.level,
        description_id=body.result_description,
        idempotency_key=idempotency_key,
    )
    if outcome.credential is None:
        return JSONResponse({"awarded": False, "reason": outcome.judgement.reason})
    record = outcome.credential
    return Response(
        record.text,
        status_code=201,
        media_type=record.media_type,
        headers={"Location": f"/credentials/{record.id}", "Credstack-Credential": str(record.id)},
    )
