"""An open-loop HTTP load generator: requests leave on a fixed schedule, whatever the answers.

Each request has its slot (``start + k / rate``); a pool of threads, each with its own
keep-alive connection, takes the slots in turn. Latency is measured from the slot, not from the
moment a thread got to it, so a server that falls behind shows it in the latency instead of
quietly slowing the load down (no coordinated omission). The client is the standard library's
``http.client``, about a hundred microseconds of CPU per request: light enough to share two
cores with the server it measures.
"""

from __future__ import annotations

import http.client
import itertools
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Request:
    """A request and the status code a correct server answers it with; without a ``path``
    it goes to the run's URL."""

    body: bytes | None
    expected_status: int
    label: str
    path: str | None = None
    method: str = "POST"
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)


@dataclass
class Outcome:
    """What one run saw: latencies in seconds of the correct answers, and every error."""

    offered_rate: float
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    # Answers that were asked again (``retry_statuses``), by label and status.
    retried: dict[str, int] = field(default_factory=dict)
    sent: int = 0

    @property
    def achieved_rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("inf")
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(
    url: str,
    requests: Sequence[Request],
    *,
    rate: float,
    seconds: float,
    threads: int = 48,
    timeout: float = 10.0,
    retry_statuses: frozenset[int] = frozenset(),
    retries: int = 0,
) -> Outcome:
    """Send ``requests`` in turn to ``url`` (host and default path) at ``rate`` per second for
    ``seconds``. An answer with a status of ``retry_statuses`` (503: the server asks to be
    asked again) is asked again up to ``retries`` times, as a client should; it counts in
    ``retried``, its latency runs from the first slot, and a last refusal is an error."""
    target = urlsplit(url)
    outcome = Outcome(offered_rate=rate, seconds=seconds)
    slots = itertools.count()
    cycle = itertools.cycle(requests)
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)

    def error(kind: str) -> None:
        with lock:
            outcome.errors[kind] = outcome.errors.get(kind, 0) + 1

    def worker() -> None:
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=timeout)
        while True:
            with lock:
                slot = next(slots)
                request = next(cycle)
            if slot >= total:
                break
            due = start + slot / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            try:
                for attempt in range(retries + 1):
                    connection.request(
                        request.method,
                        request.path or target.path,
                        body=request.body,
                        headers=dict(request.headers),
                    )
                    response = connection.getresponse()
                    response.read()
                    if response.status not in retry_statuses or attempt == retries:
                        break
                    with lock:
                        kind = f"{request.label}: HTTP {response.status}"
                        outcome.retried[kind] = outcome.retried.get(kind, 0) + 1
                    # Full jitter, doubling to a second: writers that collided do not
                    # collide again in step.
                    time.sleep(random.uniform(0.0, min(1.0, 0.05 * 2**attempt)))
            except (OSError, http.client.HTTPException) as exc:
                error(type(exc).__name__)
                connection.close()
                connection = http.client.HTTPConnection(
                    target.hostname, target.port, timeout=timeout
                )
                continue
            latency = time.perf_counter() - due
            if response.status != request.expected_status:
                error(f"{request.label}: HTTP {response.status}")
                continue
            with lock:
                outcome.latencies.append(latency)
        connection.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    outcome.sent = total
    # Late answers stretch the run: the rate is what was answered over the time it took.
    outcome.seconds = max(seconds, time.perf_counter() - start)
    return outcome
