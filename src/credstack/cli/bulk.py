"""``credstack bulk issue|resume|results|list`` and ``credstack worker``.

``bulk issue`` validates the whole file, creates the job, and follows it with a progress bar
(rate and ETA) until every row is done. With SQLite the command itself issues the rows (in a
thread of its own); with PostgreSQL ``credstack worker`` processes do, on any machines, and the
command only follows. Exit codes: 0 every row issued, 1 refused or some rows failed, 2 usage.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from credstack.cli.context import open_platform, refuse
from credstack.errors import InvalidBulkFile

if TYPE_CHECKING:
    from credstack.bootstrap import Platform
    from credstack.services.bulk import BulkJobView

app = typer.Typer(help="Issue credentials in bulk from a CSV or JSON file.", no_args_is_help=True)
POLL_SECONDS = 0.5


_refuse = refuse  # the name the commands below use


@app.command("issue")
def issue(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    achievement: Annotated[str, typer.Option("--achievement", help="A published achievement id.")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or .json file.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Issue the valid rows, report the others.")
    ] = False,
    suite: Annotated[str, typer.Option("--suite")] = "eddsa-rdfc-2022",
    status_purpose: Annotated[
        str, typer.Option("--status-purpose", help="revocation or suspension.")
    ] = "revocation",
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Follow the job until it finishes.")
    ] = True,
    idempotency_key: Annotated[
        str | None,
        typer.Option(
            "--idempotency-key",
            help="A second run with the same key and file follows the job the first run made: "
            "a script's retry issues nobody twice.",
        ),
    ] = None,
    notify: Annotated[
        bool,
        typer.Option(
            "--notify", help="Email each learner with an address their credential's link."
        ),
    ] = False,
) -> None:
    """Validate FILE, then issue one credential of ACHIEVEMENT per row, exactly once."""
    from credstack.services.actors import Actor

    data = file.read_bytes()
    with open_platform() as platform:
        if not wait and not platform.uses_postgres:
            typer.echo("error: --no-wait needs PostgreSQL and `credstack worker`", err=True)
            raise typer.Exit(2)
        try:
            with platform.unit_of_work() as services:
                view = services.bulk.create(
                    Actor.operator(),
                    org,
                    achievement,
                    data,
                    file.name,
                    skip_invalid=skip_invalid,
                    suite=suite,
                    status_purpose=status_purpose,
                    idempotency_key=idempotency_key,
                    notify=notify,
                )
        except InvalidBulkFile as exc:
            for line, reason in exc.problems:
                typer.echo(f"{file.name}:{line}: {reason}", err=True)
            raise _refuse(exc.message) from exc
        typer.echo(f"job {view.job.id}: {view.counts['queued']} rows queued", err=True)
        if view.counts["invalid"]:
            typer.echo(f"  {view.counts['invalid']} invalid rows skipped", err=True)
        if wait:
            _follow(platform, org, str(view.job.id))
        typer.echo(str(view.job.id))


@app.command("resume")
def resume(
    org: Annotated[str, typer.Option("--org")],
    job: Annotated[str, typer.Argument(help="The job id that bulk issue printed.")],
    wait: Annotated[bool, typer.Option("--wait/--no-wait")] = True,
) -> None:
    """Enqueue an interrupted job again and follow it; rows already issued stay as they are."""
    from credstack.services.actors import Actor

    with open_platform() as platform:
        with platform.unit_of_work() as services:
            view = services.bulk.resume(Actor.operator(), org, job)
        typer.echo(f"job {job}: {view.counts['queued']} rows queued", err=True)
        if wait:
            _follow(platform, org, job)


@app.command("results")
def results(
    org: Annotated[str, typer.Option("--org")],
    job: Annotated[str, typer.Argument()],
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Only the rows of this status: queued, issued, failed, invalid."
        ),
    ] = None,
) -> None:
    """Print every row's outcome as CSV (line, recipient, status, credential, error)."""
    from credstack.services.actors import Actor

    with open_platform() as platform, platform.unit_of_work(read_mostly=True) as services:
        for chunk in services.bulk.results_csv(Actor.operator(), org, job, status=status):
            sys.stdout.write(chunk)


@app.command("list")
def list_jobs(
    org: Annotated[str, typer.Option("--org")],
    limit: Annotated[int, typer.Option("--limit", help="The newest N jobs.")] = 20,
) -> None:
    """The organisation's jobs, newest first: id, created (UTC), status, counts, file."""
    from credstack.services.actors import Actor

    with open_platform() as platform, platform.unit_of_work(read_mostly=True) as services:
        views = services.bulk.list(Actor.operator(), org, limit=limit)
    for view in views:
        job, counts = view.job, view.counts
        typer.echo(
            f"{job.id}  {job.created_at:%Y-%m-%d %H:%M}  {job.status:8}  "
            f"{counts['issued']} issued, {counts['failed']} failed, {counts['invalid']} invalid, "
            f"{counts['queued']} queued  {job.filename}"
        )


def _follow(platform: Platform, org: str, job_id: str) -> None:
    """A progress bar over the job's rows until it finishes; exit 1 if any row failed."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from credstack.services.actors import Actor

    def poll() -> BulkJobView:
        # Read beside the job's batches, never waiting for SQLite's write lock.
        with platform.unit_of_work(read_mostly=True) as services:
            return services.bulk.get(Actor.operator(), org, job_id)

    view = poll()
    if platform.uses_postgres:
        typer.echo("  issued by `credstack worker` processes (PostgreSQL)", err=True)
    work = view.job.total - view.counts["invalid"]
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} credentials/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    # Redrawn twice a second, as often as it polls: rich's default 10 redraws a second cost
    # the command 3% of a core, taken from the workers (or, on SQLite, from the job's thread).
    with Progress(*columns, console=Console(stderr=True), refresh_per_second=2) as progress:
        bar = progress.add_task("issuing", total=work, rate="-")
        while True:
            done = view.counts["issued"] + view.counts["failed"]
            speed = progress.tasks[0].speed
            progress.update(bar, completed=done, rate=f"{speed:,.0f}" if speed else "-")
            if view.finished:
                break
            time.sleep(POLL_SECONDS)
            view = poll()
    counts = view.counts
    typer.echo(
        f"issued {counts['issued']}, failed {counts['failed']}, invalid {counts['invalid']}",
        err=True,
    )
    if counts["failed"]:
        raise _refuse(f"{counts['failed']} rows failed; see `credstack bulk results`")


def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Tasks at once in this process.")
    ] = 1,
) -> None:
    """Run queued tasks (bulk issuance, status-list publishing, email) until stopped (PostgreSQL).

    Start any number, on any machines that reach the database; they share each bulk job.
    A starting worker enqueues every unfinished job again, so a job whose worker died goes on.
    """
    with open_platform() as platform:
        if not platform.uses_postgres:
            raise _refuse(
                "with SQLite, tasks run inside `credstack serve` and `credstack bulk`; "
                "use `credstack bulk resume` for an interrupted job"
            )
        from credstack.jobs.postgres import run_worker, worker_app

        with platform.unit_of_work() as services:
            jobs = services.bulk.requeue_unfinished()
            mails = services.mail.requeue()
        typer.echo(
            f"worker started; {jobs} unfinished bulk jobs and {mails} queued messages "
            "enqueued again",
            err=True,
        )
        platform.start_clock()
        run_worker(
            worker_app(platform.settings.database_url, platform.run_task),
            concurrency=concurrency,
        )
