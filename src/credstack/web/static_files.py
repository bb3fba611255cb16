"""The files under ``/static``: served with a year's caching, because every page names them
with a hash of their content (``templating.static_url``), so a changed file has a new URL."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Final

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR: Final = Path(__file__).parent / "static"
IMMUTABLE: Final = "public, max-age=31536000, immutable"


class CachedStaticFiles(StaticFiles):
    """Starlette's static files with long-lived caching and no content sniffing."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


@cache
def content_hash(name: str) -> str:
    """The first 12 hex digits of the SHA-256 of a static file (its version in URLs)."""
    path = STATIC_DIR / name
    if os.sep in name or "/" in name or not path.is_file():
        raise ValueError(f"{name!r} is not a file in {STATIC_DIR}")
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
