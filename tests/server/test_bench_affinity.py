"""``bench/realtime.py --server-cpus``: the server on its cores, the load on the others.

The split makes CPU per delivery comparable between one server process and several on a
machine where the clients share the cores (bench/benchlib/affinity.py). A tiny real run checks
that the server processes did run on the cores given, and the report says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from benchlib.affinity import parse  # noqa: E402


def test_core_lists_are_read_as_taskset_writes_them():
    assert parse("0") == {0}
    assert parse("0-2") == {0, 1, 2}
    assert parse("0, 3,5-6") == {0, 3, 5, 6}
    for bad in ("", "x", "2-1", ","):
        with pytest.raises(ValueError):
            parse(bad)


def test_the_server_runs_on_its_cores_and_the_clients_on_the_others():
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        pytest.skip(f"--server-cpus needs two cores, this process may use {cores}")
    server = cores[0]
    done = subprocess.run(
        [sys.executable, "bench/realtime.py", "--participants", "3", "--projectors", "1", "--rate", "5",
         "--duration", "1", "--grace", "10", "--server-cpus", str(server)],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    split = report["machine"]["cpu_split"]
    assert split["server"] == [server] and split["clients"] == cores[1:], split
    # Read off the server process (and its workers) while it ran, not only what was asked.
    assert split["server_processes"] and all(c == [server] for c in split["server_processes"]), split
    assert report["ideas_acked"] == 5 and report["lost"] == 0


def test_a_core_the_bench_may_not_use_is_refused():
    done = subprocess.run(
        [sys.executable, "bench/realtime.py", "--server-cpus", str(os.cpu_count() + 7)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "--server-cpus" in done.stderr and "not available" in done.stderr
