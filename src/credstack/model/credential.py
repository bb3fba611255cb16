"""Open Badges 3.0 credentials: AchievementCredential (OpenBadgeCredential) and
EndorsementCredential, with their subjects, results, evidence and recipient identities.

>>> credential = AchievementCredential.from_json({
...     "@context": ["https://www.w3.org/ns/credentials/v2",
...                  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
...     "id": "urn:uuid:6a2ed0a4-4d1e-4d0c-9a36-e2c5d1c0c2e1",
...     "type": ["VerifiableCredential", "OpenBadgeCredential"],
...     "issuer": {"id": "https://example.edu/issuers/1", "type": ["Profile"]},
...     "validFrom": "2026-01-01T00:00:00Z",
...     "credentialSubject": {
...         "id": "did:example:learner", "type": ["AchievementSubject"],
...         "achievement": {
...             "id": "https://example.edu/achievements/1", "type": ["Achievement"],
...             "name": "Teamwork", "description": "Works well in a team.",
...             "criteria": {"narrative": "Nominated by peers."},
...         },
...     },
... })
>>> credential.credential_subject.achievement.name
'Teamwork'
"""

from __future__ import annotations

from typing import Self

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from credstack.model.achievement import Achievement, Alignment
from credstack.model.common import Image, Number, OBModel
from credstack.model.fields import DateTimeZ, OneOrMany, Types
from credstack.model.profile import Profile, ProfileRef, profile_id
from credstack.model.vc import (
    CredentialEnvelope,
    CredentialSchema,
    CredentialStatus,
    Proof,
    RefreshService,
    TermsOfUse,
)


class IdentityObject(OBModel):
    """B.1.12: a recipient identifier, in plain text or as a salted hash (see ``identity``)."""

    required_types = (("IdentityObject",),)

    type: Types
    hashed: bool
    identity_hash: str
    identity_type: str
    """IdentifierTypeEnum (emailAddress, sourcedId, ...); its vocabulary is left to the schema."""
    salt: str | None = None


class Result(OBModel):
    """B.1.16: a result the recipient achieved, linked to a ResultDescription of the achievement."""

    required_types = (("Result",),)

    type: Types
    achieved_level: str | None = None
    alignment: OneOrMany[Alignment] | None = None
    result_description: str | None = None
    status: str | None = None
    value: str | None = None


class Evidence(OBModel):
    """B.1.9: the work the recipient did, as a page, a data URI, or a narrative."""

    required_types = (("Evidence",),)

    id: str | None = None
    type: Types
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None


class AchievementSubject(OBModel):
    """B.1.3: the recipient and what they achieved."""

    required_types = (("AchievementSubject",),)

    id: str | None = None
    type: Types
    activity_end_date: DateTimeZ | None = None
    activity_start_date: DateTimeZ | None = None
    credits_earned: Number | None = None
    achievement: Achievement
    identifier: OneOrMany[IdentityObject] | None = None
    image: Image | None = None
    license_number: str | None = None
    narrative: str | None = None
    result: OneOrMany[Result] | None = None
    role: str | None = None
    source: Profile | None = None
    term: str | None = None

    @model_validator(mode="after")
    def _names_the_recipient(self) -> Self:
        if self.id is None and not self.identifier:
            raise PydanticCustomError(
                "missing_recipient",
                "names no recipient: either id or at least one identifier MUST be supplied "
                "(OB 3.0 B.1.3)",
            )
        return self


class EndorsementSubject(OBModel):
    """B.1.8: the endorsed entity (an issuer, an achievement, a credential) and the comment."""

    required_types = (("EndorsementSubject",),)

    id: str
    type: Types
    endorsement_comment: str | None = None


class _OpenBadgeCredential(CredentialEnvelope):
    """What OB 3.0 adds to every credential it defines."""

    id: str
    name: str | None = None
    description: str | None = None
    awarded_date: DateTimeZ | None = None
    issuer: ProfileRef
    evidence: OneOrMany[Evidence] | None = None

    @model_validator(mode="after")
    def _has_valid_from(self) -> Self:
        # validFrom is [1] in OB 3.0; credentials issued under VC 1.1 carry issuanceDate and
        # are still read, so that a verifier can warn about them rather than fail to parse.
        if self.valid_from is None and self.issuance_date is None:
            raise PydanticCustomError(
                "missing_valid_from",
                "has no validFrom (nor, for a VC 1.1 credential, issuanceDate)",
            )
        return self

    @property
    def issuer_id(self) -> str:
        """The issuer's id, whether the issuer is given as a URI or as a Profile."""
        return profile_id(self.issuer)


class AchievementCredential(_OpenBadgeCredential):
    """B.1.2: an awarded achievement, belonging to one recipient."""

    required_types = (("VerifiableCredential",), ("AchievementCredential", "OpenBadgeCredential"))

    image: Image | None = None
    credential_subject: AchievementSubject
    endorsement: OneOrMany[EndorsementCredential] | None = None
    endorsement_jwt: OneOrMany[str] | None = None


OpenBadgeCredential = AchievementCredential
"""OB 3.0 names the same class by both types (section 6.1.2)."""


class EndorsementCredential(_OpenBadgeCredential):
    """B.1.7: a claim that an issuer, achievement or credential is worth trusting."""

    required_types = (("VerifiableCredential",), ("EndorsementCredential",))

    credential_subject: EndorsementSubject

    @model_validator(mode="after")
    def _has_name(self) -> Self:
        # name is [1] in OB 3.0 B.1.7. Endorsements issued under VC 1.1 often have none, and the
        # 1EdTech validator accepts them (CLR fixtures complex.json, simple_v1.json): so do we.
        if self.name is None and self.valid_from is not None:
            raise PydanticCustomError(
                "missing_name", "has no name, which OB 3.0 requires of an EndorsementCredential"
            )
        return self


__all__ = [
    "AchievementCredential",
    "AchievementSubject",
    "CredentialSchema",
    "CredentialStatus",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "IdentityObject",
    "OpenBadgeCredential",
    "Proof",
    "RefreshService",
    "Result",
    "TermsOfUse",
]
