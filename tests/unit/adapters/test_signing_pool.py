"""Signing a batch across real processes: every credential verifies, refusals keep their place,
and the batch is still signed when the processes die or their owner is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from credstack.adapters.signing_pool import ProcessSigning
from credstack.errors import Error
from credstack.issue import IssueCall, SignedText
from credstack.proofs.data_integrity import verify_proofs
from credstack.proofs.keys import generate_key
from credstack.proofs.resolver import KeyResolver

ACHIEVEMENT = {
    "id": "https://badges.example.edu/achievements/1",
    "type": ["Achievement"],
    "name": "Data Literacy",
    "description": "Reads data.",
    "criteria": {"narrative": "Passed the final assessment."},
}


def calls(count: int, suite: str = "eddsa-rdfc-2022") -> list[IssueCall]:
    return [
        IssueCall(
            ACHIEVEMENT,
            f"learner{i}@example.com",
            suite=suite,  # type: ignore[arg-type]
            credential_id=f"https://badges.example.edu/credentials/{uuid.uuid4()}",
            evidence=[{"type": ["Evidence"], "id": f"https://lms.example/{i}"}],
        )
        for i in range(count)
    ]


@pytest.fixture
def signing() -> Iterator[ProcessSigning]:
    pool = ProcessSigning(2)
    pool.start(wait_ready=True)
    yield pool
    pool.close()


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_batch_signed_in_other_processes_verifies_in_order(
    signing: ProcessSigning, suite: str
) -> None:
    key = generate_key("ed25519")
    batch = calls(35, suite)
    # Refused rows, one with an error whose constructor is its own (the context's URL).
    batch[7] = IssueCall(ACHIEVEMENT, "nobody")
    batch[23] = IssueCall(
        ACHIEVEMENT, "learner23@example.com", extra_contexts=["https://unknown.example/ctx"]
    )
    out = list(signing.issue_many(key, batch))
    assert len(out) == 35
    assert isinstance(out[7], Error)
    assert out[7].code == "invalid_recipient"
    assert isinstance(out[23], Error)
    assert out[23].code == "unknown_context"
    assert "https://unknown.example/ctx" in out[23].message
    for index, outcome in enumerate(out):
        if index in (7, 23):
            continue
        assert isinstance(outcome, SignedText)
        document = json.loads(outcome.text)
        assert document["id"] == batch[index].credential_id  # in the order asked
        assert [check.code for check in verify_proofs(document, KeyResolver())] == ["ok"]
    assert signing.processes == 2  # the processes did the signing, no fallback


def test_batches_are_signed_here_while_the_processes_start() -> None:
    signing = ProcessSigning(1)
    try:
        key = generate_key("ed25519")
        batch = calls(20)
        out = list(signing.issue_many(key, batch))  # the first: the processes are not up yet
        assert [json.loads(o.text)["id"] for o in out if isinstance(o, SignedText)] == [
            c.credential_id for c in batch
        ]
        signing.start(wait_ready=True)
        assert signing.processes == 1
        assert all(isinstance(o, SignedText) for o in signing.issue_many(key, calls(20)))
    finally:
        signing.close()


def test_parts_no_process_started_are_signed_here_and_come_back_in_order() -> None:
    signing = ProcessSigning(1)
    signing.start(wait_ready=True)
    try:
        key = generate_key("ed25519")
        first, second = calls(100), calls(100)
        busy = signing.issue_many(key, first)  # the one process has four parts of this
        waiting = signing.issue_many(key, second)
        # Read first: the process has not started its parts, so this process signs them.
        later = list(waiting)
        earlier = list(busy)
        for batch, out in ((first, earlier), (second, later)):
            assert [json.loads(o.text)["id"] for o in out if isinstance(o, SignedText)] == [
                c.credential_id for c in batch
            ]
    finally:
        signing.close()


def test_dead_processes_leave_the_batch_to_this_process(signing: ProcessSigning) -> None:
    key = generate_key("ed25519")
    assert all(isinstance(o, SignedText) for o in signing.issue_many(key, calls(20)))
    pool = signing._pool
    assert pool is not None
    for process in list(pool._processes.values()):  # the pool's own processes, killed
        os.kill(process.pid, signal.SIGKILL)
    time.sleep(0.5)
    batch = calls(40)
    out = list(signing.issue_many(key, batch))
    assert [json.loads(o.text)["id"] for o in out if isinstance(o, SignedText)] == [
        c.credential_id for c in batch
    ]
    assert signing.processes == 0  # and later batches are signed here


OWNER = textwrap.dedent(
    """
    import sys, time, uuid
    from credstack.adapters.signing_pool import ProcessSigning
    from credstack.issue import IssueCall
    from credstack.proofs.keys import generate_key

    if __name__ == "__main__":
        achievement = {"id": "https://e.example/a", "type": ["Achievement"], "name": "A",
                       "description": "A.", "criteria": {"narrative": "A."}}
        signing = ProcessSigning(2)
        signing.start(wait_ready=True)
        batch = [IssueCall(achievement, f"l{i}@example.com") for i in range(120)]
        list(signing.issue_many(generate_key("ed25519"), batch))
        print(" ".join(str(p) for p in signing._pool._processes), flush=True)
        time.sleep(120)
    """
)


def test_signing_processes_end_with_their_owner_killed(tmp_path: Path) -> None:
    script = tmp_path / "owner.py"
    script.write_text(OWNER)
    owner = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert owner.stdout is not None
    pids = [int(p) for p in owner.stdout.readline().split()]
    assert len(pids) == 2
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    deadline = time.monotonic() + 10
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in pids if _running(pid)]
    assert alive == []


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
