from __future__ import annotations

import pytest

from credstack.errors import ResolutionError
from credstack.proofs.did_web import did_web_document, did_web_document_url, did_web_for
from credstack.proofs.keys import generate_key


@pytest.mark.parametrize(
    ("host", "path", "did", "url"),
    [
        ("w3c-ccg.github.io", (), "did:web:w3c-ccg.github.io",
         "https://w3c-ccg.github.io/.well-known/did.json"),
        ("w3c-ccg.github.io", ("user", "alice"), "did:web:w3c-ccg.github.io:user:alice",
         "https://w3c-ccg.github.io/user/alice/did.json"),
        ("example.com:3000", ("user", "alice"), "did:web:example.com%3A3000:user:alice",
         "https://example.com:3000/user/alice/did.json"),
        ("Example.COM", ("a b", "c:d"), "did:web:example.com:a%20b:c%3Ad",
         "https://example.com/a%20b/c%3Ad/did.json"),
    ],
)  # fmt: skip
def test_did_web_names_and_urls(host: str, path: tuple[str, ...], did: str, url: str) -> None:
    assert did_web_for(host, path) == did
    assert did_web_document_url(did) == url


def test_fragment_and_query_do_not_change_the_url() -> None:
    assert did_web_document_url("did:web:example.com:issuers#key-1") == (
        "https://example.com/issuers/did.json"
    )
    assert did_web_document_url("did:web:example.com?versionId=1") == (
        "https://example.com/.well-known/did.json"
    )


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "[::1]", "::1", "example.com:0", "example.com:70000", "exa_mple.com", "", "a/b"],
)
def test_hosts_that_are_not_domain_names_are_refused(host: str) -> None:
    with pytest.raises(ResolutionError) as info:
        did_web_for(host)
    assert info.value.code == "invalid_did"


@pytest.mark.parametrize(
    "did",
    [
        "did:key:z6Mk",
        "did:web:",
        "did:web:127.0.0.1",
        "did:web:example.com::x",
        "did:web:example.com:..",
        "did:web:example.com:%2E%2E",
    ],
)
def test_bad_did_webs_have_no_url(did: str) -> None:
    with pytest.raises(ResolutionError) as info:
        did_web_document_url(did)
    assert info.value.code == "invalid_did"


def test_did_document_lists_each_key_as_a_multikey_method() -> None:
    keys = [generate_key("ed25519").public_key, generate_key("p256").public_key]
    did = "did:web:issuer.example:org:1"
    document = did_web_document(did, keys)
    assert document["id"] == did
    assert [m["id"] for m in document["verificationMethod"]] == [f"{did}#key-1", f"{did}#key-2"]
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [
        k.multikey for k in keys
    ]
    assert all(m["controller"] == did for m in document["verificationMethod"])
    assert (
        document["assertionMethod"]
        == document["authentication"]
        == [
            f"{did}#key-1",
            f"{did}#key-2",
        ]
    )


@pytest.mark.parametrize("did", ["did:web:example.com#key-1", "did:key:z6Mk"])
def test_did_document_needs_a_plain_did_web(did: str) -> None:
    with pytest.raises(ResolutionError):
        did_web_document(did, [generate_key("ed25519").public_key])


def test_did_document_needs_a_key() -> None:
    with pytest.raises(ResolutionError):
        did_web_document("did:web:example.com", [])
