"""Bundled JSON-LD contexts and a document loader that never reaches the network.

Each context ships inside the package with its SHA-256 pinned in ``contexts/index.json``; a file
that does not match its pin is refused, so a tampered install cannot change what gets signed.

>>> from credstack.jsonld.loader import load_context
>>> "@context" in load_context("https://www.w3.org/ns/credentials/v2")
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from credstack.errors import ConfigurationError, UnknownContext

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"


@cache
def _index() -> dict[str, dict[str, str]]:
    raw = resources.files("credstack.jsonld").joinpath("contexts/index.json").read_bytes()
    index: dict[str, dict[str, str]] = json.loads(raw)
    return index


def bundled_urls() -> frozenset[str]:
    """The context URLs that Credstack can process."""
    return frozenset(_index())


@cache
def _load_bytes(url: str) -> bytes:
    entry = _index().get(url)
    if entry is None:
        raise UnknownContext(url)
    data = resources.files("credstack.jsonld").joinpath("contexts", entry["file"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ConfigurationError(
            f"The bundled context for {url} does not match its pinned SHA-256; "
            "the installation is damaged. Reinstall Credstack.",
        )
    return data


def context_bytes(url: str) -> bytes:
    """The exact bytes of a bundled context, for digests (VC 2.0 relatedResource)."""
    return _load_bytes(url)


def load_context(url: str) -> dict[str, Any]:
    """The parsed context document for ``url``; raises ``UnknownContext`` when not bundled.

    Returns a fresh copy each call, so callers may not corrupt the cache.
    """
    document: dict[str, Any] = json.loads(_load_bytes(url))
    return document


class StaticDocumentLoader:
    """A pyld-compatible document loader over the bundled contexts.

    ``extra`` adds documents by URL (tests use it for contexts outside the bundle). They are
    copied: what a loader returns for a URL never changes, so contexts compiled through it
    can be kept (``contexts.py``).
    """

    def __init__(self, extra: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._extra = {url: json.dumps(document) for url, document in (extra or {}).items()}

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if url in self._extra:
            document: Any = json.loads(self._extra[url])
        else:
            document = load_context(url)
        return {"contextUrl": None, "documentUrl": url, "document": document}

    def knows(self, url: str) -> bool:
        return url in self._extra or url in _index()


DEFAULT_LOADER = StaticDocumentLoader()
