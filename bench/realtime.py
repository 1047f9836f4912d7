#!/usr/bin/env python3
"""Real-time fan-out benchmark for the facilitator server.

Starts the real server (``python -m facilitator serve``, eventlet), joins N
participants over HTTP, connects them and a few projectors over Socket.IO
(websocket transport only), posts ideas on an open-loop schedule and measures
how long each idea takes to reach the projectors and the participants of its
table.  Prints one JSON object on stdout; progress goes to stderr.

This is a benchmark, not a test: it never fails a build.  See bench/README.md.

Usage::

    python bench/realtime.py                      # 500 participants, 3 projectors, 10 ideas/s, 60 s
    python bench/realtime.py --quick              # 50 participants, 10 s (smoke run)
    python bench/realtime.py --clients-procs 2    # split the socket clients over 2 processes
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# The building blocks live in bench/benchlib/.  Put bench/ on sys.path even when the
# script's own folder is not there (python -P, PYTHONSAFEPATH, runpy): the client
# worker processes (multiprocessing "spawn") import benchlib.clients by name too.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from benchlib import BenchError, affinity, log  # noqa: E402
from benchlib.run import Bench  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    p.add_argument("--participants", type=int, default=None, help="participant sockets; None = 500, or 50 with --quick")
    p.add_argument("--projectors", type=int, default=3, help="projector sockets")
    p.add_argument("--rate", type=float, default=10.0, help="ideas posted per second (open loop)")
    p.add_argument(
        "--duration", type=float, default=None, help="posting time in seconds; None = 60, or 10 with --quick"
    )
    p.add_argument("--grace", type=float, default=5.0, help="seconds to wait for deliveries after the last post")
    p.add_argument("--quick", action="store_true", help="smoke run: 50 participants, 10 s")
    p.add_argument(
        "--hostile",
        type=int,
        default=0,
        help="extra participants that request snapshots and never read (bench/benchlib/hostile.py)",
    )
    p.add_argument("--hostile-rate", type=float, default=3.0, help="snapshot requests per second of each")
    p.add_argument(
        "--window", type=float, default=30.0, help="seconds per row of over_time (latency and memory through the run)"
    )
    p.add_argument(
        "--database-url", default=None, help="DATABASE_URL for the server; None = a fresh sqlite file in a temp dir"
    )
    p.add_argument("--port", type=int, default=0, help="server port (0 = pick a free one)")
    p.add_argument(
        "--cluster",
        type=int,
        default=0,
        help="N serve processes behind HAProxy with Redis (deploy/; needs --database-url "
        "postgresql://...); memory and CPU figures are the first process's",
    )
    p.add_argument("--redis-url", default="redis://localhost:6379/0", help="message queue for --cluster")
    p.add_argument("--clients-procs", type=int, default=1, help="client worker processes the sockets are split over")
    p.add_argument(
        "--client-impl",
        choices=("python", "node"),
        default="python",
        help="client workers: python-socketio (benchlib/clients.py) or socket.io-client on Node "
        "(bench/loadgen/worker.mjs, needs `make bench-deps`)",
    )
    p.add_argument(
        "--no-deflate",
        action="store_true",
        help="with --client-impl node: do not offer permessage-deflate (to measure what it costs the server)",
    )
    p.add_argument("--code", default="DEVUP", help="join code of the workshop to use")
    p.add_argument("--seed", type=int, default=1, help="random seed of the posting schedule")
    p.add_argument("--repo", type=Path, default=REPO, help="repository root (cwd of the server)")
    p.add_argument("--server-python", default=None, help="python that runs the server; None = this one")
    p.add_argument("--join-concurrency", type=int, default=8, help="parallel HTTP joins")
    p.add_argument("--connect-concurrency", type=int, default=20, help="sockets connecting at once (in total)")
    p.add_argument("--connect-timeout", type=float, default=20.0, help="per-socket connect/sync timeout (s)")
    p.add_argument("--ack-timeout", type=float, default=30.0, help="post_idea ack timeout (s)")
    p.add_argument("--startup-timeout", type=float, default=60.0, help="seconds to wait for /healthz")
    p.add_argument("--raw", default=None, help="also write one JSON line per idea to this file")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (database, server log)")
    p.add_argument(
        "--regroup-ideas",
        type=int,
        default=0,
        help="seed this many unsorted ideas on one table and keep regrouping it during the run",
    )
    p.add_argument("--regroup-table", type=int, default=0, help="index of the table regrouped (0 = first)")
    p.add_argument(
        "--regroup-every", type=float, default=0.0, help="seconds between the starts of two regroups (0 = back to back)"
    )
    p.add_argument(
        "--server-cpus",
        default=None,
        help="cores for the server processes and their workers (e.g. 0); the clients, HAProxy and "
        "the bench run on the others (benchlib/affinity.py); default: everything shares every core",
    )
    a = p.parse_args(argv)
    if a.server_cpus is not None:
        try:
            a.cpu_split = affinity.pin(a.server_cpus)
        except ValueError as e:
            p.error(f"--server-cpus: {e}")
    if a.participants is None:
        a.participants = 50 if a.quick else 500
    if a.duration is None:
        a.duration = 10.0 if a.quick else 60.0
    if a.participants < 1 or a.projectors < 0 or a.rate <= 0 or a.duration <= 0 or a.clients_procs < 1:
        p.error("participants >= 1, projectors >= 0, rate > 0, duration > 0, clients-procs >= 1")
    if a.rate * a.duration > 100000:
        p.error("rate * duration is capped at 100000 ideas")
    return a


def main(argv=None) -> int:
    args = parse_args(argv)
    bench = Bench(args)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    result: dict
    code = 0
    try:
        result = bench.run()
    except KeyboardInterrupt:
        log("interrupted")
        result = {"benchmark": "realtime", "error": "interrupted", "target_met": False}
        code = 130
    except BenchError as e:
        log(f"error: {e}")
        result = {"benchmark": "realtime", "error": str(e), "target_met": False}
        code = 1
    except Exception as e:  # noqa: BLE001 - report, then still stop the server
        log(traceback.format_exc())
        result = {"benchmark": "realtime", "error": f"{type(e).__name__}: {e}", "target_met": False}
        code = 1
    finally:
        try:
            bench.cleanup()
        except KeyboardInterrupt:
            bench.server.stop()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return code


if __name__ == "__main__":
    sys.exit(main())
