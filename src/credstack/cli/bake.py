"""``credstack bake``: put a credential into its badge image (PNG or SVG) for sharing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credstack.errors import Error
from credstack.formats.baked import bake as bake_image


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        typer.echo(f"error: cannot read the {what} file {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc


def bake(
    credential: Annotated[
        Path, typer.Option("--credential", help="The credential: its JSON or VC-JWT file.")
    ],
    image: Annotated[Path, typer.Option("--image", help="The badge image, PNG or SVG.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the baked image.")],
) -> None:
    """Bake a credential into a PNG or SVG image (Open Badges 3.0, "Baked Badge")."""
    raw = _read(credential, "credential")
    picture = _read(image, "image")
    try:
        text = raw.decode("utf-8")
        baked = bake_image(picture, text)
    except UnicodeDecodeError as exc:
        typer.echo(f"error: the credential file {credential} is not UTF-8 text.", err=True)
        raise typer.Exit(1) from exc
    except Error as exc:
        typer.echo(f"error: {exc.message} [{exc.code}]", err=True)
        raise typer.Exit(1) from exc
    try:
        out.write_bytes(baked)
    except OSError as exc:
        typer.echo(f"error: cannot write {out}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{out}: {len(baked)} bytes")
