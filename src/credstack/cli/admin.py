"""``credstack org|user|token|achievement``: first-run administration of the platform.

The commands read ``Settings`` from the environment, migrate the database, and call the same
services as the API, acting as the platform operator. The server stack is imported only when a
command runs, so ``pip install credstack`` (without ``[server]``) still verifies credentials.
Exit codes: 0 done, 1 refused (the message says why), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from credstack.cli.context import operator_services, refuse

if TYPE_CHECKING:
    pass

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


_refuse = refuse  # the name the commands below use


# The Profile options that ``org create`` and ``org update`` share; on update an empty value
# ("") clears the field.
Country = Annotated[str | None, typer.Option("--country", help="ISO 3166-1 alpha-2 code, e.g. NL.")]
Url = Annotated[str | None, typer.Option("--url", help="Its public web site.")]
Email = Annotated[str | None, typer.Option("--email", help="Its contact address.")]
Image = Annotated[str | None, typer.Option("--image", help="URL of its logo.")]
Description = Annotated[str | None, typer.Option("--description", help="What it is.")]
Street = Annotated[str | None, typer.Option("--street-address", help="Street and number.")]
Locality = Annotated[str | None, typer.Option("--locality", help="City or town.")]
Region = Annotated[str | None, typer.Option("--region", help="Region, state or province.")]
PostalCode = Annotated[str | None, typer.Option("--postal-code", help="Postal code.")]
Accreditation = Annotated[
    str | None,
    typer.Option("--accreditation", help="Its accreditation or quality-assurance statement."),
]
AccreditationUrl = Annotated[
    str | None, typer.Option("--accreditation-url", help="Where the accreditation is published.")
]


@org_app.command("create")
def org_create(
    slug: Annotated[str, typer.Option("--slug", help="Short name in URLs and the DID.")],
    name: Annotated[str, typer.Option("--name", help="The organisation's name.")],
    country: Country = None,
    url: Url = None,
    email: Email = None,
    image: Image = None,
    description: Description = None,
    street_address: Street = None,
    locality: Locality = None,
    region: Region = None,
    postal_code: PostalCode = None,
    accreditation: Accreditation = None,
    accreditation_url: AccreditationUrl = None,
    did_method: Annotated[
        DidMethodName, typer.Option("--did-method", help="did:web under this server, or did:key.")
    ] = DidMethodName.web,
) -> None:
    """Create an organisation with its first signing key and print its DID."""
    from credstack.services.actors import Actor

    profile = {
        "country": country,
        "url": url,
        "email": email,
        "image": image,
        "description": description,
        "street_address": street_address,
        "locality": locality,
        "region": region,
        "postal_code": postal_code,
        "accreditation": accreditation,
        "accreditation_url": accreditation_url,
    }
    with operator_services() as services:
        organization = services.organizations.create(
            Actor.operator("cli"),
            slug=slug,
            name=name,
            did_method=did_method.value,
            **{field: value for field, value in profile.items() if value is not None},
        )
    typer.echo(organization.issuer_did)


@org_app.command("update")
def org_update(
    slug: Annotated[str, typer.Option("--slug", help="The organisation's slug.")],
    name: Annotated[str | None, typer.Option("--name", help="The organisation's name.")] = None,
    country: Country = None,
    url: Url = None,
    email: Email = None,
    image: Image = None,
    description: Description = None,
    street_address: Street = None,
    locality: Locality = None,
    region: Region = None,
    postal_code: PostalCode = None,
    accreditation: Accreditation = None,
    accreditation_url: AccreditationUrl = None,
) -> None:
    """Change an organisation's Profile fields ("" clears one) and print its Profile as JSON."""
    from credstack.services.actors import Actor
    from credstack.services.profiles import public_profile

    given = {
        "name": name,
        "country": country,
        "url": url,
        "email": email,
        "image": image,
        "description": description,
        "street_address": street_address,
        "locality": locality,
        "region": region,
        "postal_code": postal_code,
        "accreditation": accreditation,
        "accreditation_url": accreditation_url,
    }
    changes = {field: value for field, value in given.items() if value is not None}
    if not changes:
        typer.echo("error: give at least one field to change, e.g. --url URL", err=True)
        raise typer.Exit(2)
    with operator_services() as services:
        organization = services.organizations.update(Actor.operator("cli"), slug, changes)
        profile = public_profile(organization)
    typer.echo(json.dumps(profile, indent=2, ensure_ascii=False))


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option("--email", help="The user's email address.")],
    org: Annotated[
        str | None, typer.Option("--org", help="The organisation's slug; leave out for a learner.")
    ] = None,
    role: Annotated[RoleName | None, typer.Option("--role", help="Their role there.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Give a user a role in an organisation, or (without --org) create a learner, who signs
    in to the Open Badges API; prints a generated password for a new user."""
    from credstack.services.actors import Actor

    if (org is None) != (role is None):
        typer.echo("error: give --org and --role together, or neither for a learner", err=True)
        raise typer.Exit(2)
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            typer.echo("error: --password-stdin read no password", err=True)
            raise typer.Exit(2)
    generated: str | None
    with operator_services() as services:
        if org is None or role is None:
            user, generated = services.users.create_learner(
                Actor.operator("cli"), email=email, password=password
            )
            done = f"{user.email} is a learner"
        else:
            created = services.users.create(
                Actor.operator("cli"),
                email=email,
                organization=org,
                role=role.value,
                password=password,
            )
            generated = created.generated_password
            done = f"{created.user.email} is {created.membership.role} of {org}"
    typer.echo(done)
    if generated is not None:
        typer.echo(f"password: {generated}")


@token_app.command("create")
def token_create(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    role: Annotated[RoleName, typer.Option("--role", help="What the token may do.")],
    name: Annotated[str | None, typer.Option("--name", help="A label for the list.")] = None,
) -> None:
    """Create an API token and print it; it is shown this once only."""
    from credstack.services.actors import Actor

    with operator_services() as services:
        created = services.tokens.create(
            Actor.operator("cli"), organization=org, role=role.value, name=name
        )
    typer.echo(created.secret)


@token_app.command("list")
def token_list(org: Annotated[str, typer.Option("--org", help="The organisation's slug.")]) -> None:
    """List an organisation's tokens: id, prefix, role, name, state."""
    from credstack.services.actors import Actor

    with operator_services() as services:
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

    with operator_services() as services:
        revoked = services.tokens.revoke(Actor.operator("cli"), organization=org, token=token)
    typer.echo(f"revoked {revoked.id}")


achievement_app = typer.Typer(help="Manage achievements.", no_args_is_help=True)


class ProfileName(StrEnum):
    eu_2022 = "eu-2022"


@achievement_app.command("create")
def achievement_create(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    file: Annotated[Path, typer.Option("--file", help="An OB 3.0 Achievement as JSON.")],
    profile: Annotated[
        ProfileName | None, typer.Option("--profile", help="A quality profile to meet.")
    ] = None,
    publish: Annotated[bool, typer.Option("--publish", help="Publish it at once.")] = False,
) -> None:
    """Create an achievement from a JSON file and print its id (its public URL)."""
    from credstack.services.actors import Actor

    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise _refuse(f"cannot read {file}: {exc.strerror}") from exc
    with operator_services() as services:
        view = services.achievements.create(
            Actor.operator("cli"),
            organization=org,
            achievement=raw,
            profile=profile.value if profile else None,
            publish=publish,
        )
        public_id = view.record.public_id
    typer.echo(public_id)


@achievement_app.command("list")
def achievement_list(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List an organisation's achievements: id, status, version, profile, name."""
    with operator_services() as services:
        rows = [
            {
                "id": r.public_id,
                "status": r.status,
                "version": r.current_version,
                "profile": r.quality_profile,
                "name": r.name,
            }
            for r in services.achievements.list(org, limit=500)
        ]
    for row in rows:
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            typer.echo("\t".join(str(row[k] or "-") for k in row))


@achievement_app.command("show")
def achievement_show(
    achievement: Annotated[str, typer.Argument(help="The achievement's id or public URL.")],
) -> None:
    """Print an achievement's JSON and, under a quality profile, which elements it meets."""
    with operator_services() as services:
        view = services.achievements.get(achievement)
        text, quality = view.text, view.quality
        header = f"# {view.record.status}, version {view.version}"
    typer.echo(header)
    typer.echo(text)
    if quality is not None:
        verdict = "met" if quality.met else "NOT met"
        typer.echo(f"# quality profile {quality.profile}: {verdict}")
        for element in quality.elements:
            mark = "ok  " if element.met else ("MISS" if element.mandatory else "--  ")
            kind = "mandatory" if element.mandatory else "optional"
            typer.echo(f"[{mark}] {element.label} ({kind}): {element.note}")


credentials_app = typer.Typer(help="Inspect issued credentials.", no_args_is_help=True)


@credentials_app.command("list")
def credentials_list(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many.")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List an organisation's credentials, oldest first: id, status, recipient, issued, name."""
    from credstack.services.actors import Actor

    with operator_services() as services:
        rows = [
            {
                "id": r.credential_id,
                "status": r.status,
                "recipient": r.recipient_email or r.recipient_did,
                "issued": r.issued_at.isoformat(),
                "name": r.name,
            }
            for r in services.credentials.list(
                Actor.operator("cli"), org, offset=offset, limit=limit
            )
        ]
    for row in rows:
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            typer.echo("\t".join(str(row[k] or "-") for k in row))
