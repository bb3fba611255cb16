"""``/orgs/{slug}/credentials``: issue, list, revoke, suspend and unsuspend (API token of the
organisation, issuer role or above), and the VC-API ``credentials/issue``;
``/orgs/{slug}/status/{id}``: its public status lists."""

from __future__ import annotations

import uuid
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import CurrentActor, ServicesDep
from credstack.api.issue_options import issue_options, stored_achievement_id
from credstack.errors import InvalidInput
from credstack.services.actors import authorize
from credstack.services.issuing import IssueRequest
from credstack.store.credentials import IssuedCredentialRecord

router = APIRouter(prefix="/orgs/{slug}", tags=["credentials"])

# Bitstring Status List v1.0 section 6.3: lists are cached; a flip shows within a minute.
STATUS_CACHE_CONTROL = "public, max-age=60"


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, from_attributes=True, extra="forbid"
    )


class CredentialCreate(_Model):
    recipient: str = Field(max_length=2048, description="An email address or a DID/URL.")
    achievement_id: str | None = Field(default=None, max_length=2048)
    achievement: dict[str, Any] | None = None
    suite: str = "eddsa-rdfc-2022"
    valid_until: AwareDatetime | None = None
    awarded_date: AwareDatetime | None = None
    result: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    evidence: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    status_purpose: Literal["revocation", "suspension"] = "revocation"
    notify: bool = Field(
        default=False, description="Email the learner (an email recipient) the credential's link."
    )


class StatusChange(_Model):
    reason: str | None = Field(default=None, max_length=2000)


class CredentialSummary(_Model):
    """An issued credential as the organisation's lists show it."""

    id: uuid.UUID
    credential_id: str
    name: str
    recipient: str | None
    achievement_id: uuid.UUID | None
    achievement_version: int | None
    suite: str
    status: str
    status_purpose: str
    issued_at: AwareDatetime
    reason: str | None

    @classmethod
    def of(cls, record: IssuedCredentialRecord) -> CredentialSummary:
        return cls(
            id=record.id,
            credential_id=record.credential_id,
            name=record.name,
            recipient=record.recipient_email or record.recipient_did,
            achievement_id=record.achievement_id,
            achievement_version=record.achievement_version,
            suite=record.suite,
            status=record.status,
            status_purpose=record.status_purpose,
            issued_at=record.issued_at,
            reason=record.reason,
        )


