"""Verification for the HTTP front door: this server's own did:web DIDs resolve from the
database, everything else through the guarded HTTP fetcher.

A server that fetched its own DID documents over HTTP would call itself (and, behind a load
balancer or with ``CREDSTACK_BASE_URL`` not yet in DNS, might not reach itself), so the
documents under ``{base_url}/orgs/{slug}/did.json`` are read from the services instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from credstack.adapters.http_fetcher import HttpDocumentFetcher
from credstack.bootstrap import Platform
from credstack.errors import Error, InvalidInput, MalformedCredential, NotFound, ResolutionError
from credstack.model.parse import parse_json
from credstack.proofs.did_web import did_web_document_url
from credstack.proofs.resolver import DocumentFetcher, KeyResolver
from credstack.services.organizations import did_web_for_organization
from credstack.verify import VerificationReport, check, verify
from credstack.verify.checks import types_of
from credstack.verify.ledger import LedgerLookup

Verifiable = str | bytes | Mapping[str, Any]
_DID_JSON = "/did.json"


class LocalDidFetcher:
    """A ``DocumentFetcher``: our organisations' DID documents and status lists from the
    database, the rest from ``fallback``."""

    def __init__(self, platform: Platform, fallback: DocumentFetcher) -> None:
        self._platform = platform
        self._fallback = fallback
        self._prefix = urlsplit(platform.settings.base_url).path.rstrip("/") + "/orgs/"

    def fetch_json(self, url: str) -> Mapping[str, Any]:
        slug = self._local_slug(url)
        status_list = None if slug is not None else self._local_status_list(url)
        if slug is None and status_list is None:
            return self._fallback.fetch_json(url)
        try:
            with self._platform.unit_of_work() as services:
                if status_list is not None:
                    return services.credentials.status_list_credential(*status_list)
                return services.organizations.did_document(slug or "")
        except NotFound as exc:
            raise ResolutionError(
                f"{url} answered HTTP 404, not 200.", code="fetch_failed"
            ) from exc

    def _local_status_list(self, url: str) -> tuple[str, str] | None:
        """(slug, list id) when ``url`` is exactly where one of our status lists is served:
        ``{base_url}/orgs/{slug}/status/{id}``."""
        base = self._platform.settings.base_url.rstrip("/")
        if not url.startswith(f"{base}/orgs/"):
            return None
        parts = url[len(base) + len("/orgs/") :].split("/")
        if len(parts) != 3 or parts[1] != "status" or not parts[0] or not parts[2]:
            return None
        if any(c in url for c in "?#%"):
            return None
        return parts[0], parts[2]

    def _local_slug(self, url: str) -> str | None:
        """The slug when ``url`` is exactly where one of our DID documents is served."""
        path = urlsplit(url).path
        if not path.startswith(self._prefix) or not path.endswith(_DID_JSON):
            return None
        slug = unquote(path[len(self._prefix) : -len(_DID_JSON)])
        if not slug or "/" in slug:
            return None
        try:
            own = did_web_document_url(
                did_web_for_organization(self._platform.settings.base_url, slug)
            )
        except Error:
            return None
        return slug if own == url else None


class LocalLedger:
    """A ``LedgerSource``: our own credentials' ledger evidence, read from the database (like
    their status lists); credentials of other servers get no ``ledger`` check."""

    def __init__(self, platform: Platform) -> None:
        self._platform = platform
        self._prefix = platform.settings.base_url.rstrip("/") + "/credentials/"

    def lookup(self, credential_id: str) -> LedgerLookup | None:
        if not credential_id.startswith(self._prefix):
            return None
        with self._platform.unit_of_work() as services:
            return services.ledger.lookup(credential_id)


class Verifier:
    """Made once per app: one HTTP fetcher (and its cache) for keys and status lists."""

    def __init__(self, platform: Platform) -> None:
        http = HttpDocumentFetcher(allow_private=platform.settings.allow_private_network)
        self._fetcher = LocalDidFetcher(platform, http)
        self._ledger = LocalLedger(platform)

    def check(self, input_: Verifiable) -> VerificationReport:
        # A resolver per verification: its document cache lives as long as one request.
        return check(
            input_,
            resolver=KeyResolver(self._fetcher),
            status_fetcher=self._fetcher,
            ledger=self._ledger,
        )

    def verify(self, input_: Verifiable) -> VerificationReport:
        """Like ``check``; raises ``VerificationFailed`` (carrying the report) unless valid."""
        return verify(
            input_,
            resolver=KeyResolver(self._fetcher),
            status_fetcher=self._fetcher,
            ledger=self._ledger,
        )


def unwrap_credential(raw: bytes) -> Verifiable:
    """What ``POST /verify`` verifies: the body as received, or the credential inside
    ``{"verifiableCredential": ...}``. A body that is not JSON goes to the verifier as it
    is: it may be a JWT, and otherwise the report says why it could not be parsed."""
    try:
        document = parse_json(raw)
    except MalformedCredential:
        return raw
    if isinstance(document, Mapping) and "verifiableCredential" in document:
        inner = document["verifiableCredential"]
        if set(document) <= {"verifiableCredential", "options"} and isinstance(
            inner, str | Mapping
        ):
            return inner
    return raw


def vc_api_request(raw: bytes, member: str) -> Verifiable:
    """The ``member`` of a VC-API verify request ``{member, options}``; ``InvalidInput``
    (code ``invalid_request``) when the body has another shape.

    ``options`` (challenge, domain, checks) is accepted and not yet acted on.
    """
    document = parse_json(raw)
    if not isinstance(document, Mapping) or member not in document:
        raise InvalidInput(
            f"The body must be a JSON object with {member!r}.", code="invalid_request"
        )
    options = document.get("options", {})
    if not isinstance(options, Mapping):
        raise InvalidInput("options must be a JSON object.", code="invalid_request")
    value = document[member]
    if not isinstance(value, str | Mapping):
        raise InvalidInput(
            f"{member} must be a JSON object or a JWT string.", code="invalid_request"
        )
    is_presentation = isinstance(value, Mapping) and "VerifiablePresentation" in types_of(value)
    if isinstance(value, Mapping) and is_presentation != (member == "verifiablePresentation"):
        raise InvalidInput(
            f"{member} holds a {'presentation' if is_presentation else 'credential'}; "
            "credentials go to /credentials/verify, presentations to /presentations/verify.",
            code="invalid_request",
        )
    return value
