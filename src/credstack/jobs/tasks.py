"""The task functions: each opens its own units of work and calls services.

``run_bulk_job`` issues a job batch by batch until no queued row is left for it; any number of
copies may run at once, on any number of machines (rows are claimed with SKIP LOCKED).
``publish_status_list`` signs a list again after a bit flipped, so the public route serves it
from storage. ``send_mail`` delivers one outbox message. ``checkpoint_ledger`` signs the
transparency ledger's head: after each bulk batch, and when one is due from the ledger clock
(``jobs.clock``) of each server and worker.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Final

from credstack.errors import StorageError
from credstack.jobs.garbage import fewer_collections
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.bulk import BATCH_SIZE, BulkAhead

UnitOfWork = Callable[[], AbstractContextManager[Services]]
_log = logging.getLogger(__name__)
MAX_REFUSED: Final = 5
MAX_BATCHES: Final = 20
MAX_ROWS: Final = 5_000
# Batches signed ahead of the one being stored: two keep the signing processes busy through
# a slow commit or checkpoint of this process.
AHEAD: Final = 2
LEDGER_ACTOR: Final = Actor.operator("ledger")
PURGE_ACTOR: Final = Actor.operator("purge")


@fewer_collections()
def run_bulk_job(
    unit_of_work: UnitOfWork,
    job_id: str,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
    max_rows: int = MAX_ROWS,
) -> int:
    """Issue batches of the job until none is left for this worker; the rows it handled.

    After ``max_batches`` batches or ``max_rows`` rows, the task enqueues its own continuation
    and ends, so a worker asked to stop (procrastinate lets the running task finish) stops
    within seconds, not after the job.

    Batches signed here are of ``batch_size`` rows, or on PostgreSQL larger while many rows
    wait (``BulkService.reserve``); those signed in other processes keep ``batch_size``.

    When batches are signed in other processes (``Signing``), the next batches (``AHEAD``) are
    started before the current one is stored: their rows are read (not claimed) and their
    indexes reserved, and the processes sign them while this one writes, commits and
    checkpoints the current batch. Each batch's checkpoint is signed in the transaction after
    its own (the next batch's reservation, or one of its own), never in the batch's: there it
    would hold the log's head through the signing, and workers would wait on each other.
    """
    handled = 0
    refused = 0
    batches = 0
    ahead: deque[BulkAhead] = deque()  # up to AHEAD batches being signed, in line order
    plain = False  # claim whatever is queued, as another worker took rows read ahead
    # The last batch committed has no checkpoint yet: the next transaction signs one (docs/
    # ledger.md: one per batch), so that it costs no commit of its own.
    unsigned = False
    try:
        while True:
            if batches == max_batches or handled >= max_rows:
                with unit_of_work() as services:
                    services.bulk.continue_job(job_id)
                return handled
            batches += 1
            current = ahead.popleft() if ahead else None
            following: BulkAhead | None = None
            try:
                if current is None and not plain:
                    with unit_of_work() as services:
                        _checkpoint_if(services, unsigned)
                        current = services.bulk.sign_ahead(job_id, batch_size)
                    unsigned = False
                last = ahead[-1] if ahead else current
                if (
                    last is not None
                    and last.full
                    and len(ahead) < AHEAD
                    and batches + len(ahead) < max_batches
                ):
                    with unit_of_work() as services:
                        _checkpoint_if(services, unsigned)
                        following = services.bulk.sign_ahead(job_id, batch_size, last.last_line)
                    unsigned = False
                    if following is not None:
                        ahead.append(following)
                if unsigned:
                    _checkpoint_after_batch(unit_of_work)
                    unsigned = False
                if current is None:
                    with unit_of_work() as services:
                        slots = services.bulk.reserve(job_id, batch_size)
                with unit_of_work() as services:
                    if current is None:
                        claimed = services.bulk.issue_next_batch(
                            job_id, slots, max(batch_size, len(slots))
                        )
                    else:
                        claimed = services.bulk.issue_next_batch(
                            job_id, [], batch_size, ahead=current
                        )
            except StorageError:
                # A refused batch (SQLite busy, a key taken by a concurrent request) left its
                # rows queued; the next try replays or issues them. Past a few, the queue's
                # retry takes over.
                for dropped in (current, following):
                    if dropped is not None:
                        dropped.close()
                _drop(ahead)
                refused += 1
                if refused > MAX_REFUSED:
                    raise
                _log.warning("bulk job %s: a batch was refused; trying again", job_id)
                time.sleep(0.1 * refused)
                continue
            handled += claimed
            unsigned = unsigned or claimed > 0
            if current is not None:
                plain = claimed < len(current.lines)
                if plain:
                    _drop(ahead)  # read past rows another worker is issuing: start afresh
            elif claimed == 0:
                return handled
            else:
                plain = False  # one batch claimed plainly: sign ahead again, from elsewhere
    finally:
        _drop(ahead)
        if unsigned:
            _checkpoint_after_batch(unit_of_work)


def _checkpoint_if(services: Services, unsigned: bool) -> None:
    if unsigned:
        services.ledger.checkpoint(LEDGER_ACTOR)


def _drop(ahead: deque[BulkAhead]) -> None:
    while ahead:
        ahead.popleft().close()


def _checkpoint_after_batch(unit_of_work: UnitOfWork) -> None:
    """A checkpoint per batch (docs/ledger.md), in a transaction of its own after the batch
    committed (not in the batch's, which would hold the log's head through the signing and
    make workers wait for each other); one refused (SQLite busy) is left to the next batch or
    the ledger clock."""
    try:
        checkpoint_ledger(unit_of_work)
    except StorageError:
        _log.warning("ledger checkpoint after a bulk batch was refused; the next one signs")


def checkpoint_ledger(unit_of_work: UnitOfWork, every_seconds: str = "0") -> None:
    """Sign the ledger's head if it grew; with ``every_seconds``, only if the latest checkpoint
    is at least that old (so that every process asking signs one per period between them)."""
    every = float(every_seconds)
    with unit_of_work() as services:
        if every > 0:
            services.ledger.checkpoint_due(LEDGER_ACTOR, timedelta(seconds=every))
        else:
            services.ledger.checkpoint(LEDGER_ACTOR)


def publish_status_list(unit_of_work: UnitOfWork, list_id: str) -> None:
    with unit_of_work() as services:
        services.credentials.publish_status_list(list_id)


def send_mail(unit_of_work: UnitOfWork, message_id: str) -> None:
    """One try at delivering an outbox message; a failure that may pass enqueues the next try
    after its backoff (``services.mail``). A try the database refused (SQLite busy) is made
    again at once, a few times, before the queue's own retry takes over."""
    for refused in range(MAX_REFUSED + 1):
        try:
            with unit_of_work() as services:
                services.mail.deliver(message_id)
        except StorageError:
            if refused == MAX_REFUSED:
                raise
            _log.warning("mail %s: the database refused the update; trying again", message_id)
            time.sleep(0.1 * (refused + 1))
        else:
            return


def requeue_due(unit_of_work: UnitOfWork) -> int:
    """Enqueue every webhook attempt and email try that is due (the clock of each server and
    worker asks); how many."""
    with unit_of_work() as services:
        return services.webhooks.requeue_due() + services.mail.requeue_due()


def purge_expired(unit_of_work: UnitOfWork) -> dict[str, int]:
    """Delete expired links, ended sessions and old outbox rows (the clock asks every
    ``CREDSTACK_PURGE_SECONDS``); the counts, also logged."""
    with unit_of_work() as services:
        counts = services.purge.purge(PURGE_ACTOR)
    if any(counts.values()):
        _log.info("purged %s", ", ".join(f"{n} {kind}" for kind, n in counts.items() if n))
    return counts


def deliver_webhook(unit_of_work: UnitOfWork, delivery_id: str) -> None:
    """One attempt of a webhook delivery; a failed one schedules its own retry. If the database
    refuses to record the attempt (SQLite busy), it is tried again later: delivery is at least
    once, and receivers deduplicate on ``webhook-id``."""
    try:
        with unit_of_work() as services:
            services.webhooks.attempt(delivery_id)
    except StorageError:
        _log.warning("webhook delivery %s: the database was busy; trying again later", delivery_id)
        with unit_of_work() as services:
            services.webhooks.retry_later(delivery_id)


TASKS: Final[Mapping[str, Callable[..., object]]] = {
    "run_bulk_job": run_bulk_job,
    "publish_status_list": publish_status_list,
    "send_mail": send_mail,
    "checkpoint_ledger": checkpoint_ledger,
    "deliver_webhook": deliver_webhook,
}


def run_task(unit_of_work: UnitOfWork, task: str, arguments: Mapping[str, str]) -> None:
    """Run one task by name (what a worker does with a task it fetched)."""
    function = TASKS.get(task)
    if function is None:
        raise LookupError(f"no task {task!r}")
    _log.info("task %s %s", task, dict(arguments))
    function(unit_of_work, **arguments)
