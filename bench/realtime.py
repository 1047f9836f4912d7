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
import asyncio
import json
import multiprocessing
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Target from the design notes (docs: design.md, "Real-time protocol principles").
TARGET_P95_MS = 150.0
TARGET_P99_MS = 300.0

WORDS = ("atelier idée client durable réseau formation export usine capteur "
         "données local emploi produit circuit énergie recyclage partenaire "
         "bench test projet équipe").split()


class BenchError(Exception):
    """A failure that stops the benchmark (reported in the JSON)."""


def log(msg: str) -> None:
    """Print a progress line on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Statistics helpers
# --------------------------------------------------------------------------

def percentile(sorted_values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of an already sorted list."""
    if not sorted_values:
        return None
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summarise(values_ms: list[float], keys=("p50", "p95", "p99", "max")) -> dict:
    """Return {n, p50, p95, p99, max, ...} in milliseconds, rounded to 0.1 ms."""
    values = sorted(values_ms)
    out: dict = {"n": len(values)}
    for key in keys:
        if key == "max":
            v = values[-1] if values else None
        elif key == "mean":
            v = sum(values) / len(values) if values else None
        else:
            v = percentile(values, float(key[1:]))
        out[key] = None if v is None else round(v, 1)
    return out


# --------------------------------------------------------------------------
# /proc helpers (server memory and CPU)
# --------------------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(pid: int) -> list[int]:
    """The pid and all its descendants (e.g. a reloader child), if any."""
    children = _children_map()
    out, todo = [], [pid]
    while todo and len(out) < 1000:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_mb(pid: int) -> float | None:
    """Resident memory (VmRSS) of the process tree rooted at pid, in MiB."""
    total_kb, found = 0, False
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        found = True
                        break
        except OSError:
            pass
    return round(total_kb / 1024.0, 1) if found else None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used so far by the process tree rooted at pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, found = 0.0, False
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            found = True
        except (OSError, IndexError, ValueError):
            pass
    return total if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# HTTP helpers (urllib: requests is not a dependency)
# --------------------------------------------------------------------------

def http_json(method: str, url: str, body=None, timeout: float = 10.0) -> tuple[int, dict | None]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json",
                                          "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw.decode() or "null")
    except ValueError:
        return status, None


# --------------------------------------------------------------------------
# Client worker (runs in its own process; one asyncio loop, many sockets)
# --------------------------------------------------------------------------

class ClientState:
    """What one socket client saw."""

    __slots__ = ("key", "kind", "table_id", "sio", "last_seq", "recv", "dups",
                 "gaps", "stale", "wrong_table", "unknown_ideas", "types",
                 "disconnected_at", "disconnect_reason", "idea_index")

    def __init__(self, key, kind, table_id, idea_index):
        self.key = key
        self.kind = kind
        self.table_id = table_id
        self.sio = None
        self.last_seq = None
        self.recv: dict[int, float] = {}   # idea index -> first receive time (time.time())
        self.dups = 0
        self.gaps = 0
        self.stale = 0
        self.wrong_table = 0
        self.unknown_ideas = 0
        self.types: dict[str, int] = {}
        self.disconnected_at = None
        self.disconnect_reason = None
        self.idea_index = idea_index       # shared dict: idea uuid -> index

    def on_event(self, data=None, *_):
        now = time.time()
        if not isinstance(data, dict):
            self.types["<malformed>"] = self.types.get("<malformed>", 0) + 1
            return
        etype = data.get("type")
        self.types[etype] = self.types.get(etype, 0) + 1
        seq, prev = data.get("seq"), data.get("prev")
        if isinstance(seq, int) and self.last_seq is not None:
            if seq <= self.last_seq:
                self.stale += 1
            else:
                if prev != self.last_seq:
                    self.gaps += 1
                self.last_seq = seq
        if etype == "idea_posted":
            try:
                idea = data["data"]["idea"]
                iid = idea["id"]
            except (KeyError, TypeError):
                self.types["<malformed idea_posted>"] = self.types.get("<malformed idea_posted>", 0) + 1
                return
            idx = self.idea_index.get(iid)
            if idx is None:
                self.unknown_ideas += 1
                return
            if idx in self.recv:
                self.dups += 1
            else:
                self.recv[idx] = now
            if self.kind == "participant" and idea.get("table_id") != self.table_id:
                self.wrong_table += 1

    def on_disconnect(self, reason=None, *_):
        if self.disconnected_at is None:
            self.disconnected_at = time.time()
            self.disconnect_reason = str(reason)


