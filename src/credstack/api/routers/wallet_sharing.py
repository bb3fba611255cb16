"""``/wallet``: what a signed-in learner does with their credentials: import one from anywhere,
share some by a public link, download a verifiable presentation, and export everything.

Every route takes ``LearnerDep``, the learner of the request's wallet session; the services
scope each lookup to that learner, so another learner's ids are simply not found.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.adapters.http_fetcher import HttpDocumentFetcher
from credstack.api.deps import LearnerDep, PlatformDep, RawBody, ServicesDep, VerifierDep
from credstack.errors import InvalidInput
from credstack.formats.baked import extract_credential
from credstack.services.imports import MAX_BYTES, Imported
from credstack.services.shares import ShareView
from credstack.store.wallet import HeldCredential

router = APIRouter(prefix="/wallet", tags=["wallet"])

_JSON_TYPES: Final = ("application/json", "application/ld+json", "application/vc")
IMPORT_BODY: Final[dict[str, Any]] = {
    "required": True,
    "description": "The credential itself (JSON, a VC-JWT as application/vc+jwt or text/plain, "
    "or a baked image as image/png or image/svg+xml), or a JSON object naming it: "
    '{"url": "https://..."} (fetched by the server), {"credential": JSON or JWT}, or '
    '{"image": BASE64 of a baked PNG or SVG}.',
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/vc+jwt": {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}},
        "image/png": {"schema": {"type": "string", "format": "binary"}},
        "image/svg+xml": {"schema": {"type": "string", "format": "binary"}},
    },
}


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, from_attributes=True, extra="forbid"
    )


class ImportPublic(_Model):
    id: uuid.UUID = Field(description="The credential's id in the wallet (shares name it).")
    source: str = Field(description="import, or issued when it was issued here to you.")
    created: bool
    credential_id: str | None
    issuer: str | None
    achievement: str | None
    counts_toward_pathways: bool = Field(
        description="True when the credential names one of your addresses (its hash)."
    )
    verification: dict[str, Any] = Field(description="The verification report on import.")

    @classmethod
    def of(cls, found: Imported) -> ImportPublic:
        return cls(
            id=found.id,
            source=found.source,
            created=found.created,
            credential_id=found.credential_id,
            issuer=found.issuer,
            achievement=found.achievement,
            counts_toward_pathways=found.counts_toward_pathways,
            verification=found.report,
        )


class HeldPublic(_Model):
    id: uuid.UUID
    credential_id: str | None
    issuer: str | None
    achievement: str | None
    media_type: str
    counts_toward_pathways: bool
    imported_at: AwareDatetime
    verified_at: AwareDatetime | None
    verification: dict[str, Any] | None
    credential: Any = Field(description="The credential as imported: JSON, or a JWT string.")

    @classmethod
    def of(cls, row: HeldCredential) -> HeldPublic:
        key = row.credential_key
        jwt = row.media_type.endswith("jwt")
        return cls(
            id=row.id,
            credential_id=None if key.startswith("sha256:") else key,
            issuer=row.issuer_id,
            achievement=row.achievement,
            media_type=row.media_type,
            counts_toward_pathways=row.subject_email is not None,
            imported_at=row.created_at,
            verified_at=row.verified_at,
            verification=row.report,
            credential=row.text if jwt else json.loads(row.text),
        )


class ShareCreate(_Model):
    credentials: list[str] = Field(
        min_length=1, max_length=100, description="Wallet ids of the credentials, in order."
    )
    expires_at: AwareDatetime | None = None
    label: str | None = Field(default=None, max_length=200)


class SharePublic(_Model):
    id: uuid.UUID
    label: str | None
    status: str = Field(description="active, expired or revoked.")
    credentials: list[uuid.UUID]
    created_at: AwareDatetime
    expires_at: AwareDatetime | None
    revoked_at: AwareDatetime | None

    @classmethod
    def of(cls, view: ShareView) -> SharePublic:
        share = view.share
        return cls(
            id=share.id,
            label=share.label,
            status=view.status,
            credentials=view.credentials,
            created_at=share.created_at,
            expires_at=share.expires_at,
            revoked_at=share.revoked_at,
        )


class ShareCreated(SharePublic):
    token: str = Field(description="The link's secret, shown this once only.")
    url: str = Field(description="The public link: GET it for the credentials.")


def import_fetcher(platform: PlatformDep) -> HttpDocumentFetcher:
    """The guarded fetcher of URL imports: no cache, at most an import's size."""
    return HttpDocumentFetcher(
        allow_private=platform.settings.allow_private_network, max_bytes=MAX_BYTES, cache_ttl=0
    )


