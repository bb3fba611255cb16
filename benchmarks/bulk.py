"""Bulk issuance end to end: credentials per second and peak memory, database included.

``python -m benchmarks bulk [--rows N] [--profile]`` (``python -m benchmarks`` runs it too, with
a small default size). Each database row times the real command, ``credstack bulk issue`` on a
CSV file of N learners, from start to the job's end: on SQLite the command issues in its own
process; on PostgreSQL it only follows while ``credstack worker`` processes (1, then 2) issue.
Peak memory is the largest resident set (VmHWM) of the processes that issued. Each run starts
after a PostgreSQL CHECKPOINT and a sync, so that no run pays for the writes of the one before
(``settle``). The first row signs the same credentials with no database at all, for the ratio
the issue asks about: three rounds before the first run and three after each, and each run's
share is of the median of the six around it (this machine's speed drifts by a third within
minutes; one best round against a run of minutes compared different machines).
After the PostgreSQL rows it measures what this machine allows two workers: in-memory signing in
two processes at once over one alone, and reads the workers' 2 / 1 ratio against that.
``--profile`` runs one job in this process under pyinstrument and prints where the time went.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from multiprocessing.synchronize import Barrier
from pathlib import Path
from statistics import median
from typing import Final
from urllib.parse import quote

POSTGRES_URL = os.environ.get(
    "CREDSTACK_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SECRET = "bulk-benchmark-master-secret-0123456789abcdef"
ACHIEVEMENT = (
    '{"type":["Achievement"],"name":"Data Literacy","description":"Reads data.",'
    '"criteria":{"narrative":"Passed the final assessment."}}'
)
SUITE: Final = "eddsa-rdfc-2022"


@dataclass(frozen=True)
class Row:
    name: str
    per_second: float  # the job: from its creation to its end (process start excluded)
    peak_mb: float
    command_per_second: float | None = None  # the whole command, process start included


@dataclass(frozen=True)
class Run:
    kind: int  # 0 SQLite, 1 and 2 the PostgreSQL worker counts
    repetition: int
    row: Row
    share: float  # of the in-memory rounds signed just before and just after it


def job_seconds(url: str) -> float:
    """From the job's creation to its end, as the database recorded them."""
    from sqlalchemy import select

    from credstack.store.bulk import BulkJobRecord
    from credstack.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            created, finished = connection.execute(
                select(BulkJobRecord.created_at, BulkJobRecord.finished_at)
            ).one()
    finally:
        engine.dispose()
    return float((finished - created).total_seconds())


