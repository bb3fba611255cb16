"""POSTing webhook deliveries under the same guard as every other fetch.

An organisation admin chooses the URL, so a delivery is a request the server makes on
someone's word (server-side request forgery): it goes through ``HttpDocumentFetcher``'s rules,
https only, the host resolved once and refused if any address is not public (unless
``allow_private``, for tests), the connection made to the checked address, no proxy from the
environment, no redirect followed (a receiver that moved must be registered again), a
timeout, and at most ``max_bytes`` of the answer read.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from credstack.adapters.http_fetcher import HttpDocumentFetcher, IPAddress, _Target
from credstack.errors import ResolutionError


class HttpWebhookSender(HttpDocumentFetcher):
    def __init__(self, timeout: float = 10.0, allow_private: bool = False) -> None:
        super().__init__(timeout=timeout, max_bytes=64 * 1024, allow_private=allow_private)

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """The status the receiver answered; ``ResolutionError`` if it could not be asked."""
        target = self._check_url(url)
        failure = ResolutionError(f"The host {target.host} has no address.", code="fetch_failed")
        for address in self._check_host(target):
            try:
                return self._post(target, address, body, headers)
            except httpx.ConnectError as exc:
                failure = ResolutionError(
                    f"Connecting to {target.host} failed: {exc}.", code="fetch_failed"
                )
        raise failure

    def _post(
        self, target: _Target, address: IPAddress, body: bytes, headers: Mapping[str, str]
    ) -> int:
        pinned_host = f"[{address}]" if address.version == 6 else str(address)
        pinned = httpx.URL(target.url).copy_with(host=pinned_host.strip("[]"), port=target.port)
        default_port = 443 if target.scheme == "https" else 80
        host = target.host if target.port == default_port else f"{target.host}:{target.port}"
        try:
            with (
                httpx.Client(
                    verify=self._verify,
                    timeout=httpx.Timeout(self.timeout),
                    follow_redirects=False,
                    trust_env=False,
                ) as client,
                client.stream(
                    "POST",
                    pinned,
                    content=body,
                    headers={**headers, "Host": host, "Accept-Encoding": "identity"},
                    extensions={"sni_hostname": target.host},
                ) as response,
            ):
                read = 0
                for chunk in response.iter_bytes():
                    read += len(chunk)
                    if read > self.max_bytes:
                        break  # the answer's body is not used; its status is
                return response.status_code
        except httpx.TimeoutException as exc:
            raise ResolutionError(
                f"{target.url} did not answer within {self.timeout} s.", code="timeout"
            ) from exc
        except httpx.ConnectError:
            raise
        except httpx.HTTPError as exc:
            raise ResolutionError(
                f"Posting to {target.url} failed: {exc}.", code="fetch_failed"
            ) from exc