@router.post(
    "/imports",
    status_code=201,
    summary="Import a credential: verified first, kept as received with its report",
    openapi_extra={"requestBody": IMPORT_BODY},
    responses={200: {"description": "Already in the wallet; nothing changed."}},
)
def import_credential(
    learner: LearnerDep,
    services: ServicesDep,
    verifier: VerifierDep,
    platform: PlatformDep,
    body: RawBody,
    content_type: Annotated[str, Header()] = "",
) -> JSONResponse:
    kind = content_type.split(";")[0].strip().lower()
    source = _import_source(body) if kind in _JSON_TYPES else None
    if isinstance(source, str):
        found = services.imports.add_url(
            learner.id,
            source,
            check=verifier.check,
            fetch=import_fetcher(platform).fetch_bytes,
            extract=extract_credential,
        )
    else:
        data = body if source is None else source
        found = services.imports.add(
            learner.id, data, check=verifier.check, extract=extract_credential
        )
    status = 201 if found.created else 200
    return JSONResponse(ImportPublic.of(found).model_dump(mode="json", by_alias=True), status)


@router.get("/imports", summary="Your imported credentials, oldest first")
def list_imports(
    learner: LearnerDep,
    services: ServicesDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[HeldPublic]:
    rows = services.imports.list(learner.id, offset=offset, limit=limit)
    return [HeldPublic.of(row) for row in rows]


@router.get("/imports/{held_id}", summary="One imported credential, with its report")
def get_import(held_id: str, learner: LearnerDep, services: ServicesDep) -> HeldPublic:
    return HeldPublic.of(services.imports.get(learner.id, held_id))


@router.post(
    "/imports/{held_id}/verify",
    summary="Verify an import again (has its issuer revoked it?) and keep the new report",
)
def reverify_import(
    held_id: str, learner: LearnerDep, services: ServicesDep, verifier: VerifierDep
) -> HeldPublic:
    return HeldPublic.of(services.imports.reverify(learner.id, held_id, verifier.check))


@router.delete("/imports/{held_id}", status_code=204, summary="Remove an imported credential")
def delete_import(held_id: str, learner: LearnerDep, services: ServicesDep) -> Response:
    services.imports.delete(learner.id, held_id)
    return Response(status_code=204)


@router.post("/shares", status_code=201, summary="A public link to some of your credentials")
def create_share(
    body: ShareCreate, learner: LearnerDep, services: ServicesDep, platform: PlatformDep
) -> ShareCreated:
    created = services.shares.create(
        learner.id, body.credentials, expires_at=body.expires_at, label=body.label
    )
    public = SharePublic.of(created.view)
    url = f"{platform.settings.base_url.rstrip('/')}/shares/{created.token}"
    return ShareCreated(**public.model_dump(), token=created.token, url=url)


@router.get("/shares", summary="Your share links (never their tokens)")
def list_shares(
    learner: LearnerDep,
    services: ServicesDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[SharePublic]:
    views = services.shares.list(learner.id, offset=offset, limit=limit)
    return [SharePublic.of(view) for view in views]


@router.post("/shares/{share_id}/revoke", summary="End a share link now")
def revoke_share(share_id: str, learner: LearnerDep, services: ServicesDep) -> SharePublic:
    return SharePublic.of(services.shares.revoke(learner.id, share_id))


@router.get(
    "/presentation",
    summary="A W3C VC 2.0 VerifiablePresentation of the chosen credentials (unsigned)",
)
def presentation(
    learner: LearnerDep,
    services: ServicesDep,
    ids: Annotated[list[str], Query(description="Wallet ids; repeat or comma-separate.")],
) -> JSONResponse:
    chosen = [part.strip() for value in ids for part in value.split(",") if part.strip()]
    document = services.exports.presentation(learner.id, chosen)
    return JSONResponse(
        document,
        media_type="application/vp",
        headers={"Content-Disposition": 'attachment; filename="presentation.json"'},
    )


@router.get("/export", summary="Everything in your wallet as one JSON document")
def export(learner: LearnerDep, services: ServicesDep) -> JSONResponse:
    return JSONResponse(
        services.exports.export(learner.id),
        headers={
            "Content-Disposition": 'attachment; filename="credstack-wallet.json"',
            "Cache-Control": "no-store",
        },
    )


def _import_source(body: bytes) -> str | bytes | None:
    """What a JSON body names: a URL (str), the bytes of a credential or image, or None when
    the body is the credential itself."""
    try:
        document = json.loads(body)
    except ValueError:
        return None  # the import says why it is not a credential
    if not isinstance(document, Mapping) or "@context" in document:
        return None  # a credential itself (which may well have an image)
    if not {"url", "credential", "image"} & set(document):
        return None
    if len(document) != 1:
        raise InvalidInput(
            "Name the credential one way: url, credential or image.", code="invalid_request"
        )
    [(key, value)] = document.items()
    if key == "url" and isinstance(value, str):
        return value
    if key == "credential" and isinstance(value, str):
        return value.encode()
    if key == "credential" and isinstance(value, Mapping):
        return json.dumps(value).encode()
    if key == "image" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput("image must be base64.", code="invalid_request") from exc
    raise InvalidInput(
        "url and image are strings; credential is a JSON object or a JWT string.",
        code="invalid_request",
    )
