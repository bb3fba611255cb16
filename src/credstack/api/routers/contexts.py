"""``/contexts/...``: the JSON-LD contexts that Credstack defines, at the URLs that name them.

Credentials name ``https://credstack.org/contexts/eu-microcredential/v1.json``; a server serves
the same bytes (the bundled, hash-pinned file) so that a deployment can stand at that address
and any JSON-LD processor can read the terms. A versioned context never changes, so it may be
cached for long; CORS is open because browser-based verifiers fetch contexts (JSON-LD 1.1
section 9.1 recommends it).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from credstack.jsonld.loader import context_bytes
from credstack.model.quality import EU_MICROCREDENTIAL_CONTEXT

router = APIRouter(prefix="/contexts", tags=["contexts"])

JSON_LD = "application/ld+json"
CACHE_CONTROL = "public, max-age=86400"


@router.get(
    "/eu-microcredential/v1.json",
    summary="The EU micro-credential extension context (JSON-LD)",
    responses={200: {"content": {JSON_LD: {}}}},
)
def eu_microcredential() -> Response:
    return Response(
        context_bytes(EU_MICROCREDENTIAL_CONTEXT),
        media_type=JSON_LD,
        headers={"Cache-Control": CACHE_CONTROL, "Access-Control-Allow-Origin": "*"},
    )
