"""``python -m benchmarks``: operations per second for canonicalization, proofs and raw Ed25519.

Each row runs in short rounds taken in turn with every other row, for ``--seconds`` in all
(2 s by default), and reports its best round. Time is this process's CPU time
(``time.process_time``): the machine is shared, and wall-clock rates would measure the other
processes as much as ours. The targets of issue 6 follow the table. ``--quick`` runs every row
briefly, as a smoke test. ``python -m benchmarks.http`` and ``python -m benchmarks.scale``
measure the server.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable

from benchmarks import bulk
from benchmarks.cases import Case, canonicalize_cases, pipeline_cases, proof_cases, raw_cases

ROUNDS = 10


def round_rate(operation: Callable[[], object], seconds: float) -> float:
    """Calls per CPU second of ``operation`` over at least ``seconds`` of CPU time."""
    count = 0
    start = time.process_time()
    end = start + seconds
    now = start
    while now < end or count == 0:
        operation()
        count += 1
        now = time.process_time()
    return count / max(now - start, 1e-9)


def rate(operation: Callable[[], object], seconds: float) -> float:
    """One row measured alone (other benchmark modules use it): a short warm-up, then
    ``round_rate``."""
    round_rate(operation, min(0.05, seconds / 10))
    return round_rate(operation, seconds)


def best_rates(cases: list[Case], seconds: float, rounds: int) -> dict[str, float]:
    """Each case's best round; rounds go round-robin, so a busy moment hits every row alike."""
    for case in cases:  # warm-up: caches of contexts and keys, as in a running service
        round_rate(case.operation, min(0.05, seconds / rounds))
    best = dict.fromkeys((case.name for case in cases), 0.0)
    for _ in range(rounds):
        for case in cases:
            best[case.name] = max(best[case.name], round_rate(case.operation, seconds / rounds))
    return best


def targets(rates: dict[str, float]) -> list[tuple[str, float, float]]:
    """Issue 6: eddsa-jcs-2022 and JWT at half the raw Ed25519 rate; eddsa-rdfc-2022 900/s."""
    raw = {verb: rates[f"raw Ed25519 {verb} (cryptography)"] for verb in ("sign", "verify")}
    rows = []
    for verb in ("sign", "verify"):
        rows.append((f"eddsa-rdfc-2022 {verb}", rates[f"eddsa-rdfc-2022 {verb}"], 900.0))
        for name in ("eddsa-jcs-2022", "jwt (VC-JOSE, EdDSA)"):
            rows.append((f"{name} {verb}", rates[f"{name} {verb}"], raw[verb] / 2))
    return rows


def main(argv: list[str] | None = None) -> int:
    arguments_given = sys.argv[1:] if argv is None else argv
    if arguments_given[:1] == ["bulk"]:  # python -m benchmarks bulk [--rows N] [--profile]
        return bulk.main(arguments_given[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="CPU time per row (2)")
    parser.add_argument("--quick", action="store_true", help="a short smoke run of every row")
    arguments = parser.parse_args(argv)
    seconds = 0.02 if arguments.quick else arguments.seconds
    rounds = 1 if arguments.quick else ROUNDS
    print(f"Credstack benchmarks, Python {platform.python_version()} on {platform.machine()}")
    cases: list[Case] = [
        *canonicalize_cases(),
        *proof_cases(),
        *pipeline_cases(),
        *raw_cases(),
    ]
    rates = best_rates(cases, seconds, rounds)
    print(f"{'operation':<48}{'ops/s':>10}{'µs/op':>10}")
    for name, per_second in rates.items():
        print(f"{name:<48}{per_second:>10,.0f}{1e6 / per_second:>10,.0f}")
    print(f"\n{'target (issue 6)':<48}{'ops/s':>10}{'target':>10}  met")
    for name, per_second, target in targets(rates):
        met = "yes" if per_second >= target else "NO"
        print(f"{name:<48}{per_second:>10,.0f}{target:>10,.0f}  {met}")
    if not arguments.quick:
        print()
        return bulk.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
