"""``python -m benchmarks``: operations per second for canonicalization, proofs and raw Ed25519.

Each row warms up, then calls its operation for at least ``--seconds`` (2 s by default),
timed with ``time.perf_counter``. ``--quick`` runs every row briefly, as a smoke test.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable

from benchmarks import bulk
from benchmarks.cases import Case, canonicalize_cases, pipeline_cases, proof_cases, raw_cases

WARM_UP_SECONDS = 0.2


def rate(operation: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``operation`` over at least ``seconds`` after a warm-up."""
    for deadline in (WARM_UP_SECONDS * min(1.0, seconds), seconds):
        count = 0
        start = time.perf_counter()
        end = start + deadline
        now = start
        while now < end or count == 0:
            operation()
            count += 1
            now = time.perf_counter()
    return count / (now - start)


def main(argv: list[str] | None = None) -> int:
    arguments_given = sys.argv[1:] if argv is None else argv
    if arguments_given[:1] == ["bulk"]:  # python -m benchmarks bulk [--rows N] [--profile]
        return bulk.main(arguments_given[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per row (default 2)")
    parser.add_argument("--quick", action="store_true", help="a short smoke run of every row")
    arguments = parser.parse_args(argv)
    seconds = 0.02 if arguments.quick else arguments.seconds
    print(f"Credstack benchmarks, Python {platform.python_version()} on {platform.machine()}")
    print(f"{'operation':<48}{'ops/s':>10}{'µs/op':>10}")
    cases: list[Case] = [
        *canonicalize_cases(),
        *proof_cases(),
        *pipeline_cases(),
        *raw_cases(),
    ]
    for case in cases:
        per_second = rate(case.operation, seconds)
        print(f"{case.name:<48}{per_second:>10,.0f}{1e6 / per_second:>10,.0f}", flush=True)
    if not arguments.quick:
        print()
        return bulk.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
