#!/usr/bin/env python3
"""Reconnection storm: N phones connected, the server killed and started again, time until all resynced.

    python bench/storm.py --participants 2000 --rate 10

Starts the real server (SQLite in a temp dir, or --database-url), joins and
connects N participants from --clients-procs Node processes and one projector
from its own (``bench/loadgen/storm.mjs``, socket.io-client as on phones;
``make bench-deps``), posts
--rate ideas per second from random connected phones the whole time, then kills
the server (SIGKILL, as a crash) --steady seconds in and starts it again on the
same port and database. Every client then behaves as the browser does
(docs/protocol.md "Reconnecting", static/js/live-core.js): it waits a random
delay (0.5-3 s for the first attempt, the ceiling doubling after each failure,
up to 6 s; the projector: 0.25-1 s, up to 2 s), connects, and calls ``sync``
with the last seq it applied.

Prints one JSON object: resync times counted from the moment the new server
answered /healthz (p50/p95/p99/max, and when the last phone was back),
snapshots versus replays, post->projector latency before and during the storm,
and acknowledged ideas the projector never got (lost). See bench/README.md.

With ``--cluster N`` (``--database-url postgresql://...`` and Redis needed), N server processes
run behind HAProxy (``deploy/``), and the fault is one of them SIGKILLed and *not* restarted:
its phones reconnect through HAProxy to the others and resync there; times count from the kill.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import BenchError, log  # noqa: E402
from benchlib.cluster import ClusterServer  # noqa: E402
from benchlib.node_workers import STORM, NodeWorkerPool  # noqa: E402
from benchlib.scratch_db import scratch_for  # noqa: E402
from benchlib.server import Server, free_port, http_json  # noqa: E402
from benchlib.stats import summarise  # noqa: E402

# The browser's rules (docs/protocol.md "Reconnecting", static/js/live-core.js), in seconds.
PHONE_RECONNECT = {"min": 0.5, "first_max": 3.0, "max": 6.0}
STAFF_RECONNECT = {"min": 0.25, "first_max": 1.0, "max": 2.0}


# -- parent ------------------------------------------------------------------------------------------


def _merged(counts) -> dict:
    out: dict = {}
    for c in counts:
        for k, v in c.items():
            out[k] = out.get(k, 0) + v
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=10.0, help="ideas per second, during the whole run")
    parser.add_argument("--steady", type=float, default=15.0, help="seconds of normal running before the kill")
    parser.add_argument("--after", type=float, default=30.0, help="seconds of running after the restart")
    parser.add_argument("--grace", type=float, default=5.0)
    parser.add_argument("--clients-procs", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repo", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument(
        "--cluster", type=int, default=0, help="N processes behind HAProxy; one is killed and not restarted"
    )
    parser.add_argument("--redis-url", default="redis://localhost:6379/0", help="message queue for --cluster")
    args = parser.parse_args()

    port = free_port()
    scratch = scratch_for(args.repo, args.database_url)
    database_url = scratch.create() if scratch else args.database_url
    if args.cluster:
        server = ClusterServer(
            args.repo, sys.executable, database_url, args.cluster, args.redis_url, startup_timeout=120
        )
    else:
        server = Server(args.repo, sys.executable, database_url=database_url, port=port, startup_timeout=120)
    try:
        server.start()
    except BaseException:
        if scratch:
            scratch.drop()
        raise
    if database_url is None:  # the restart must find the same database
        server.database_url = f"sqlite:///{server.tmpdir / 'facilitator.db'}"
    first_tmp = server.tmpdir
    pool = NodeWorkerPool()
    try:
        info = server.fetch_info("DEVUP")
        tables = [t["id"] for t in info["tables"]]

        def join(i):
            status, body = http_json(
                "POST",
                f"{server.base_url}/api/w/DEVUP/join",
                {"first_name": f"P{i}", "organisation": "Bench", "table_id": tables[i % len(tables)]},
                timeout=30,
            )
            return {
                "key": f"p{i}",
                "kind": "participant",
                "auth": {"role": "participant", "token": body["token"]},
                "reconnect": PHONE_RECONNECT,
            }

        with ThreadPoolExecutor(8) as joiner:
            specs = list(joiner.map(join, range(args.participants)))
        specs.insert(
            0,
            {
                "key": "proj",
                "kind": "projector",
                "auth": {"role": "projector", "workshop": "DEVUP", "key": info["projector_key"]},
                "reconnect": STAFF_RECONNECT,
            },
        )
        log(f"joined {args.participants}; connecting from {args.clients_procs} process(es)")
        # The projector gets a process of its own, as it has a machine of its own in the room:
        # a client process busy with 1,000 phones' reconnections would delay what it records.
        k = max(1, args.clients_procs)
        buckets = [specs[:1]] + [specs[1 + wid :: k] for wid in range(k)]
        pool.launch(
            STORM,
            [
                {
                    "base_url": server.base_url,
                    "clients": bucket,
                    "seed": args.seed * 1000 + wid,
                    "post_interval": k / args.rate if args.rate > 0 and wid else 0,
                    "connect_concurrency": 50,
                    "connect_timeout": 20,
                    "sync_timeout": 30,
                    "ack_timeout": 30,
                    "grace": args.grace,
                }
                for wid, bucket in enumerate(buckets)
            ],
        )
        ready = pool.recv_all("connected", timeout=300)
        connected = sum(r["connected"] for r in ready)
        if connected < len(specs):
            raise BenchError(f"only {connected} of {len(specs)} sockets connected: {[r['failures'] for r in ready]}")
        log(f"{connected} sockets connected and synced; {args.steady} s steady")
        time.sleep(args.steady)
        load_before = os.getloadavg()
        killed = time.time()
        os.killpg(server.proc.pid, signal.SIGKILL)  # a cluster's first process
        server.proc.wait()
        if args.cluster:
            up = killed  # the other processes are up: the phones may come back at once
            log(f"process 1 of {args.cluster} killed (not restarted); {args.after} s of recovery")
        else:
            log("server killed; starting it again")
            server.start()
            up = time.time()
            log(f"server up after {up - killed:.1f} s; {args.after} s of storm and recovery")
        time.sleep(args.after)
        for wid in range(len(pool)):
            pool.send(wid, ["stop", None])
        results = pool.recv_all("results", timeout=args.grace + 120)
        load_after = os.getloadavg()
    finally:
        server.stop()
        pool.stop()
        server.remove_tmpdir()  # the second start's folder (its log)
        if not args.cluster:
            server.tmpdir = first_tmp
            server.remove_tmpdir()
        if scratch:
            scratch.drop()

    clients = [c for r in results for c in r["clients"]]
    posts = [p for r in results for p in r["posts"]]
    resyncs = [s for c in clients for s in c["resyncs"] if s["lost"] and s["lost"] >= killed - 1]
    back_s = sorted(s["back"] - up for s in resyncs)
    projector = next(c for c in clients if c["kind"] == "projector")
    acked = [p for p in posts if p["ok"]]
    last_back = max((s["back"] for s in resyncs), default=up)
    projector_back = next((s["back"] for s in projector["resyncs"] if s["lost"] and s["lost"] >= killed - 1), None)

    def latency(window):
        lo, hi = window
        return summarise(
            [
                (projector["recv"][p["id"]] - p["sent"]) * 1000
                for p in acked
                if lo <= p["sent"] < hi and p["id"] in projector["recv"]
            ]
        )

    report = {
        "benchmark": "storm",
        "parameters": vars(args) | {"tables": len(tables)},
        "machine": {"cpus": os.cpu_count(), "loadavg_before_kill": load_before, "loadavg_end": load_after},
        "server_down_s": round(up - killed, 2),
        "fault": f"process 1 of {args.cluster} killed, not restarted"
        if args.cluster
        else "server killed and restarted",
        "clients": len(clients),
        "resynced": len(resyncs),
        "not_resynced": sum(1 for c in clients if not c["connected"]),
        "resync_after_up_s": {
            **{
                k: (round(v / 1000, 2) if isinstance(v, float) else v)
                for k, v in summarise([b * 1000 for b in back_s]).items()
            },
            "all_back_s": round(last_back - up, 2),
        },
        # How long the successful attempt took (connect + sync): the server's share of the wait.
        "successful_attempt_ms": summarise([(s["back"] - s["tried"]) * 1000 for s in resyncs]),
        "attempts": _merged([{str(s["attempts"]): 1} for s in resyncs]),
        "resync_modes": {m: sum(1 for s in resyncs if s["mode"] == m) for m in ("events", "snapshot")},
        "connect_failures_during_storm": sum(c["failures"] for c in clients),
        "failure_reasons": _merged(r["failures"] for r in results),
        "post_to_projector_ms_before_kill": latency((0, killed)),
        "projector_back_after_up_s": round(projector_back - up, 2) if projector_back else None,
        # Live latency while phones still come back: ideas posted once the projector itself had
        # resynced (those posted before reach it in its sync, counted in resync_after_up_s).
        "post_to_projector_ms_during_storm": latency((max(up, projector_back or up), last_back)),
        "post_to_projector_ms_after_storm": latency((last_back, float("inf"))),
        "post_to_ack_ms_during_storm": summarise(
            [(p["ack"] - p["sent"]) * 1000 for p in acked if up <= p["sent"] < last_back]
        ),
        "client_loop_lag_ms": [summarise(r["loop_lag_ms"]) for r in results],
        "ideas_acked": len(acked),
        "lost": sum(1 for p in acked if p["id"] not in projector["recv"]),
        # The client rule at work (docs/protocol.md): events held until the missing one arrived,
        # and syncs asked for because a gap stayed open 300 ms; the projector, then all phones.
        "projector_out_of_order": projector.get("out_of_order", 0),
        "projector_gap_syncs": projector.get("gap_syncs", 0),
        "phones_out_of_order": sum(c.get("out_of_order", 0) for c in clients if c["kind"] != "projector"),
        "phones_gap_syncs": sum(c.get("gap_syncs", 0) for c in clients if c["kind"] != "projector"),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench error: {exc}", file=sys.stderr)
        sys.exit(1)
