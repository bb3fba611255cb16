"""The ``credstack`` command: make keys, issue credentials, verify anything.

Exit codes: 0 success (valid), 1 invalid or refused, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from credstack.adapters.http_fetcher import HttpDocumentFetcher
from credstack.cli import admin, bake, bulk, demo, keys, ledger, outbox, purge, records, serve
from credstack.cli.output import render_report
from credstack.errors import Error
from credstack.formats.baked import check_baked, is_image
from credstack.issue import issue as issue_credential
from credstack.model.parse import parse_json
from credstack.proofs.keys import private_key_from_key_file
from credstack.proofs.resolver import KeyResolver
from credstack.verify import check

app = typer.Typer(
    help="Credstack: issue and verify Open Badges 3.0 micro-credentials.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(keys.app, name="keys")
app.add_typer(admin.org_app, name="org")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.token_app, name="token")
app.add_typer(admin.achievement_app, name="achievement")
app.add_typer(admin.credentials_app, name="credentials")
app.add_typer(bulk.app, name="bulk")
app.add_typer(ledger.app, name="ledger")
app.add_typer(outbox.app, name="outbox")
app.add_typer(records.app, name="clr")
app.command("serve")(serve.serve)
app.command("worker")(bulk.worker)
app.command("demo")(demo.demo)
app.command("bake")(bake.bake)
app.command("purge")(purge.purge)


class SuiteName(StrEnum):
    eddsa_rdfc_2022 = "eddsa-rdfc-2022"
    eddsa_jcs_2022 = "eddsa-jcs-2022"
    ecdsa_rdfc_2019 = "ecdsa-rdfc-2019"
    jwt = "jwt"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _read_json_file(path: Path, what: str) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(f"cannot read the {what} file {path}: {exc.strerror}") from exc
    try:
        return parse_json(raw)
    except Error as exc:
        raise _fail(f"the {what} file {path} is not valid JSON: {exc.message}") from exc


def parse_when(value: str, *, end_of_day: bool = False) -> datetime:
    """A date (UTC; its first or last second) or an RFC 3339 date-time with a zone."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
            moment_of_day = time(23, 59, 59) if end_of_day else time(0, 0, 0)
            return datetime.combine(day.date(), moment_of_day, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _fail(f"{value!r} is not a date (2027-12-31) or date-time") from exc
    if moment.tzinfo is None:
        raise _fail(f"{value!r} has no time zone; add Z or an offset")
    return moment


@app.command("issue")
def issue(
    key: Annotated[Path, typer.Option("--key", help="Key file from `credstack keys new`.")],
    achievement: Annotated[
        Path, typer.Option("--achievement", help="An OB 3.0 Achievement in JSON.")
    ],
    recipient: Annotated[
        str, typer.Option("--recipient", help="The learner's email address or DID.")
    ],
    suite: Annotated[SuiteName, typer.Option("--suite")] = SuiteName.eddsa_rdfc_2022,
    issuer_name: Annotated[str | None, typer.Option("--issuer-name")] = None,
    valid_until: Annotated[
        str | None, typer.Option("--valid-until", help="Expiry: 2027-12-31 or a date-time.")
    ] = None,
) -> None:
    """Issue a signed OpenBadgeCredential and print it (JSON, or the JWT for --suite jwt)."""
    key_file = _read_json_file(key, "key")
    achievement_doc = _read_json_file(achievement, "achievement")
    until = parse_when(valid_until, end_of_day=True) if valid_until else None
    try:
        private_key = private_key_from_key_file(key_file)
        controller = key_file.get("controller") if isinstance(key_file, dict) else None
        method = key_file.get("id") if isinstance(key_file, dict) else None
        issuer = None
        if isinstance(controller, str) and isinstance(method, str) and "#" in method:
            issuer = {"id": controller, "type": ["Profile"]}
        issued = issue_credential(
            achievement_doc,
            private_key,
            recipient=recipient,
            suite=suite.value,
            issuer=issuer,
            issuer_name=issuer_name,
            verification_method=method if issuer else None,
            valid_until=until,
        )
    except Error as exc:
        raise _fail(f"{exc.message} [{exc.code}]", 1) from exc
    typer.echo(issued.text)


@app.command("verify")
def verify(
    source: Annotated[str, typer.Argument(help="A file, or - for standard input.")] = "-",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    at: Annotated[
        str | None, typer.Option("--at", help="Verify as of this date-time (default: now).")
    ] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline", help="Fetch nothing over HTTP: no did:web documents, no status lists."
        ),
    ] = False,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private-network",
            help="Let did:web and status lists resolve to loopback or private addresses "
            "(testing only).",
        ),
    ] = False,
) -> None:
    """Verify a credential, JWT, presentation or baked PNG/SVG badge image.

    Exit 0 valid, 1 invalid, 2 usage error.
    """
    if source == "-":
        raw = sys.stdin.buffer.read()
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise _fail(f"cannot read {source}: {exc.strerror}") from exc
    now = parse_when(at) if at else None
    fetcher = None if offline else HttpDocumentFetcher(allow_private=allow_private)
    # One fetcher for keys and status lists, so that they share its cache and address rules.
    resolver = KeyResolver(fetcher)
    if is_image(raw):
        report = check_baked(
            raw, lambda text: check(text, resolver=resolver, now=now, status_fetcher=fetcher)
        )
    else:
        report = check(raw, resolver=resolver, now=now, status_fetcher=fetcher)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(render_report(report))
    raise typer.Exit(0 if report.valid else 1)


def main() -> None:
    app()
