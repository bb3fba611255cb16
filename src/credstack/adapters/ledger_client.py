"""A witness's view of another Credstack log, over its public ledger endpoints."""

from __future__ import annotations

import base64
import binascii

import httpx

from credstack.errors import ResolutionError

_TIMEOUT = 10.0
_MAX_BYTES = 1 << 20


class HttpLogClient:
    """``LogClient`` over HTTP: ``{base_url}/ledger/checkpoint``, ``/ledger/consistency`` and
    ``/ledger/cosignatures``. The operator names the log, so no address filter applies."""

    def __init__(self, base_url: str, client: httpx.Client | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._client = client or httpx.Client(timeout=_TIMEOUT, follow_redirects=False)

    def checkpoint(self) -> str:
        return self._get("/ledger/checkpoint").text

    def consistency(self, old_size: int, new_size: int) -> list[bytes]:
        answer = self._get(f"/ledger/consistency?from={old_size}&to={new_size}").json()
        try:
            return [base64.b64decode(item, validate=True) for item in answer["proof"]]
        except (KeyError, TypeError, binascii.Error) as exc:
            raise ResolutionError(
                f"{self._base} answered a consistency proof that cannot be read.",
                code="fetch_failed",
            ) from exc

    def submit_cosignature(self, note: str) -> None:
        url = f"{self._base}/ledger/cosignatures"
        try:
            answer = self._client.post(
                url, content=note.encode(), headers={"Content-Type": "text/plain"}
            )
        except httpx.HTTPError as exc:
            raise ResolutionError(f"{url} cannot be reached: {exc}.", code="fetch_failed") from exc
        if answer.status_code >= 300:
            raise ResolutionError(
                f"{url} refused the cosignature (HTTP {answer.status_code}): {answer.text[:200]}",
                code="cosignature_refused",
            )

    def _get(self, path: str) -> httpx.Response:
        url = self._base + path
        try:
            answer = self._client.get(url)
        except httpx.HTTPError as exc:
            raise ResolutionError(f"{url} cannot be reached: {exc}.", code="fetch_failed") from exc
        if answer.status_code != 200 or len(answer.content) > _MAX_BYTES:
            raise ResolutionError(
                f"{url} answered HTTP {answer.status_code}, not 200.", code="fetch_failed"
            )
        return answer
