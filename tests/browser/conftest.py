"""Browser tests: Playwright drives Debian's Chromium (headless) against ``credstack serve``.

The session starts its own server, as an operator would, on a free loopback port with its
own database, base URL and master secret, so nothing depends on the calling shell's
environment: every test runs once on a SQLite file and once on PostgreSQL (a schema of its
own, a ``credstack worker`` running the tasks), as the functional tests do. The browser is
always ``/usr/bin/chromium`` (``make`` installs the Debian package when it is missing);
``playwright install`` is never run. Every test leaves a full-page screenshot in
``test-output/screenshots``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.services.actors import Actor
from tests.functional.servers import free_port
from tests.integration.databases import DATABASES, postgres_schema

CHROMIUM: Final = "/usr/bin/chromium"
CHROMIUM_ARGS: Final = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS: Final = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
SECRET: Final = "browser-test-master-secret-0123456789abcdef"


@dataclass(frozen=True)
class Server:
    base_url: str
    settings: Settings
    log: Path


@pytest.fixture(scope="session", params=DATABASES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """``credstack serve`` in a subprocess, on a SQLite file and on a PostgreSQL schema of its
    own (with a ``credstack worker`` beside it, as there tasks run in workers): every browser
    test runs on both. A PostgreSQL that cannot be reached fails the run, never skips it."""
    folder = tmp_path_factory.mktemp("server")
    if request.param == "sqlite":
        with _serving(folder, f"sqlite:///{folder / 'credstack.db'}") as running:
            yield running
    else:
        with postgres_schema() as url, _serving(folder, url, worker=True) as running:
            yield running


@contextmanager
def _serving(folder: Path, database_url: str, *, worker: bool = False) -> Iterator[Server]:
    """The server (and a worker) with its own URL, secret and evidence folder; each process's
    log goes to a file (a pipe nobody reads would fill up and stall it)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=database_url,
        base_url=base_url,
        secret_key=SECRET,
        evidence_dir=folder / "evidence",
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CREDSTACK_")},
        "CREDSTACK_DATABASE_URL": settings.database_url,
        "CREDSTACK_BASE_URL": base_url,
        "CREDSTACK_SECRET_KEY": SECRET,
        "CREDSTACK_EVIDENCE_DIR": str(settings.evidence_dir),
        # Every test signs in from 127.0.0.1; the limit per address has tests of its own.
        "CREDSTACK_SIGN_IN_CLIENT_LIMIT": "100000",
    }
    log = folder / "server.log"
    processes = [_start(["serve", "--port", str(port)], env, log)]
    try:
        _wait_until_up(base_url, processes[0], log)
        if worker:  # after the server migrated the database
            processes.append(_start(["worker"], env, folder / "worker.log"))
        yield Server(base_url, settings, log)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _start(arguments: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "credstack", *arguments],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"credstack serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def platform(server: Server) -> Iterator[Platform]:
    """The server's database opened in this process, to set up organisations and tokens."""
    running = build(server.settings)
    yield running
    running.close()


@pytest.fixture(scope="session")
def issuer_token(platform: Platform) -> str:
    """An issuer-role API token of the organisation ``browser``."""
    operator = Actor.operator("browser-tests")
    with platform.unit_of_work() as services:
        services.organizations.create(operator, slug="browser", name="Browser Test Academy")
        return services.tokens.create(operator, organization="browser", role="issuer").secret


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test, at a phone's width when the test asks for it."""
    phone = request.node.get_closest_marker("phone") is not None
    viewport = {"width": 375, "height": 740} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=server.base_url, viewport=viewport)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield opened
        assert not errors, f"JavaScript errors on the page: {errors}"
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        opened.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        context.close()
