"""QR codes of a URL (a credential's public page), as SVG or PNG, drawn by ``segno``.

Error correction level M (15 %) survives a print or a phone photo of a screen; the quiet zone is
the four modules the QR standard (ISO/IEC 18004, section 6.3.8) asks for.

>>> svg = qr_svg("https://badges.example.edu/credentials/1")
>>> svg.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
True
"""

from __future__ import annotations

import io
from typing import Final
from urllib.parse import urlsplit

import segno

from credstack.errors import InvalidInput

MAX_URL: Final = 2_000
QUIET_ZONE: Final = 4


def qr_code(url: str) -> segno.QRCode:
    """The QR code of ``url``; ``InvalidInput`` (``invalid_url``) unless an http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > MAX_URL:
        raise InvalidInput(
            f"A QR code is made for an http(s) URL of at most {MAX_URL} characters, "
            f"not {url[:80]!r}.",
            code="invalid_url",
        )
    return segno.make(url, error="m", micro=False, boost_error=False)


def qr_svg(url: str, *, scale: int = 4, title: str | None = None) -> bytes:
    """An SVG image of the QR code of ``url``; ``title`` names it for screen readers."""
    out = io.BytesIO()
    qr_code(url).save(
        out, kind="svg", scale=scale, border=QUIET_ZONE, xmldecl=False, title=title or url
    )
    return out.getvalue()


def qr_png(url: str, *, scale: int = 4) -> bytes:
    """A black-and-white PNG image of the QR code of ``url``."""
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()
