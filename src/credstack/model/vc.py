"""The Verifiable Credentials envelope that every credential shares (VC Data Model 2.0 section 4).

``VerifiableCredential`` is the generic view of any credential, Open Badge or not: contexts,
types, issuer, subject, validity, schemas, status, refresh, terms of use and proofs. The Open
Badges classes in ``credstack.model.credential`` add what OB 3.0 requires on top.

>>> vc = VerifiableCredential.from_json({
...     "@context": ["https://www.w3.org/ns/credentials/v2"],
...     "type": ["VerifiableCredential", "AlumniCredential"],
...     "issuer": "https://vc.example/issuers/5678",
...     "credentialSubject": {"id": "did:example:abcdefgh"},
... })
>>> vc.issuer_id
'https://vc.example/issuers/5678'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from credstack.model.common import OBModel
from credstack.model.fields import DateTimeZ, OneOrMany, Types


class _TypedEntry(OBModel):
    """An entry a verifier acts on by its type; one without is refused (code missing_type)."""

    type_example: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _needs_type(cls, data: object) -> object:
        if isinstance(data, Mapping) and data.get("type") in (None, "", []):
            raise PydanticCustomError(
                "missing_type",
                "has no type, so a verifier cannot tell how to use it; add its type "
                "(for example {example})",
                {"example": cls.type_example},
            )
        return data


class CredentialSchema(_TypedEntry):
    """OB 3.0 B.1.21 / VC 2.0 section 4.11: a data schema the credential conforms to."""

    type_example = "1EdTechJsonSchemaValidator2019"

    id: str
    type: Types


class CredentialStatus(_TypedEntry):
    """OB 3.0 B.1.22 / VC 2.0 section 4.10: where to learn whether the credential is revoked."""

    type_example = "BitstringStatusListEntry"

    id: str | None = None
    type: Types


class RefreshService(_TypedEntry):
    """OB 3.0 B.1.25 / VC 2.0 section 5.4: where to get a fresh copy of the credential."""

    type_example = "1EdTechCredentialRefresh"

    id: str
    type: Types


class TermsOfUse(OBModel):
    """OB 3.0 B.1.26 / VC 2.0 section 5.5: obligations, prohibitions or permissions."""

    id: str | None = None
    type: Types


class Proof(OBModel):
    """OB 3.0 B.1.24: an embedded proof, kept loose: the proof suites read and judge it."""

    type: Types
    created: str | None = None
    cryptosuite: str | None = None
    challenge: str | None = None
    domain: str | None = None
    nonce: str | None = None
    proof_purpose: str | None = None
    proof_value: str | None = None
    verification_method: str | None = None


class CredentialEnvelope(OBModel):
    """The properties every credential carries, Open Badge or not."""

    context: OneOrMany[str | dict[str, Any]] = Field(alias="@context")
    id: str | None = None
    type: Types
    valid_from: DateTimeZ | None = None
    valid_until: DateTimeZ | None = None
    issuance_date: DateTimeZ | None = None
    """VC 1.1 (``https://www.w3.org/2018/credentials/v1``) in place of validFrom."""
    expiration_date: DateTimeZ | None = None
    """VC 1.1 in place of validUntil."""
    credential_schema: OneOrMany[CredentialSchema] | None = None
    credential_status: OneOrMany[CredentialStatus] | None = None
    refresh_service: OneOrMany[RefreshService] | None = None
    terms_of_use: OneOrMany[TermsOfUse] | None = None
    proof: OneOrMany[Proof] | None = None

    @property
    def starts(self) -> datetime | None:
        """When the credential becomes valid: validFrom, or a VC 1.1 issuanceDate."""
        return self.valid_from or self.issuance_date

    @property
    def ends(self) -> datetime | None:
        """When it stops being valid: validUntil, or a VC 1.1 expirationDate."""
        return self.valid_until or self.expiration_date


class Issuer(OBModel):
    """The issuer object of a generic credential: VC 2.0 section 4.7 requires only an id."""

    id: str


class CredentialSubject(OBModel):
    """OB 3.0 B.1.23 / VC 2.0 section 4.8: claims about a subject, which may have an id."""

    id: str | None = None


def _object_or_uri(value: object) -> str:
    return "uri" if isinstance(value, str) else "object"


class VerifiableCredential(CredentialEnvelope):
    """Any verifiable credential (VC Data Model 2.0, or 1.1): the view a verifier starts from."""

    required_types = (("VerifiableCredential",),)

    issuer: Annotated[
        Annotated[Issuer, Tag("object")] | Annotated[str, Tag("uri")],
        Discriminator(_object_or_uri),
    ]
    credential_subject: OneOrMany[CredentialSubject]

    @property
    def issuer_id(self) -> str:
        return self.issuer if isinstance(self.issuer, str) else self.issuer.id
