from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from credstack.errors import ResolutionError
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.did_web import did_web_document
from credstack.proofs.keys import generate_key
from credstack.proofs.resolver import (
    KeyResolver,
    StaticFetcher,
    StaticResolver,
    VerificationMethod,
)

KEY = generate_key("ed25519").public_key
DID = "did:web:issuer.example:org"
URL = "https://issuer.example/org/did.json"


def _code(resolver: KeyResolver, vm: str, purpose: str | None = None) -> str:
    with pytest.raises(ResolutionError) as info:
        resolver.resolve(vm, purpose=purpose)
    assert info.value.message.endswith(".")
    return info.value.code


def _web(document: Mapping[str, Any]) -> KeyResolver:
    return KeyResolver(StaticFetcher({URL: document}))


def test_did_key_resolves_offline_with_or_without_fragment() -> None:
    vm_id = verification_method_id(KEY)
    expected = VerificationMethod(vm_id, vm_id.split("#")[0], KEY)
    assert KeyResolver().resolve(vm_id) == expected
    assert KeyResolver().resolve(vm_id.split("#")[0]) == expected
    other = generate_key("ed25519").public_key.multikey
    assert _code(KeyResolver(), f"{vm_id.split('#')[0]}#{other}") == "unresolvable_key"


def test_did_web_resolves_through_the_fetcher_and_caches() -> None:
    fetcher = StaticFetcher({URL: did_web_document(DID, [KEY])})
    resolver = KeyResolver(fetcher)
    method = resolver.resolve(f"{DID}#key-1", purpose="assertionMethod")
    assert method == VerificationMethod(f"{DID}#key-1", DID, KEY)
    resolver.resolve(f"{DID}#key-1", purpose="authentication")
    assert fetcher.requests == [URL]


def test_relative_ids_jwk_methods_and_embedded_methods() -> None:
    p256 = generate_key("p256").public_key
    document = {
        "id": DID,
        "verificationMethod": [
            {"id": "#jwk", "type": "JsonWebKey", "controller": DID, "publicKeyJwk": p256.to_jwk()}
        ],
        "assertionMethod": [
            "#jwk",
            {
                "id": f"{DID}#legacy",
                "type": "Ed25519VerificationKey2020",
                "controller": DID,
                "publicKeyMultibase": KEY.multikey,
            },
        ],
    }
    resolver = _web(document)
    assert resolver.resolve(f"{DID}#jwk", purpose="assertionMethod").public_key == p256
    assert resolver.resolve(f"{DID}#legacy", purpose="assertionMethod").public_key == KEY


@pytest.mark.parametrize(
    ("document", "vm", "purpose", "code"),
    [
        ({"id": "did:web:other.example"}, f"{DID}#key-1", None, "unresolvable_key"),
        (did_web_document(DID, [KEY]), f"{DID}#key-9", None, "unresolvable_key"),
        (did_web_document(DID, [KEY]), DID, None, "unresolvable_key"),
        (did_web_document(DID, [KEY]), f"{DID}#key-1", "capabilityInvocation",
         "purpose_not_authorized"),
        ({"id": DID, "verificationMethod": [{"id": f"{DID}#k", "type": "Multikey",
          "controller": "did:web:evil.example", "publicKeyMultibase": KEY.multikey}]},
         f"{DID}#k", None, "unresolvable_key"),
        ({"id": DID, "verificationMethod": [{"id": f"{DID}#k", "type": "RsaKey2018",
          "controller": DID, "publicKeyPem": "..."}]}, f"{DID}#k", None, "unresolvable_key"),
        ({"id": DID, "verificationMethod": [{"id": f"{DID}#k", "type": "Multikey",
          "controller": DID, "publicKeyMultibase": "zBad"}]}, f"{DID}#k", None,
         "unresolvable_key"),
        ({"id": DID, "verificationMethod": [{"id": f"{DID}#k", "type": "JsonWebKey",
          "controller": DID, "publicKeyJwk": generate_key("p256").to_jwk()}]}, f"{DID}#k", None,
         "unresolvable_key"),
    ],
)  # fmt: skip
def test_did_web_documents_that_do_not_vouch_for_the_key(
    document: Mapping[str, Any], vm: str, purpose: str | None, code: str
) -> None:
    assert _code(_web(document), vm, purpose) == code


