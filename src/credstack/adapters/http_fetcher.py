"""Fetching DID and controller documents over HTTPS, defensively.

A verifier fetches URLs that a credential names, so every fetch is an attacker's request
(server-side request forgery). This fetcher therefore:

- speaks https only (plain http only with ``allow_private``, for tests);
- resolves the host itself and refuses loopback, private, link-local, shared, reserved and
  multicast addresses, IPv4 and IPv6 (also IPv4 inside IPv6), unless ``allow_private``;
- connects to the address it checked (the URL's host goes in ``Host`` and TLS SNI, and the
  certificate is verified for it), so DNS cannot be changed between check and connection;
- follows at most ``max_redirects`` redirects, checking each hop like the first;
- ignores proxy settings from the environment, asks for no compression, caps the body at
  ``max_bytes`` while streaming, and bounds the whole fetch by ``timeout`` seconds;
- caches successful fetches for ``cache_ttl`` seconds.

>>> fetcher = HttpDocumentFetcher()
>>> fetcher.fetch_json("https://127.0.0.1/.well-known/did.json")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
credstack.errors.ResolutionError: The address 127.0.0.1 of 127.0.0.1 is not a public address; ...
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from credstack.errors import ResolutionError

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CACHE_ENTRIES = 256

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
HostResolver = Callable[[str, int], list[str]]


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address, judging IPv4 embedded in IPv6 as IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
        if address.is_site_local:
            return False
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int


def _error(code: str, message: str) -> ResolutionError:
    return ResolutionError(message, code=code)


class _ConnectFailed(Exception):
    """This address refused the connection (or TLS): the next one may be tried."""


class HttpDocumentFetcher:
    """A ``DocumentFetcher`` (and ``fetch_bytes`` for related resources) over httpx."""

    def __init__(
        self,
        timeout: float = 5.0,
        max_bytes: int = 256 * 1024,
        allow_private: bool = False,
        cache_ttl: float = 300,
        *,
        max_redirects: int = 3,
        verify: ssl.SSLContext | bool = True,
        resolve_host: HostResolver = _system_resolve,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.cache_ttl = cache_ttl
        self.max_redirects = max_redirects
        self._verify = verify
        self._resolve_host = resolve_host
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def fetch_json(self, url: str) -> Mapping[str, Any]:
        """The JSON object at ``url``; ``ResolutionError`` with a code when it cannot be had."""
        body = self.fetch_bytes(url)
        try:
            document = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise _error("not_json", f"The document at {url} is not JSON.") from exc
        if not isinstance(document, dict):
            raise _error("not_json", f"The document at {url} is JSON but not an object.")
        return document

    def fetch_bytes(self, url: str) -> bytes:
        """The body at ``url``, from the cache when fresh."""
        now = self._clock()
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and cached[0] > now:
                return cached[1]
        body = self._fetch(url, deadline=now + self.timeout)
        if self.cache_ttl > 0:
            with self._lock:
                self._cache[url] = (self._clock() + self.cache_ttl, body)
                self._cache.move_to_end(url)
                while len(self._cache) > _CACHE_ENTRIES:
                    self._cache.popitem(last=False)
        return body

    def _fetch(self, url: str, *, deadline: float) -> bytes:
        for _ in range(self.max_redirects + 1):
            target = self._check_url(url)
            status, location, body = self._get_any(target, self._check_host(target), deadline)
            if status not in _REDIRECTS:
                if status != 200:
                    raise _error("fetch_failed", f"{url} answered HTTP {status}, not 200.")
                return body
            if location is None:
                raise _error("fetch_failed", f"{url} redirects without a Location.")
            url = urljoin(url, location)
        raise _error("fetch_failed", f"Too many redirects (more than {self.max_redirects}).")

    def _check_url(self, url: str) -> _Target:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise _error("invalid_url", f"{url!r} is not a valid URL.") from exc
        allowed = ("https", "http") if self.allow_private else ("https",)
        if parts.scheme not in allowed:
            raise _error("forbidden_scheme", f"Only https URLs are fetched; {url!r} is not one.")
        if not parts.hostname or parts.username is not None or parts.password is not None:
            raise _error("invalid_url", f"{url!r} has no host, or carries credentials.")
        default = 443 if parts.scheme == "https" else 80
        return _Target(url, parts.scheme, parts.hostname, port or default)

    def _check_host(self, target: _Target) -> list[IPAddress]:
        """Resolve once, refuse non-public addresses, and return those to connect to."""
        try:
            found = [
                ipaddress.ip_address(a.split("%", 1)[0])
                for a in self._resolve_host(target.host, target.port)
            ]
        except (OSError, UnicodeError, ValueError) as exc:
            raise _error("fetch_failed", f"The host {target.host} cannot be resolved.") from exc
        if not found:
            raise _error("fetch_failed", f"The host {target.host} has no address.")
        if not self.allow_private:
            for address in found:
                if not is_public_address(address):
                    raise _error(
                        "forbidden_address",
                        f"The address {address} of {target.host} is not a public address; "
                        "documents are fetched from the public internet only.",
                    )
        return found

    def _get_any(
        self, target: _Target, addresses: list[IPAddress], deadline: float
    ) -> tuple[int, str | None, bytes]:
        """Try the checked addresses in order until one accepts the connection."""
        failure = _error("fetch_failed", f"The host {target.host} has no address.")
        for address in addresses:
            try:
                return self._get(target, address, deadline)
            except _ConnectFailed as exc:
                failure = _error("fetch_failed", f"Fetching {target.url} failed: {exc.__cause__}.")
        raise failure

    def _get(
        self, target: _Target, address: IPAddress, deadline: float
    ) -> tuple[int, str | None, bytes]:
        pinned_host = f"[{address}]" if address.version == 6 else str(address)
        parts = urlsplit(target.url)
        pinned = parts._replace(netloc=f"{pinned_host}:{target.port}").geturl()
        default_port = 443 if target.scheme == "https" else 80
        host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise _error("timeout", f"Fetching {target.url} took longer than {self.timeout} s.")
        request_headers = {
            "Host": host_header,
            "Accept": "application/did+json, application/ld+json, application/json",
            "Accept-Encoding": "identity",
        }
        try:
            with (
                httpx.Client(
                    verify=self._verify,
                    timeout=httpx.Timeout(remaining),
                    follow_redirects=False,
                    trust_env=False,
                ) as client,
                client.stream(
                    "GET",
                    pinned,
                    headers=request_headers,
                    extensions={"sni_hostname": target.host},
                ) as response,
            ):
                if response.status_code in _REDIRECTS:
                    return response.status_code, response.headers.get("location"), b""
                declared = response.headers.get("content-length")
                if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
                    raise self._too_large(target.url)
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        raise self._too_large(target.url)
                    if self._clock() > deadline:
                        raise _error(
                            "timeout",
                            f"Fetching {target.url} took longer than {self.timeout} s.",
                        )
                return response.status_code, None, bytes(body)
        except httpx.ConnectError as exc:
            raise _ConnectFailed from exc
        except httpx.TimeoutException as exc:
            raise _error(
                "timeout", f"Fetching {target.url} took longer than {self.timeout} s."
            ) from exc
        except httpx.HTTPError as exc:
            raise _error("fetch_failed", f"Fetching {target.url} failed: {exc}.") from exc

    def _too_large(self, url: str) -> ResolutionError:
        return _error("too_large", f"The document at {url} is larger than {self.max_bytes} bytes.")
