"""OB 3.0 B.1.14 Profile (issuers, creators, endorsers) and B.1.20 ProfileRef.

>>> issuer = Profile.from_json({"id": "https://example.edu/issuers/1", "type": "Profile"})
>>> issuer.type, issuer.name
(['Profile'], None)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Discriminator, Tag

from credstack.model.common import Address, IdentifierEntry, Image, OBModel
from credstack.model.fields import Date, OneOrMany, Types

if TYPE_CHECKING:
    # A Profile is endorsed by EndorsementCredentials whose issuer is a Profile: the cycle is
    # closed in credstack.model's __init__, which rebuilds this model once both exist.
    from credstack.model.credential import EndorsementCredential


class Profile(OBModel):
    """Describes an individual or organisation: an issuer, a creator, an endorser, a source."""

    required_types = (("Profile",),)

    id: str
    type: Types
    name: str | None = None
    url: str | None = None
    phone: str | None = None
    description: str | None = None
    endorsement: OneOrMany[EndorsementCredential] | None = None
    endorsement_jwt: OneOrMany[str] | None = None
    image: Image | None = None
    email: str | None = None
    address: Address | None = None
    other_identifier: OneOrMany[IdentifierEntry] | None = None
    official: str | None = None
    parent_org: Profile | None = None
    family_name: str | None = None
    given_name: str | None = None
    additional_name: str | None = None
    patronymic_name: str | None = None
    honorific_prefix: str | None = None
    honorific_suffix: str | None = None
    family_name_prefix: str | None = None
    date_of_birth: Date | None = None


def _profile_or_uri(value: object) -> str:
    return "uri" if isinstance(value, str) else "profile"


ProfileRef = Annotated[
    Annotated[Profile, Tag("profile")] | Annotated[str, Tag("uri")],
    Discriminator(_profile_or_uri),
]
"""An issuer: the URI of its Profile, or the Profile itself (OB 3.0 B.1.20)."""


def profile_id(ref: Profile | str) -> str:
    """The id of a ProfileRef, whichever form it has."""
    return ref if isinstance(ref, str) else ref.id
