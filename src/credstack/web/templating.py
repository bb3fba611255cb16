"""The Jinja2 environment and ``render``, which every page uses.

Autoescaping is on for every template, so a value from a credential (which anyone may have
written) is text, never markup. Pages carry a Content-Security-Policy that allows only this
server's own scripts and styles, so injected markup could not run a script anyway.

>>> from starlette.requests import Request
>>> request = Request({"type": "http", "method": "GET", "path": "/", "headers": []})
>>> response = render(request, "home.html")
>>> response.status_code, response.media_type
(200, 'text/html')
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from credstack.web.static_files import content_hash

TEMPLATES_DIR: Final = Path(__file__).parent / "templates"

# Only this server's scripts, styles and forms; images may be data: URIs (QR codes, badge images
# of other issuers come by https); no framing (clickjacking).
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
PAGE_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

# The header's links: (path, label). A page's link is marked aria-current when its path
# starts the request's path.
NAVIGATION: Final = (
    ("/", "Home"),
    ("/verify", "Verify"),
    ("/wallet", "Wallet"),
    ("/console", "Console"),
)


def static_url(name: str) -> str:
    """The URL of a file in ``static/``, versioned by its content."""
    return f"/static/{name}?v={content_hash(name)}"


@cache
def environment() -> Environment:
    """The one environment of the process (templates are compiled once)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static_url"] = static_url
    env.globals["navigation"] = NAVIGATION
    return env


def is_current(link: str, path: str) -> bool:
    """True when the navigation ``link`` is the section that ``path`` belongs to."""
    return path == "/" if link == "/" else path == link or path.startswith(link + "/")


def render(
    request: Request,
    name: str,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The template ``name`` rendered with ``context`` as an HTML response.

    Every template sees ``request``, ``path`` (the request's path, for the navigation) and
    ``viewer``: whoever is signed in, from ``request.state.viewer`` (the sign-in pages set it),
    or None.
    """
    context.setdefault("viewer", getattr(request.state, "viewer", None))
    page = (
        environment()
        .get_template(name)
        .render(
            request=request,
            path=request.url.path,
            is_current=is_current,
            **context,
        )
    )
    return HTMLResponse(page, status_code=status_code, headers={**PAGE_HEADERS, **(headers or {})})
