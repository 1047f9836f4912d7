"""Two serve processes behind HAProxy (deploy/), with Redis and PostgreSQL, at small scale (issue 14).

Phones reach HAProxy only; its cookie keeps each on one process (long-polling,
then the websocket upgrade, as a browser does). Phones on both processes see
every idea, in order, with no gap. Killing one process moves its phones to the
other: they reconnect with their stale cookie, HAProxy redispatches them, they
resync from their last seq and nothing acknowledged is lost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from deploy.cluster import haproxy_config
from tests.conftest import need
from tests.live_server import LiveServer, free_port, wait_for
from tests.reference_client import classify

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/0")
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


class Phone:
    """A participant that follows docs/protocol.md: sync on every connect, apply in order, count gaps."""

    def __init__(self, url: str, token: str):
        self.session = requests.Session()  # keeps HAProxy's cookie, as a browser does
        self.client = socketio.Client(
            http_session=self.session,
            reconnection=True,
            reconnection_delay=0.5,
            reconnection_delay_max=2,
            randomization_factor=0.5,
        )
        self.lock = threading.Lock()
        self.last = 0
        self.ideas: set[str] = set()
        self.gaps = 0
        self.connects = 0
        self.syncs = 0  # syncs answered (one per connection)
        self.client.on("connect", self._connected)
        self.client.on("event", self._event)
        self.client.connect(url, auth={"role": "participant", "token": token})  # polling, then websocket

    @property
    def process(self) -> str | None:
        """Which serve process HAProxy's cookie names (s1, s2)."""
        return self.session.cookies.get("FCSRV")

    def _connected(self):
        with self.lock:
            self.connects += 1
        threading.Thread(target=self.resync, daemon=True).start()  # not inside the handler

    def resync(self):
        try:
            ack = self.client.call("sync", {"since": self.last}, timeout=15)
        except Exception:  # noqa: BLE001 - disconnected again: the next connect syncs
            return
        with self.lock:
            if ack.get("mode") == "snapshot":
                self.ideas = {i["id"] for i in ack["snapshot"]["table_ideas"]}
            else:
                for envelope in ack["events"]:
                    self._apply(envelope)
            self.last = max(self.last, ack["seq"])
            self.syncs += 1

    def _event(self, envelope):
        with self.lock:
            kind = classify(envelope, self.last)
            if kind == "stale":
                return
            if kind != "apply":
                self.gaps += 1
            self._apply(envelope)

    def _apply(self, envelope):
        if envelope["type"] == "idea_posted":
            self.ideas.add(envelope["data"]["idea"]["id"])
        self.last = max(self.last, envelope["seq"])

    def post(self, text: str) -> str:
        ident = str(uuid.uuid4())
        ack = self.client.call("post_idea", {"id": ident, "text": text}, timeout=15)
        assert ack["ok"], ack
        return ident


@pytest.fixture
def cluster(tmp_path, postgres_url):
    if HAPROXY is None:
        need("service", "haproxy is not installed (apt-get install haproxy)")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        need("service", f"Redis at {REDIS_URL} is unreachable: {exc}")
    from tests.conftest import _reset_postgres

    _reset_postgres(postgres_url)
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    env = {
        "SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
        "SOCKETIO_CHANNEL": f"test-cluster-{uuid.uuid4().hex}",
        "TRUSTED_PROXIES": "1",
        "PUBLIC_URL": public,
        "AUTO_GROUPING": "0",
        "ENGINE_WORKERS": "0",
    }
    servers = []
    haproxy = None
    try:
        for n in (1, 2):  # one after the other: the first migrates the database
            servers.append(LiveServer(tmp_path / f"p{n}", postgres_url, **env).start())
        config = tmp_path / "haproxy.cfg"
        config.write_text(haproxy_config([s.port for s in servers], f"127.0.0.1:{port}", maxconn=2000))
        log = open(tmp_path / "haproxy.log", "ab")
        haproxy = subprocess.Popen([HAPROXY, "-f", str(config), "-db"], stdout=log, stderr=subprocess.STDOUT)

        def ready():
            try:
                return requests.get(f"{public}/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        assert wait_for(ready, 15), (tmp_path / "haproxy.log").read_text()
        yield public, servers
    finally:
        if haproxy is not None:
            haproxy.terminate()
            haproxy.wait(10)
        for server in servers:
            server.stop()


def _join(public: str, name: str, table_id: int) -> str:
    response = requests.post(
        f"{public}/api/w/DEVUP/join",
        json={"first_name": name, "organisation": "Test", "table_id": table_id},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


def _everyone_has(phones: list[Phone], ideas: list[str], timeout: float = 15) -> bool:
    return wait_for(lambda: all(set(ideas) <= p.ideas for p in phones), timeout)


def test_phones_on_both_processes_see_every_idea_and_survive_a_killed_process(cluster):
    public, servers = cluster
    table = servers[0].info()["tables"][0]["id"]
    phones = [Phone(public, _join(public, f"P{n}", table)) for n in range(4)]
    try:
        assert wait_for(lambda: all(p.connects == 1 and p.syncs == 1 for p in phones), 15)
        by_process = {p.process for p in phones}
        assert by_process == {"s1", "s2"}, f"HAProxy did not spread the phones: {by_process}"
        # Every phone posts in turn; every phone, on either process, receives every idea.
        posted = []
        for round_ in range(3):
            for n, phone in enumerate(phones):
                posted.append(phone.post(f"Idée {round_}-{n}"))
                assert _everyone_has(phones, posted), "an idea did not reach a phone on the other process"
        assert [p.gaps for p in phones] == [0, 0, 0, 0]

        # Kill the process of the first phone: its phones move to the other process.
        victim = phones[0].process
        moved = [p for p in phones if p.process == victim]
        stayed = [p for p in phones if p.process != victim]
        servers[int(victim[1:]) - 1].kill()
        # Ideas posted while the moved phones are away reach them when they resync.
        for n, phone in enumerate(stayed):
            posted.append(phone.post(f"Pendant la panne {n}"))
        assert wait_for(lambda: all(p.syncs >= 2 and p.client.connected for p in moved), 30), (
            "the phones of the killed process did not reconnect"
        )
        assert all(p.process != victim for p in moved), "HAProxy sent a phone back to the dead process"
        assert _everyone_has(phones, posted), "an acknowledged idea was lost"
        # And they post again, on their new process, seen by all.
        for n, phone in enumerate(moved):
            posted.append(phone.post(f"Après la panne {n}"))
        assert _everyone_has(phones, posted)
        # Nothing stored twice, nothing missing in the database's view.
        stored = stayed[0].client.call("sync", {"since": 0}, timeout=15)["snapshot"]["table_ideas"]
        assert sorted(i["id"] for i in stored) == sorted(posted)
    finally:
        for phone in phones:
            phone.client.disconnect()
