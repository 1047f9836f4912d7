#!/usr/bin/env python3
"""Reconnection storm: N phones connected, the server killed and started again, time until all resynced.

    python bench/storm.py --participants 2000 --rate 10

Starts the real server (SQLite in a temp dir, or --database-url), joins and
connects N participants and one projector from --clients-procs processes, posts
--rate ideas per second from random connected phones the whole time, then kills
the server (SIGKILL, as a crash) --steady seconds in and starts it again on the
same port and database. Every client then behaves as the browser does
(static/js/live-core.js): it waits a random reconnectDelay (0.5-3 s for the
first attempt, the ceiling doubling after each failure, up to 10 s), connects,
and calls ``sync`` with the last seq it applied.

Prints one JSON object: resync times counted from the moment the new server
answered /healthz (p50/p95/p99/max, and when the last phone was back),
snapshots versus replays, post->projector latency before and during the storm,
and acknowledged ideas the projector never got (lost). See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import signal
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import BenchError, log  # noqa: E402
from benchlib.server import Server, free_port, http_json  # noqa: E402
from benchlib.stats import summarise  # noqa: E402

# The browser's rule (static/js/live-core.js).
RECONNECT_MIN_S, RECONNECT_FIRST_MAX_S, RECONNECT_MAX_S = 0.5, 3.0, 10.0


def reconnect_delay(attempt: int, rng: random.Random) -> float:
    ceiling = min(RECONNECT_MAX_S, RECONNECT_FIRST_MAX_S * 2 ** max(0, attempt))
    return RECONNECT_MIN_S + rng.random() * (ceiling - RECONNECT_MIN_S)


# -- client process -----------------------------------------------------------------------------


class Follower:
    """One socket that reconnects with jitter and resyncs like the browser client."""

    def __init__(self, spec, base_url, rng, sent_ids):
        self.spec, self.base_url, self.rng = spec, base_url, rng
        self.sio = None
        self.last = 0
        self.connected = False
        self.lost_at = None
        self.resyncs: list[dict] = []  # {lost, back, mode}
        self.recv: dict[str, float] = {}  # idea id -> first time seen (live or replayed)
        self.sent_ids = sent_ids
        self.failures = 0

    async def open(self):
        import socketio

        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.sio.on("event", self._event)
        self.sio.on("disconnect", self._disconnected)
        await self.sio.connect(self.base_url, auth=self.spec["auth"], transports=["websocket"], wait_timeout=20)
        await self._sync()

    def _event(self, envelope):
        if not isinstance(envelope, dict) or not isinstance(envelope.get("seq"), int):
            return
        if envelope["seq"] <= self.last:
            return
        self._apply(envelope)

    def _apply(self, envelope):
        if envelope.get("type") == "idea_posted":
            self.recv.setdefault(envelope["data"]["idea"]["id"], time.time())
        self.last = max(self.last, envelope["seq"])

    async def _sync(self) -> str:
        ack = await self.sio.call("sync", {"since": self.last}, timeout=30)
        if not ack.get("ok"):
            raise BenchError(f"sync refused: {ack}")
        if ack["mode"] == "snapshot":
            key = "ideas" if self.spec["kind"] == "projector" else "table_ideas"
            now = time.time()
            for idea in ack["snapshot"].get(key, []):
                self.recv.setdefault(idea["id"], now)
        else:
            for envelope in ack["events"]:
                self._apply(envelope)
        self.last = max(self.last, ack["seq"])
        self.connected = True
        return ack["mode"]

    def _disconnected(self, *_):
        if self.connected:
            self.connected = False
            self.lost_at = time.time()
            asyncio.get_event_loop().create_task(self._come_back())

    async def _come_back(self):
        import socketio

        attempt = 0
        while True:
            await asyncio.sleep(reconnect_delay(attempt, self.rng))
            attempt += 1
            try:
                await self.sio.disconnect()
            except Exception:  # noqa: BLE001
                pass
            self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
            self.sio.on("event", self._event)
            self.sio.on("disconnect", self._disconnected)
            try:
                await self.sio.connect(self.base_url, auth=self.spec["auth"], transports=["websocket"], wait_timeout=20)
                mode = await self._sync()
            except Exception:  # noqa: BLE001 - not up yet, or refused: try again later
                self.failures += 1
                continue
            self.resyncs.append({"lost": self.lost_at, "back": time.time(), "mode": mode, "attempts": attempt})
            return


async def _client_main(conn, wid):
    cfg = conn.recv()
    rng = random.Random(cfg["seed"] + wid)
    sent_ids: set[str] = set()
    followers = [Follower(spec, cfg["base_url"], rng, sent_ids) for spec in cfg["clients"]]
    sem = asyncio.Semaphore(20)

    async def open_one(f):
        async with sem:
            try:
                await f.open()
            except Exception as exc:  # noqa: BLE001
                f.failures += 1
                log(f"client {f.spec['key']}: {exc!r}")

    await asyncio.gather(*(open_one(f) for f in followers))
    conn.send(("connected", sum(f.connected for f in followers)))
    posts: list[dict] = []
    tasks = []

    async def post(f, text):
        ident = str(uuid.uuid4())
        rec = {"id": ident, "sent": time.time(), "ack": None, "ok": False}
        posts.append(rec)
        try:
            ack = await f.sio.call("post_idea", {"id": ident, "text": text}, timeout=30)
            rec["ack"], rec["ok"] = time.time(), bool(ack.get("ok"))
        except Exception:  # noqa: BLE001 - the server went away: not acknowledged
            pass

    posters = [f for f in followers if f.spec["kind"] == "participant"]
    loop = asyncio.get_running_loop()
    while True:
        if conn.poll():
            msg = conn.recv()
            if msg[0] == "stop":
                break
        if cfg["rate"] > 0 and posters:
            ready = [f for f in posters if f.connected]
            if ready:
                tasks.append(loop.create_task(post(rng.choice(ready), f"tempête {len(posts)} idée")))
        await asyncio.sleep(cfg["interval"])
    await asyncio.sleep(cfg["grace"])
    for t in tasks:
        t.cancel()
    conn.send(
        (
            "results",
            {
                "posts": posts,
                "clients": [
                    {
                        "key": f.spec["key"],
                        "kind": f.spec["kind"],
                        "connected": f.connected,
                        "resyncs": f.resyncs,
                        "failures": f.failures,
                        "recv": f.recv if f.spec["kind"] == "projector" else {},
                    }
                    for f in followers
                ],
            },
        )
    )
    for f in followers:
        try:
            await asyncio.wait_for(f.sio.disconnect(), 2)
        except Exception:  # noqa: BLE001
            pass


def client_entry(conn, wid):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        asyncio.run(_client_main(conn, wid))
    except BaseException as exc:  # noqa: BLE001
        conn.send(("error", repr(exc)))


# -- parent ------------------------------------------------------------------------------------------


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
    args = parser.parse_args()

    port = free_port()
    server = Server(args.repo, sys.executable, database_url=args.database_url, port=port, startup_timeout=120)
    server.start()
    if args.database_url is None:  # the restart must find the same database
        server.database_url = f"sqlite:///{server.tmpdir / 'facilitator.db'}"
    first_tmp = server.tmpdir
    workers = []
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
            return {"key": f"p{i}", "kind": "participant", "auth": {"role": "participant", "token": body["token"]}}

        with ThreadPoolExecutor(8) as pool:
            specs = list(pool.map(join, range(args.participants)))
        specs.insert(
            0,
            {
                "key": "proj",
                "kind": "projector",
                "auth": {"role": "projector", "workshop": "DEVUP", "key": info["projector_key"]},
            },
        )
        log(f"joined {args.participants}; connecting from {args.clients_procs} process(es)")
        ctx = multiprocessing.get_context("spawn")
        interval = args.clients_procs / args.rate if args.rate > 0 else 1.0
        for wid in range(args.clients_procs):
            parent, child = ctx.Pipe()
            process = ctx.Process(target=client_entry, args=(child, wid), daemon=True)
            process.start()
            parent.send(
                {
                    "base_url": server.base_url,
                    "clients": specs[wid :: args.clients_procs],
                    "seed": args.seed,
                    "rate": args.rate,
                    "interval": interval,
                    "grace": args.grace,
                }
            )
            workers.append((process, parent))
        connected = sum(parent.recv()[1] for _, parent in workers)
        log(f"{connected} sockets connected and synced; {args.steady} s steady")
        time.sleep(args.steady)
        load_before = os.getloadavg()
        killed = time.time()
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait()
        log("server killed; starting it again")
        server.start()
        up = time.time()
        log(f"server up after {up - killed:.1f} s; {args.after} s of storm and recovery")
        time.sleep(args.after)
        for _, parent in workers:
            parent.send(("stop",))
        results = []
        for _, parent in workers:
            message = parent.recv()
            if message[0] != "results":
                raise BenchError(f"client process failed: {message}")
            results.append(message[1])
        load_after = os.getloadavg()
    finally:
        server.stop()
        for process, _ in workers:
            process.join(5)
        server.remove_tmpdir()  # the second start's folder (its log)
        server.tmpdir = first_tmp
        server.remove_tmpdir()

    clients = [c for r in results for c in r["clients"]]
    posts = [p for r in results for p in r["posts"]]
    resyncs = [s for c in clients for s in c["resyncs"] if s["lost"] and s["lost"] >= killed - 1]
    back_s = sorted(s["back"] - up for s in resyncs)
    projector = next(c for c in clients if c["kind"] == "projector")
    acked = [p for p in posts if p["ok"]]
    last_back = max((s["back"] for s in resyncs), default=up)

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
        "resync_modes": {m: sum(1 for s in resyncs if s["mode"] == m) for m in ("events", "snapshot")},
        "connect_failures_during_storm": sum(c["failures"] for c in clients),
        "post_to_projector_ms_before_kill": latency((0, killed)),
        "post_to_projector_ms_during_storm": latency((up, last_back)),
        "post_to_projector_ms_after_storm": latency((last_back, float("inf"))),
        "ideas_acked": len(acked),
        "lost": sum(1 for p in acked if p["id"] not in projector["recv"]),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench error: {exc}", file=sys.stderr)
        sys.exit(1)