def cohort(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("recipient,name,grade,evidence_url\n")
        for i in range(rows):
            out.write(
                f"learner{i}@example.com,Learner {i},{'ABC'[i % 3]},https://lms.example/{i}\n"
            )
    return path


def signer() -> Callable[[int], None]:
    """Signs the benchmark's credential for learner ``i``, with no database."""
    import json

    from credstack.issue import issue
    from credstack.proofs.keys import generate_key
    from credstack.status import status_list_entry

    key = generate_key("ed25519")
    achievement = json.loads(ACHIEVEMENT) | {"id": "https://badges.example.edu/a/1"}
    issuer = {"id": "did:web:badges.example.edu:orgs:acme", "type": ["Profile"], "name": "Acme"}

    def sign(i: int) -> None:
        issue(
            achievement,
            key,
            recipient=f"learner{i}@example.com",
            suite=SUITE,
            issuer=issuer,
            verification_method=f"{issuer['id']}#key-1",
            credential_id=f"https://badges.example.edu/credentials/{uuid.uuid4()}",
            credential_status=status_list_entry("https://badges.example.edu/s/1", i),
            result=[{"type": ["Result"], "value": "A"}],
            evidence=[{"type": ["Evidence"], "id": f"https://lms.example/{i}"}],
        )

    return sign


def in_memory_rounds(rows: int) -> list[float]:
    """The same credentials signed in this process, with no database (the ceiling): the rates
    of three rounds of up to 1,000, after a warm-up."""
    sign = signer()
    for i in range(100):
        sign(i)
    count = min(rows, 1000)
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        for i in range(count):
            sign(i)
        rates.append(count / (time.perf_counter() - start))
    return rates


def machine_ratios(seconds: float, repeat: int) -> list[float]:
    """This machine's own 2 / 1 ratio: in-memory signing in two processes at once over one
    process alone (nothing shared, no database), ``repeat`` times, in alternating order. Two
    processes that each keep a core busy scale no better; where the two cores slow each other
    down (a virtual machine's often do), it is well under 2."""
    context = multiprocessing.get_context("spawn")
    ratios = []
    for repetition in range(repeat):
        rates: dict[int, float] = {}
        for processes in (1, 2) if repetition % 2 == 0 else (2, 1):
            ready = context.Barrier(processes)
            out: multiprocessing.Queue[float] = context.Queue()
            started = [
                context.Process(target=sign_for, args=(seconds, ready, out))
                for _ in range(processes)
            ]
            for process in started:
                process.start()
            # A process that dies fails the benchmark rather than hang it.
            rates[processes] = sum(out.get(timeout=seconds + 300) for _ in started)
            for process in started:
                process.join()
        ratios.append(rates[2] / rates[1])
    return ratios


def sign_for(seconds: float, ready: Barrier, out: multiprocessing.Queue[float]) -> None:
    """One process of ``machine_ratios``: warm up, wait for the others, sign for ``seconds``."""
    sign = signer()
    for i in range(100):
        sign(i)
    ready.wait()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        sign(count)
        count += 1
    out.put(count / (time.perf_counter() - start))


def credstack(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "credstack", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"credstack {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


def peak_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def settle() -> None:
    """What earlier runs wrote reaches the disk before the next run starts: a PostgreSQL
    CHECKPOINT (as pgbench advises), then the kernel's sync. Left to a later run, those writes
    would take CPU from two workers, but only the idle core from one."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from credstack.store.db import make_engine

    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("CHECKPOINT"))
    except DBAPIError:
        pass  # not a superuser nor pg_checkpoint, or no PostgreSQL (--no-postgres): sync alone
    finally:
        engine.dispose()
    os.sync()


def run_timed(
    env: dict[str, str], args: list[str], watch: list[subprocess.Popen[str]]
) -> tuple[float, float]:
    """Seconds the command took, and the highest VmHWM of it and ``watch`` meanwhile."""
    settle()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "credstack", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    peak = 0.0
    while process.poll() is None:
        peak = max([peak, peak_mb(process.pid), *(peak_mb(w.pid) for w in watch)])
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    _out, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"credstack {' '.join(args)} failed: {err}")
    return elapsed, peak


# CREDSTACK_SIGNING_PROCESSES of every process the benchmark starts (None: the default), and
# `credstack worker --concurrency` (tasks at once in each worker, in threads).
SIGNING: dict[str, int | None] = {"processes": None}
WORKER: dict[str, int] = {"concurrency": 1}


@contextmanager
def environment(url: str, folder: Path) -> Iterator[tuple[dict[str, str], str]]:
    """An environment with a migrated database, an organisation and a published achievement."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDSTACK_")}
    env |= {
        "CREDSTACK_SECRET_KEY": SECRET,
        "CREDSTACK_DATABASE_URL": url,
        "CREDSTACK_BASE_URL": "https://badges.example.edu",
    }
    if SIGNING["processes"] is not None:
        env["CREDSTACK_SIGNING_PROCESSES"] = str(SIGNING["processes"])
    credstack(env, "org", "create", "--slug", "acme", "--name", "Acme")
    (folder / "achievement.json").write_text(ACHIEVEMENT)
    made = credstack(
        env,
        "achievement",
        "create",
        "--org",
        "acme",
        "--file",
        str(folder / "achievement.json"),
        "--publish",
    )
    yield env, made.splitlines()[-1]


