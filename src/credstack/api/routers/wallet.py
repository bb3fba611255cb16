"""``/wallet``: a learner's own account: sign-in by emailed link, the session, email addresses.

Routes that act for a learner take ``LearnerDep`` (``api.deps``): the learner of the request's
wallet session. Their credentials and submissions are in ``wallet_records``.
"""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.api.deps import LearnerDep, ServicesDep
from credstack.services.learners import EmailAddress

router = APIRouter(prefix="/wallet", tags=["wallet"])


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, from_attributes=True, extra="forbid"
    )


class SignInRequest(_Model):
    email: str = Field(max_length=320)


class LinkToken(_Model):
    token: str = Field(max_length=200, description="The token of the link that was mailed.")


class SignInAccepted(_Model):
    detail: str


class EmailCreate(_Model):
    email: str = Field(max_length=320)


class EmailPublic(_Model):
    email: str
    primary: bool = Field(description="The account's own address (the one it was made with).")
    confirmed: bool
    added_at: AwareDatetime
    confirmed_at: AwareDatetime | None

    @classmethod
    def of(cls, address: EmailAddress) -> EmailPublic:
        return cls(
            email=address.email,
            primary=address.primary,
            confirmed=address.confirmed_at is not None,
            added_at=address.added_at,
            confirmed_at=address.confirmed_at,
        )


class LearnerPublic(_Model):
    id: uuid.UUID
    email: str
    emails: list[EmailPublic]


class SessionPublic(_Model):
    access_token: str = Field(description="The wallet session's bearer token; shown once.")
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the RFC 6750 scheme name
    expires_at: AwareDatetime
    learner: LearnerPublic


SIGN_IN_SENT = (
    "If the address can receive mail, a sign-in link is on its way; it works once, for 15 minutes."
)


@router.post(
    "/sign-in",
    status_code=202,
    summary="Mail a one-time sign-in link (the same answer for every address)",
    responses={
        429: {
            "description": "Too many links for this email address (too_many_links) or from "
            "this client address (too_many_links_from_address); see Retry-After."
        }
    },
)
def request_sign_in(body: SignInRequest, services: ServicesDep) -> SignInAccepted:
    services.learners.request_sign_in(body.email)
    return SignInAccepted(detail=SIGN_IN_SENT)


@router.post("/sign-in/complete", summary="Exchange a sign-in link's token for a session")
def complete_sign_in(body: LinkToken, services: ServicesDep) -> SessionPublic:
    signed_in = services.learners.complete_sign_in(body.token)
    learner = signed_in.learner
    return SessionPublic(
        access_token=signed_in.token,
        expires_at=signed_in.expires_at,
        learner=_learner(services, learner),
    )


@router.post("/sign-out", status_code=204, summary="End this wallet session")
def sign_out(learner: LearnerDep, services: ServicesDep) -> Response:
    services.learners.sign_out(learner)
    return Response(status_code=204)


@router.get("/me", summary="The signed-in learner and their email addresses")
def me(learner: LearnerDep, services: ServicesDep) -> LearnerPublic:
    return _learner(services, learner)


@router.get("/emails", summary="The learner's email addresses")
def list_emails(learner: LearnerDep, services: ServicesDep) -> list[EmailPublic]:
    return [EmailPublic.of(address) for address in services.learners.emails(learner)]


@router.post(
    "/emails", status_code=202, summary="Add an email address (a confirmation link is mailed)"
)
def add_email(body: EmailCreate, learner: LearnerDep, services: ServicesDep) -> EmailPublic:
    return EmailPublic.of(services.learners.add_email(learner, body.email))


@router.post("/emails/confirm", summary="Confirm an address with the mailed link's token")
def confirm_email(body: LinkToken, services: ServicesDep) -> EmailPublic:
    return EmailPublic.of(services.learners.confirm_email(body.token))


@router.delete("/emails/{email}", status_code=204, summary="Remove an address (not the last)")
def remove_email(email: str, learner: LearnerDep, services: ServicesDep) -> Response:
    services.learners.remove_email(learner, email)
    return Response(status_code=204)


def _learner(services: ServicesDep, learner: LearnerDep) -> LearnerPublic:
    emails = [EmailPublic.of(address) for address in services.learners.emails(learner)]
    return LearnerPublic(id=learner.id, email=learner.user.email, emails=emails)
