"""An organisation's issuer Profile: the fields it is made of, their checks, and the OB 3.0
``Profile`` that credentials and the public profile page carry.

>>> from credstack.store.models import Organization
>>> org = Organization(name="Acme", issuer_did="did:web:acme.example", country="NL")
>>> issuer_profile(org)["address"]
{'type': ['Address'], 'addressCountry': 'Netherlands', 'addressCountryCode': 'NL'}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from credstack.errors import InvalidInput
from credstack.model.quality import EU_MICROCREDENTIAL_CONTEXT
from credstack.services import validation
from credstack.store.models import Organization

_Check = Callable[[str], str | None]


def _text(field: str, max_length: int) -> _Check:
    return lambda value: validation.optional_text(value, field=field, max_length=max_length)


def _or_none(check: Callable[[str], str]) -> _Check:
    # A blank value clears an optional field; anything else must pass the check.
    return lambda value: check(value) if value.strip() else None


# The editable fields (snake_case, as the API's camelCase aliases and the CLI options name
# them) and the check each value passes; ``name`` may change but never be cleared.
PROFILE_FIELDS: Final[dict[str, _Check]] = {
    "name": lambda value: validation.text(value, field="name", max_length=200),
    "url": _or_none(validation.http_url),
    "email": _or_none(validation.email),
    "image": _or_none(validation.http_url),
    "description": _text("description", 5000),
    "country": _or_none(validation.country),
    "street_address": _text("street_address", 200),
    "locality": _text("locality", 200),
    "region": _text("region", 200),
    "postal_code": _text("postal_code", 32),
    "accreditation": _text("accreditation", 5000),
    "accreditation_url": _or_none(validation.http_url),
}


def apply_profile(organization: Organization, changes: Mapping[str, str | None]) -> list[str]:
    """Check every change first, then set them; the names of the fields that changed.

    ``None`` (or a blank value) clears a field; an unknown field is refused, not ignored.
    """
    checked: dict[str, str | None] = {}
    for field, value in changes.items():
        check = PROFILE_FIELDS.get(field)
        if check is None:
            raise InvalidInput(
                f"{field!r} is not a profile field; use {', '.join(PROFILE_FIELDS)}.",
                code="unknown_profile_field",
            )
        checked[field] = check(value) if value is not None else None
    if "name" in checked and checked["name"] is None:
        raise InvalidInput("The name cannot be removed.", code="invalid_name")
    changed = [field for field, value in checked.items() if getattr(organization, field) != value]
    for field in changed:
        setattr(organization, field, checked[field])
    return changed


def _address(org: Organization) -> dict[str, Any] | None:
    # OB 3.0 Address: addressCountry is a name, addressCountryCode the ISO 3166-1 alpha-2 code.
    address: dict[str, Any] = {"type": ["Address"]}
    if org.country:
        address["addressCountry"] = validation.country_name(org.country)
        address["addressCountryCode"] = org.country
    for key, value in (
        ("addressRegion", org.region),
        ("addressLocality", org.locality),
        ("streetAddress", org.street_address),
        ("postalCode", org.postal_code),
    ):
        if value:
            address[key] = value
    return address if len(address) > 1 else None


def issuer_profile(org: Organization, *, accreditation: bool = False) -> dict[str, Any]:
    """The OB 3.0 issuer Profile of an organisation, as credentials carry it.

    With ``accreditation`` (only where the document names the EU micro-credential context,
    which defines the term) the statement goes in as ``qualityAssurance`` (elm:accreditation).
    """
    profile: dict[str, Any] = {"id": org.issuer_did, "type": ["Profile"], "name": org.name}
    for key, value in (("url", org.url), ("email", org.email), ("description", org.description)):
        if value:
            profile[key] = value
    if org.image:
        profile["image"] = {"id": org.image, "type": "Image"}
    address = _address(org)
    if address is not None:
        profile["address"] = address
    if accreditation and org.accreditation:
        statement: dict[str, Any] = {"type": "Accreditation", "title": org.accreditation}
        if org.accreditation_url:
            statement["homepage"] = org.accreditation_url
        profile["qualityAssurance"] = [statement]
    return profile


def public_profile(org: Organization) -> dict[str, Any]:
    """The Profile as a JSON-LD document of its own, for ``GET /orgs/{slug}``."""
    contexts = [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    if org.accreditation:
        contexts.append(EU_MICROCREDENTIAL_CONTEXT)
    return {"@context": contexts, **issuer_profile(org, accreditation=True)}
