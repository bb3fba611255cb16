"""Request bodies over a size limit are refused with 413 before anything parses them.

A declared ``Content-Length`` over the limit is refused at once; a body without one (chunked)
is read up to the limit and refused as soon as it passes it, so no request holds more than the
limit in memory.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credstack.api.problems import problem_response

DEFAULT_MAX_BODY_BYTES = 1_048_576
# A bulk issuance file (POST /orgs/{slug}/bulk): 100,000 rows of a few columns fit.
BULK_MAX_BODY_BYTES = 32 * 1_048_576
# Where a bulk file is posted: the API's upload, the console's preview and its "Start".
BULK_PATHS = ("/bulk", "/bulk/preview")


class BodySizeLimit:
    """ASGI middleware: 413 ``too_large`` for HTTP request bodies over ``max_bytes``
    (``bulk_max_bytes`` for a bulk file upload)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        bulk_max_bytes: int = BULK_MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.bulk_max_bytes = bulk_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        if scope["method"] == "POST" and str(scope["path"]).endswith(BULK_PATHS):
            limit = self.bulk_max_bytes
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                await self._refuse(scope, receive, send, limit)
                return
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem_response(
            413,
            "too_large",
            f"The request body is larger than {limit} bytes.",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)
