"""``credstack demo``: demo data in the configured database, then what to open and how to
sign in. Safe to run again: a database that has the demo organisation is left as it is."""

from __future__ import annotations

import typer

from credstack.cli.context import operator_services


def demo() -> None:
    """Seed a demo issuer, achievements, a pathway, staff and learners (once); print sign-ins."""
    from credstack.config import Settings
    from credstack.services.actors import Actor
    from credstack.services.demo import seed

    with operator_services() as services:
        seeded = seed(services, Actor.operator("demo"))
    base_url = Settings().base_url
    if seeded.created:
        typer.echo(f"Seeded the demo organisation {seeded.organization!r} ({seeded.issuer_did}).")
        for learner, name, url, status in seeded.credentials:
            typer.echo(f"  {status:<8} {name} for {learner}: {url}")
        typer.echo(f"Admin API token (shown once): {seeded.admin_token}")
    else:
        typer.echo(f"The demo organisation {seeded.organization!r} is already there; unchanged.")
    typer.echo(f"Open {base_url}/ (verify at {base_url}/verify).")
    typer.echo("Demo sign-ins (demo data only; never use these passwords elsewhere):")
    for who, email, password in seeded.sign_ins:
        typer.echo(f"  {who:<9} {email:<22} {password}")
    typer.echo(
        f"Staff sign in at {base_url}/login. Learners sign in to the wallet by an emailed link "
        "(`credstack outbox` shows it); their password is for the Open Badges API."
    )
