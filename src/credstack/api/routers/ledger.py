"""``/ledger``: the transparency ledger's public face: the latest signed checkpoint (C2SP
signed note, with the witnesses' cosignatures), inclusion proofs for a credential,
consistency proofs between two sizes, and the door where witnesses hand in cosignatures."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from credstack.api.deps import RawBody, ServicesDep
from credstack.api.ledger_schemas import (
    ConsistencyPublic,
    CosignaturesPublic,
    InclusionPublic,
    LedgerPublic,
    b64,
)
from credstack.errors import InvalidInput

router = APIRouter(prefix="/ledger", tags=["ledger"])

NOTE = "text/plain; charset=utf-8"
# A new checkpoint is signed per batch or per minute: caches may hold one for ten seconds.
CACHE_CONTROL = "public, max-age=10"


@router.get("", summary="The log: origin, verifier key and sizes")
def ledger(services: ServicesDep) -> LedgerPublic:
    latest = services.ledger.latest_size()
    return LedgerPublic(
        origin=services.ledger.origin,
        log_key=services.ledger.log_key.vkey,
        size=services.ledger.size(),
        signed_size=latest,
        checkpoint_url="/ledger/checkpoint",
    )


@router.get(
    "/checkpoint",
    summary="The latest signed checkpoint (c2sp.org/tlog-checkpoint) with cosignatures",
    response_class=PlainTextResponse,
)
def checkpoint(services: ServicesDep) -> PlainTextResponse:
    note = services.ledger.latest_note()
    return PlainTextResponse(note, media_type=NOTE, headers={"Cache-Control": CACHE_CONTROL})


@router.get(
    "/checkpoints/{size}",
    summary="The signed checkpoint of one tree size",
    response_class=PlainTextResponse,
)
def checkpoint_at(size: int, services: ServicesDep) -> PlainTextResponse:
    return PlainTextResponse(services.ledger.note_at(size), media_type=NOTE)


@router.get("/credentials/{credential_id}", summary="A credential's entries with inclusion proofs")
def inclusion(credential_id: uuid.UUID, services: ServicesDep) -> InclusionPublic:
    record = services.credentials.get(credential_id)
    return InclusionPublic.of(services.ledger.inclusion(record.credential_id))


@router.get("/consistency", summary="A consistency proof between two tree sizes")
def consistency(
    services: ServicesDep,
    from_: Annotated[int, Query(alias="from", ge=1)],
    to: Annotated[int, Query(ge=1)],
) -> ConsistencyPublic:
    proof = services.ledger.consistency(from_, to)
    return ConsistencyPublic.model_validate(
        {"from": from_, "to": to, "proof": [b64(h) for h in proof]}
    )


@router.post(
    "/cosignatures",
    summary="Hand in witness cosignatures on one of our checkpoints (the note, as text)",
    openapi_extra={"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def cosignatures(body: RawBody, services: ServicesDep) -> CosignaturesPublic:
    try:
        note = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The note must be UTF-8 text.", code="malformed_note") from exc
    return CosignaturesPublic(accepted=services.ledger.add_cosignatures(note))
