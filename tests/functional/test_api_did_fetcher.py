"""``LocalDidFetcher``: this server's did:web documents from the database, the rest elsewhere."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from credstack.api.verification import LocalDidFetcher
from credstack.bootstrap import Platform
from credstack.errors import ResolutionError
from credstack.proofs.did_web import did_web_document_url


class _Recorder:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def fetch_json(self, url: str) -> Mapping[str, Any]:
        self.urls.append(url)
        return {"id": "elsewhere"}


def test_own_documents_come_from_the_database(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    fallback = _Recorder()
    fetcher = LocalDidFetcher(api_platform, fallback)
    document = fetcher.fetch_json(did_web_document_url(org.issuer_did))
    assert document["id"] == org.issuer_did
    assert fallback.urls == []


@pytest.mark.parametrize(
    "url",
    [
        "https://other.example/orgs/acme/did.json",
        "https://badges.example.edu:8443/orgs/acme/did.json",
        "https://badges.example.edu/orgs/a/b/did.json",
        "https://badges.example.edu/status/1",
        "http://badges.example.edu/orgs/acme/did.json",
    ],
)
def test_other_urls_go_to_the_fallback(api_platform: Platform, url: str) -> None:
    fallback = _Recorder()
    assert LocalDidFetcher(api_platform, fallback).fetch_json(url) == {"id": "elsewhere"}
    assert fallback.urls == [url]


def test_an_unknown_local_organisation_does_not_resolve(api_platform: Platform) -> None:
    fetcher = LocalDidFetcher(api_platform, _Recorder())
    with pytest.raises(ResolutionError, match="404"):
        fetcher.fetch_json("https://badges.example.edu/orgs/nobody-here/did.json")
