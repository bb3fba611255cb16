"""Server-rendered pages for people: Jinja2 templates, one stylesheet, a little JavaScript.

Pages are complete without JavaScript (forms post, links link); ``static/app.js`` only adds
conveniences. Nothing is fetched from another host at run time: the stylesheet and script are
package data, served under ``/static`` with a content hash in their URLs and a year's caching.

A page router renders with ``templating.render(request, "name.html", **context)``;
``install`` adds the static files and every page router to an app (``credstack.app.create_app``).
"""

from __future__ import annotations

from fastapi import FastAPI

from credstack.web.routers import (
    home,
    verifier,
    wallet_evidence,
    wallet_links,
    wallet_pages,
    wallet_record,
)
from credstack.web.static_files import STATIC_DIR, CachedStaticFiles

ROUTERS = (home, verifier, wallet_pages, wallet_evidence, wallet_links, wallet_record)


def install(app: FastAPI) -> None:
    """Mount ``/static`` and include the page routers."""
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")
    for page in ROUTERS:
        app.include_router(page.router)
