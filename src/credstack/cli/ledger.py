"""``credstack ledger``: checkpoints, audits and witnessing of the transparency ledger.

Like the other administration commands, these act as the platform operator on the database
that ``CREDSTACK_DATABASE_URL`` names. Exit codes: 0 done (an audit found nothing), 1 refused
or the audit found a problem (the first bad leaf index is printed), 2 usage error.
"""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

from credstack.cli.context import operator_services

app = typer.Typer(
    help="The transparency ledger: checkpoints, audit, witnessing.", no_args_is_help=True
)


@app.command("checkpoint")
def checkpoint(
    every: Annotated[
        int, typer.Option(help="Keep running: a new checkpoint every N seconds when the log grew.")
    ] = 0,
) -> None:
    """Sign the current tree head (if it grew) and print the checkpoint note."""
    from credstack.services.actors import Actor

    while True:
        with operator_services() as services:
            services.ledger.checkpoint(Actor.operator())
            typer.echo(services.ledger.latest_note(), nl=False)
        if every <= 0:
            return
        time.sleep(every)


@app.command("audit")
def audit(
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Recompute the tree from the database and check every checkpoint against it."""
    from credstack.services.actors import Actor

    with operator_services() as services:
        report = services.ledger.audit(Actor.operator())
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        typer.echo(
            f"{report.leaves} leaves, {report.checkpoints} checkpoints, "
            f"{report.cosignatures} cosignatures"
        )
        for finding in report.findings:
            typer.echo(f"FAIL {finding.code} at {finding.index}: {finding.message}")
        typer.echo("ok" if report.ok else f"first bad index: {report.first_bad_index}")
    if not report.ok:
        raise typer.Exit(1)


@app.command("backfill")
def backfill() -> None:
    """Append leaves for credentials issued, and status changes made, before the ledger
    existed (migration 0009); each says it was backfilled. Running it again appends nothing."""
    from credstack.services.actors import Actor

    with operator_services() as services:
        report = services.ledger.backfill(Actor.operator())
    if report.leaves:
        typer.echo(
            f"backfilled {report.leaves} leaves for {report.credentials} credentials "
            f"from index {report.first_index}; sign a checkpoint: credstack ledger checkpoint"
        )
    else:
        typer.echo("nothing to backfill: every credential and status change has its leaf")


@app.command("keys")
def keys() -> None:
    """Print the log's verifier key and this server's witness key, to give to others."""
    with operator_services() as services:
        typer.echo(f"log      {services.ledger.log_key.vkey}")
        typer.echo(f"witness  {services.witness.cosigner().verifier.vkey}")


@app.command("witness")
def witness(
    log_url: Annotated[str, typer.Argument(help="The other server's base URL.")],
) -> None:
    """Cosign another Credstack server's latest checkpoint, after checking that it extends the
    largest one cosigned before, and send the cosignature to it."""
    from credstack.adapters.ledger_client import HttpLogClient
    from credstack.services.actors import Actor

    with operator_services() as services:
        checkpoint, _ = services.witness.witness(Actor.operator(), HttpLogClient(log_url))
    typer.echo(f"cosigned {checkpoint.origin} at size {checkpoint.size}")
