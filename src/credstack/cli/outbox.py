"""``credstack outbox list|show``: the messages the platform sent or keeps (the operator).

With no SMTP server configured the outbox is where email ends, so this is how an operator
reads a sign-in link in development; with SMTP it shows what was delivered, queued or failed
(and why), without the bodies of delivered messages.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from credstack.cli.context import operator_services

app = typer.Typer(help="Read the mail outbox.", no_args_is_help=True)


class StatusName(StrEnum):
    queued = "queued"
    sent = "sent"
    failed = "failed"


@app.command("list")
def outbox_list(
    status: Annotated[
        StatusName | None, typer.Option("--status", help="Only messages in this state.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Only messages to this address.")] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many.")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List messages, newest first: id, status, tries, created, recipient, subject, error."""
    from credstack.services.actors import Actor

    with operator_services() as services:
        rows = [
            {
                "id": str(m.id),
                "status": m.status,
                "attempts": m.attempts,
                "created": m.created_at.isoformat(),
                "to": m.recipient,
                "subject": m.subject,
                "error": m.last_error,
            }
            for m in services.mail.outbox(
                Actor.operator("cli"),
                status=status.value if status else None,
                recipient=to,
                offset=offset,
                limit=limit,
            )
        ]
    for row in rows:
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            typer.echo(
                "\t".join(str(value if value is not None else "-") for value in row.values())
            )


@app.command("show")
def outbox_show(message_id: Annotated[str, typer.Argument(help="The message's id.")]) -> None:
    """Print one message: its headers, state, and body (kept only for the outbox transport)."""
    from credstack.services.actors import Actor

    with operator_services() as services:
        m = services.mail.message(Actor.operator("cli"), message_id)
        lines = [
            f"Id: {m.id}",
            f"To: {m.recipient}",
            f"Subject: {m.subject}",
            f"Status: {m.status} ({m.attempts} tries, via {m.transport or '-'})",
            f"Created: {m.created_at.isoformat()}",
        ]
        if m.last_error:
            lines.append(f"Last error: {m.last_error}")
        body = m.body if m.body is not None else "(not kept: it went to a mail server, or failed)"
    typer.echo("\n".join(lines))
    typer.echo("")
    typer.echo(body, nl=not body.endswith("\n"))