@contextmanager
def postgres_schema() -> Iterator[str]:
    from sqlalchemy import text

    from credstack.store.db import make_engine

    schema = f"credstack_bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}', safe='')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def sqlite_row(rows: int, folder: Path) -> Row:
    database = folder / "bench.db"
    url = f"sqlite:///{database}"
    try:
        with environment(url, folder) as (env, achievement):
            file = cohort(folder / "cohort.csv", rows)
            elapsed, peak = run_timed(
                env,
                ["bulk", "issue", "--org", "acme", "--achievement", achievement, str(file)],
                [],
            )
            job = job_seconds(url)
    finally:  # each run starts from an empty database (``--repeat``)
        for path in folder.glob("bench.db*"):
            path.unlink()
    return Row("SQLite (issued in the command's process)", rows / job, peak, rows / elapsed)


def postgres_row(rows: int, workers: int, folder: Path) -> Row:
    with postgres_schema() as url, environment(url, folder) as (env, achievement):
        file = cohort(folder / f"cohort-{workers}.csv", rows)
        started = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "credstack",
                    "worker",
                    "--concurrency",
                    str(WORKER["concurrency"]),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
                env=env,
            )
            for _ in range(workers)
        ]
        try:
            time.sleep(2.0)  # the workers connect and start listening
            elapsed, peak = run_timed(
                env,
                ["bulk", "issue", "--org", "acme", "--achievement", achievement, str(file)],
                started,
            )
            job = job_seconds(url)
        finally:
            for worker in started:
                worker.send_signal(signal.SIGTERM)
            for worker in started:
                worker.wait(timeout=60)
    label = f"PostgreSQL, {workers} worker{'s' if workers > 1 else ''}"
    return Row(label, rows / job, peak, rows / elapsed)


