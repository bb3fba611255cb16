"""Generated badge images, for achievements that have no image of their own: a disc in a colour
drawn from the achievement's name, the issuer's initials, and the name below them.

The colours depend only on the name (a SHA-256 of it picks the hue), so the same achievement
always gets the same badge on every server; lightness is fixed low enough that white text keeps
a contrast ratio of at least 4.5:1 (WCAG 2.2, 1.4.3).

>>> initials("Université de Liège")
'UL'
>>> badge_colours("Teamwork") == badge_colours("Teamwork")
True
"""

from __future__ import annotations

import base64
import binascii
import colorsys
import contextlib
import hashlib
import io
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Final, Literal

from PIL import Image, ImageDraw, ImageFont

from credstack.errors import ConfigurationError
from credstack.formats.baked import BakedImageError, bake
from credstack.formats.content import credential_content

SIZE: Final = 256
_SMALL_WORDS: Final = frozenset({"of", "de", "du", "des", "la", "le", "the", "and", "und", "der"})
_DATA_URI: Final = re.compile(r"^data:image/(png|svg\+xml);base64,([A-Za-z0-9+/=\s]+)$")


@dataclass(frozen=True)
class BadgeColours:
    background: str
    ring: str

    def rgb(self, which: Literal["background", "ring"]) -> tuple[int, int, int]:
        value = getattr(self, which)
        return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def initials(issuer_name: str) -> str:
    """Up to two capital letters: the first letters of the name's first two main words."""
    words = [w for w in re.split(r"[\W_]+", issuer_name) if w]
    main = [w for w in words if w.lower() not in _SMALL_WORDS] or words
    letters = "".join(w[0] for w in main[:2] if w[0].isalnum())
    return letters.upper() or "?"


def badge_colours(name: str) -> BadgeColours:
    """The background and ring colours for an achievement ``name``."""
    digest = hashlib.sha256(name.encode()).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    return BadgeColours(_hex(hue, 0.30, 0.55), _hex((hue + 0.08) % 1, 0.55, 0.60))


def _hex(hue: float, lightness: float, saturation: float) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def _lines(name: str, width: int = 16, most: int = 2) -> list[str]:
    lines = textwrap.wrap(name, width) or [""]
    if len(lines) > most:
        lines = [
            *lines[: most - 1],
            textwrap.shorten(" ".join(lines[most - 1 :]), width, placeholder="…"),
        ]
    return lines


def badge_svg(name: str, issuer_name: str) -> bytes:
    """A square SVG badge: the issuer's initials on a disc, the achievement's name below."""
    colours = badge_colours(name)
    letters = initials(issuer_name)
    lines = _lines(name)
    text = "".join(
        f'<tspan x="128" dy="{0 if index == 0 else 20}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" role="img">'
        f"<title>{escape(name)}, {escape(issuer_name)}</title>"
        f'<circle cx="128" cy="128" r="124" fill="{colours.ring}"/>'
        f'<circle cx="128" cy="128" r="110" fill="{colours.background}"/>'
        '<g fill="#ffffff" font-family="DejaVu Sans, Verdana, sans-serif" text-anchor="middle">'
        f'<text x="128" y="128" font-size="64" font-weight="bold">{escape(letters)}</text>'
        f'<text x="128" y="{172 if len(lines) == 1 else 164}" font-size="17">{text}</text>'
        "</g></svg>"
    )
    return svg.encode()


def badge_png(name: str, issuer_name: str, *, font: Path | None = None) -> bytes:
    """The same badge drawn as a PNG with Pillow, in the TrueType ``font`` (a bold face suits)
    or, without one, Pillow's built-in font (which covers less of Unicode)."""
    colours = badge_colours(name)
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, SIZE - 4, SIZE - 4), fill=colours.rgb("ring"))
    draw.ellipse((18, 18, SIZE - 18, SIZE - 18), fill=colours.rgb("background"))
    big = _font(font, 60)
    small = _font(font, 16)
    draw.text((128, 108), initials(issuer_name), fill="white", font=big, anchor="ms")
    lines = _lines(name)
    top = 150 if len(lines) == 1 else 142
    for index, line in enumerate(lines):
        draw.text((128, top + 20 * index), line, fill="white", font=small, anchor="mt")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _font(path: Path | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path is None:
        return ImageFont.load_default(size=size)
    try:
        return ImageFont.truetype(str(path), size=size)
    except OSError as exc:
        raise ConfigurationError(
            f"The badge font {path} cannot be read; install fonts-dejavu-core or set "
            "CREDSTACK_FONT_DIR.",
            code="font_missing",
        ) from exc


def achievement_image(credential: Mapping[str, Any]) -> tuple[Literal["png", "svg"], bytes] | None:
    """The achievement's own image when the credential embeds it as a PNG or SVG data URI (a
    remote image is never fetched)."""
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    image = achievement.get("image") if isinstance(achievement, Mapping) else None
    uri = image.get("id") if isinstance(image, Mapping) else image
    found = _DATA_URI.match(uri) if isinstance(uri, str) else None
    if found is None:
        return None
    try:
        data = base64.b64decode(found[2], validate=False)
    except binascii.Error:
        return None
    return ("png" if found[1] == "png" else "svg"), data


def baked_badge(text: str, kind: Literal["png", "svg"], *, font: Path | None = None) -> bytes:
    """The badge image of the credential ``text`` with the credential baked in: the
    achievement's own image when the credential embeds one of that kind, else a generated one."""
    content = credential_content(text)
    own = achievement_image(content)
    if own is not None and own[0] == kind:
        # An embedded image that is not a sound PNG or SVG gets a drawn one instead.
        with contextlib.suppress(BakedImageError):
            return bake(own[1], text)
    name, issuer = _names(content)
    image = badge_png(name, issuer, font=font) if kind == "png" else badge_svg(name, issuer)
    return bake(image, text)


def _names(credential: Mapping[str, Any]) -> tuple[str, str]:
    """The achievement's name (or the credential's) and the issuer's name (or id)."""
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    name = achievement.get("name") if isinstance(achievement, Mapping) else None
    if not isinstance(name, str):
        name = credential.get("name")
    issuer = credential.get("issuer")
    issuer_name = issuer.get("name") or issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return (
        name if isinstance(name, str) else "Badge",
        issuer_name if isinstance(issuer_name, str) else "",
    )
