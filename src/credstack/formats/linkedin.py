"""LinkedIn "Add to profile" links: a learner adds a credential to the Licenses &
certifications section of their profile, with the fields already filled in.

The link is ``https://www.linkedin.com/profile/add`` with ``startTask=CERTIFICATION_NAME`` and
the certification's fields: ``name``, ``organizationId`` (the issuer's LinkedIn company page
number, when known) or ``organizationName``, ``issueYear``/``issueMonth``,
``expirationYear``/``expirationMonth``, ``certUrl`` and ``certId`` (LinkedIn's "Add to
Profile for Certifications" parameters).

>>> from datetime import date
>>> url = add_to_profile_url(Certification(
...     name="Teamwork", organization_name="Example University", issued=date(2026, 3, 1),
...     cert_url="https://badges.example.edu/credentials/1", cert_id="1"))
>>> url[:82]
'https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Teamwork&or'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final
from urllib.parse import urlencode

from credstack.errors import MalformedCredential

ADD_TO_PROFILE: Final = "https://www.linkedin.com/profile/add"


@dataclass(frozen=True)
class Certification:
    """What LinkedIn shows for a certification."""

    name: str
    organization_name: str
    issued: date
    cert_url: str
    cert_id: str
    expires: date | None = None
    organization_id: str | None = None


def add_to_profile_url(certification: Certification) -> str:
    """The "Add to profile" link for ``certification``."""
    params: dict[str, str | int] = {"startTask": "CERTIFICATION_NAME", "name": certification.name}
    if certification.organization_id:
        params["organizationId"] = certification.organization_id
    params["organizationName"] = certification.organization_name
    params["issueYear"] = certification.issued.year
    params["issueMonth"] = certification.issued.month
    if certification.expires is not None:
        params["expirationYear"] = certification.expires.year
        params["expirationMonth"] = certification.expires.month
    params["certUrl"] = certification.cert_url
    params["certId"] = certification.cert_id
    return f"{ADD_TO_PROFILE}?{urlencode(params)}"


def certification_for(credential: Mapping[str, Any], page_url: str) -> Certification:
    """The certification an issued OB 3.0 credential (VC 2.0 or 1.1 dates) stands for;
    ``page_url`` is its public page, which LinkedIn links to."""
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    issuer = credential.get("issuer")
    name = achievement.get("name") if isinstance(achievement, Mapping) else None
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    issued = _date(credential.get("validFrom") or credential.get("issuanceDate"))
    if not isinstance(name, str) or issued is None:
        raise MalformedCredential(
            "A LinkedIn link needs the credential's achievement name and issue date."
        )
    credential_id = credential.get("id")
    return Certification(
        name=name,
        organization_name=issuer_name if isinstance(issuer_name, str) else "",
        issued=issued,
        expires=_date(credential.get("validUntil") or credential.get("expirationDate")),
        cert_url=page_url,
        cert_id=credential_id if isinstance(credential_id, str) else page_url,
    )


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
