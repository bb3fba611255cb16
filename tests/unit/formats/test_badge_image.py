"""Generated badge images: deterministic, readable, and baked with the credential."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from PIL import Image

from credstack.errors import ConfigurationError
from credstack.formats.badge_image import (
    achievement_image,
    badge_colours,
    badge_png,
    badge_svg,
    baked_badge,
    initials,
)
from credstack.formats.baked import extract, tiny_png
from credstack.formats.certificate import DEJAVU_DIR

BOLD = DEJAVU_DIR / "DejaVuSans-Bold.ttf"
SVG_NS = "{http://www.w3.org/2000/svg}"


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = map(channel, rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Université de Liège", "UL"),
        ("Example University", "EU"),
        ("acme", "A"),
        ("The Open University", "OU"),
        ("of the", "OT"),
        ("did:web:badges.example.edu", "DW"),
        ("", "?"),
        ("—", "?"),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_colours_are_deterministic_and_white_text_stays_readable() -> None:
    assert badge_colours("Teamwork") == badge_colours("Teamwork")
    assert badge_colours("Teamwork") != badge_colours("Leadership")
    for number in range(500):
        colours = badge_colours(f"achievement {number}")
        contrast = 1.05 / (luminance(colours.rgb("background")) + 0.05)
        assert contrast >= 4.5, (colours, contrast)


def test_the_svg_badge_names_the_achievement_and_issuer() -> None:
    svg = badge_svg("Data Analysis with Python <Level 2> & more words here", "Université de Liège")
    root = fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    title = root.find(SVG_NS + "title")
    assert title is not None
    assert (
        title.text == "Data Analysis with Python <Level 2> & more words here, Université de Liège"
    )
    texts = ["".join(t.itertext()) for t in root.iter(SVG_NS + "text")]
    assert texts[0] == "UL"
    assert texts[1].startswith("Data Analysis")
    assert texts[1].endswith("…")
    assert (
        badge_colours("Data Analysis with Python <Level 2> & more words here").background
        in svg.decode()
    )
    assert badge_svg("Teamwork", "Acme") == badge_svg("Teamwork", "Acme")


@pytest.mark.parametrize("font", [BOLD, None])
def test_the_png_badge_is_a_square_image_in_the_badge_colour(font: Path | None) -> None:
    png = badge_png("Teamwork", "Example University", font=font)
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (256, 256))
    assert image.getpixel((128, 200))[:3] == badge_colours("Teamwork").rgb("background")
    assert image.getpixel((0, 0))[3] == 0  # transparent corners
    assert png == badge_png("Teamwork", "Example University", font=font)


def test_a_missing_font_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="fonts-dejavu-core") as caught:
        badge_png("Teamwork", "Acme", font=Path("/nonexistent/font.ttf"))
    assert caught.value.code == "font_missing"


def credential(**achievement: Any) -> dict[str, Any]:
    return {
        "id": "https://badges.example.edu/credentials/1",
        "issuer": {"id": "did:web:badges.example.edu", "name": "Example University"},
        "credentialSubject": {"achievement": {"name": "Teamwork", **achievement}},
    }


def data_uri(kind: str, data: bytes) -> str:
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def test_an_embedded_achievement_image_is_found() -> None:
    png = tiny_png()
    assert achievement_image(credential(image={"id": data_uri("png", png)})) == ("png", png)
    assert achievement_image(credential(image=data_uri("svg+xml", b"<svg/>"))) == ("svg", b"<svg/>")
    assert achievement_image(credential(image="https://example.org/badge.png")) is None
    assert achievement_image(credential(image="data:image/png;base64,abc")) is None
    assert achievement_image(credential()) is None
    assert achievement_image({"credentialSubject": "did:example:x"}) is None


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_a_baked_badge_carries_the_credential(kind: Any) -> None:
    text = json.dumps(credential())
    baked = baked_badge(text, kind, font=BOLD)
    found = extract(baked)
    assert (found.text, found.image) == (text, kind)


def test_the_achievements_own_image_is_used_when_it_is_of_that_kind() -> None:
    own = Image.new("RGB", (32, 32), (200, 10, 10))
    out = io.BytesIO()
    own.save(out, format="PNG")
    text = json.dumps(credential(image={"id": data_uri("png", out.getvalue())}))
    baked = Image.open(io.BytesIO(baked_badge(text, "png")))
    assert baked.size == (32, 32)
    assert extract(baked_badge(text, "png")).text == text
    # Asked for an SVG, the PNG does not fit: a badge is drawn.
    assert b"<svg" in baked_badge(text, "svg")


def test_a_broken_embedded_image_gets_a_drawn_one() -> None:
    text = json.dumps(credential(image=data_uri("png", b"\x89PNG\r\n\x1a\nbroken")))
    image = Image.open(io.BytesIO(baked_badge(text, "png")))
    assert image.size == (256, 256)


def test_names_fall_back_to_the_credential_and_the_issuer_id() -> None:
    text = json.dumps({"name": "Award", "issuer": "did:web:acme.example", "credentialSubject": {}})
    svg = baked_badge(text, "svg")
    assert b"<title>Award, did:web:acme.example</title>" in svg
    bare = json.dumps({"issuer": {"id": 3}})
    assert b"<title>Badge, </title>" in baked_badge(bare, "svg")
