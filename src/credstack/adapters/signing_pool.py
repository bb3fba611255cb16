"""Signing a bulk batch across processes (the ``Signing`` port of ``services.ports``).

Building and signing a credential is pure Python CPU work (canonicalisation above all), which one
process does on one core whatever its threads. ``ProcessSigning`` splits a batch into parts
that the signing processes sign while the calling process does its database work: storing the
parts already signed, or the batch before (``jobs.tasks.run_bulk_job`` signs two batches
ahead); a part no process has started when the caller needs it, the caller signs itself. So a
bulk job on SQLite (issued in one process) or a worker on PostgreSQL uses the machine's other
cores. Small batches, and ``processes=0``, are signed in the calling process.

The processes are started on first use and live until ``close``; if they cannot start or die,
the batch (and every later one) is signed in the calling process instead. They are forked from
multiprocessing's fork server, a fresh process that has imported this module, never from the
caller itself (a server or worker has threads, which a fork would copy mid-lock). As with
``spawn``, each imports the caller's main script: a script needs its ``__main__`` guard.

The key travels to them as its ``secretKeyMultibase`` over the pool's pipe, to this machine's
own child processes only; they keep it in memory, as the parent does, and never write or log it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from typing import Final

from credstack.errors import Error, InvalidInput
from credstack.issue import IssueCall, SignedText, issue_many
from credstack.proofs.keys import PrivateKey, private_key_from_multikey

# Below this many calls a batch is signed in the calling process: the pipe's copying of the
# calls and texts would cost more than the other cores save.
MIN_BATCH: Final = 16
# Calls per part (but at least a part per process): fewer parts, fewer round trips to the
# processes; the caller stores one part's credentials while the processes sign the next.
PART: Final = 25
_log = logging.getLogger(__name__)


def default_processes() -> int:
    """One signing process per core beside the caller's, at most four."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


class ProcessSigning:
    def __init__(self, processes: int, *, min_batch: int = MIN_BATCH) -> None:
        self.processes = max(0, processes)
        self._min_batch = max(1, min_batch)
        self._pool: ProcessPoolExecutor | None = None
        self._ready = threading.Event()  # the processes have started
        self._failed: BaseException | None = None
        self._lock = threading.Lock()

    @property
    def parallel(self) -> bool:
        return self.processes > 0

    def issue_many(
        self, key: PrivateKey, calls: Sequence[IssueCall]
    ) -> Generator[SignedText | Error, None, None]:
        """Starts signing at once (the caller may do other work meanwhile); the results come
        in order as the returned generator is read."""
        if self.processes == 0 or len(calls) < self._min_batch:
            return _here(key, calls)
        pool = self.start()
        if self._failed is not None:
            return _here(key, self._alone(calls, self._failed))
        if not self._ready.is_set():
            # The processes take a moment to start (a fresh interpreter imports the signing
            # code): the batches meanwhile are signed here rather than wait for them.
            return _here(key, calls)
        secret = key.secret_multikey
        parts = _split(calls, min(len(calls), max(self.processes, len(calls) // PART)))
        try:
            futures = [pool.submit(_sign_part, secret, part) for part in parts]
        except (BrokenProcessPool, RuntimeError, OSError) as exc:
            return _here(key, self._alone(calls, exc))
        return self._collect(key, parts, futures)

    def _collect(
        self,
        key: PrivateKey,
        parts: list[Sequence[IssueCall]],
        futures: list[Future[list[SignedText | Error]]],
    ) -> Generator[SignedText | Error, None, None]:
        try:
            # Parts no process has started are signed here, the last first, while the
            # processes go on from the first: the two meet in the middle, and this process
            # waits only for the parts already handed to a process, not for each in turn.
            here: dict[int, list[SignedText | Error]] = {}
            for index in reversed(range(len(futures))):
                if not futures[index].cancel():
                    break
                here[index] = issue_many(key, parts[index])
            for index, future in enumerate(futures):
                if index in here:
                    yield from here[index]
                    continue
                try:
                    signed = future.result()
                except BrokenProcessPool as exc:
                    left = [call for part in parts[index:] for call in part]
                    yield from _here(key, self._alone(left, exc))
                    return
                yield from signed
        finally:
            # A caller that stops early (its store failed) leaves no part signing behind.
            for future in futures:
                future.cancel()
            wait(futures)

    def _alone(self, calls: Sequence[IssueCall], exc: BaseException) -> Sequence[IssueCall]:
        """The processes could not start or died (killed, out of memory; or a main script
        without a ``__main__`` guard, which each process imports): sign here from now on."""
        _log.warning("signing processes unavailable (%s); signing in this process", exc)
        self.close()
        self.processes = 0
        return calls

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            self._ready.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def start(self, *, wait_ready: bool = False) -> ProcessPoolExecutor:
        """Start the processes (in the background, unless ``wait_ready``) if not started."""
        with self._lock:
            pool = self._pool
            if pool is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([__name__])  # not "__main__", the default
                pool = self._pool = ProcessPoolExecutor(
                    self.processes,
                    mp_context=context,
                    initializer=_watch_owner,
                    initargs=(os.getpid(),),
                )
                threading.Thread(
                    target=self._warm, args=(pool,), name="credstack-signing-start", daemon=True
                ).start()
        if wait_ready:
            self._ready.wait()
        return pool

    def _warm(self, pool: ProcessPoolExecutor) -> None:
        # The pool starts a process per task submitted while none is idle.
        try:
            for done in [pool.submit(_warm_up) for _ in range(self.processes)]:
                done.result()
        except BaseException as exc:  # noqa: BLE001  # reported by the next batch, which signs here
            self._failed = exc
        self._ready.set()


def _here(key: PrivateKey, calls: Sequence[IssueCall]) -> Generator[SignedText | Error, None, None]:
    yield from issue_many(key, calls)


def _split(calls: Sequence[IssueCall], parts: int) -> list[Sequence[IssueCall]]:
    size, extra = divmod(len(calls), parts)
    out: list[Sequence[IssueCall]] = []
    start = 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        out.append(calls[start:end])
        start = end
    return out


def _warm_up() -> None:
    """A task that only makes the pool start a process."""


def _watch_owner(owner: int) -> None:
    """In a signing process: exit once the process that started the pool is gone, even
    killed with SIGKILL (nothing else ends the fork server or this process then)."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(0)

    threading.Thread(target=watch, name="credstack-signing-watch", daemon=True).start()


@lru_cache(maxsize=16)
def _key(secret: str) -> PrivateKey:
    return private_key_from_multikey(secret)


def _sign_part(secret: str, calls: Sequence[IssueCall]) -> list[SignedText | Error]:
    """In a signing process: the part's credentials, each refusal made safe for the pipe."""
    return [_portable(out) for out in issue_many(_key(secret), calls)]


def _portable(outcome: SignedText | Error) -> SignedText | Error:
    if isinstance(outcome, SignedText) or type(outcome).__init__ is Error.__init__:
        return outcome
    # pickle makes an error again from its message alone, which a constructor of its own (an
    # unknown context's takes the URL) would misread: the row keeps its words and its code.
    return InvalidInput(outcome.message, code=outcome.code)