def _worker_entry(conn, wid: int) -> None:
    """Process entry point: ignore Ctrl-C (the parent stops us) and run the loop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        asyncio.run(_worker_main(conn, wid))
    except BaseException:  # report anything to the parent instead of dying silently
        try:
            conn.send(("error", traceback.format_exc()))
        except Exception:
            pass
    finally:
        conn.close()


async def _recv(conn, timeout: float):
    """Receive one message from the parent without blocking the event loop."""
    loop = asyncio.get_running_loop()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = await loop.run_in_executor(None, conn.poll, 0.2)
        if ready:
            return conn.recv()
    raise BenchError(f"no message from parent within {timeout:.0f} s")


async def _worker_main(conn, wid: int) -> None:
    import aiohttp
    import socketio

    cfg = conn.recv()
    idea_index: dict[str, int] = {}
    base_url = cfg["base_url"]
    # One shared HTTP session: no connection limit, no cookie sharing between clients.
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                    cookie_jar=aiohttp.DummyCookieJar())
    clients: dict[str, ClientState] = {}
    connect_ms: list[float] = []
    sync_ms: list[float] = []
    failures: dict[str, int] = {}
    sem = asyncio.Semaphore(cfg["connect_concurrency"])

    async def connect_one(spec):
        async with sem:
            st = ClientState(spec["key"], spec["kind"], spec.get("table_id"), idea_index)
            sio = socketio.AsyncClient(reconnection=False, http_session=session,
                                       handle_sigint=False, request_timeout=cfg["connect_timeout"])
            sio.on("event", st.on_event)
            sio.on("disconnect", st.on_disconnect)
            st.sio = sio
            t0 = time.time()
            try:
                await asyncio.wait_for(
                    sio.connect(base_url, auth=spec["auth"], transports=["websocket"],
                                wait_timeout=cfg["connect_timeout"]),
                    cfg["connect_timeout"] + 5)
            except Exception as e:  # noqa: BLE001 - counted and reported
                reason = f"connect:{type(e).__name__}:{str(e)[:60]}"
                failures[reason] = failures.get(reason, 0) + 1
                await _safe_disconnect(sio)
                return
            t1 = time.time()
            try:
                ack = await sio.call("sync", {"since": 0}, timeout=cfg["connect_timeout"])
            except Exception as e:  # noqa: BLE001
                reason = f"sync:{type(e).__name__}"
                failures[reason] = failures.get(reason, 0) + 1
                await _safe_disconnect(sio)
                return
            t2 = time.time()
            if not (isinstance(ack, dict) and ack.get("ok")):
                code = ack.get("error") if isinstance(ack, dict) else repr(ack)[:40]
                reason = f"sync_refused:{code}"
                failures[reason] = failures.get(reason, 0) + 1
                await _safe_disconnect(sio)
                return
            st.last_seq = ack.get("seq") if isinstance(ack.get("seq"), int) else None
            connect_ms.append((t1 - t0) * 1000)
            sync_ms.append((t2 - t1) * 1000)
            clients[st.key] = st

    t_start = time.time()
    await asyncio.gather(*(connect_one(s) for s in cfg["clients"]))
    conn.send(("connected", {
        "connected": sorted(clients),
        "connect_ms": connect_ms,
        "sync_ms": sync_ms,
        "failures": failures,
        "wall_s": time.time() - t_start,
    }))

    msg = await _recv(conn, cfg["start_timeout"])
    if msg[0] != "start":
        await _close_all(clients, session)
        return
    plan = msg[1]
    for idx, iid in enumerate(plan["idea_ids"]):
        idea_index[iid] = idx
    mine = plan["mine"]  # list of (idx, sched_time, client_key, text)
    end_at, grace = plan["end_at"], plan["grace"]

    sends: dict[int, dict] = {}
    lag_ms: list[float] = []
    lag_spikes: list[tuple[float, float]] = []   # (approximate start time, lag ms) of lags > 20 ms
    stop_lag = asyncio.Event()

    async def lag_monitor():
        # Event-loop lag of this client process: how late a 50 ms sleep wakes up.
        while not stop_lag.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.05)
            lag = (time.perf_counter() - t - 0.05) * 1000
            lag_ms.append(lag)
            if lag > 20:
                lag_spikes.append((time.time() - lag / 1000, lag))

    async def post(idx, sched, st, text):
        rec = {"sched": sched, "sent": time.time(), "ack": None, "ok": False, "error": None, "dup": False}
        sends[idx] = rec
        try:
            ack = await st.sio.call("post_idea", {"id": plan["idea_ids"][idx], "text": text},
                                    timeout=cfg["ack_timeout"])
            rec["ack"] = time.time()
            if isinstance(ack, dict) and ack.get("ok"):
                rec["ok"] = True
                rec["dup"] = bool(ack.get("duplicate"))
            else:
                rec["error"] = (ack.get("error") if isinstance(ack, dict) else None) or "malformed_ack"
        except asyncio.CancelledError:
            rec["error"] = "no_ack_before_end"
        except Exception as e:  # noqa: BLE001 - timeouts, disconnected client...
            rec["error"] = "timeout" if type(e).__name__ == "TimeoutError" else f"client:{type(e).__name__}"

    monitor = asyncio.create_task(lag_monitor())
    cpu0, wall0 = time.process_time(), time.time()
    tasks = []
    for idx, sched, key, text in mine:
        delay = sched - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        st = clients[key]
        tasks.append(asyncio.create_task(post(idx, sched, st, text)))
    cpu1, wall1 = time.process_time(), time.time()
    # Grace period: let acks and deliveries arrive.
    await asyncio.sleep(max(0.0, end_at + grace - time.time()))
    pending = [t for t in tasks if not t.done()]
    for t in pending:
        t.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    stop_lag.set()
    await asyncio.gather(monitor, return_exceptions=True)

    conn.send(("results", {
        "sends": sends,
        "clients": [{
            "key": st.key, "kind": st.kind, "table_id": st.table_id, "recv": st.recv,
            "dups": st.dups, "gaps": st.gaps, "stale": st.stale, "wrong_table": st.wrong_table,
            "unknown_ideas": st.unknown_ideas, "types": st.types,
            "disconnected_at": st.disconnected_at, "disconnect_reason": st.disconnect_reason,
        } for st in clients.values()],
        "loop_lag_ms": lag_ms,
        "lag_spikes": lag_spikes,
        "cpu_s": cpu1 - cpu0,
        "wall_s": wall1 - wall0,
    }))
    await _close_all(clients, session)
    conn.send(("bye", None))


async def _safe_disconnect(sio) -> None:
    try:
        await asyncio.wait_for(sio.disconnect(), 5)
    except Exception:  # noqa: BLE001
        pass


async def _close_all(clients: dict, session) -> None:
    await asyncio.gather(*(_safe_disconnect(st.sio) for st in clients.values()),
                         return_exceptions=True)
    try:
        await asyncio.wait_for(session.close(), 5)
    except Exception:  # noqa: BLE001
        pass


# --------------------------------------------------------------------------
# Orchestrator (parent process)
# --------------------------------------------------------------------------

class Bench:
    """Start the server, drive the workers, merge and summarise the results."""

    def __init__(self, args):
        self.args = args
        self.proc: subprocess.Popen | None = None
        self.tmpdir: Path | None = None
        self.server_log: Path | None = None
        self.workers: list[tuple[multiprocessing.Process, object]] = []
        self.base_url = ""
        self.env: dict[str, str] = {}
        self.rss: dict[str, float | None] = {}
        self.server_python = args.server_python or sys.executable

    # -- server -------------------------------------------------------------

    def start_server(self) -> None:
        a = self.args
        self.tmpdir = Path(tempfile.mkdtemp(prefix="bench-"))
        db_url = a.database_url or f"sqlite:///{self.tmpdir / 'facilitator.db'}"
        port = a.port or free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.env = dict(os.environ)
        self.env.update({
            "DATABASE_URL": db_url,
            "JOIN_RATE_LIMIT": "0",
            "IDEA_RATE_LIMIT": "0",
            "COMMAND_RATE_LIMIT": "0",
            "SECRET_KEY": "bench",
            "PYTHONUNBUFFERED": "1",
        })
        self.server_log = self.tmpdir / "server.log"
        cmd = [self.server_python, "-m", "facilitator", "serve", "--host", "127.0.0.1", "--port", str(port)]
        log(f"starting server: {' '.join(cmd)} (cwd {a.repo}, DATABASE_URL={db_url})")
        with open(self.server_log, "wb") as out:
            # Own session: Ctrl-C in the terminal reaches us, and we stop the server ourselves.
            self.proc = subprocess.Popen(cmd, cwd=a.repo, env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + a.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"server exited with code {self.proc.returncode} during start-up:\n"
                                 + self.server_log_tail())
            try:
                status, body = http_json("GET", self.base_url + "/healthz", timeout=2)
                if status == 200 and isinstance(body, dict) and body.get("ok"):
                    log(f"server ready at {self.base_url} (pid {self.proc.pid})")
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.25)
        raise BenchError(f"server not ready within {a.startup_timeout} s:\n" + self.server_log_tail())

    def server_log_tail(self, lines: int = 30) -> str:
        try:
            text = self.server_log.read_text(errors="replace")
        except (OSError, AttributeError):
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop_server(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        log("stopping server")
        for sig, wait in ((signal.SIGINT, 5), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                # The server runs in its own process group that we created.
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def fetch_info(self) -> dict:
        cmd = [self.server_python, "-m", "facilitator", "info", self.args.code, "--json"]
        try:
            res = subprocess.run(cmd, cwd=self.args.repo, env=self.env, capture_output=True,
                                 text=True, timeout=60)
        except subprocess.TimeoutExpired as e:
            raise BenchError("`facilitator info` did not finish within 60 s") from e
        if res.returncode != 0:
            raise BenchError(f"`facilitator info` failed ({res.returncode}): {res.stderr.strip()[-800:]}")
        out = res.stdout.strip()
        try:
            info = json.loads(out)
        except ValueError:
            start = out.find("{")
            try:
                info = json.loads(out[start:]) if start >= 0 else None
            except ValueError:
                info = None
        if not isinstance(info, dict) or "projector_key" not in info or not info.get("tables"):
            raise BenchError(f"unexpected `facilitator info` output: {out[:500]!r}")
        return info

    # -- participants ---------------------------------------------------------

    def join_participants(self, tables: list[int]) -> tuple[list[dict], dict, float, list[float]]:
        n = self.args.participants
        url = f"{self.base_url}/api/w/{self.args.code}/join"
        errors: dict[str, int] = {}
        times: list[float] = []

        def join(i: int):
            table_id = tables[i % len(tables)]
            t0 = time.perf_counter()
            try:
                status, body = http_json("POST", url, {"first_name": f"P{i}", "organisation": "Bench",
                                                       "table_id": table_id}, timeout=30)
            except (OSError, urllib.error.URLError) as e:
                return None, f"network:{type(e).__name__}", None
            dt = (time.perf_counter() - t0) * 1000
            if status == 201 and isinstance(body, dict) and body.get("ok") and body.get("token"):
                return {"key": f"p{i}", "kind": "participant", "table_id": table_id,
                        "auth": {"role": "participant", "token": body["token"]}}, None, dt
            code = body.get("error") if isinstance(body, dict) else None
            return None, f"{status}:{code}", dt

        t0 = time.monotonic()
        joined = []
        with ThreadPoolExecutor(max_workers=self.args.join_concurrency) as pool:
            for spec, err, dt in pool.map(join, range(n)):
                if dt is not None:
                    times.append(dt)
                if spec:
                    joined.append(spec)
                else:
                    errors[err] = errors.get(err, 0) + 1
        return joined, errors, time.monotonic() - t0, times

    # -- workers ----------------------------------------------------------------

    def start_workers(self, specs: list[dict]) -> None:
        a = self.args
        k = max(1, a.clients_procs)
        ctx = multiprocessing.get_context("spawn")
        buckets: list[list[dict]] = [[] for _ in range(k)]
        participants = [s for s in specs if s["kind"] == "participant"]
        projectors = [s for s in specs if s["kind"] == "projector"]
        for i, s in enumerate(projectors):
            buckets[i % k].append(s)
        for i, s in enumerate(participants):
            buckets[i % k].append(s)
        for wid in range(k):
            parent, child = ctx.Pipe()
            p = ctx.Process(target=_worker_entry, args=(child, wid), name=f"bench-clients-{wid}", daemon=True)
            p.start()
            child.close()
            parent.send({
                "base_url": self.base_url,
                "clients": buckets[wid],
                "connect_concurrency": max(1, a.connect_concurrency // k),
                "connect_timeout": a.connect_timeout,
                "ack_timeout": a.ack_timeout,
                "start_timeout": 600,
            })
            self.workers.append((p, parent))

    def recv_all(self, expected: str, timeout: float) -> list:
        out = []
        deadline = time.monotonic() + timeout
        for p, conn in self.workers:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BenchError(f"timed out waiting for '{expected}' from {p.name}")
                if conn.poll(min(left, 0.5)):
                    kind, payload = conn.recv()
                    if kind == "error":
                        raise BenchError(f"{p.name} failed:\n{payload}")
                    if kind != expected:
                        raise BenchError(f"{p.name} sent {kind!r}, expected {expected!r}")
                    out.append(payload)
                    break
                if not p.is_alive():
                    raise BenchError(f"{p.name} died (exit code {p.exitcode})")
        return out

    def stop_workers(self, timeout: float = 20.0) -> None:
        """Ask the workers to disconnect their sockets; terminate them after timeout seconds."""
        for p, conn in self.workers:
            try:
                conn.send(("stop", None))
            except (OSError, ValueError, BrokenPipeError):
                pass
        deadline = time.monotonic() + timeout
        for p, _ in self.workers:
            p.join(timeout=max(0.1, deadline - time.monotonic()))
        for p, _ in self.workers:
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        self.workers = []

    # -- main flow ----------------------------------------------------------------

    def run(self) -> dict:
        a = self.args
        wall_start = time.monotonic()
        self.start_server()
        pid = self.proc.pid
        self.rss["start"] = rss_mb(pid)
        info = self.fetch_info()
        tables = [t["id"] for t in info["tables"]]
        log(f"workshop {info.get('code')} with {len(tables)} tables; joining {a.participants} participants")

        joined, join_errors, join_wall, join_ms = self.join_participants(tables)
        log(f"joined {len(joined)}/{a.participants} in {join_wall:.1f} s" +
            (f" (errors {join_errors})" if join_errors else ""))
        if not joined:
            raise BenchError(f"no participant could join: {join_errors}")
        specs = [{"key": f"proj{i}", "kind": "projector", "table_id": None,
                  "auth": {"role": "projector", "workshop": a.code, "key": info["projector_key"]}}
                 for i in range(a.projectors)] + joined
        time.sleep(1.0)  # let the server settle after the joins before measuring memory
        self.rss["before_clients"] = rss_mb(pid)

        log(f"connecting {len(specs)} sockets from {a.clients_procs} client process(es)")
        t0 = time.monotonic()
        self.start_workers(specs)
        connected = self.recv_all("connected", timeout=a.connect_timeout * 4 + len(specs) * 0.5 + 60)
        connect_wall = time.monotonic() - t0
        connected_keys = [k for c in connected for k in c["connected"]]
        connect_failures: dict[str, int] = {}
        for c in connected:
            for r, n in c["failures"].items():
                connect_failures[r] = connect_failures.get(r, 0) + n
        n_conn = len(connected_keys)
        log(f"connected and synced {n_conn}/{len(specs)} sockets in {connect_wall:.1f} s" +
            (f" (failures {connect_failures})" if connect_failures else ""))
        time.sleep(1.0)
        self.rss["after_connect"] = rss_mb(pid)

        spec_by_key = {s["key"]: s for s in specs}
        posters = [k for k in connected_keys if spec_by_key[k]["kind"] == "participant"]
        projectors_up = [k for k in connected_keys if spec_by_key[k]["kind"] == "projector"]
        if not posters:
            raise BenchError(f"no participant socket connected: {connect_failures}")
        if not projectors_up and a.projectors:
            raise BenchError(f"no projector socket connected: {connect_failures}")

        # Open-loop schedule, fixed in advance: idea i is sent at t0 + i / rate.
        rng = random.Random(a.seed)
        n_ideas = max(1, int(round(a.rate * a.duration)))
        t_first = time.time() + 2.0
        ideas = []
        for i in range(n_ideas):
            key = rng.choice(posters)
            text = f"#{i} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
            ideas.append((i, t_first + i / a.rate, key, text))
        end_at = t_first + n_ideas / a.rate
        idea_ids = [str(uuid.uuid4()) for _ in range(n_ideas)]
        owner: dict[str, int] = {}
        for wid, c in enumerate(connected):
            for k in c["connected"]:
                owner[k] = wid
        for wid, (_, conn) in enumerate(self.workers):
            conn.send(("start", {"idea_ids": idea_ids, "end_at": end_at, "grace": a.grace,
                                 "mine": [x for x in ideas if owner[x[2]] == wid]}))
        log(f"posting {n_ideas} ideas at {a.rate}/s for {a.duration} s, then {a.grace} s grace")

        # Sample the server while the ideas are posted.
        while time.time() < t_first:
            time.sleep(0.05)
        cpu0, w0 = cpu_seconds(pid), time.monotonic()
        rss_peak = self.rss["after_connect"] or 0.0
        next_progress = time.time() + 10
        while time.time() < end_at:
            time.sleep(0.25)
            r = rss_mb(pid)
            if r:
                rss_peak = max(rss_peak, r)
            if time.time() >= next_progress:
                log(f"  ... {int(time.time() - t_first)} s")
                next_progress += 10
            if self.proc.poll() is not None:
                raise BenchError(f"server exited during the run ({self.proc.returncode}):\n"
                                 + self.server_log_tail())
        cpu1, w1 = cpu_seconds(pid), time.monotonic()
        results = self.recv_all("results", timeout=a.grace + a.ack_timeout + 120)
        self.rss["end"] = rss_mb(pid)
        self.rss["peak_during_posting"] = rss_peak
        log("collected results; disconnecting clients")
        self.stop_workers()

        server_cpu = None
        if cpu0 is not None and cpu1 is not None and w1 > w0:
            server_cpu = round(100.0 * (cpu1 - cpu0) / (w1 - w0), 1)

        return self.summarise(info, ideas, idea_ids, spec_by_key, results, connected,
                              join_errors, join_wall, join_ms, connect_wall, connect_failures,
                              n_conn, len(specs), server_cpu, time.monotonic() - wall_start)

    # -- merge and summarise -------------------------------------------------------

    def summarise(self, info, ideas, idea_ids, spec_by_key, results, connected, join_errors,
                  join_wall, join_ms, connect_wall, connect_failures, n_conn, n_specs,
                  server_cpu, total_wall) -> dict:
        a = self.args
        table_of = {i: spec_by_key[key]["table_id"] for i, _, key, _ in ideas}
        sends: dict[int, dict] = {}
        for r in results:
            sends.update(r["sends"])
        clients = [c for r in results for c in r["clients"]]

        acked = {i for i, s in sends.items() if s["ok"]}
        ack_ms = [(s["ack"] - s["sent"]) * 1000 for s in sends.values() if s["ok"]]
        send_lag_ms = [(s["sent"] - s["sched"]) * 1000 for s in sends.values()]
        ack_errors: dict[str, int] = {}
        for s in sends.values():
            if not s["ok"]:
                ack_errors[s["error"]] = ack_errors.get(s["error"], 0) + 1
        ack_duplicate_true = sum(1 for s in sends.values() if s["ok"] and s["dup"])

        proj_ms, part_ms, proj_sched_ms = [], [], []
        lost_ideas: set[int] = set()
        proj_missing = 0
        part_missing = 0
        late_ideas_after_end = 0
        for c in clients:
            recv = c["recv"]
            if c["kind"] == "projector":
                for i in sends:
                    t = recv.get(i)
                    if t is None:
                        if i in acked:
                            lost_ideas.add(i)
                            proj_missing += 1
                        continue
                    proj_ms.append((t - sends[i]["sent"]) * 1000)
                    proj_sched_ms.append((t - sends[i]["sched"]) * 1000)
            else:
                for i in sends:
                    if table_of[i] != c["table_id"]:
                        continue
                    t = recv.get(i)
                    if t is None:
                        if i in acked:
                            part_missing += 1
                        continue
                    part_ms.append((t - sends[i]["sent"]) * 1000)
        if a.raw:
            self.write_raw(a.raw, ideas, sends, table_of, clients,
                           [x for r in results for x in r.get("lag_spikes", [])])
        dup_total = sum(c["dups"] for c in clients)
        dup_clients = sum(1 for c in clients if c["dups"])
        received_not_acked = sum(1 for c in clients for i in c["recv"] if i in sends and i not in acked)
        disconnects: dict[str, int] = {}
        for c in clients:
            if c["disconnected_at"] is not None:
                disconnects[c["disconnect_reason"]] = disconnects.get(c["disconnect_reason"], 0) + 1
        event_types: dict[str, int] = {}
        for c in clients:
            for t, n in c["types"].items():
                event_types[t] = event_types.get(t, 0) + n

        lag = sorted(x for r in results for x in r["loop_lag_ms"])
        client_cpu = [round(100.0 * r["cpu_s"] / r["wall_s"], 1) if r["wall_s"] > 0 else None
                      for r in results]
        connect_ms = [x for c in connected for x in c["connect_ms"]]
        sync_ms = [x for c in connected for x in c["sync_ms"]]

        proj = summarise(proj_ms)
        part = summarise(part_ms, ("p50", "p95", "p99", "max"))
        rss = self.rss
        per_conn_kb = None
        if rss.get("after_connect") and rss.get("before_clients") and n_conn:
            per_conn_kb = round((rss["after_connect"] - rss["before_clients"]) * 1024 / n_conn, 1)

        criteria = {
            "post_to_projector_p95_le_%d_ms" % TARGET_P95_MS:
                proj["p95"] is not None and proj["p95"] <= TARGET_P95_MS,
            "post_to_projector_p99_le_%d_ms" % TARGET_P99_MS:
                proj["p99"] is not None and proj["p99"] <= TARGET_P99_MS,
            "lost_is_0": len(lost_ideas) == 0,
            "duplicated_is_0": dup_total == 0,
            "every_idea_acked": len(acked) == len(ideas),
        }

        warnings = []
        for wid, pct in enumerate(client_cpu):
            if pct is not None and pct > 80:
                warnings.append(f"client process {wid} used {pct}% of a core while posting: part of the "
                                "latency may be client-side queueing (see client_loop_lag_ms)")
        if lag and percentile(lag, 99) > 50:
            warnings.append(f"client event-loop lag p99 {percentile(lag, 99):.0f} ms: receive times are late "
                            "by up to that much because of the client, not the server")
        if server_cpu is not None and server_cpu > 90:
            warnings.append(f"server used {server_cpu}% CPU while posting: the eventlet loop (one thread) "
                            "is saturated")
        if connect_failures:
            warnings.append(f"{n_specs - n_conn} socket(s) failed to connect: {connect_failures}")
        if join_errors:
            warnings.append(f"{sum(join_errors.values())} join(s) failed: {join_errors}")

        cpus = os.cpu_count()
        return {
            "benchmark": "realtime",
            "parameters": {
                "participants": a.participants, "projectors": a.projectors, "rate_per_s": a.rate,
                "duration_s": a.duration, "grace_s": a.grace, "clients_procs": a.clients_procs,
                "tables": len(info["tables"]), "seed": a.seed, "quick": a.quick,
                "database": (a.database_url.split(":", 1)[0] if a.database_url
                             else "sqlite (fresh temp file)"),
                "transport": "websocket",
            },
            "machine": {
                "cpu_count": cpus, "python": platform.python_version(), "platform": platform.platform(),
                "cpu_model": _cpu_model(), "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            },
            "measurement_note": (
                f"server (one eventlet thread) and {a.clients_procs} client process(es) share {cpus} cores; "
                "latencies are measured from the moment the client emits post_idea to the moment the "
                "receiving client's event handler runs, all with time.time() on the same machine, so they "
                "include client-side queueing (see client_cpu_pct and client_loop_lag_ms)."),
            "post_to_projector_ms": proj,
            "post_to_table_participant_ms": part,
            "ack_ms": summarise(ack_ms),
            "post_to_projector_from_schedule_ms": summarise(proj_sched_ms),
            "send_lag_ms": summarise(send_lag_ms),
            "ideas_scheduled": len(ideas),
            "ideas_sent": len(sends),
            "ideas_acked": len(acked),
            "ack_duplicate_true": ack_duplicate_true,
            "ack_errors": ack_errors,
            "lost": len(lost_ideas),
            "projector_missed_deliveries": proj_missing,
            "table_participant_missed_deliveries": part_missing,
            "duplicated": dup_total,
            "clients_with_duplicates": dup_clients,
            "received_but_not_acked": received_not_acked,
            "wrong_table_deliveries": sum(c["wrong_table"] for c in clients),
            "seq_gaps": sum(c["gaps"] for c in clients),
            "stale_events": sum(c["stale"] for c in clients),
            "events_received": event_types,
            "disconnects_during_run": disconnects,
            "joins": {"ok": len(spec_by_key) - a.projectors, "errors": join_errors,
                      "wall_s": round(join_wall, 2), "join_ms": summarise(join_ms)},
            "connect": {"sockets": n_specs, "connected": n_conn, "failures": connect_failures,
                        "wall_s": round(connect_wall, 2), "connect_ms": summarise(connect_ms),
                        "sync_ms": summarise(sync_ms)},
            "server_rss_mb": {k: rss.get(k) for k in ("start", "before_clients", "after_connect",
                                                      "peak_during_posting", "end")},
            "rss_per_connection_kb": per_conn_kb,
            "server_cpu_pct_while_posting": server_cpu,
            "client_cpu_pct_while_posting": client_cpu,
            "client_loop_lag_ms": summarise(lag),
            "total_wall_s": round(total_wall, 1),
            "warnings": warnings,
            "target": {"post_to_projector_p95_ms": TARGET_P95_MS, "post_to_projector_p99_ms": TARGET_P99_MS,
                       "criteria": criteria},
            "target_met": all(criteria.values()),
        }

    def write_raw(self, path, ideas, sends, table_of, clients, lag_spikes) -> None:
        """Write a header line, one JSON line per idea, then one per client loop-lag spike over 20 ms.

        Times are in ms after the first scheduled send.
        """
        t0 = ideas[0][1]
        ms = lambda t: None if t is None else round((t - t0) * 1000, 2)  # noqa: E731
        with open(path, "w") as f:
            f.write(json.dumps({"t0_epoch": t0, "note": "times below are ms after t0_epoch"}) + "\n")
            for i, sched, key, _ in ideas:
                s = sends.get(i, {})
                sent = s.get("sent")
                proj = {c["key"]: ms(c["recv"].get(i)) for c in clients if c["kind"] == "projector"}
                part = sorted(round((c["recv"][i] - sent) * 1000, 2) for c in clients
                              if c["kind"] == "participant" and c["table_id"] == table_of[i]
                              and i in c["recv"] and sent is not None)
                f.write(json.dumps({
                    "idx": i, "author": key, "table_id": table_of[i], "sched": ms(sched), "sent": ms(sent),
                    "ack": ms(s.get("ack")), "ok": s.get("ok"), "error": s.get("error"),
                    "projectors": proj,
                    "table_participants_ms": {"n": len(part), "min": part[0] if part else None,
                                              "p50": percentile(part, 50), "max": part[-1] if part else None},
                }) + "\n")
            for t, lag in sorted(lag_spikes):
                f.write(json.dumps({"client_lag_spike_at": ms(t), "lag_ms": round(lag, 1)}) + "\n")
        log(f"per-idea records written to {path}")

    def cleanup(self) -> None:
        try:
            self.stop_workers(timeout=3.0)  # only non-empty after an error or an interrupt
        finally:
            self.stop_server()
            if self.tmpdir and self.args.keep_tmp:
                log(f"kept {self.tmpdir} (server log: {self.server_log})")
            elif self.tmpdir:
                shutil.rmtree(self.tmpdir, ignore_errors=True)


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--participants", type=int, default=None,
                   help="participant sockets; None = 500, or 50 with --quick")
    p.add_argument("--projectors", type=int, default=3, help="projector sockets")
    p.add_argument("--rate", type=float, default=10.0, help="ideas posted per second (open loop)")
    p.add_argument("--duration", type=float, default=None,
                   help="posting time in seconds; None = 60, or 10 with --quick")
    p.add_argument("--grace", type=float, default=5.0,
                   help="seconds to wait for deliveries after the last post")
    p.add_argument("--quick", action="store_true", help="smoke run: 50 participants, 10 s")
    p.add_argument("--database-url", default=None,
                   help="DATABASE_URL for the server; None = a fresh sqlite file in a temp dir")
    p.add_argument("--port", type=int, default=0, help="server port (0 = pick a free one)")
    p.add_argument("--clients-procs", type=int, default=1,
                   help="client worker processes the sockets are split over")
    p.add_argument("--code", default="DEVUP", help="join code of the workshop to use")
    p.add_argument("--seed", type=int, default=1, help="random seed of the posting schedule")
    p.add_argument("--repo", type=Path, default=REPO, help="repository root (cwd of the server)")
    p.add_argument("--server-python", default=None, help="python that runs the server; None = this one")
    p.add_argument("--join-concurrency", type=int, default=8, help="parallel HTTP joins")
    p.add_argument("--connect-concurrency", type=int, default=20,
                   help="sockets connecting at once (in total)")
    p.add_argument("--connect-timeout", type=float, default=20.0, help="per-socket connect/sync timeout (s)")
    p.add_argument("--ack-timeout", type=float, default=30.0, help="post_idea ack timeout (s)")
    p.add_argument("--startup-timeout", type=float, default=60.0, help="seconds to wait for /healthz")
    p.add_argument("--raw", default=None, help="also write one JSON line per idea to this file")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (database, server log)")
    a = p.parse_args(argv)
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
            bench.stop_server()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return code


if __name__ == "__main__":
    sys.exit(main())
