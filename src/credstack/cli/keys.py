"""``credstack keys``: make issuer keys."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from credstack.proofs.did_key import did_key_for, verification_method_id
from credstack.proofs.keys import generate_key

app = typer.Typer(help="Make and inspect issuer keys.", no_args_is_help=True)


class KeyType(StrEnum):
    ed25519 = "ed25519"
    p256 = "p256"


def write_private_file(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only (mode 0600); never overwrite a key."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@app.command("new")
def new(
    out: Annotated[Path, typer.Option("--out", help="Where to write the key (mode 0600).")],
    key_type: Annotated[KeyType, typer.Option("--type", help="Key algorithm.")] = KeyType.ed25519,
) -> None:
    """Generate a key, write it as a Multikey JSON file and print its did:key."""
    if out.exists():
        typer.echo(f"error: {out} exists; refusing to overwrite a key.", err=True)
        raise typer.Exit(2)
    key = generate_key(key_type.value)
    did = did_key_for(key.public_key)
    document = key.to_key_file()
    document.setdefault("controller", did)
    document.setdefault("id", verification_method_id(key.public_key))
    try:
        write_private_file(out, json.dumps(document, indent=2) + "\n")
    except OSError as exc:
        typer.echo(f"error: cannot write {out}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(did)
