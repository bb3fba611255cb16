"""The Open Badges 3.0 / Verifiable Credentials 2.0 data model: parse, validate, write back.

``SignedCredential.from_json(text)`` is the front door for a credential received from someone
else: it keeps the exact text, the parsed document, and a typed view. The pydantic models
(``AchievementCredential``, ``Profile``, ...) validate at construction and keep extensions;
``schema.validate`` checks a document against the official OB 3.0 JSON Schemas.

>>> from credstack.model import Profile
>>> Profile.from_json('{"id": "https://example.edu/issuers/1", "type": "Profile"}').to_dict()
{'id': 'https://example.edu/issuers/1', 'type': 'Profile'}
"""

from credstack.model.achievement import (
    Achievement,
    Alignment,
    Criteria,
    Related,
    ResultDescription,
    RubricCriterionLevel,
)
from credstack.model.common import Address, GeoCoordinates, IdentifierEntry, Image, OBModel
from credstack.model.credential import (
    AchievementCredential,
    AchievementSubject,
    EndorsementCredential,
    EndorsementSubject,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Result,
)
from credstack.model.identity import hash_identity, identity_object_for_email, matches_identity
from credstack.model.parse import parse_json
from credstack.model.profile import Profile, ProfileRef
from credstack.model.schema import SchemaIssue, validate
from credstack.model.signed import SignedCredential
from credstack.model.vc import (
    CredentialEnvelope,
    CredentialSchema,
    CredentialStatus,
    CredentialSubject,
    Issuer,
    Proof,
    RefreshService,
    TermsOfUse,
    VerifiableCredential,
)

# Profile and Achievement name EndorsementCredential, whose issuer is a Profile: the one cycle
# of the data model. Both modules see it only for type checking; close it here, once.
_CYCLE = {"EndorsementCredential": EndorsementCredential}
for _model in (
    Profile,
    Achievement,
    AchievementSubject,
    AchievementCredential,
    EndorsementCredential,
):
    _model.model_rebuild(_types_namespace=_CYCLE)
del _model

__all__ = [
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "CredentialEnvelope",
    "CredentialSchema",
    "CredentialStatus",
    "CredentialSubject",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "Issuer",
    "OBModel",
    "OpenBadgeCredential",
    "Profile",
    "ProfileRef",
    "Proof",
    "RefreshService",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
    "SchemaIssue",
    "SignedCredential",
    "TermsOfUse",
    "VerifiableCredential",
    "hash_identity",
    "identity_object_for_email",
    "matches_identity",
    "parse_json",
    "validate",
]
