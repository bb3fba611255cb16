"""What a visitor hands the verify page, turned into what the verifier takes.

Three ways in: pasted text (JSON or a JWT), an uploaded file, or a URL; a file or URL may be a
baked badge image (PNG or SVG), whose credential ``formats.baked`` reads. A URL of one of this
server's own credentials is read from the database (the server would otherwise fetch from
itself); any other URL goes through the guarded fetcher, which refuses private addresses,
caps the size and times out (``adapters.http_fetcher``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Final

from credstack.adapters.http_fetcher import HttpDocumentFetcher
from credstack.api.verification import Verifiable, unwrap_credential
from credstack.errors import InvalidInput, NotFound
from credstack.formats.baked import check_baked, is_image
from credstack.services import Services
from credstack.verify.report import VerificationReport

MAX_URL_LENGTH: Final = 2048


def from_text(text: str) -> Verifiable:
    """Pasted text: a credential, a presentation, ``{"verifiableCredential": ...}`` or a JWT."""
    return unwrap_credential(text.strip().encode())


def check_bytes(
    data: bytes, check: Callable[[Verifiable], VerificationReport]
) -> VerificationReport:
    """The report for a file's or URL's bytes: a baked image's credential (the report's first
    check, ``image``, says where it was found or why none was), or the bytes themselves."""
    if is_image(data):
        return check_baked(data, check)
    return check(unwrap_credential(data.strip()))


def own_credential(base_url: str, url: str) -> uuid.UUID | None:
    """The uuid when ``url`` is ``{base_url}/credentials/{uuid}``: a credential of ours."""
    prefix = base_url.rstrip("/") + "/credentials/"
    if not url.startswith(prefix):
        return None
    try:
        return uuid.UUID(url[len(prefix) :])
    except ValueError:
        return None


def own_share(base_url: str, url: str) -> tuple[str, int] | None:
    """(token, index) when ``url`` is ``{base_url}/shares/{token}/credentials/{index}``.

    >>> own_share("https://b.example", "https://b.example/shares/AbC_-1/credentials/2")
    ('AbC_-1', 2)
    >>> own_share("https://b.example", "https://b.example/shares/AbC/credentials/x") is None
    True
    """
    prefix = base_url.rstrip("/") + "/shares/"
    if not url.startswith(prefix):
        return None
    token, separator, index = url[len(prefix) :].partition("/credentials/")
    if not separator or not index.isdigit() or not token or "/" in token:
        return None
    return token, int(index)


def from_url(url: str, *, services: Services, base_url: str, fetcher: HttpDocumentFetcher) -> bytes:
    """What is at ``url`` (a credential or a baked image); ``InvalidInput`` for a URL that is
    not one, ``ResolutionError`` (from the fetcher) when it cannot be fetched, ``NotFound`` for an
    unknown credential of ours."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH or not url.startswith(("https://", "http://")):
        raise InvalidInput(
            "Give the credential's web address, starting with https://.", code="invalid_url"
        )
    own = own_credential(base_url, url)
    if own is not None:
        return services.credentials.get(own).text.encode()
    # A share link of this server: read like the credential page (the server would otherwise
    # fetch from itself, which the guarded fetcher refuses on a private address).
    shared = own_share(base_url, url)
    if shared is not None:
        token, index = shared
        credentials = services.shares.open(token).credentials
        if index >= len(credentials):
            raise NotFound(
                f"The link shares {len(credentials)} credentials, numbered from 0.",
                code="credential_not_found",
            )
        return credentials[index].text.encode()
    return fetcher.fetch_bytes(url)
