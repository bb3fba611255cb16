"""``credstack serve`` started as a real process, as an operator starts it."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(
    tmp_path: Path,
    *arguments: str,
    scheme: str = "http",
    verify: ssl.SSLContext | bool = True,
    database_url: str | None = None,
    base_url: str | None = None,
    settings: Mapping[str, str] | None = None,
    output: list[str] | None = None,
) -> Iterator[tuple[str, dict[str, str]]]:
    """``credstack serve`` on a free port of 127.0.0.1, on a SQLite file in ``tmp_path`` (or
    ``database_url``), with ``settings`` (``CREDSTACK_*``) added to its environment; yields the
    URL it listens on and the environment it was given, and stops it afterwards.
    ``base_url`` is the public URL it names itself by (its own address if not given); what it
    printed is appended to ``output`` once it has stopped."""
    port = free_port()
    listening = f"{scheme}://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CREDSTACK_DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'credstack.db'}",
        "CREDSTACK_KEY_FILE": str(tmp_path / "secret.key"),
        "CREDSTACK_BASE_URL": base_url or listening,
        **(settings or {}),
    }
    env.pop("CREDSTACK_SECRET_KEY", None)
    # Its output goes to a file, not a pipe: a server that prints more than a pipe holds (an
    # access log under load) would block on a pipe nobody reads until it stops.
    log_path = tmp_path / f"serve-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "credstack", "serve", "--port", str(port), *arguments],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # Generous: on a loaded machine importing and migrating takes tens of seconds.
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{listening}/health", timeout=1, verify=verify).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                printed = log_path.read_text(errors="replace")
                pytest.fail(f"credstack serve did not start:\n{printed}")
            time.sleep(0.1)
        yield listening, env
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if output is not None:
            output.append(log_path.read_text(errors="replace"))
