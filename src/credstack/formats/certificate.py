"""PDF certificates: a printable page for an issued credential, with a QR code to its public
page and the address where anyone can verify it.

Drawn with fpdf2 (pure Python, maintained, embeds a subset of a TrueType font so that any
name prints, in any script DejaVu covers). The fonts are files the platform's set-up installs
(Debian's ``fonts-dejavu-core``, see docs/baking.md); nothing is downloaded.

What the page shows comes from the credential itself: the achievement, the issuer, the dates,
the results and the EU micro-credential elements it carries. The learner's name is printed only
when the credential states it in plain text (a ``name`` identifier that is not hashed): the
page is public like the credential, so it reveals nothing the credential does not.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from fpdf import FPDF

from credstack.errors import ConfigurationError, MalformedCredential
from credstack.formats.qr import qr_png
from credstack.model.quality import ECTS

DEJAVU_DIR: Final = Path("/usr/share/fonts/truetype/dejavu")
HOLDER: Final = "the holder of this credential"


@dataclass(frozen=True)
class CertificateFonts:
    """The TrueType files the certificate is set in."""

    regular: Path
    bold: Path

    @classmethod
    def dejavu(cls, folder: Path = DEJAVU_DIR) -> CertificateFonts:
        return cls(folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf")


@dataclass(frozen=True)
class Certificate:
    """What the page says."""

    achievement: str
    issuer: str
    issued: date
    page_url: str
    verify_url: str
    credential_id: str
    learner: str | None = None
    description: str | None = None
    expires: date | None = None
    results: list[str] = field(default_factory=list)
    eu_elements: list[tuple[str, str]] = field(default_factory=list)
    status: str | None = None


def certificate_for(
    credential: Mapping[str, Any], *, page_url: str, verify_url: str, status: str | None = None
) -> Certificate:
    """The certificate of an OB 3.0 credential (VC 2.0 or 1.1 dates)."""
    subject = _mapping(credential.get("credentialSubject"))
    achievement = _mapping(subject.get("achievement"))
    issuer = credential.get("issuer")
    name = _text(achievement.get("name"))
    issued = _date(credential.get("validFrom") or credential.get("issuanceDate"))
    if name is None or issued is None:
        raise MalformedCredential(
            "A certificate needs the credential's achievement name and issue date."
        )
    issuer_doc = _mapping(issuer)
    issuer_name = _text(issuer_doc.get("name")) or _text(issuer_doc.get("id")) or _text(issuer)
    credential_id = _text(credential.get("id"))
    return Certificate(
        achievement=name,
        issuer=issuer_name or "",
        issued=issued,
        page_url=page_url,
        verify_url=verify_url,
        credential_id=credential_id or page_url,
        learner=_learner(subject),
        description=_text(achievement.get("description")),
        expires=_date(credential.get("validUntil") or credential.get("expirationDate")),
        results=_results(subject),
        eu_elements=eu_elements(achievement, issuer_doc),
        status=status,
    )


def eu_elements(achievement: Mapping[str, Any], issuer: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The EU micro-credential elements (Council Recommendation 2022, Annex I) the
    achievement carries, as (label, value) lines; see ``model.quality`` for the terms."""
    found: list[tuple[str, str]] = []
    country = _mapping(issuer.get("address")).get("addressCountry")
    if _text(country):
        found.append(("Country of the awarding body", str(country)))
    for credit in _items(achievement.get("creditPoint")):
        point = _text(_mapping(credit).get("point"))
        if point:
            unit = "ECTS" if _mapping(credit).get("framework") == ECTS else "credits"
            found.append(("Workload", f"{point} {unit}"))
            break
    else:
        volume = _text(achievement.get("volumeOfLearning"))
        if volume:
            found.append(("Workload", _hours(volume)))
    for key, label in (("eqfLevel", "EQF level"), ("qfEheaLevel", "QF-EHEA level")):
        level = _text(achievement.get(key))
        if level:
            found.append((label, level.rstrip("/").rsplit("/", 1)[-1]))
    outcomes = [t for t in map(_text, _items(achievement.get("learningOutcome"))) if t]
    if outcomes:
        found.append(("Learning outcomes", "; ".join(outcomes)))
    for key, label in (
        ("assessment", "Assessment"),
        ("qualityAssurance", "Quality assurance"),
        ("entryRequirement", "Prerequisites"),
        ("supervisionAndIdentityVerification", "Supervision and identity verification"),
    ):
        texts = [t for t in map(_text, _items(achievement.get(key))) if t]
        if texts:
            found.append((label, "; ".join(texts)))
    modes = [
        m.rstrip("/").rsplit("/", 1)[-1]
        for m in _items(achievement.get("learningMode"))
        if isinstance(m, str)
    ]
    if modes:
        found.append(("Form of participation", ", ".join(modes)))
    return found