@router.post("/credentials", status_code=201, summary="Issue a credential")
def issue_credential(
    slug: str,
    body: CredentialCreate,
    services: ServicesDep,
    actor: CurrentActor,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    request = IssueRequest(**body.model_dump(exclude={"notify"}, by_alias=False))
    record = services.credentials.issue(
        actor, slug, request, idempotency_key=idempotency_key, notify=body.notify
    )
    return Response(
        record.text,
        status_code=201,
        media_type=record.media_type,
        headers={"Location": f"/credentials/{record.id}", "Credstack-Credential": str(record.id)},
    )


@router.get("/credentials", summary="A page of the organisation's credentials")
def list_credentials(
    slug: str,
    services: ServicesDep,
    actor: CurrentActor,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    after: Annotated[
        uuid.UUID | None, Query(description="The id of the last credential of the page before.")
    ] = None,
) -> list[CredentialSummary]:
    records = services.credentials.list(actor, slug, offset=offset, limit=limit, after=after)
    return [CredentialSummary.of(record) for record in records]


class _Subject(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str | None = Field(default=None, max_length=2048)
    # An Achievement, or one of the organisation's published achievements by its id (a string,
    # or an object with only the id): the credential then names the version it was issued for.
    achievement: str | dict[str, Any]
    result: list[dict[str, Any]] = Field(default_factory=list, max_length=100)


class _UnsignedCredential(BaseModel):
    """The part of an unsigned OB 3.0 credential we take; the rest is ours to write."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    issuer: str | dict[str, Any] | None = None
    credential_subject: _Subject = Field(alias="credentialSubject")
    valid_until: AwareDatetime | None = Field(default=None, alias="validUntil")
    evidence: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    proof: Any = None


class IssueCredentialRequest(BaseModel):
    """W3C VC-API (VCALM) IssueCredentialRequest: ``{credential, options}``."""

    model_config = ConfigDict(extra="forbid")

    credential: _UnsignedCredential
    options: dict[str, Any] = Field(default_factory=dict)

    def issue_request(self, issuer_did: str) -> IssueRequest:
        """Our IssueRequest, or InvalidInput when the credential asks for what we cannot do."""
        credential, subject = self.credential, self.credential.credential_subject
        issuer = credential.issuer
        named = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer is not None and named != issuer_did:
            raise InvalidInput(
                f"The credential's issuer must be {issuer_did} or left out.", code="issuer_mismatch"
            )
        if credential.proof is not None:
            raise InvalidInput("The credential is already signed.", code="already_signed")
        # A subject id is a DID or URL (VC 2.0 section 4.4); an email is not a subject id.
        if subject.id is None or ":" not in subject.id or "@" in subject.id.split(":", 1)[0]:
            raise InvalidInput(
                "credentialSubject.id must name the recipient by a DID or URL.",
                code="invalid_recipient",
            )
        options = issue_options(self.options)
        stored = stored_achievement_id(subject.achievement)
        return IssueRequest(
            recipient=subject.id,
            achievement_id=stored,
            achievement=None if stored is not None else subject.achievement,  # type: ignore[arg-type]
            valid_until=credential.valid_until,
            result=subject.result,
            evidence=credential.evidence,
            client_credential_id=options.get("credentialId"),
            proof_id=options.get("proofId"),
        )


@router.post(
    "/credentials/issue",
    status_code=201,
    summary="Issue a credential (VC-API)",
    responses={201: {"content": {"application/json": {}}}},
)
def issue_vc_api(
    slug: str,
    body: IssueCredentialRequest,
    services: ServicesDep,
    actor: CurrentActor,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    organization = services.organizations.get(slug)
    authorize(actor, organization.id, "issue")  # a stranger learns nothing from the body check
    request = body.issue_request(organization.issuer_did)
    record = services.credentials.issue(actor, slug, request, idempotency_key=idempotency_key)
    # The stored text goes out verbatim, inside the VC-API envelope.
    content = f'{{"verifiableCredential": {record.text}}}'
    return Response(content, status_code=201, media_type="application/json")


class CredentialStatusRef(_Model):
    type: Literal["BitstringStatusListEntry"]
    status_purpose: str


class CredentialStatusUpdate(_Model):
    """W3C VC-API (VCALM) UpdateCredentialStatusRequest."""

    credential_id: str = Field(max_length=2048)
    credential_status: CredentialStatusRef
    status: bool


@router.post("/credentials/status", summary="Update a credential's status (VC-API)")
def update_status(
    slug: str, body: CredentialStatusUpdate, services: ServicesDep, actor: CurrentActor
) -> CredentialSummary:
    record = services.credentials.update_status(
        actor,
        slug,
        body.credential_id,
        body.credential_status.status_purpose,
        status=body.status,
    )
    return CredentialSummary.of(record)


@router.post("/credentials/{credential_id}/{change}", summary="Revoke, suspend or unsuspend")
def change_status(
    slug: str,
    credential_id: uuid.UUID,
    change: Literal["revoke", "suspend", "unsuspend"],
    services: ServicesDep,
    actor: CurrentActor,
    body: StatusChange | None = None,
) -> CredentialSummary:
    reason = body.reason if body else None
    action = {
        "revoke": services.credentials.revoke,
        "suspend": services.credentials.suspend,
        "unsuspend": services.credentials.unsuspend,
    }[change]
    return CredentialSummary.of(action(actor, slug, credential_id, reason))


@router.get(
    "/status/{list_id}",
    summary="A signed Bitstring Status List credential (public)",
    responses={200: {"content": {"application/json": {}}}, 304: {"description": "Not modified"}},
)
def status_list(
    slug: str,
    list_id: uuid.UUID,
    services: ServicesDep,
    if_none_match: Annotated[str | None, Header()] = None,
    if_modified_since: Annotated[str | None, Header()] = None,
) -> Response:
    published = services.credentials.published_status_list(slug, list_id)
    headers = {
        "Cache-Control": STATUS_CACHE_CONTROL,
        "ETag": published.etag,
        "Last-Modified": format_datetime(published.last_modified, usegmt=True),
    }
    if not_modified(published.etag, published.last_modified, if_none_match, if_modified_since):
        return Response(status_code=304, headers=headers)
    return Response(published.text, media_type="application/json", headers=headers)


def not_modified(
    etag: str, modified: datetime, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """RFC 9110 section 13.1: If-None-Match wins; If-Modified-Since only without it."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored (section 13.1.3)
    return since.tzinfo is not None and modified <= since
