"""did:web names of organisations, from the public base URL."""

from __future__ import annotations

import pytest

from credstack.errors import ConfigurationError
from credstack.proofs.did_web import did_web_document_url
from credstack.services.organizations import did_web_for_organization


@pytest.mark.parametrize(
    ("base_url", "did"),
    [
        ("https://badges.example.edu", "did:web:badges.example.edu:orgs:acme"),
        ("https://badges.example.edu:8443", "did:web:badges.example.edu%3A8443:orgs:acme"),
        ("https://Example.EDU/credstack", "did:web:example.edu:credstack:orgs:acme"),
        ("http://127.0.0.1:8000", "did:web:localhost%3A8000:orgs:acme"),
        ("http://localhost", "did:web:localhost:orgs:acme"),
    ],
)
def test_did_web_for_organization(base_url: str, did: str) -> None:
    assert did_web_for_organization(base_url, "acme") == did


def test_the_document_is_served_under_orgs_slug() -> None:
    did = did_web_for_organization("https://badges.example.edu:8443", "acme")
    assert did_web_document_url(did) == "https://badges.example.edu:8443/orgs/acme/did.json"


def test_a_public_ip_address_cannot_name_a_did_web() -> None:
    with pytest.raises(ConfigurationError) as raised:
        did_web_for_organization("https://203.0.113.7", "acme")
    assert raised.value.code == "did_web_needs_domain"
