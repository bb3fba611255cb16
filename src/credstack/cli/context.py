"""What every server-side command opens: the platform from the environment's settings, or the
services of one transaction acting as the platform operator.

The server stack is imported only when a command runs, so ``pip install credstack`` (without
``[server]``) still verifies credentials; refusals become exit 1 with the error's message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from credstack.errors import Error

if TYPE_CHECKING:
    from credstack.bootstrap import Platform
    from credstack.config import Settings
    from credstack.services import Services


def refuse(message: str) -> typer.Exit:
    """Say why on standard error; the ``typer.Exit`` (code 1) to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _settings() -> Settings:
    try:
        from pydantic import ValidationError

        from credstack.config import Settings
    except ImportError as exc:  # the [server] extra is not installed
        raise refuse(
            f"this command needs the server stack: pip install 'credstack[server]' ({exc.name})"
        ) from exc
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"CREDSTACK_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise refuse(f"invalid settings: {problems}") from exc


@contextmanager
def open_platform() -> Iterator[Platform]:
    """The platform from the environment's settings, migrated; closed afterwards."""
    settings = _settings()
    from credstack.bootstrap import build

    try:
        platform = build(settings, migrate=True)
    except Error as exc:
        raise refuse(f"{exc.message} [{exc.code}]") from exc
    try:
        yield platform
    except Error as exc:
        raise refuse(f"{exc.message} [{exc.code}]") from exc
    finally:
        platform.close()


@contextmanager
def operator_services() -> Iterator[Services]:
    """Services in one transaction, committed when the block ends, as the platform operator
    acts from the command line (the caller passes ``Actor.operator(...)``)."""
    with open_platform() as platform, platform.unit_of_work() as services:
        yield services
