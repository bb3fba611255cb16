"""``credstack org|user|token``: first-run administration of the platform.

The commands read ``Settings`` from the environment, migrate the database, and call the same
services as the API, acting as the platform operator. The server stack is imported only when a
command runs, so ``pip install credstack`` (without ``[server]``) still verifies credentials.
Exit codes: 0 done, 1 refused (the message says why), 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from credstack.errors import Error

if TYPE_CHECKING:
    from credstack.services import Services

org_app = typer.Typer(help="Manage organisations (issuers).", no_args_is_help=True)
user_app = typer.Typer(help="Manage users and their roles.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)


class RoleName(StrEnum):
    owner = "owner"
    admin = "admin"
    issuer = "issuer"
    assessor = "assessor"


class DidMethodName(StrEnum):
    web = "web"
    key = "key"


def _refuse(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


@contextmanager
def _operator_session() -> Iterator[Services]:
    """Services in one committed transaction, with ``credstack.errors`` turned into exit 1."""
    try:
        from pydantic import ValidationError

        from credstack.bootstrap import build
        from credstack.config import Settings
    except ImportError as exc:  # the [server] extra is not installed
        raise _refuse(
            f"this command needs the server stack: pip install 'credstack[server]' ({exc.name})"
        ) from exc
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"CREDSTACK_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise _refuse(f"invalid settings: {problems}") from exc
    try:
        platform = build(settings, migrate=True)
        try:
            with platform.unit_of_work() as services:
                yield services
        finally:
            platform.close()
    except Error as exc:
        raise _refuse(f"{exc.message} [{exc.code}]") from exc


@org_app.command("create")
def org_create(
    slug: Annotated[str, typer.Option("--slug", help="Short name in URLs and the DID.")],
    name: Annotated[str, typer.Option("--name", help="The organisation's name.")],
    country: Annotated[
        str | None, typer.Option("--country", help="ISO 3166-1 alpha-2 code, e.g. NL.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Its public web site.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Its contact address.")] = None,
    did_method: Annotated[
        DidMethodName, typer.Option("--did-method", help="did:web under this server, or did:key.")
    ] = DidMethodName.web,
) -> None:
    """Create an organisation with its first signing key and print its DID."""
    from credstack.services.actors import Actor

    with _operator_session() as services:
        organization = services.organizations.create(
            Actor.operator("cli"),
            slug=slug,
            name=name,
            country=country,
            url=url,
            email=email,
            did_method=did_method.value,
        )
    typer.echo(organization.issuer_did)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option("--email", help="The user's email address.")],
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    role: Annotated[RoleName, typer.Option("--role", help="Their role there.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Give a user a role in an organisation; prints a generated password for a new user."""
    from credstack.services.actors import Actor

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            typer.echo("error: --password-stdin read no password", err=True)
            raise typer.Exit(2)
    with _operator_session() as services:
        created = services.users.create(
            Actor.operator("cli"), email=email, organization=org, role=role.value, password=password
        )
    typer.echo(f"{created.user.email} is {created.membership.role} of {org}")
    if created.generated_password is not None:
        typer.echo(f"password: {created.generated_password}")


@token_app.command("create")
def token_create(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    role: Annotated[RoleName, typer.Option("--role", help="What the token may do.")],
    name: Annotated[str | None, typer.Option("--name", help="A label for the list.")] = None,
) -> None:
    """Create an API token and print it; it is shown this once only."""
    from credstack.services.actors import Actor

    with _operator_session() as services:
        created = services.tokens.create(
            Actor.operator("cli"), organization=org, role=role.value, name=name
        )
    typer.echo(created.secret)


@token_app.command("list")
def token_list(org: Annotated[str, typer.Option("--org", help="The organisation's slug.")]) -> None:
    """List an organisation's tokens: id, prefix, role, name, state."""
    from credstack.services.actors import Actor

    with _operator_session() as services:
        tokens = services.tokens.list(Actor.operator("cli"), organization=org)
        rows = [
            (
                str(t.id),
                f"{t.prefix}...",
                t.role,
                t.name,
                f"revoked {t.revoked_at:%Y-%m-%dT%H:%M:%SZ}" if t.revoked_at else "active",
            )
            for t in tokens
        ]
    for row in rows:
        typer.echo("\t".join(row))


@token_app.command("revoke")
def token_revoke(
    token: Annotated[str, typer.Argument(help="The token's id or its listed prefix.")],
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
) -> None:
    """Revoke an API token; requests with it are refused from now on."""
    from credstack.services.actors import Actor

    with _operator_session() as services:
        revoked = services.tokens.revoke(Actor.operator("cli"), organization=org, token=token)
    typer.echo(f"revoked {revoked.id}")
