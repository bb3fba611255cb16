"""``python -m benchmarks.ledger --quick`` prints every row of the ledger table."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO

ROWS = [
    "ledger append, one transaction each",
    "ledger inclusion proof at 1,000 leaves",
    "ledger consistency proof at 1,000 leaves",
    "ledger inclusion proof at 10,000 leaves",
    "ledger consistency proof at 10,000 leaves",
]


def test_the_quick_ledger_benchmark_prints_every_row() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.ledger", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = run.stdout.splitlines()
    for row in ROWS:
        matches = [line for line in lines if line.startswith(row + " ")]
        assert len(matches) == 1, (row, run.stdout)
        assert re.fullmatch(r".* {2,}[\d,]+ +[\d,]+", matches[0]), matches[0]
