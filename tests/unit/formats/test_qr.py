"""QR codes: decoded back by an independent reader (ZXing), from the PNG and from the SVG."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from defusedxml.ElementTree import fromstring
from PIL import Image, ImageDraw

from credstack.errors import InvalidInput
from credstack.formats.qr import qr_png, qr_svg

URL = "https://badges.example.edu/credentials/5f0c7e9a-2b1d-4c7e-9f0a-0e4c1b2a3d4e"


def decode(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image)]


def render_svg(svg: bytes) -> Image.Image:
    """Draw segno's one-path SVG (absolute M, relative m, h runs) into a picture."""
    root = fromstring(svg)
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    scale = int(re.fullmatch(r"scale\((\d+)\)", path.get("transform", ""))[1])  # type: ignore[index]
    size = int(root.get("width", "0"))
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.get("d", "")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            run = float(a)
            top = (y - 0.5) * scale
            draw.rectangle([x * scale, top, (x + run) * scale - 1, top + scale - 1], fill=0)
            x += run
    return image


def test_the_png_decodes_to_the_url() -> None:
    image = Image.open(io.BytesIO(qr_png(URL, scale=3)))
    assert image.format == "PNG"
    assert decode(image) == [URL]


def test_the_svg_decodes_to_the_url_and_has_a_title() -> None:
    svg = qr_svg(URL, title="Verify this credential")
    assert b"<title>Verify this credential</title>" in svg
    assert decode(render_svg(svg)) == [URL]
    assert b"<title>" + URL.encode() + b"</title>" in qr_svg(URL)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "badges.example.edu/x", "https://", "https://x/" + "a" * 2000]
)
def test_only_an_http_url_gets_a_qr_code(url: str) -> None:
    with pytest.raises(InvalidInput, match="http\\(s\\) URL") as caught:
        qr_svg(url)
    assert caught.value.code == "invalid_url"
