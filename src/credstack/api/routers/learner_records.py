"""The signed-in learner's own record: ``/wallet/transcript``, ``/wallet/skills`` and
``/wallet/clr`` (``wallet_records`` lists the credentials themselves).

Each takes a wallet session (``LearnerDep``) and reads only that learner's credentials: those
issued here to any of their confirmed email addresses, and those their wallet holds
(docs/records.md).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, ConfigDict, Field

from credstack.api.deps import LearnerDep, ServicesDep

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


@router.get("/transcript", summary="The learner's transcript of every credential")
def transcript(learner: LearnerDep, services: ServicesDep) -> dict[str, Any]:
    emails = services.learners.addresses(learner.user)
    return services.records.learner_transcript(learner.user, emails).to_dict()


@router.get("/skills", summary="The skills the learner's valid credentials prove")
def skills(learner: LearnerDep, services: ServicesDep) -> dict[str, Any]:
    emails = services.learners.addresses(learner.user)
    return services.records.learner_skills(learner.user, emails).to_dict()


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
        emails=services.learners.addresses(learner.user),
        suite=body.suite,
        credentials=body.credentials,
    )
    return Response(signed.text, media_type=signed.media_type)
