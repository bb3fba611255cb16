"""PDF certificates: the text read back out of the PDF with pypdf, and the QR code decoded back
out of it with ZXing."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from pypdf import PdfReader

from credstack.errors import ConfigurationError, MalformedCredential
from credstack.formats.certificate import (
    HOLDER,
    Certificate,
    CertificateFonts,
    certificate_for,
    eu_elements,
    render_certificate,
)
from credstack.model.quality import ECTS

PAGE = "https://badges.example.edu/credentials/5f0c7e9a-2b1d-4c7e-9f0a-0e4c1b2a3d4e"
VERIFY = (
    "https://badges.example.edu/verify?url=https%3A%2F%2Fbadges.example.edu%2Fcredentials%2F5f0c"
)
FONTS = CertificateFonts.dejavu()


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def credential(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": PAGE,
        "issuer": {
            "id": "did:web:badges.example.edu",
            "name": "Université de Liège",
            "address": {"type": ["Address"], "addressCountry": "BE"},
        },
        "validFrom": "2026-03-14T09:00:00Z",
        "validUntil": "2028-03-13T23:59:59Z",
        "credentialSubject": {
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": "sha256$abc",
                },
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": "Zoë Ångström-Łukasiewicz",
                },
            ],
            "achievement": {
                "name": "Data Analysis with Python — Level 2",
                "description": "Cleans, analyses and presents data sets with pandas.",
                "creditPoint": {"point": "5", "framework": ECTS},
                "eqfLevel": "http://data.europa.eu/snb/eqf/6",
                "learningOutcome": [{"title": "Clean a data set"}, "Present findings"],
                "assessment": {"title": "Supervised online examination"},
                "learningMode": ["http://data.europa.eu/snb/learning-assessment/online"],
                "qualityAssurance": {"noteLiteral": {"en": "Accredited by AEQES"}},
            },
            "result": [
                {"type": ["Result"], "value": "A"},
                {"type": ["Result"], "status": "Completed"},
                {"type": ["Result"]},
            ],
        },
    }
    doc.update(changes)
    return doc


def test_the_certificate_says_what_the_credential_says() -> None:
    page = certificate_for(
        credential(), page_url=PAGE, verify_url=VERIFY, status="Valid on 1 May 2026"
    )
    text = text_of(render_certificate(page, FONTS))
    for expected in (
        "Zoë Ångström-Łukasiewicz",
        "Data Analysis with Python — Level 2",
        "Cleans, analyses and presents data sets with pandas.",
        "Issued by Université de Liège on 14 March 2026; valid until 13 March 2028.",
        "Result A",
        "Result Completed",
        "Workload 5 ECTS",
        "EQF level 6",
        "Learning outcomes Clean a data set; Present findings",
        "Assessment Supervised online examination",
        "Quality assurance Accredited by AEQES",
        "Form of participation online",
        "Country of the awarding body BE",
        "Valid on 1 May 2026",
        f"Verify this credential at {VERIFY}",
        f"Credential {PAGE}",
    ):
        assert expected in text, expected


def test_the_qr_code_in_the_pdf_leads_to_the_public_page() -> None:
    page = certificate_for(credential(), page_url=PAGE, verify_url=VERIFY)
    reader = PdfReader(io.BytesIO(render_certificate(page, FONTS)))
    images = reader.pages[0].images
    assert len(images) == 1
    assert [found.text for found in zxingcpp.read_barcodes(images[0].image)] == [PAGE]


def test_without_a_plain_name_the_holder_is_not_named() -> None:
    subject = credential()["credentialSubject"]
    subject["identifier"] = subject["identifier"][:1]
    page = certificate_for(credential(credentialSubject=subject), page_url=PAGE, verify_url=VERIFY)
    assert page.learner is None
    text = text_of(render_certificate(page, FONTS))
    assert HOLDER in text
    assert "sha256" not in text


def test_a_vc_1_credential_with_little_in_it() -> None:
    old = {
        "issuer": "did:web:acme.example",
        "issuanceDate": "2025-12-01T00:00:00Z",
        "credentialSubject": {"name": "Ada", "achievement": {"name": "Teamwork"}},
    }
    page = certificate_for(old, page_url=PAGE, verify_url=VERIFY)
    assert page == Certificate(
        achievement="Teamwork",
        issuer="did:web:acme.example",
        issued=date(2025, 12, 1),
        page_url=PAGE,
        verify_url=VERIFY,
        credential_id=PAGE,
        learner="Ada",
    )
    text = text_of(render_certificate(page, FONTS))
    assert "Issued by did:web:acme.example on 01 December 2025." in text
    assert "Result" not in text


def test_workload_as_hours_and_other_eu_elements() -> None:
    achievement = {
        "volumeOfLearning": "PT40H",
        "qfEheaLevel": "http://data.europa.eu/snb/qf-ehea/first-cycle",
        "entryRequirement": "None",
        "supervisionAndIdentityVerification": {"noteLiteral": "Online with ID check"},
        "creditPoint": [{"framework": ECTS}, {"point": "3"}],
    }
    assert eu_elements(achievement, {}) == [
        ("Workload", "3 credits"),
        ("QF-EHEA level", "first-cycle"),
        ("Prerequisites", "None"),
        ("Supervision and identity verification", "Online with ID check"),
    ]
    assert eu_elements({"volumeOfLearning": "PT40H"}, {}) == [("Workload", "40 hours of learning")]
    assert eu_elements({"volumeOfLearning": "P2W"}, {}) == [("Workload", "P2W")]
    assert eu_elements({"learningMode": [3], "assessment": {"other": "x"}}, {"address": "x"}) == []


def test_a_long_text_is_shortened_and_the_page_stays_one_page() -> None:
    many = [{"title": f"Outcome number {n} " + "x" * 60} for n in range(40)]
    long = credential()
    long["credentialSubject"]["achievement"]["description"] = "word " * 200
    long["credentialSubject"]["achievement"]["learningOutcome"] = many
    long["credentialSubject"]["result"] = [{"value": f"R{n}"} for n in range(30)]
    page = certificate_for(long, page_url=PAGE, verify_url=VERIFY)
    text = text_of(render_certificate(page, FONTS))
    assert "…" in text
    assert f"Credential {PAGE}" in text


@pytest.mark.parametrize(
    "changes",
    [
        {"credentialSubject": {"achievement": {}}},
        {"credentialSubject": []},
        {"validFrom": "yesterday"},
        {"validFrom": None},
    ],
)
def test_a_credential_without_a_name_or_date_gets_no_certificate(changes: dict[str, Any]) -> None:
    with pytest.raises(MalformedCredential, match="achievement name and issue date"):
        certificate_for(credential(**changes), page_url=PAGE, verify_url=VERIFY)


def test_missing_fonts_are_a_configuration_error(tmp_path: Path) -> None:
    page = certificate_for(credential(), page_url=PAGE, verify_url=VERIFY)
    with pytest.raises(ConfigurationError, match="fonts-dejavu-core") as caught:
        render_certificate(page, CertificateFonts.dejavu(tmp_path))
    assert caught.value.code == "font_missing"
