"""``credstack serve``: the platform's HTTP API under uvicorn.

Settings come from the environment (``CREDSTACK_*``, see ``credstack.config``); the app
migrates the database when it starts. uvicorn is imported only when the command runs, so
``pip install credstack`` without ``[server]`` still verifies credentials.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

# An import string and factory=True: each worker process builds its own app and platform.
APP_FACTORY = "credstack.app:create_app"


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", exists=True, dir_okay=False, help="PEM file.")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option("--tls-key", exists=True, dir_okay=False, help="PEM file.")
    ] = None,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log every request (on by default; a proxy in front often logs them already).",
        ),
    ] = True,
) -> None:
    """Serve the API (OpenAPI docs at /docs); migrates the database on start."""
    if (tls_cert is None) != (tls_key is None):
        typer.echo("error: --tls-cert and --tls-key go together", err=True)
        raise typer.Exit(2)
    try:
        import uvicorn  # the server stack is optional; see the docstring
    except ImportError as exc:
        typer.echo("error: the server is not installed; pip install 'credstack[server]'", err=True)
        raise typer.Exit(2) from exc
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
        proxy_headers=False,
        access_log=access_log,
    )
