"""The client worker process: one asyncio loop driving many python-socketio clients.

Runs in its own process, started with the ``spawn`` method by ``workers.WorkerPool``
(so ``worker_entry`` must stay importable from this module).  Protocol with the
parent over a ``multiprocessing`` pipe:

1. parent -> worker: the config dict (base URL, client specs, timeouts);
2. worker -> parent: ``("connected", {...})`` once every socket connected and synced;
3. parent -> worker: ``("start", plan)`` (or anything else to stop);
4. worker -> parent: ``("results", {...})`` after the grace period, then ``("bye", None)``.
   Any exception is sent as ``("error", traceback)``.
"""

from __future__ import annotations

import asyncio
import signal
import time
import traceback

from . import BenchError


class ClientState:
    """What one socket client saw."""

    __slots__ = (
        "key",
        "kind",
        "table_id",
        "sio",
        "last_seq",
        "recv",
        "dups",
        "gaps",
        "stale",
        "wrong_table",
        "unknown_ideas",
        "types",
        "disconnected_at",
        "disconnect_reason",
        "idea_index",
        "grouped",
    )

    def __init__(self, key, kind, table_id, idea_index):
        self.key = key
        self.kind = kind
        self.table_id = table_id
        self.sio = None
        self.last_seq = None
        self.recv: dict[int, float] = {}  # idea index -> first receive time (time.time())
        self.dups = 0
        self.gaps = 0
        self.stale = 0
        self.wrong_table = 0
        self.unknown_ideas = 0
        self.types: dict[str, int] = {}
        self.disconnected_at = None
        self.disconnect_reason = None
        self.idea_index = idea_index  # shared dict: idea uuid -> index
        self.grouped: dict[int, float] = {}  # idea index -> when its idea_grouped arrived

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
        if etype == "idea_grouped":  # the engine's placement, after the idea was shown (projectors only)
            try:
                idx = self.idea_index.get(data["data"]["idea"]["id"])
            except (KeyError, TypeError):
                return
            if idx is not None and self.kind == "projector":
                self.grouped.setdefault(idx, now)
            return
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


def worker_entry(conn, wid: int) -> None:
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
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar())
    clients: dict[str, ClientState] = {}
    connect_ms: list[float] = []
    sync_ms: list[float] = []
    failures: dict[str, int] = {}
    sem = asyncio.Semaphore(cfg["connect_concurrency"])

    async def connect_one(spec):
        async with sem:
            st = ClientState(spec["key"], spec["kind"], spec.get("table_id"), idea_index)
            sio = socketio.AsyncClient(
                reconnection=False, http_session=session, handle_sigint=False, request_timeout=cfg["connect_timeout"]
            )
            sio.on("event", st.on_event)
            sio.on("disconnect", st.on_disconnect)
            st.sio = sio
            t0 = time.time()
            try:
                await asyncio.wait_for(
                    sio.connect(
                        base_url, auth=spec["auth"], transports=["websocket"], wait_timeout=cfg["connect_timeout"]
                    ),
                    cfg["connect_timeout"] + 5,
                )
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
    conn.send(
        (
            "connected",
            {
                "connected": sorted(clients),
                "connect_ms": connect_ms,
                "sync_ms": sync_ms,
                "failures": failures,
                "wall_s": time.time() - t_start,
            },
        )
    )

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
    lag_spikes: list[tuple[float, float]] = []  # (approximate start time, lag ms) of lags > 20 ms
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
            ack = await st.sio.call(
                "post_idea", {"id": plan["idea_ids"][idx], "text": text}, timeout=cfg["ack_timeout"]
            )
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

    conn.send(
        (
            "results",
            {
                "sends": sends,
                "clients": [
                    {
                        "key": st.key,
                        "kind": st.kind,
                        "table_id": st.table_id,
                        "recv": st.recv,
                        "grouped": st.grouped,
                        "dups": st.dups,
                        "gaps": st.gaps,
                        "stale": st.stale,
                        "wrong_table": st.wrong_table,
                        "unknown_ideas": st.unknown_ideas,
                        "types": st.types,
                        "disconnected_at": st.disconnected_at,
                        "disconnect_reason": st.disconnect_reason,
                    }
                    for st in clients.values()
                ],
                "loop_lag_ms": lag_ms,
                "lag_spikes": lag_spikes,
                "cpu_s": cpu1 - cpu0,
                "wall_s": wall1 - wall0,
            },
        )
    )
    await _close_all(clients, session)
    conn.send(("bye", None))


async def _safe_disconnect(sio) -> None:
    try:
        await asyncio.wait_for(sio.disconnect(), 5)
    except Exception:  # noqa: BLE001
        pass


async def _close_all(clients: dict, session) -> None:
    await asyncio.gather(*(_safe_disconnect(st.sio) for st in clients.values()), return_exceptions=True)
    try:
        await asyncio.wait_for(session.close(), 5)
    except Exception:  # noqa: BLE001
        pass
