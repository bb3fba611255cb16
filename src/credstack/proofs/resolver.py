"""From a verification method id to a public key: the resolver port and its rules.

- ``did:key``: offline, the DID is the key.
- ``did:web``: the DID document is fetched through a ``DocumentFetcher`` (the I/O port;
  ``credstack.adapters.http_fetcher`` implements it); the document must be the DID's own and
  list the method, controlled by the DID (Controlled Identifiers 1.0, section 3.3
  "Retrieve Verification Method").
- ``https://host/path#z6Mk...``: the 1EdTech validator's convention, in which the fragment *is*
  the Multikey. The key is taken from the fragment and the result is marked ``from_fragment``:
  nothing confirms that the controller (the URL) controls that key. Without a Multikey in the
  fragment, the URL is fetched as a controller document.

>>> vm = KeyResolver().resolve(
...     "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
...     "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
>>> vm.controller
'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from credstack.errors import KeyManagementError, ResolutionError
from credstack.proofs.did_key import RELATIONSHIPS, public_key_of_did_key
from credstack.proofs.did_web import did_web_document_url
from credstack.proofs.keys import PublicKey, key_from_jwk, public_key_from_multikey

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_MULTIBASE_KEY_TYPES = ("Multikey", "Ed25519VerificationKey2020")
_JWK_KEY_TYPES = ("JsonWebKey", "JsonWebKey2020")
# Controllers named by URL or URN (1EdTech issuers are often urn:uuid) may carry a fragment
# key; only https URLs are fetched as controller documents.
_FRAGMENT_KEY_SCHEMES = ("https", "http", "urn")


class DocumentFetcher(Protocol):
    """Fetches a JSON document (a DID or controller document); raises ``ResolutionError``."""

    def fetch_json(self, url: str) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved verification method.

    ``from_fragment`` means the key was read from the URL's fragment and its controller's
    control of it is not confirmed; a verifier should say so.
    """

    id: str
    controller: str
    public_key: PublicKey
    from_fragment: bool = False


def _unresolvable(message: str) -> ResolutionError:
    return ResolutionError(message, code="unresolvable_key")


def _split(vm_id: str) -> tuple[str, str]:
    base, _, fragment = vm_id.partition("#")
    return base, fragment


class KeyResolver:
    """Resolves verification methods; fetched documents are cached for the instance's life.

    Without a ``fetcher`` only did:key and fragment keys resolve. ``fragment_keys=False``
    turns the key-in-fragment convention off, so such URLs must resolve to a document.
    """

    def __init__(
        self, fetcher: DocumentFetcher | None = None, *, fragment_keys: bool = True
    ) -> None:
        self._fetcher = fetcher
        self._fragment_keys = fragment_keys
        self._documents: dict[str, Mapping[str, Any]] = {}

    def resolve(self, vm_id: str, *, purpose: str | None = None) -> VerificationMethod:
        """The method ``vm_id`` names; with ``purpose``, it must be authorised for it."""
        if not isinstance(vm_id, str) or not vm_id.strip():
            raise ResolutionError(
                "The proof names no verification method.", code="invalid_verification_method"
            )
        scheme = _SCHEME.match(vm_id)
        if scheme is None:
            raise ResolutionError(
                f"The verification method {vm_id!r} is not a URI (it has no scheme); it must "
                "be a DID URL or an https URL naming the signing key.",
                code="invalid_verification_method",
            )
        if scheme.group(1) == "did":
            method = vm_id.split(":", 2)[1] if vm_id.count(":") >= 2 else ""
            if method == "key":
                return self._resolve_did_key(vm_id)
            if method == "web":
                return self._resolve_document(vm_id, purpose)
            raise ResolutionError(
                f"The DID method {method!r} of {vm_id!r} is not supported; Credstack resolves "
                "did:key and did:web.",
                code="unsupported_did_method",
            )
        if scheme.group(1).lower() in _FRAGMENT_KEY_SCHEMES:
            return self._resolve_url(vm_id, purpose)
        raise ResolutionError(
            f"The verification method {vm_id!r} uses the unsupported URI scheme "
            f"{scheme.group(1)!r}; use did:key, did:web or an https URL.",
            code="unsupported_verification_method",
        )

    def forget(self, url: str) -> None:
        """Drop the document fetched from ``url``, so the next resolution fetches it again."""
        self._documents.pop(url, None)

    def _resolve_did_key(self, vm_id: str) -> VerificationMethod:
        did, fragment = _split(vm_id)
        public_key = public_key_of_did_key(did)
        if fragment and fragment != public_key.multikey:
            raise _unresolvable(
                f"{vm_id!r} names a method that the did:key document does not have; "
                f"its only method is {did}#{public_key.multikey}."
            )
        return VerificationMethod(f"{did}#{public_key.multikey}", did, public_key)

    def _resolve_url(self, vm_id: str, purpose: str | None) -> VerificationMethod:
        base, fragment = _split(vm_id)
        problem = ""
        if fragment and self._fragment_keys:
            try:
                public_key = public_key_from_multikey(fragment)
            except KeyManagementError as exc:
                problem = f" Its fragment is not a valid Multikey ({exc.message})."
            else:
                return VerificationMethod(vm_id, base, public_key, from_fragment=True)
        if not vm_id.lower().startswith("https:"):
            raise _unresolvable(
                f"The key {vm_id!r} cannot be resolved.{problem} Only https URLs are fetched "
                "as controller documents."
            )
        if self._fetcher is None:
            raise _unresolvable(
                f"The key {vm_id!r} cannot be resolved.{problem} Fetching controller "
                "documents is off."
            )
        return self._resolve_document(vm_id, purpose)

    def _fetch(self, url: str, what: str) -> Mapping[str, Any]:
        cached = self._documents.get(url)
        if cached is not None:
            return cached
        if self._fetcher is None:
            raise _unresolvable(
                f"The {what} at {url} is needed to resolve the key, but fetching is off."
            )
        try:
            document = self._fetcher.fetch_json(url)
        except ResolutionError as exc:
            raise _unresolvable(f"The {what} at {url} could not be read: {exc.message}") from exc
        self._documents[url] = document
        return document

    def _resolve_document(self, vm_id: str, purpose: str | None) -> VerificationMethod:
        """CID 1.0 section 3.3: fetch the controller document, find and check the method."""
        base, fragment = _split(vm_id)
        if not fragment:
            raise _unresolvable(
                f"{vm_id!r} names a whole document, not one of its verification methods "
                "(add the #fragment of the key)."
            )
        is_did = base.startswith("did:web:")
        url = did_web_document_url(base) if is_did else base
        document = self._fetch(url, "DID document" if is_did else "controller document")
        if document.get("id") != base:
            raise _unresolvable(
                f"The document at {url} describes {document.get('id')!r}, not {base!r}."
            )
        method = _find_method(document, vm_id, base)
        if method is None:
            raise _unresolvable(f"The document of {base} lists no verification method {vm_id!r}.")
        if method.get("controller") != base:
            raise _unresolvable(
                f"The method {vm_id!r} is controlled by {method.get('controller')!r}, not by "
                f"{base}, so {base} has not authorised it."
            )
        if purpose is not None and not _authorises(document, purpose, vm_id, base):
            raise ResolutionError(
                f"The document of {base} does not list {vm_id!r} under {purpose!r}, so the key "
                f"may not be used for that purpose.",
                code="purpose_not_authorized",
            )
        return VerificationMethod(vm_id, base, _method_key(method, vm_id))