def profile(rows: int, folder: Path) -> None:
    """One SQLite job issued in this process under pyinstrument; prints the call tree."""
    from pyinstrument import Profiler

    from credstack.bootstrap import build
    from credstack.config import Settings
    from credstack.jobs.tasks import run_bulk_job
    from credstack.services.actors import Actor

    with environment(f"sqlite:///{folder / 'profile.db'}", folder) as (env, achievement):
        settings = Settings(
            database_url=env["CREDSTACK_DATABASE_URL"],
            secret_key=SECRET,
            base_url="https://badges.example.edu",
        )
        platform = build(settings)
        platform.dispatch = None  # this process runs the job itself, under the profiler
        data = cohort(folder / "profile.csv", rows).read_bytes()
        profiler = Profiler()
        profiler.start()
        with platform.unit_of_work() as services:
            view = services.bulk.create(Actor.operator(), "acme", achievement, data, "c.csv")
        run_bulk_job(platform.unit_of_work, str(view.job.id))
        profiler.stop()
        platform.close()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks bulk", description=__doc__)
    parser.add_argument(
        "--rows",
        type=int,
        default=1000,
        help="credentials per run (default 1,000; try 10000 and 100000)",
    )
    parser.add_argument("--profile", action="store_true", help="profile one SQLite job instead")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL rows")
    parser.add_argument(
        "--signing-processes",
        type=int,
        default=None,
        help="CREDSTACK_SIGNING_PROCESSES of the issuing processes (default: the platform's, "
        "one per further core on SQLite, none on PostgreSQL)",
    )
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=1,
        help="credstack worker --concurrency: a worker's tasks at once, in threads (1)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every row this many times, the PostgreSQL ones in alternating order, and "
        "print medians (the 2 / 1 worker ratio drifts with the machine between two runs)",
    )
    arguments = parser.parse_args(argv)
    rows = arguments.rows
    repeat = max(1, arguments.repeat)
    SIGNING["processes"] = arguments.signing_processes
    WORKER["concurrency"] = max(1, arguments.worker_concurrency)
    with tempfile.TemporaryDirectory(prefix="credstack-bench-") as name:
        folder = Path(name)
        if arguments.profile:
            profile(rows, folder)
            return 0
        processes = arguments.signing_processes
        print(
            f"Bulk issuance, {rows:,} credentials, {SUITE}, "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, signing processes "
            f"per issuing process: {'default' if processes is None else processes}, "
            f"worker concurrency {WORKER['concurrency']}, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        kinds: list[Callable[[], Row]] = [partial(sqlite_row, rows, folder)]
        if not arguments.no_postgres:
            kinds += [
                partial(postgres_row, rows, 1, folder),
                partial(postgres_row, rows, 2, folder),
            ]
        # This machine's speed drifts by a third within minutes, so each run is set against
        # in-memory rounds signed just before and just after it, not against one best round.
        rounds = [in_memory_rounds(rows)]
        # Before the runs, whose timing reads the database from this process too.
        memory_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        runs: list[Run] = []
        for repetition in range(repeat):
            # 1 then 2 workers, then 2 then 1: a drift in between favours neither.
            order = [0, *range(1, len(kinds))[:: 1 if repetition % 2 == 0 else -1]]
            for kind in order:
                row = kinds[kind]()
                rounds.append(in_memory_rounds(rows))
                reference = median(rounds[-2] + rounds[-1])
                runs.append(Run(kind, repetition, row, row.per_second / reference))
        every = [rate for taken in rounds for rate in taken]
        print(f"{'run':<44}{'cred/s':>10}{'of memory':>11}{'peak MB':>9}{'command/s':>11}")
        print(
            f"{'in-memory signing (no database)':<44}{median(every):>10,.0f}"
            f"{'100%':>10}{memory_peak:>9,.0f}"
        )
        for run in runs:
            print_row(run.row, run.share)
        if repeat > 1:
            print(f"median of {repeat} runs of each:")
            for kind in range(len(kinds)):
                mine = [run for run in runs if run.kind == kind]
                commands = [r.row.command_per_second for r in mine if r.row.command_per_second]
                middle = Row(
                    mine[0].row.name,
                    median(run.row.per_second for run in mine),
                    max(run.row.peak_mb for run in mine),
                    median(commands) if commands else None,
                )
                print_row(middle, median(run.share for run in mine))
        if len(kinds) == 3:
            pairs = [
                [next(r for r in runs if r.kind == k and r.repetition == i) for k in (1, 2)]
                for i in range(repeat)
            ]
            workers = [two.row.per_second / one.row.per_second for one, two in pairs]
            print_ratios("2 workers / 1 worker", workers)
            print_ratios(
                "2 workers / 1 worker, each as a share of its rounds",
                [two.share / one.share for one, two in pairs],
            )
            # What the machine allows: the workers' ratio is read against it.
            machine = machine_ratios(max(1.0, min(10.0, rows / 1000)), repeat)
            print_ratios("this machine, in-memory signing in 2 processes / 1", machine)
            print(
                f"2 workers / 1 worker over this machine's 2 / 1: "
                f"{median(workers) / median(machine):.0%} (median over median)"
            )
        print(
            f"in-memory rounds of {min(rows, 1000):,}: {len(every)}, best {max(every):,.0f}/s, "
            f"worst {min(every):,.0f}/s; each run's share is of the median of the six rounds "
            "signed just before and just after it"
        )
    return 0


def print_ratios(label: str, ratios: list[float]) -> None:
    middle = f" (median {median(ratios):.2f}x)" if len(ratios) > 1 else ""
    print(f"{label}: " + ", ".join(f"{r:.2f}x" for r in ratios) + middle)


def print_row(row: Row, share: float) -> None:
    command = f"{row.command_per_second:>11,.0f}" if row.command_per_second else ""
    print(
        f"{row.name:<44}{row.per_second:>10,.0f}{share:>10.0%}{row.peak_mb:>9,.0f}{command}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
