"""``credstack clr``: a learner's Comprehensive Learner Record, signed by an organisation.

Acts as the platform operator on the database that ``CREDSTACK_DATABASE_URL`` names, through
the same service as ``POST /orgs/{slug}/learners/{learner}/clr``. Exit codes: 0 written, 1
refused (the message says why), 2 usage error.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from credstack.cli.context import operator_services, refuse

app = typer.Typer(help="Comprehensive Learner Records (CLR 2.0).", no_args_is_help=True)


class ClrSuite(StrEnum):
    eddsa_rdfc_2022 = "eddsa-rdfc-2022"
    eddsa_jcs_2022 = "eddsa-jcs-2022"
    ecdsa_rdfc_2019 = "ecdsa-rdfc-2019"
    jwt = "jwt"


@app.command("export")
def export(
    org: Annotated[str, typer.Option("--org", help="The organisation that signs (its slug).")],
    learner: Annotated[str, typer.Option("--learner", help="The learner's email or DID.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the CLR to this file (default: stdout).")
    ] = None,
    suite: Annotated[ClrSuite, typer.Option(help="How to sign it.")] = ClrSuite.eddsa_rdfc_2022,
    credential: Annotated[
        list[str] | None,
        typer.Option("--credential", help="Include only this credential (id or uuid); repeatable."),
    ] = None,
) -> None:
    """Export the learner's valid credentials from ORG as a signed ClrCredential."""
    from credstack.services.actors import Actor

    with operator_services() as services:
        signed = services.records.export_clr(
            Actor.operator(), org, learner, suite=suite.value, credentials=credential or None
        )
    if out is None:
        typer.echo(signed.text)
        return
    try:
        # Not secret, but the learner's record: readable by its owner only, like key files.
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(signed.text + "\n")
    except OSError as exc:
        raise refuse(f"cannot write {out}: {exc.strerror}") from exc
    typer.echo(f"wrote {out} ({len(signed.text)} bytes, {signed.media_type})", err=True)