def _absolute(reference: object, base: str) -> object:
    if isinstance(reference, str) and reference.startswith("#"):
        return base + reference
    return reference


def _find_method(document: Mapping[str, Any], vm_id: str, base: str) -> Mapping[str, Any] | None:
    candidates: list[Any] = []
    for name in ("verificationMethod", *RELATIONSHIPS):
        value = document.get(name)
        candidates.extend(value if isinstance(value, list) else [value])
    for candidate in candidates:
        if isinstance(candidate, Mapping) and _absolute(candidate.get("id"), base) == vm_id:
            return candidate
    return None


def _authorises(document: Mapping[str, Any], purpose: str, vm_id: str, base: str) -> bool:
    entries = document.get(purpose)
    for entry in entries if isinstance(entries, list) else [entries]:
        reference = entry.get("id") if isinstance(entry, Mapping) else entry
        if _absolute(reference, base) == vm_id:
            return True
    return False


def _method_key(method: Mapping[str, Any], vm_id: str) -> PublicKey:
    kind = method.get("type")
    try:
        if kind in _MULTIBASE_KEY_TYPES and "publicKeyMultibase" in method:
            return public_key_from_multikey(method["publicKeyMultibase"])
        if kind in _JWK_KEY_TYPES and isinstance(method.get("publicKeyJwk"), Mapping):
            key = key_from_jwk(method["publicKeyJwk"])
            if isinstance(key, PublicKey):
                return key
            raise _unresolvable(
                f"The method {vm_id!r} publishes a private key; it must hold a public key only."
            )
    except KeyManagementError as exc:
        raise _unresolvable(f"The key of {vm_id!r} cannot be read: {exc.message}") from exc
    raise _unresolvable(
        f"The method {vm_id!r} has type {kind!r} without a key Credstack reads; use Multikey "
        "(publicKeyMultibase) or JsonWebKey (publicKeyJwk)."
    )


class StaticFetcher:
    """A ``DocumentFetcher`` over documents held in memory (tests, pinned trust lists)."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self._documents = dict(documents)
        self.requests: list[str] = []

    def fetch_json(self, url: str) -> Mapping[str, Any]:
        self.requests.append(url)
        document = self._documents.get(url)
        if document is None:
            raise ResolutionError(f"No document is known at {url}.", code="fetch_failed")
        return document


class StaticResolver(KeyResolver):
    """Known keys by verification method id first, then the usual rules."""

    def __init__(
        self,
        methods: Mapping[str, PublicKey],
        fetcher: DocumentFetcher | None = None,
        *,
        fragment_keys: bool = True,
    ) -> None:
        super().__init__(fetcher, fragment_keys=fragment_keys)
        self._methods = dict(methods)

    def resolve(self, vm_id: str, *, purpose: str | None = None) -> VerificationMethod:
        key = self._methods.get(vm_id) if isinstance(vm_id, str) else None
        if key is not None:
            return VerificationMethod(vm_id, _split(vm_id)[0], key)
        return super().resolve(vm_id, purpose=purpose)
