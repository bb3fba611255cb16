"""Compiled contexts: processed once per loader, derived contexts memoized, caches bounded."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from credstack.errors import UnknownContext
from credstack.jsonld import canonicalize, contexts
from credstack.jsonld.canon import canonicalize_fast
from credstack.jsonld.contexts import Universe, universe_of
from credstack.jsonld.loader import DEFAULT_LOADER, StaticDocumentLoader
from tests.conftest import REPO

BENCHMARK = "benchmarks/credential.json"


def _credential() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((REPO / BENCHMARK).read_text(encoding="utf-8"))
    return document


def test_each_context_is_processed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    loader = StaticDocumentLoader()
    canonicalize_fast(_credential(), loader)
    calls = []
    process = Universe.process

    def counting(self: Universe, *args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return process(self, *args, **kwargs)

    monkeypatch.setattr(Universe, "process", counting)
    for _ in range(3):
        canonicalize_fast(_credential(), loader)
    assert calls == []


def test_contexts_belong_to_their_loader() -> None:
    url = "https://example.org/extra-context"
    extra = StaticDocumentLoader({url: {"@context": {"colour": "urn:colour"}}})
    document = {"@context": url, "@id": "urn:x", "colour": "blue"}
    assert canonicalize(document, extra) == '<urn:x> <urn:colour> "blue" .\n'
    with pytest.raises(UnknownContext):
        canonicalize(document)
    assert universe_of(extra) is not universe_of(DEFAULT_LOADER)


def test_the_caches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contexts, "_MAX_KEYS_PER_CONTEXT", 8)
    monkeypatch.setattr(contexts, "_MAX_CONTEXTS_PER_LOADER", 4)
    loader = StaticDocumentLoader()
    for i in range(12):
        document: dict[str, Any] = {"@context": [{"@vocab": f"urn:v{i}:"}], "@id": "urn:x"}
        document.update({f"k{j}": j for j in range(20)})
        assert canonicalize_fast(document, loader).count("\n") == 20
    universe = universe_of(loader)
    assert len(universe._wrapped) <= 6
    assert all(len(ctx.keys) <= 8 for ctx in universe._wrapped.values())


def test_threads_share_the_compiled_contexts() -> None:
    loader = StaticDocumentLoader()
    expected = canonicalize(_credential())
    results: list[str] = []

    def work() -> None:
        results.extend(canonicalize(_credential(), loader) for _ in range(20))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 80
