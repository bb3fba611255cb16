"""``python -m benchmarks.ledger``: the transparency ledger's appends per second and the time
of its proofs as the log grows to a million leaves.

Appends go through ``LedgerService.record`` (the path issuance takes), one committed
transaction each. The large logs are loaded in bulk (leaves and their perfect subtree hashes,
exactly what appends would have stored); then inclusion and consistency proofs are read the
way the API reads them: one query for the O(log n) nodes a proof needs, then hashing. Proof
time should grow with log2(n), not n: from a thousand to a million leaves, about 2x, not 1000x.
``CREDSTACK_BENCH_DATABASE_URL`` runs it on PostgreSQL instead of a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete, insert, update

from benchmarks.__main__ import rate
from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.ledger import MemoryTree, consistency_proof, inclusion_proof, leaf_hash
from credstack.ledger.merkle import nodes_for_consistency, nodes_for_inclusion
from credstack.store.ledger import LOG_ID, LedgerHead, LedgerLeaf, LedgerNode, LedgerRepository

CHUNK = 20_000
SECRET = "benchmark-master-secret-0123456789abcdef"


def platform_for(url: str, folder: Path) -> Platform:
    settings = Settings(database_url=url, secret_key=SECRET, key_file=folder / "unused.key")
    return build(settings, migrate=True)


def load(platform: Platform, size: int) -> None:
    """Replace the log with ``size`` leaves and every perfect subtree hash, in bulk."""
    tree = MemoryTree()
    with platform.engine.begin() as connection:
        connection.execute(delete(LedgerNode))
        connection.execute(delete(LedgerLeaf))
        rows = []
        for index in range(size):
            data = b'{"benchmark":%d}' % index
            tree.append(leaf_hash(data))
            rows.append(
                {
                    "idx": index,
                    "kind": "credential.issued",
                    "credential_id": str(index),
                    "data": data,
                }
            )
            if len(rows) == CHUNK:
                connection.execute(insert(LedgerLeaf), rows)
                rows = []
        if rows:
            connection.execute(insert(LedgerLeaf), rows)
        for level, hashes in enumerate(tree.levels):
            for start in range(0, len(hashes), CHUNK):
                connection.execute(
                    insert(LedgerNode),
                    [
                        {"level": level, "idx": start + i, "hash": value}
                        for i, value in enumerate(hashes[start : start + CHUNK])
                    ],
                )
        connection.execute(update(LedgerHead).where(LedgerHead.id == LOG_ID).values(size=size))


def inclusion(platform: Platform, size: int) -> Callable[[], object]:
    indexes = itertools.cycle(random.Random(size).sample(range(size), min(size, 1000)))

    def prove() -> object:
        index = next(indexes)
        with platform.sessions() as session:
            nodes = LedgerRepository(session).nodes(nodes_for_inclusion(index, size))
            return inclusion_proof(index, size, nodes)

    return prove


def consistency(platform: Platform, size: int) -> Callable[[], object]:
    olds = itertools.cycle(random.Random(-size).sample(range(1, size), min(size - 1, 1000)))

    def prove() -> object:
        old = next(olds)
        with platform.sessions() as session:
            nodes = LedgerRepository(session).nodes(nodes_for_consistency(old, size))
            return consistency_proof(old, size, nodes)

    return prove


def appends(platform: Platform) -> Callable[[], object]:
    counter = itertools.count()

    def append() -> object:
        with platform.unit_of_work() as services:
            n = next(counter)
            return services.ledger.record(
                "credential.issued",
                f"https://bench.example/credentials/{n}",
                f'{{"n":{n}}}',
                "did:web:bench.example",
            )

    return append


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ledger", description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per row (default 2)")
    parser.add_argument(
        "--quick", action="store_true", help="small logs, short rows (a smoke test)"
    )
    parser.add_argument("--large", type=int, default=1_000_000, help="the large log's size")
    arguments = parser.parse_args(argv)
    seconds = 0.02 if arguments.quick else arguments.seconds
    sizes = [1_000, 10_000 if arguments.quick else arguments.large]
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("CREDSTACK_BENCH_DATABASE_URL", f"sqlite:///{folder}/ledger.db")
        platform = platform_for(url, Path(folder))
        try:
            backend = platform.engine.dialect.name
            print(f"Credstack ledger benchmarks on {backend}")
            print(f"{'operation':<48}{'ops/s':>10}{'µs/op':>10}")
            row("ledger append, one transaction each", rate(appends(platform), seconds))
            for size in sizes:
                started = time.perf_counter()
                load(platform, size)
                loaded = time.perf_counter() - started
                row(
                    f"ledger inclusion proof at {size:,} leaves",
                    rate(inclusion(platform, size), seconds),
                )
                row(
                    f"ledger consistency proof at {size:,} leaves",
                    rate(consistency(platform, size), seconds),
                )
                print(f"  (bulk-loaded {size:,} leaves and their subtree hashes in {loaded:.1f} s)")
        finally:
            platform.close()
    return 0


def row(name: str, per_second: float) -> None:
    print(f"{name:<48}{per_second:>10,.0f}{1e6 / per_second:>10,.0f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
