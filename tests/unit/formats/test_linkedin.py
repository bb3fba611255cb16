"""LinkedIn "Add to profile" links: each parameter, and the certification of a credential."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from credstack.errors import MalformedCredential
from credstack.formats.linkedin import Certification, add_to_profile_url, certification_for

PAGE = "https://badges.example.edu/credentials/5f0c"


def params(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    parsed = parse_qs(parts.query, strict_parsing=True)
    assert all(len(values) == 1 for values in parsed.values())
    return {key: values[0] for key, values in parsed.items()}


def test_every_parameter_is_filled() -> None:
    url = add_to_profile_url(
        Certification(
            name="Data Analysis & Python: Level 2",
            organization_name="Université d'Exemple",
            issued=date(2026, 3, 14),
            expires=date(2028, 11, 30),
            cert_url=PAGE + "?a=1&b=2",
            cert_id="urn:uuid:5f0c",
            organization_id="1234567",
        )
    )
    assert params(url) == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Data Analysis & Python: Level 2",
        "organizationId": "1234567",
        "organizationName": "Université d'Exemple",
        "issueYear": "2026",
        "issueMonth": "3",
        "expirationYear": "2028",
        "expirationMonth": "11",
        "certUrl": PAGE + "?a=1&b=2",
        "certId": "urn:uuid:5f0c",
    }
    assert url.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&")


def test_no_expiry_and_no_company_page_leave_those_parameters_out() -> None:
    url = add_to_profile_url(Certification("Teamwork", "Example", date(2026, 1, 31), PAGE, "5f0c"))
    assert set(params(url)) == {
        "startTask",
        "name",
        "organizationName",
        "issueYear",
        "issueMonth",
        "certUrl",
        "certId",
    }


def credential(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": "https://badges.example.edu/credentials/5f0c",
        "issuer": {"id": "did:web:badges.example.edu", "name": "Example University"},
        "validFrom": "2026-05-02T10:00:00Z",
        "validUntil": "2027-04-30T23:59:59+02:00",
        "credentialSubject": {"achievement": {"name": "Teamwork"}},
    }
    doc.update(changes)
    return doc


def test_the_certification_of_a_credential() -> None:
    found = certification_for(credential(), PAGE)
    assert found == Certification(
        name="Teamwork",
        organization_name="Example University",
        issued=date(2026, 5, 2),
        expires=date(2027, 4, 30),
        cert_url=PAGE,
        cert_id="https://badges.example.edu/credentials/5f0c",
    )


def test_a_vc_1_credential_and_a_bare_issuer() -> None:
    old = credential(issuer="did:web:x", issuanceDate="2025-12-01T00:00:00Z", id=None)
    del old["validFrom"], old["validUntil"]
    found = certification_for(old, PAGE)
    assert (found.organization_name, found.issued, found.expires) == ("", date(2025, 12, 1), None)
    assert found.cert_id == PAGE


@pytest.mark.parametrize(
    "changes",
    [
        {"credentialSubject": {"achievement": {}}},
        {"credentialSubject": "did:example:x"},
        {"validFrom": "not a date"},
        {"validFrom": 2026},
    ],
)
def test_a_credential_without_a_name_or_date_gives_no_link(changes: dict[str, Any]) -> None:
    with pytest.raises(MalformedCredential, match="achievement name and issue date"):
        certification_for(credential(**changes), PAGE)
