"""Building blocks of ``bench/realtime.py`` (the real-time fan-out benchmark).

- ``stats``: percentiles and ``{n, p50, p95, p99, max}`` summaries
- ``procinfo``: memory and CPU of the server's process tree, from ``/proc``
- ``server``: the real server process, HTTP helpers, free port
- ``clients``: the client worker process (one asyncio loop, many Socket.IO clients)
- ``workers``: the parent side of the client worker processes
- ``node_workers``: the same for the Node workers (``bench/loadgen/worker.mjs``, ``--client-impl node``)
- ``run``: the orchestration (the ``Bench`` class)
- ``report``: the JSON report and the ``--raw`` per-idea records
- ``scratch_db``: a fresh PostgreSQL database for each run, dropped after it
- ``affinity``: ``--server-cpus``, the server processes on some cores and the load on the others

Shared here: ``BenchError`` and ``log``.
"""

from __future__ import annotations

import sys
import time


class BenchError(Exception):
    """A failure that stops the benchmark (reported in the JSON)."""


def log(msg: str) -> None:
    """Print a progress line on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
