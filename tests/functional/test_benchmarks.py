"""``python -m benchmarks --quick`` runs every row of the benchmark table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

ROWS = [
    "canonicalize OB 3.0 credential: fast path",
    "canonicalize OB 3.0 credential: pyld",
    "canonicalize 1EdTech OB vector: fast path",
    "canonicalize 1EdTech OB vector: pyld",
    *(
        f"{suite} {verb}"
        for suite in (
            "eddsa-rdfc-2022",
            "eddsa-jcs-2022",
            "ecdsa-rdfc-2019",
            "jwt (VC-JOSE, EdDSA)",
        )
        for verb in ("sign", "verify")
    ),
    "verifier check(): eddsa-rdfc-2022 JSON text",
    "raw Ed25519 sign (cryptography)",
    "raw Ed25519 verify (cryptography)",
]


def test_the_quick_benchmark_prints_every_row() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    table, _, targets = run.stdout.partition("target (issue 6)")
    lines = table.splitlines()
    for row in ROWS:
        matches = [line for line in lines if line.startswith(row + " ")]
        assert len(matches) == 1, (row, run.stdout)
        assert re.fullmatch(r".* {2,}[\d,]+ +[\d,]+", matches[0]), matches[0]
    for name in ("eddsa-rdfc-2022", "eddsa-jcs-2022", "jwt (VC-JOSE, EdDSA)"):
        for verb in ("sign", "verify"):
            assert re.search(
                rf"^{re.escape(name)} {verb} +[\d,]+ +[\d,]+  (yes|NO)$", targets, re.M
            ), targets


def test_the_quick_http_benchmark_verifies_the_mix_without_an_error() -> None:
    from tests.functional.servers import free_port

    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.http", "--quick", "--port", str(free_port())],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    rows = [line.split() for line in run.stdout.splitlines() if line.startswith("eddsa-")]
    assert [row[0] for row in rows] == ["eddsa-jcs-2022", "eddsa-rdfc-2022"], run.stdout
    for row in rows:
        sustained, errors, half_errors = row[2], row[3], row[7]
        assert float(sustained.replace(",", "")) > 0, run.stdout
        assert (errors, half_errors) == ("0", "0"), run.stdout
    assert "error at" not in run.stdout


def test_wrk_counts_every_answer_that_is_not_the_expected_one(tmp_path: Path) -> None:
    """The wrk script checks each answer against its own request's expected status."""
    from benchmarks import wrk
    from benchmarks.load import Request
    from tests.functional.servers import running_server

    refused = Request(b"{}", 400, "not a VC-API request")
    with running_server(tmp_path, "--no-access-log") as (base_url, _env):
        url = f"{base_url}/credentials/verify"
        right = wrk.throughput(url, [refused], seconds=1, connections=2)
        mixed = wrk.throughput(url, [refused, Request(b"{}", 200, "wrong")], seconds=1)
    assert right.requests > 0, right
    assert (right.wrong, right.socket_errors) == (0, 0), right
    # Each thread alternates the two, so about half are wrong (a thread may stop mid-pair).
    assert abs(mixed.wrong - mixed.requests / 2) <= 16, mixed
    assert mixed.socket_errors == 0, mixed


def test_the_scale_benchmark_fills_and_measures_a_small_sqlite_database(tmp_path: Path) -> None:
    from tests.functional.servers import free_port

    database = f"sqlite:///{tmp_path / 'scale.db'}"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "benchmarks.scale", "--count", "300", "--seconds", "1"),
            *("--rate", "20", "--database-url", database, "--port", str(free_port())),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    assert "60 real + 300 synthetic credentials" in run.stdout, run.stdout
    assert re.search(r"360 credentials, .* bytes per credential", run.stdout), run.stdout
    names = [
        "public credential, JSON",
        "public page, live verification",
        "status list",
        "admin list, first page",
        "admin list, last page",
        "admin list, last page by cursor",
        "organisation record, DID learner",
        "wallet list, first page",
        "wallet list, later page",
        "wallet credential",
        "wallet transcript",
        "revocation",
        "revocation, one status list",
    ]
    for name in names:
        assert any(line.startswith(name) for line in run.stdout.splitlines()), run.stdout
    # Two worker processes writing one SQLite file (a revocation, or a status list signed
    # again on first read) wait for each other, and past 15 s are refused with 503; the load
    # generator asks again, as a client should, up to ten times with a jittered backoff, and
    # says so ("retried").
    # PostgreSQL is for concurrent writers. An answer still refused, or any other error, fails.
    lines = run.stdout.splitlines()
    assert not [line for line in lines if "error:" in line], run.stdout
    retried = [line for line in lines if "retried:" in line]
    assert all(re.search(r": HTTP 503 x\d+$", line) for line in retried), run.stdout


def test_the_bulk_benchmark_times_each_database_and_worker_count() -> None:
    run = subprocess.run(
        [
            *(sys.executable, "-m", "benchmarks", "bulk", "--rows", "120"),
            *("--signing-processes", "1", "--repeat", "2"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    assert "signing processes per issuing process: 1" in run.stdout
    for row, times in (
        ("in-memory signing (no database)", 1),
        # Each run twice, then the median of the two.
        ("SQLite (issued in the command's process)", 3),
        ("PostgreSQL, 1 worker", 3),
        ("PostgreSQL, 2 workers", 3),
    ):
        lines = [line for line in run.stdout.splitlines() if line.startswith(row)]
        assert len(lines) == times, run.stdout
        for line in lines:
            rate, share, peak = line[len(row) :].split()[:3]
            assert float(rate.replace(",", "")) > 0, line
            assert share.endswith("%"), line
            assert float(peak.replace(",", "")) > 0, line
    assert "median of 2 runs of each:" in run.stdout
    ratio = r"\d+\.\d\dx, \d+\.\d\dx \(median \d+\.\d\dx\)$"
    assert re.search(rf"^2 workers / 1 worker: {ratio}", run.stdout, re.M), run.stdout
    assert re.search(
        rf"^2 workers / 1 worker, each as a share of its rounds: {ratio}", run.stdout, re.M
    )
    # The machine's own 2 / 1 (two signing processes at once over one), and the workers'
    # ratio read against it.
    assert re.search(
        rf"^this machine, in-memory signing in 2 processes / 1: {ratio}", run.stdout, re.M
    ), run.stdout
    assert re.search(
        r"^2 workers / 1 worker over this machine's 2 / 1: \d+% \(median over median\)$",
        run.stdout,
        re.M,
    ), run.stdout
    # The ceiling: rounds signed before the first run and after each of the six.
    assert re.search(
        r"^in-memory rounds of 120: 21, best [\d,]+/s, worst [\d,]+/s;", run.stdout, re.M
    )


def test_each_bulk_run_starts_after_a_checkpoint() -> None:
    """``settle`` writes out what earlier runs left in PostgreSQL's buffers, so that no run
    pays for the one before (the benchmark's own PostgreSQL, as its runs use)."""
    from sqlalchemy import text

    from benchmarks.bulk import POSTGRES_URL, settle
    from credstack.store.db import make_engine

    engine = make_engine(POSTGRES_URL)

    def requested() -> int:
        # A new connection each time: a transaction keeps the statistics it read first.
        with engine.connect() as connection:
            found = connection.execute(text("SELECT checkpoints_req FROM pg_stat_bgwriter"))
            return int(found.scalar_one())

    try:
        before = requested()
        settle()
        assert requested() > before
    finally:
        engine.dispose()
