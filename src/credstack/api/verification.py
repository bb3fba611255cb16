"""Verification for the HTTP front door: this server's own did:web DIDs resolve from the
database, everything else through the guarded HTTP fetcher.

A server that fetched its own DID documents over HTTP would call itself (and, behind a load
balancer or with ``CREDSTACK_BASE_URL`` not yet in DNS, might not reach itself), so the
documents under ``{base_url}/orgs/{slug}/did.json`` are read from the services instead.

Verification is the hot path of a busy server, so each worker process remembers:

- its organisations' DID documents for ``DID_DOCUMENT_SECONDS`` (as any verifier honouring the
  documents' own ``Cache-Control`` would); a key a cached document lacks (just rotated in) is
  looked up again at once;
- its signed status lists, checked against the list's last change (one small query) on every
  use, so a revocation shows in the next verification; at most ``LIST_SECONDS`` old;
- status lists it has verified, by content (``VerifiedLists``);
- its credentials' ledger leaves and proofs, and the ledger's head for ``LEDGER_SECONDS``
  (``LocalLedger``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any, Final, TypeVar
from urllib.parse import unquote, urlsplit

from starlette.concurrency import run_in_threadpool

from credstack.adapters.http_fetcher import HttpDocumentFetcher
from credstack.bootstrap import Platform
from credstack.errors import (
    Error,
    InvalidInput,
    MalformedCredential,
    NotFound,
    ResolutionError,
    VerificationFailed,
)
from credstack.ledger import InclusionEvidence
from credstack.ledger.checkpoint import WITNESSES_MISSING
from credstack.model.parse import parse_json
from credstack.proofs.did_web import did_web_document_url
from credstack.proofs.resolver import DocumentFetcher, KeyResolver, VerificationMethod
from credstack.services.ledger import LedgerHead
from credstack.services.organizations import did_web_for_organization
from credstack.store.list_revisions import ListRevisions
from credstack.verify import VerificationReport, check
from credstack.verify.checks import types_of
from credstack.verify.ledger import LedgerLookup
from credstack.verify.list_cache import VerifiedLists
from credstack.verify.status import CheckedList

Verifiable = str | bytes | Mapping[str, Any]
K = TypeVar("K")
V = TypeVar("V")
_DID_JSON = "/did.json"


DID_DOCUMENT_SECONDS: Final = 10.0
LIST_SECONDS: Final = 30.0
LEDGER_SECONDS: Final = 5.0
REMEMBERED: Final = 50_000


class LocalDidFetcher:
    """A ``DocumentFetcher``: our organisations' DID documents and status lists from the
    database (remembered, see the module's docstring), the rest from ``fallback``."""

    def __init__(self, platform: Platform, fallback: DocumentFetcher) -> None:
        self._platform = platform
        self._fallback = fallback
        self._prefix = urlsplit(platform.settings.base_url).path.rstrip("/") + "/orgs/"
        self._documents: dict[str, tuple[float, Mapping[str, Any]]] = {}
        self._places: dict[str, tuple[str | None, tuple[str, str] | None]] = {}
        self._lists: dict[str, tuple[float, int, Mapping[str, Any]]] = {}
        self._revisions = ListRevisions(platform.engine)

    def close(self) -> None:
        self._revisions.close()

    def is_local(self, url: str) -> bool:
        """True when ``url`` names one of our DID documents or status lists."""
        return self._place(url) != (None, None)

    def _place(self, url: str) -> tuple[str | None, tuple[str, str] | None]:
        place = self._places.get(url)
        if place is None:
            slug = self._local_slug(url)
            place = slug, None if slug is not None else self._local_status_list(url)
            if len(self._places) < 10_000:  # what a URL names never changes
                self._places[url] = place
        return place

    def fetch_json(self, url: str, *, on_loop: bool = False) -> Mapping[str, Any]:
        """The document at ``url``; ``on_loop`` when called on the server's event loop (the
        one thread that reads list revisions on a connection of its own)."""
        slug, status_list = self._place(url)
        if slug is None and status_list is None:
            return self._fallback.fetch_json(url)
        try:
            if status_list is not None:
                return self._status_list(url, *status_list, on_loop=on_loop)
            return self._did_document(url, slug or "")
        except NotFound as exc:
            raise ResolutionError(
                f"{url} answered HTTP 404, not 200.", code="fetch_failed"
            ) from exc

    def forget(self, url: str) -> bool:
        """Drop a remembered DID document; True if there was one."""
        return self._documents.pop(url, None) is not None

    def _did_document(self, url: str, slug: str) -> Mapping[str, Any]:
        remembered = self._documents.get(url)
        if remembered is not None and time.monotonic() - remembered[0] < DID_DOCUMENT_SECONDS:
            return remembered[1]
        with self._platform.unit_of_work(read_mostly=True) as services:
            document = services.organizations.did_document(slug)
        self._documents[url] = (time.monotonic(), document)
        return document

    def _status_list(
        self, url: str, slug: str, list_id: str, *, on_loop: bool
    ) -> Mapping[str, Any]:
        remembered = self._lists.get(url)
        if remembered is not None and on_loop:
            try:
                version = self._revisions.read(slug, uuid.UUID(list_id))
            except ValueError:
                version = None
            if (
                version is not None
                and remembered[1] == version
                and time.monotonic() - remembered[0] < LIST_SECONDS
            ):
                return remembered[2]
        with self._platform.unit_of_work(read_mostly=True) as services:
            version = services.status_lists.version(slug, list_id)
            if (
                remembered is not None
                and remembered[1] == version
                and time.monotonic() - remembered[0] < LIST_SECONDS
            ):
                return remembered[2]
            document = services.credentials.status_list_credential(slug, list_id, keep=False)
        self._lists[url] = (time.monotonic(), version, document)
        return document

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
    their status lists); credentials of other servers get no ``ledger`` check.

    Leaves and proofs never change, so they are remembered (up to ``REMEMBERED`` of each);
    the head (the latest checkpoint and its cosignatures) for ``LEDGER_SECONDS``, or until a
    checkpoint covering a leaf it does not cover is signed. The verifier still checks every
    part each time.
    """

    def __init__(self, platform: Platform) -> None:
        self._platform = platform
        self._prefix = platform.settings.base_url.rstrip("/") + "/credentials/"
        self._head: tuple[float, LedgerHead] | None = None
        self._leaves: dict[str, tuple[int, bytes]] = {}
        self._proofs: dict[tuple[int, int], list[bytes]] = {}

    def lookup(self, credential_id: str) -> LedgerLookup | None:
        if not credential_id.startswith(self._prefix):
            return None
        leaf = self._leaves.get(credential_id)
        if leaf is None:
            with self._platform.unit_of_work(read_mostly=True) as services:
                leaf = services.ledger.issuance_leaf(credential_id)
            if leaf is None:  # not remembered: it may be appended yet
                return None
            _remember(self._leaves, credential_id, leaf)
        index, data = leaf
        head = self._current_head(covering=index)
        if index >= head.size:
            return LedgerLookup(head.trust, None, index)
        proof = self._proofs.get((index, head.size))
        if proof is None:
            with self._platform.unit_of_work(read_mostly=True) as services:
                proof = services.ledger.proof(index, head.size)
            _remember(self._proofs, (index, head.size), proof)
        return LedgerLookup(head.trust, InclusionEvidence(index, data, proof, head.note), index)

    def forget_head(self) -> bool:
        """Drop the remembered head; True if there was one."""
        remembered, self._head = self._head, None
        return remembered is not None

    def _current_head(self, covering: int) -> LedgerHead:
        """The remembered head while it is young, and covers leaf ``covering`` or no newer
        checkpoint has been signed (leaves of the last minute are not covered yet: each of
        their verifications asks for the signed size, one small query)."""
        remembered = self._head
        fresh = remembered is not None and time.monotonic() - remembered[0] < LEDGER_SECONDS
        if remembered is not None and fresh and covering < remembered[1].size:
            return remembered[1]
        with self._platform.unit_of_work(read_mostly=True) as services:
            if (
                remembered is not None
                and fresh
                and services.ledger.latest_size() == remembered[1].size
            ):
                return remembered[1]
            head = services.ledger.head()
        self._head = (time.monotonic(), head)
        return head


def _remember(cache: dict[K, V], key: K, value: V) -> None:
    """Keep at most ``REMEMBERED`` entries: when full, forget the oldest half."""
    if len(cache) >= REMEMBERED:
        for old in list(cache)[: REMEMBERED // 2]:
            del cache[old]
    cache[key] = value


class _Resolver(KeyResolver):
    """A resolver that looks a local DID document up again when a key is missing from the
    remembered one (a key rotated in since)."""

    def __init__(self, fetcher: DocumentFetcher, local: LocalDidFetcher) -> None:
        super().__init__(fetcher)
        self._local = local

    def resolve(self, vm_id: str, *, purpose: str | None = None) -> VerificationMethod:
        try:
            return super().resolve(vm_id, purpose=purpose)
        except ResolutionError:
            base = vm_id.partition("#")[0] if isinstance(vm_id, str) else ""
            url = did_web_document_url(base) if base.startswith("did:web:") else ""
            if not url or not self._local.forget(url):
                raise
            self.forget(url)
            return super().resolve(vm_id, purpose=purpose)


class Verifier:
    """Made once per app: one HTTP fetcher (and its cache) for keys and status lists."""

    def __init__(self, platform: Platform, elsewhere: DocumentFetcher | None = None) -> None:
        """``elsewhere`` fetches other servers' documents: by default the guarded HTTP
        fetcher, allowed private addresses only if the settings say so."""
        http = elsewhere or HttpDocumentFetcher(
            allow_private=platform.settings.allow_private_network
        )
        self._fetcher = LocalDidFetcher(platform, http)
        self._ledger = LocalLedger(platform)
        self._lists: VerifiedLists[CheckedList] = VerifiedLists()

    def close(self) -> None:
        self._fetcher.close()

    def check(self, input_: Verifiable) -> VerificationReport:
        return self._check_with(self._fetcher, input_)

    async def check_soon(self, input_: Verifiable) -> VerificationReport:
        """``check`` on the event loop when nothing but this server is needed (our own
        credentials: about a millisecond of CPU, where the hand-off to a worker thread costs
        half as much again); otherwise, when a document would have to be fetched from
        another server, in a worker thread, so the loop never waits on the network."""
        here = _HereOnly(self._fetcher)
        report = self._check_with(here, input_)
        if here.wanted:
            report = await run_in_threadpool(self.check, input_)
        return report

    async def verify_soon(self, input_: Verifiable) -> VerificationReport:
        """``check_soon``; raises ``VerificationFailed`` (carrying the report) unless valid."""
        report = await self.check_soon(input_)
        if not report.valid:
            raise VerificationFailed(report)
        return report

    def _check_with(self, fetcher: DocumentFetcher, input_: Verifiable) -> VerificationReport:
        report = self._check(fetcher, input_)
        # A cosignature added since the ledger's head was remembered: look again, once.
        if _lacks_witnesses(report) and self._ledger.forget_head():
            report = self._check(fetcher, input_)
        return report

    def verify(self, input_: Verifiable) -> VerificationReport:
        """Like ``check``; raises ``VerificationFailed`` (carrying the report) unless valid."""
        report = self.check(input_)
        if not report.valid:
            raise VerificationFailed(report)
        return report

    def _check(self, fetcher: DocumentFetcher, input_: Verifiable) -> VerificationReport:
        # A resolver per verification: its document cache lives as long as one request.
        return check(
            input_,
            resolver=_Resolver(fetcher, self._fetcher),
            status_fetcher=fetcher,
            verified_lists=self._lists,
            ledger=self._ledger,
        )


class _HereOnly:
    """A ``DocumentFetcher`` of this server's documents only; asked for another server's, it
    notes that it was (``wanted``) and fails, and the verification is done again in a thread."""

    def __init__(self, local: LocalDidFetcher) -> None:
        self._local = local
        self.wanted = False

    def fetch_json(self, url: str) -> Mapping[str, Any]:
        if self._local.is_local(url):
            return self._local.fetch_json(url, on_loop=True)
        self.wanted = True
        raise ResolutionError(f"{url} is not fetched on the event loop.", code="fetch_failed")


def _lacks_witnesses(report: VerificationReport) -> bool:
    return any(c.name == "ledger" and c.code == WITNESSES_MISSING for c in report.failures) or any(
        _lacks_witnesses(child) for child in report.children
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
