"""The saturation half of ``benchmarks.http`` driven by wrk (Debian's ``wrk`` package).

The Python load generator (``benchmarks.load``) costs about half a millisecond of CPU per
request, on the same two cores as the server it measures: at 1,000 requests a second that is
a quarter of the machine. wrk, in C, costs a few microseconds. It cannot hold a fixed rate, so
it measures what it can: the throughput of a closed loop of connections, each waiting for its
answer before it sends the next request (a rate the server sustained, if nothing failed). The
fixed-rate latency at half that rate stays with ``benchmarks.load``, whose cost there is
small.

Every answer is checked: each wrk thread holds one connection, so its answers come in the
order of its requests, and the script compares each status with the one its request expects.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.load import Request

SCRIPT = r"""
local bodies, expected, paths = {}, {}, {}
local threads = {}
failures = 0
local next_index, pending = 0, nil

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local status, path = line:match("^(%d+)\t(.+)$")
    local file = io.open(path, "rb")
    table.insert(bodies, file:read("*a"))
    file:close()
    table.insert(expected, tonumber(status))
  end
  next_index = offset % #bodies
end

function request()
  next_index = next_index % #bodies + 1
  pending = expected[next_index]
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[next_index])
end

function response(status, headers, body)
  if status ~= pending then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("failures")
  end
  local e = summary.errors
  io.write(string.format(
    "CREDSTACK requests=%d microseconds=%d wrong=%d socket=%d\n",
    summary.requests, summary.duration, wrong, e.connect + e.read + e.write + e.timeout
  ))
end
"""
_RESULT = re.compile(r"CREDSTACK requests=(\d+) microseconds=(\d+) wrong=(\d+) socket=(\d+)")


@dataclass(frozen=True)
class Throughput:
    """A closed-loop run: answers per second, and how many were wrong or lost."""

    requests: int
    seconds: float
    wrong: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.wrong + self.socket_errors


def available() -> bool:
    return shutil.which("wrk") is not None


def throughput(
    url: str, requests: Sequence[Request], *, seconds: float, connections: int = 8
) -> Throughput:
    """wrk against ``url`` for ``seconds``, one connection per thread, the ``requests`` in
    turn (each thread starting at its own place in the mix)."""
    with tempfile.TemporaryDirectory() as folder:
        lines = []
        for index, request in enumerate(requests):
            body = Path(folder, f"{index}.json")
            body.write_bytes(request.body or b"")
            lines.append(f"{request.expected_status}\t{body}")
        manifest = Path(folder, "requests.tsv")
        manifest.write_text("\n".join(lines) + "\n")
        script = Path(folder, "mix.lua")
        script.write_text(SCRIPT)
        run = subprocess.run(
            [
                shutil.which("wrk") or "wrk",
                *("--threads", str(connections), "--connections", str(connections)),
                *("--duration", f"{max(1, round(seconds))}s", "--timeout", "10s"),
                *("--script", str(script)),
                url,
                "--",
                str(manifest),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
    found = _RESULT.search(run.stdout)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{run.stdout}\n{run.stderr}")
    count, micros, wrong, socket = (int(group) for group in found.groups())
    return Throughput(count, micros / 1e6, wrong, socket)
