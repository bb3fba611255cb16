"""The bundled contexts: pinned, offline, and copied out so that nobody can change them."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from credstack.errors import ConfigurationError, UnknownContext
from credstack.jsonld import loader
from credstack.jsonld.loader import (
    CREDENTIALS_V2,
    OB_V3,
    StaticDocumentLoader,
    bundled_urls,
    context_bytes,
    load_context,
)


def test_the_bundle_has_the_credential_contexts() -> None:
    assert {CREDENTIALS_V2, OB_V3} <= bundled_urls()
    assert hashlib.sha256(context_bytes(OB_V3)).hexdigest() == loader._index()[OB_V3]["sha256"]


def test_a_context_outside_the_bundle_is_unknown() -> None:
    with pytest.raises(UnknownContext) as raised:
        load_context("https://example.org/elsewhere")
    assert raised.value.url == "https://example.org/elsewhere"
    assert not StaticDocumentLoader().knows("https://example.org/elsewhere")
    assert StaticDocumentLoader().knows(CREDENTIALS_V2)


def test_a_damaged_bundle_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = {OB_V3: {**loader._index()[OB_V3], "sha256": "0" * 64}}
    monkeypatch.setattr(loader, "_index", lambda: damaged)
    loader._load_bytes.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="damaged"):
            load_context(OB_V3)
    finally:
        loader._load_bytes.cache_clear()


def test_loaded_documents_are_copies() -> None:
    extra: dict[str, Any] = {"https://example.org/c": {"@context": {"a": "urn:a"}}}
    static = StaticDocumentLoader(extra)
    extra["https://example.org/c"]["@context"]["a"] = "urn:changed"
    first = static("https://example.org/c")
    first["document"]["@context"]["a"] = "urn:mutated"
    assert static("https://example.org/c")["document"] == {"@context": {"a": "urn:a"}}
    assert static.knows("https://example.org/c")
    bundled = static(CREDENTIALS_V2)["document"]
    bundled["@context"] = None
    assert static(CREDENTIALS_V2)["document"]["@context"] is not None
