"""The fetcher's refusals, which all happen before any connection is made."""

from __future__ import annotations

import ipaddress

import pytest

from credstack.adapters.http_fetcher import HttpDocumentFetcher, is_public_address
from credstack.errors import ResolutionError


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.1",  # noqa: S104 - an address to classify, not to bind
        "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "64:ff9b::a00:1", "2001:db8::1",
    ],
)  # fmt: skip
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"],
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def _refused(fetcher: HttpDocumentFetcher, url: str) -> str:
    with pytest.raises(ResolutionError) as info:
        fetcher.fetch_json(url)
    return info.value.code


def _no_connection(host: str, port: int) -> list[str]:
    raise AssertionError("the fetcher must refuse before resolving this host")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/.well-known/did.json",
        "https://10.0.0.8/did.json",
        "https://[::1]:8443/did.json",
        "https://[::ffff:127.0.0.1]/did.json",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/did.json",
    ],
)
def test_private_addresses_are_refused_before_connecting(url: str) -> None:
    assert _refused(HttpDocumentFetcher(), url) == "forbidden_address"


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    fetcher = HttpDocumentFetcher(resolve_host=lambda host, port: ["93.184.216.34", "10.0.0.1"])
    assert _refused(fetcher, "https://issuer.example/did.json") == "forbidden_address"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://issuer.example/did.json", "forbidden_scheme"),
        ("file:///etc/passwd", "forbidden_scheme"),
        ("ftp://issuer.example/did.json", "forbidden_scheme"),
        ("https://user:secret@issuer.example/did.json", "invalid_url"),
        ("https:///did.json", "invalid_url"),
        ("https://issuer.example:99999/did.json", "invalid_url"),
    ],
)
def test_urls_that_are_never_fetched(url: str, code: str) -> None:
    assert _refused(HttpDocumentFetcher(resolve_host=_no_connection), url) == code


def test_unresolvable_hosts_fail_cleanly() -> None:
    def nowhere(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    fetcher = HttpDocumentFetcher(resolve_host=nowhere)
    assert _refused(fetcher, "https://issuer.invalid/did.json") == "fetch_failed"
    empty = HttpDocumentFetcher(resolve_host=lambda host, port: [])
    assert _refused(empty, "https://issuer.invalid/did.json") == "fetch_failed"
