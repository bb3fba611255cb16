"""The signed-in learner's own record: ``/wallet/transcript``, ``/wallet/skills``,
``/wallet/clr`` and ``/wallet/pathways`` (``wallet_records`` lists the credentials themselves).

Each takes a wallet session (``LearnerDep``) and reads only that learner's credentials: those
issued here to any of their confirmed email addresses, and those their wallet holds
(docs/records.md).
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import LearnerDep, ReadingLearnerDep, ReadingServicesDep, ServicesDep
from credstack.services.pathways import FollowedPathway

router = APIRouter(prefix="/wallet", tags=["wallet"])


class WalletClrRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organization: str = Field(
        max_length=200, description="The slug of the organisation that signs the CLR."
    )
    suite: str = Field(
        default="eddsa-rdfc-2022",
        description="eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 or jwt.",
    )
    credentials: list[Annotated[str, Field(max_length=2048)]] | None = Field(
        default=None,
        max_length=500,
        description="The credentials to include (id, or uuid of one issued here); by default "
        "the organisation's valid credentials and the components its stacks name.",
    )


# Read-only: on the event loop, and written with orjson past the response model (which
# documents the answer) as the JSON FastAPI would write, at a fraction of the cost.
@router.get(
    "/transcript",
    summary="The learner's transcript of every credential",
    response_model=dict[str, Any],
)
async def transcript(learner: ReadingLearnerDep, services: ReadingServicesDep) -> Response:
    found = services.records.learner_transcript(learner.user, learner.addresses)
    return _json(found.to_dict())


@router.get(
    "/skills",
    summary="The skills the learner's valid credentials prove",
    response_model=dict[str, Any],
)
async def skills(learner: ReadingLearnerDep, services: ReadingServicesDep) -> Response:
    found = services.records.learner_skills(learner.user, learner.addresses)
    return _json(found.to_dict())


@router.post(
    "/clr",
    summary="The learner's record as a CLR 2.0 ClrCredential signed by an organisation",
    response_class=Response,
    responses={200: {"content": {"application/vc": {}, "application/vc+jwt": {}}}},
)
def export_clr(
    learner: LearnerDep, services: ServicesDep, body: Annotated[WalletClrRequest, Body()]
) -> Response:
    signed = services.records.learner_clr(
        learner.actor,
        learner.user,
        body.organization,
        emails=learner.addresses,
        suite=body.suite,
        credentials=body.credentials,
    )
    return Response(signed.text, media_type=signed.media_type)


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class PathwayStepPublic(_Camel):
    name: str = Field(description="The achievement's name, or the workload asked for.")
    done: bool
    achievement: str | None = Field(description="The achievement's id, for an achievement step.")


class PathwayAwardPublic(_Camel):
    status: str = Field(description="awarded, revoked, or review (flagged for the issuer).")
    credential: uuid.UUID | None = Field(description="The stacked credential's uuid here.")
    created_at: AwareDatetime


class WalletPathwayPublic(_Camel):
    id: uuid.UUID
    name: str
    description: str | None
    organization: str = Field(description="The name of the organisation that awards it.")
    achievement: str = Field(description="The stacked achievement's id.")
    achievement_name: str
    learner: str = Field(description="The address (or DID) the progress is counted for.")
    met: bool
    percent: int = Field(ge=0, le=100, description="Rounded down: 100 only when met.")
    remaining: list[str] = Field(description="A sentence for each requirement still to meet.")
    steps: list[PathwayStepPublic]
    award: PathwayAwardPublic | None

    @classmethod
    def of(cls, followed: FollowedPathway) -> WalletPathwayPublic:
        found = followed.found
        award = found.award
        return cls(
            id=found.pathway.id,
            name=found.pathway.name,
            description=found.pathway.description,
            organization=followed.organization,
            achievement=found.pathway.awards,
            achievement_name=followed.awards_name,
            learner=found.learner,
            met=found.progress.met,
            percent=found.progress.percent,
            remaining=found.progress.remaining,
            steps=[
                PathwayStepPublic(name=s.name, done=s.done, achievement=s.achievement)
                for s in followed.steps
            ],
            award=PathwayAwardPublic(
                status=award.status, credential=award.credential_id, created_at=award.created_at
            )
            if award
            else None,
        )


@router.get(
    "/pathways", summary="The learner's progress along the pathways their credentials count toward"
)
def pathways(learner: LearnerDep, services: ServicesDep) -> list[WalletPathwayPublic]:
    found = services.pathways.followed(learner.actor, learner.addresses)
    return [WalletPathwayPublic.of(f) for f in found]


def _json(value: dict[str, Any]) -> Response:
    """``value`` as FastAPI would write it; orjson refuses only an integer past 64 bits (a
    credential may carry one), which the standard library writes."""
    try:
        data = orjson.dumps(value)
    except orjson.JSONEncodeError:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(data, media_type="application/json")