def render_certificate(certificate: Certificate, fonts: CertificateFonts) -> bytes:
    """The certificate as a one-page A4 landscape PDF."""
    for path in (fonts.regular, fonts.bold):
        if not path.is_file():
            raise ConfigurationError(
                f"The certificate font {path} is not installed; install the Debian package "
                "fonts-dejavu-core (make and .ci/run do) or set CREDSTACK_FONT_DIR.",
                code="font_missing",
            )
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"{certificate.achievement}, {certificate.issuer}")
    pdf.set_author(certificate.issuer)
    pdf.set_creator("Credstack")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("DejaVu", "", fonts.regular)
    pdf.add_font("DejaVu", "B", fonts.bold)
    pdf.add_page()
    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    width = 190
    pdf.set_xy(20, 22)
    pdf.set_font("DejaVu", "B", 28)
    pdf.cell(width, 12, "Certificate of achievement")
    _line(pdf, 38, "This certifies that", 13)
    pdf.set_xy(20, 46)
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(width, 9, certificate.learner or HOLDER)
    _line(pdf, pdf.get_y() + 2, "has earned", 13)
    pdf.set_xy(20, pdf.get_y() + 9)
    pdf.set_font("DejaVu", "B", 22)
    pdf.multi_cell(width, 10, certificate.achievement)
    if certificate.description:
        pdf.set_xy(20, pdf.get_y() + 2)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width, 5, _shorten(certificate.description, 400))
    when = f"Issued by {certificate.issuer} on {certificate.issued:%d %B %Y}"
    if certificate.expires is not None:
        when += f"; valid until {certificate.expires:%d %B %Y}"
    _line(pdf, pdf.get_y() + 4, when + ".", 11)
    details = [("Result", r) for r in certificate.results] + certificate.eu_elements
    pdf.set_y(pdf.get_y() + 10)
    for label, value in details:
        if pdf.get_y() > 168:
            break
        pdf.set_x(20)
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(55, 5, label)
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(width - 55, 5, _shorten(value, 300))
    pdf.image(io.BytesIO(qr_png(certificate.page_url, scale=6)), x=222, y=30, w=55, h=55)
    pdf.set_xy(214, 87)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(70, 4, "Scan to see this credential and its live status.", align="C")
    if certificate.status:
        pdf.set_xy(214, pdf.get_y() + 2)
        pdf.set_font("DejaVu", "B", 9)
        pdf.multi_cell(70, 4.5, certificate.status, align="C")
    pdf.set_xy(20, 178)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(257, 4, f"Verify this credential at {certificate.verify_url}")
    pdf.set_x(20)
    pdf.multi_cell(257, 4, f"Credential {certificate.credential_id}")
    return bytes(pdf.output())


def _line(pdf: FPDF, y: float, text: str, size: int) -> None:
    pdf.set_xy(20, y)
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(190, 6, text)


def _shorten(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _learner(subject: Mapping[str, Any]) -> str | None:
    for identifier in _items(subject.get("identifier")):
        entry = _mapping(identifier)
        if entry.get("identityType") == "name" and entry.get("hashed") is False:
            return _text(entry.get("identityHash"))
    return _text(subject.get("name"))


def _results(subject: Mapping[str, Any]) -> list[str]:
    found = []
    for result in _items(subject.get("result")):
        entry = _mapping(result)
        value = _text(entry.get("value")) or _text(entry.get("status"))
        if value:
            found.append(value)
    return found


def _hours(duration: str) -> str:
    """``PT40H`` as "40 hours"; any other ISO 8601 duration as written."""
    if duration.startswith("PT") and duration.endswith("H") and duration[2:-1].isdigit():
        return f"{int(duration[2:-1])} hours of learning"
    return duration


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: object) -> str | None:
    """A non-empty string: plain, a node's ``title``, or an ELM Note's ``noteLiteral``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        for key in ("title", "noteLiteral", "name"):
            if key in value:
                inner = value[key]
                if isinstance(inner, Mapping):
                    return next((t for t in map(_text, inner.values()) if t), None)
                return _text(inner)
    return None


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
