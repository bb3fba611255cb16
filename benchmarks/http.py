"""``python -m benchmarks.http``: HTTP verification against ``credstack serve --workers 2``.

Sets up a database (a SQLite file by default; ``--database-url`` for PostgreSQL) with one
organisation and credentials of each suite, a fifth of them revoked and a fifth tampered with
after signing; starts ``credstack serve`` with two worker processes on 127.0.0.1; and POSTs the
mix to the VC-API ``/credentials/verify``, where every answer is checked (200 for a valid
credential, 400 for a revoked or tampered one: anything else is an error).

For each suite: the highest sustained rate (offered rates from the saturated throughput down,
until one is answered in full, with zero errors and a p99 under half a second), then p50 and
p99 latency at a fixed offered rate of half that. The load generator is ``benchmarks.load``
(open loop, latency from each request's slot). Targets (issue 6): 1,000/s eddsa-jcs-2022,
400/s eddsa-rdfc-2022, p99 under 25 ms at half rate.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks import wrk
from benchmarks.load import Outcome, Request, run
from credstack.bootstrap import build
from credstack.config import Settings
from credstack.errors import NotFound
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest

OPERATOR = Actor.operator("benchmark")
ACHIEVEMENT: dict[str, Any] = {
    "id": "https://badges.example.edu/achievements/teamwork",
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works in a team: plans, shares and delivers together.",
    "criteria": {"narrative": "Nominated by peers after a term-long project."},
}
TARGETS = {"eddsa-jcs-2022": 1000.0, "eddsa-rdfc-2022": 400.0}
P99_TARGET = 0.025
SUSTAINED_P99 = 0.5


def credentials(settings: Settings, suite: str, count: int) -> list[Request]:
    """``count`` credentials of ``suite``: three fifths valid, a fifth revoked, a fifth
    tampered with (the achievement renamed after signing)."""
    platform = build(settings, migrate=True)
    requests = []
    try:
        with platform.unit_of_work() as services:
            try:
                services.organizations.get("bench")
            except NotFound:
                services.organizations.create(OPERATOR, slug="bench", name="Bench Academy")
        for index in range(count):
            with platform.unit_of_work() as services:
                record = services.credentials.issue(
                    OPERATOR,
                    "bench",
                    IssueRequest(
                        recipient=f"did:example:learner-{suite}-{index}",
                        achievement=ACHIEVEMENT,
                        suite=suite,
                    ),
                )
                credential = json.loads(record.text)
                kind = ("valid", "valid", "valid", "revoked", "tampered")[index % 5]
                if kind == "revoked":
                    services.credentials.revoke(OPERATOR, "bench", record.id)
                if kind == "tampered":
                    credential["credentialSubject"]["achievement"]["name"] = "Leadership"
            body = json.dumps({"verifiableCredential": credential}).encode()
            requests.append(Request(body, 200 if kind == "valid" else 400, kind))
        # As in a running service, whose clock signs one a minute: the credentials verified
        # are in a signed checkpoint (the ledger check passes, with its proof).
        with platform.unit_of_work() as services:
            services.ledger.checkpoint(OPERATOR)
    finally:
        platform.close()
    return requests


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and its descendants, from /proc (Linux):
    what the server spent, whatever else the shared machine was doing."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # it ended meanwhile
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        pending.extend(int(child) for child in children)
    return total


@contextmanager
def serving(settings_env: dict[str, str], port: int, workers: int) -> Iterator[tuple[str, int]]:
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "credstack",
            "serve",
            *("--port", str(port)),
            "--workers",
            str(workers),
            # An access log line per request is a tenth of the server's CPU at these rates;
            # a verifying service this busy logs at its proxy.
            "--no-access-log",
        ],
        env={**os.environ, **settings_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("credstack serve did not start")
            time.sleep(0.2)
        yield base_url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def sustained(url: str, requests: Sequence[Request], seconds: float) -> tuple[Outcome, Outcome]:
    """(the saturation probe, the highest offered rate the server sustained)."""
    probe = run(url, requests, rate=20_000, seconds=max(1.0, seconds / 2))
    rate = max(10.0, probe.achieved_rate)
    while True:
        outcome = run(url, requests, rate=rate, seconds=seconds)
        if (
            outcome.error_count == 0
            and outcome.achieved_rate >= 0.98 * rate
            and outcome.percentile(0.99) < SUSTAINED_P99
        ):
            return probe, outcome
        if rate <= 10:
            return probe, outcome
        rate = max(10.0, rate * 0.9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.http", description=__doc__)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=float, default=6.0, help="per offered rate (6)")
    parser.add_argument("--suites", nargs="+", default=list(TARGETS))
    parser.add_argument("--credentials", type=int, default=50, help="per suite (50)")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument(
        "--generator",
        choices=["wrk", "python"],
        default="wrk" if wrk.available() else "python",
        help="what finds the sustained rate: wrk (closed loop; the default when installed) "
        "or benchmarks.load (open loop, searching down from saturation)",
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk's connections (16)")
    arguments = parser.parse_args(argv)
    use_wrk = arguments.generator == "wrk"
    seconds = 1.0 if arguments.quick else arguments.seconds
    count = 5 if arguments.quick else arguments.credentials
    with tempfile.TemporaryDirectory() as folder:
        base_url = f"http://127.0.0.1:{arguments.port}"
        env = {
            "CREDSTACK_DATABASE_URL": arguments.database_url or f"sqlite:///{folder}/bench.db",
            "CREDSTACK_KEY_FILE": f"{folder}/secret.key",
            "CREDSTACK_BASE_URL": base_url,
        }
        settings = Settings(
            database_url=env["CREDSTACK_DATABASE_URL"],
            key_file=Path(env["CREDSTACK_KEY_FILE"]),
            base_url=base_url,
        )
        mixes = {suite: credentials(settings, suite, count) for suite in arguments.suites}
        database = env["CREDSTACK_DATABASE_URL"].split(":", 1)[0]
        print(
            f"HTTP verify: credstack serve --workers {arguments.workers} --no-access-log "
            "on 127.0.0.1, "
            f"{database}; POST /credentials/verify, 3/5 valid, 1/5 revoked, 1/5 tampered"
        )
        print(
            "sustained rate: "
            + (
                f"wrk, {arguments.connections} connections, each waiting for its answer"
                if use_wrk
                else "benchmarks.load, open loop, from saturation down by a tenth"
            )
            + "; latency at half that rate: benchmarks.load, open loop"
        )
        print(f"load average before the run: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
        header = (
            f"{'suite':<18}{'saturated/s':>12}{'sustained/s':>12}{'errors':>8}"
            f"{'half rate/s':>12}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}"
            f"{'CPU ms/req':>11}{'2-core cap/s':>13}  targets met"
        )
        print(header)
        with serving(env, arguments.port, arguments.workers) as (served, pid):
            url = f"{served}/credentials/verify"
            for suite, requests in mixes.items():
                run(url, requests, rate=50, seconds=1.0)  # warm-up: caches, connections
                if use_wrk:
                    measured = wrk.throughput(
                        url, requests, seconds=seconds, connections=arguments.connections
                    )
                    saturated, best_rate, best_errors = (
                        measured.rate,
                        measured.rate,
                        measured.errors,
                    )
                    best_error_kinds = {"wrong status or lost": measured.errors}
                elif arguments.quick:  # a smoke run: a low fixed rate, no search
                    probe = best = run(url, requests, rate=20, seconds=seconds)
                    saturated, best_rate, best_errors = (
                        probe.achieved_rate,
                        best.offered_rate,
                        best.error_count,
                    )
                    best_error_kinds = best.errors
                else:
                    probe, best = sustained(url, requests, seconds)
                    saturated, best_rate, best_errors = (
                        probe.achieved_rate,
                        best.offered_rate,
                        best.error_count,
                    )
                    best_error_kinds = best.errors
                spent = cpu_seconds(pid)
                half_rate = 10.0 if arguments.quick else max(10.0, best_rate / 2)
                half = run(url, requests, rate=half_rate, seconds=seconds * 2)
                # Server CPU per answered request at the fixed rate, and what two idle cores
                # would answer at that cost.
                per_request = (cpu_seconds(pid) - spent) / max(1, len(half.latencies))
                met = (
                    best_rate >= TARGETS.get(suite, 0)
                    and half.percentile(0.99) < P99_TARGET
                    and best_errors == half.error_count == 0
                )
                print(
                    f"{suite:<18}{saturated:>12,.0f}{best_rate:>12,.0f}"
                    f"{best_errors:>8}{half.offered_rate:>12,.0f}"
                    f"{half.percentile(0.5) * 1000:>8.1f}{half.percentile(0.99) * 1000:>8.1f}"
                    f"{half.error_count:>8}{per_request * 1000:>11.2f}"
                    f"{2 / max(per_request, 1e-9):>13,.0f}  {'yes' if met else 'NO'}",
                    flush=True,
                )
                for rate, errors in ((best_rate, best_error_kinds), (half_rate, half.errors)):
                    for kind, number in sorted(errors.items()):
                        if number:
                            print(f"  error at {rate:,.0f}/s: {kind} x{number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
