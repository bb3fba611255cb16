"""``credstack purge``: delete expired sign-in links, ended wallet and staff sessions, old
failed sign-ins, expired OAuth codes and grants, and finished outbox messages and webhook
deliveries older than the keep (docs/operations.md). Every server and worker also runs it every
``CREDSTACK_PURGE_SECONDS``. Exit codes: 0 done, 1 refused, 2 usage error."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from credstack.cli.context import operator_services


def purge(
    keep_days: Annotated[
        int | None,
        typer.Option(
            "--keep-days",
            min=1,
            help="Keep finished outbox messages and webhook deliveries this many days "
            "(default: CREDSTACK_OUTBOX_KEEP_DAYS, 30).",
        ),
    ] = None,
) -> None:
    """Delete what has outlived its use; print how many rows of each kind went."""
    from credstack.services.actors import Actor

    keep = timedelta(days=keep_days) if keep_days is not None else None
    with operator_services() as services:
        counts = services.purge.purge(Actor.operator("cli"), keep=keep)
    width = max(len(kind) for kind in counts)
    for kind, number in counts.items():
        typer.echo(f"{kind:<{width}}  {number}")
