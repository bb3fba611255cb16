"""What a visitor hands the verify page, turned into what the verifier takes.

Three ways in: pasted text (JSON or a JWT), an uploaded file, or a URL. A URL of one of this
server's own credentials is read from the database (the server would otherwise fetch from
itself); any other URL goes through the guarded fetcher, which refuses private addresses,
caps the size and times out (``adapters.http_fetcher``).
"""

from __future__ import annotations

import uuid
from typing import Final

from credstack.adapters.http_fetcher import HttpDocumentFetcher
from credstack.api.verification import Verifiable, unwrap_credential
from credstack.errors import InvalidInput
from credstack.services import Services

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
MAX_URL_LENGTH: Final = 2048


def from_text(text: str) -> Verifiable:
    """Pasted text: a credential, a presentation, ``{"verifiableCredential": ...}`` or a JWT."""
    return unwrap_credential(text.strip().encode())


def from_file(data: bytes) -> Verifiable:
    """An uploaded file: JSON or a JWT as text; a baked badge image is refused, for now, with a
    sentence that says so."""
    if data.startswith(PNG_SIGNATURE) or b"<svg" in data[:4096]:
        raise InvalidInput(
            "This file is an image. Reading credentials baked into badge images is not "
            "available on this page yet; upload the credential's JSON instead.",
            code="baked_image_unsupported",
        )
    return unwrap_credential(data.strip())


def own_credential(base_url: str, url: str) -> uuid.UUID | None:
    """The uuid when ``url`` is ``{base_url}/credentials/{uuid}``: a credential of ours."""
    prefix = base_url.rstrip("/") + "/credentials/"
    if not url.startswith(prefix):
        return None
    try:
        return uuid.UUID(url[len(prefix) :])
    except ValueError:
        return None


def from_url(url: str, *, services: Services, base_url: str, fetcher: HttpDocumentFetcher) -> str:
    """The credential at ``url`` (its text); ``InvalidInput`` for a URL that is not one,
    ``ResolutionError`` (from the fetcher) when it cannot be fetched, ``NotFound`` for an
    unknown credential of ours."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH or not url.startswith(("https://", "http://")):
        raise InvalidInput(
            "Give the credential's web address, starting with https://.", code="invalid_url"
        )
    own = own_credential(base_url, url)
    if own is not None:
        return services.credentials.get(own).text
    return fetcher.fetch_bytes(url).decode("utf-8", errors="replace")
