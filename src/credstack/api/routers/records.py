"""A learner's record seen by an organisation: ``/orgs/{slug}/learners/{learner}/...``.

Both routes take an API token of the organisation with the issuer role or above. The learner is
an email address (matched in any case) or a DID, as the credentials name them. The transcript
lists what the organisation issued them (and the components its stacked credentials name),
flagging revoked, suspended and expired credentials; the CLR is a signed CLR 2.0
``ClrCredential`` of the valid ones (docs/records.md).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, ConfigDict, Field

from credstack.api.deps import CurrentActor, ServicesDep

router = APIRouter(prefix="/orgs/{slug}/learners/{learner}", tags=["records"])


class ClrRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suite: str = Field(
        default="eddsa-rdfc-2022",
        description="eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 or jwt.",
    )
    credentials: list[Annotated[str, Field(max_length=2048)]] | None = Field(
        default=None,
        max_length=500,
        description="The credentials to include (id URL or uuid); all valid ones if left out.",
    )


@router.get("/transcript", summary="The learner's transcript of this organisation's credentials")
def transcript(
    slug: str, learner: str, services: ServicesDep, actor: CurrentActor
) -> dict[str, Any]:
    return services.records.transcript(actor, slug, learner).to_dict()


@router.post(
    "/clr",
    summary="A signed CLR 2.0 ClrCredential of the learner's valid credentials",
    response_class=Response,
    responses={200: {"content": {"application/vc": {}, "application/vc+jwt": {}}}},
)
def export_clr(
    slug: str,
    learner: str,
    services: ServicesDep,
    actor: CurrentActor,
    body: Annotated[ClrRequest | None, Body()] = None,
) -> Response:
    request = body or ClrRequest()
    signed = services.records.export_clr(
        actor, slug, learner, suite=request.suite, credentials=request.credentials
    )
    return Response(signed.text, media_type=signed.media_type)