def test_fetch_failures_become_unresolvable_keys() -> None:
    resolver = KeyResolver(StaticFetcher({}))
    with pytest.raises(ResolutionError) as info:
        resolver.resolve(f"{DID}#key-1")
    assert info.value.code == "unresolvable_key"
    assert URL in info.value.message
    assert _code(KeyResolver(), f"{DID}#key-1") == "unresolvable_key"  # no fetcher
    assert _code(KeyResolver(StaticFetcher({})), "did:web:127.0.0.1#k") == "invalid_did"


def test_fragment_keys_are_marked() -> None:
    for controller in ("https://example.com/issuers/1", "urn:uuid:6f2e33e5", "http://x.example/"):
        method = KeyResolver().resolve(f"{controller}#{KEY.multikey}")
        assert method == VerificationMethod(
            f"{controller}#{KEY.multikey}", controller, KEY, from_fragment=True
        )


def test_without_fragment_keys_a_controller_document_is_needed() -> None:
    controller = "https://example.com/issuers/1"
    vm = f"{controller}#{KEY.multikey}"
    assert _code(KeyResolver(fragment_keys=False), vm) == "unresolvable_key"
    document = {
        "id": controller,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": KEY.multikey,
            }
        ],
        "assertionMethod": [vm],
    }
    resolver = KeyResolver(StaticFetcher({controller: document}), fragment_keys=False)
    assert resolver.resolve(vm, purpose="assertionMethod") == VerificationMethod(
        vm, controller, KEY
    )


def test_https_methods_without_a_key_in_the_fragment_are_fetched() -> None:
    controller = "https://example.com/issuers/1"
    document = {
        "id": controller,
        "verificationMethod": [
            {"id": "#key-1", "type": "Multikey", "controller": controller,
             "publicKeyMultibase": KEY.multikey}
        ],
    }  # fmt: skip
    resolver = KeyResolver(StaticFetcher({controller: document}))
    assert resolver.resolve(f"{controller}#key-1").public_key == KEY
    garbled = f"{controller}#z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    with pytest.raises(ResolutionError) as info:
        KeyResolver().resolve(garbled)
    assert "not a valid Multikey" in info.value.message
    assert _code(KeyResolver(StaticFetcher({})), "urn:uuid:1#key-1") == "unresolvable_key"


@pytest.mark.parametrize(
    ("vm", "code"),
    [
        ("", "invalid_verification_method"),
        ("z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "invalid_verification_method"),
        ("#key-1", "invalid_verification_method"),
        ("xxx:z6Mk", "unsupported_verification_method"),
        ("ftp://example.com/key", "unsupported_verification_method"),
        ("did:example:z6Mk", "unsupported_did_method"),
        ("did:ion:abc#key", "unsupported_did_method"),
        ("did:", "unsupported_did_method"),
    ],
)
def test_methods_that_are_not_resolvable_by_design(vm: str, code: str) -> None:
    assert _code(KeyResolver(StaticFetcher({})), vm) == code


def test_static_resolver_knows_keys_first() -> None:
    resolver = StaticResolver({"https://example.edu/issuers/565049#key-1": KEY})
    method = resolver.resolve("https://example.edu/issuers/565049#key-1")
    assert (method.controller, method.public_key, method.from_fragment) == (
        "https://example.edu/issuers/565049",
        KEY,
        False,
    )
    vm_id = verification_method_id(KEY)
    assert resolver.resolve(vm_id).public_key == KEY  # falls back to the usual rules
