"""``realtime.py --cluster N``: N serve processes behind HAProxy (deploy/), Redis and PostgreSQL.

Same interface as ``server.Server`` (start, stop, fetch_info, base_url, env,
proc, log_path), so the rest of the benchmark runs unchanged against HAProxy's
address. The clients connect with the websocket transport only (one HTTP
upgrade), which HAProxy spreads over the processes (``balance leastconn``).
``proc`` is the first process: the report's server memory and CPU figures are
that one process's (each process holds about 1/N of the phones).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from . import BenchError, log
from .server import Server, free_port


class ClusterServer(Server):
    """N ``Server`` processes sharing a database and a Redis channel, behind HAProxy."""

    def __init__(
        self, repo, python, database_url: str | None, processes: int, redis_url: str, startup_timeout: float = 60.0
    ):
        if not database_url or database_url.startswith("sqlite"):
            raise BenchError("--cluster needs --database-url postgresql://... (one database for every process)")
        super().__init__(repo, python, database_url=database_url, startup_timeout=startup_timeout)
        self.processes, self.redis_url = processes, redis_url
        self.members: list[Server] = []
        self.haproxy: subprocess.Popen | None = None

    def start(self) -> None:
        sys.path.insert(0, str(self.repo))
        from deploy.cluster import HAPROXY, haproxy_config

        if HAPROXY is None:
            raise BenchError("haproxy is not installed")
        port = free_port()
        channel = f"bench-{uuid.uuid4().hex}"
        self.channel = channel  # also names the run's shared idea vectors in Redis (serve: f"{channel}:vectors")
        saved = dict(os.environ)
        os.environ.update(
            {"SOCKETIO_MESSAGE_QUEUE": self.redis_url, "SOCKETIO_CHANNEL": channel, "TRUSTED_PROXIES": "1"}
        )
        try:
            for _ in range(self.processes):  # one after the other: the first migrates
                member = Server(
                    self.repo, self.python, database_url=self.database_url, startup_timeout=self.startup_timeout
                )
                member.start()
                self.members.append(member)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.tmpdir = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
        config = self.tmpdir / "haproxy.cfg"
        ports = [int(m.base_url.rsplit(":", 1)[1]) for m in self.members]
        config.write_text(haproxy_config(ports, f"127.0.0.1:{port}", maxconn=9000))
        self.haproxy = subprocess.Popen(
            [HAPROXY, "-f", str(config), "-db"],
            stdout=open(self.tmpdir / "haproxy.log", "wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.base_url = f"http://127.0.0.1:{port}"
        self.proc = self.members[0].proc
        self.env = self.members[0].env
        self.log_path = self.members[0].log_path
        deadline = time.monotonic() + 15
        from .server import http_json

        while time.monotonic() < deadline:
            try:
                if http_json("GET", self.base_url + "/healthz", timeout=2)[0] == 200:
                    log(f"cluster of {self.processes} processes behind HAProxy at {self.base_url}")
                    return
            except OSError:
                time.sleep(0.2)
        raise BenchError("HAProxy did not answer")

    def stop(self) -> None:
        if self.haproxy is not None and self.haproxy.poll() is None:
            os.killpg(self.haproxy.pid, signal.SIGTERM)
            self.haproxy.wait(10)
        for member in self.members:
            member.stop()
        self._forget_vectors()

    def _forget_vectors(self) -> None:
        """Delete this run's idea vectors from Redis: a next run must compute its own."""
        channel = getattr(self, "channel", None)
        if not channel:
            return
        try:
            import redis

            client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=2)
            keys = list(client.scan_iter(f"{channel}:vectors:*", count=1000))
            if keys:
                client.delete(*keys)
        except Exception as exc:  # noqa: BLE001 - a cleanup must not hide the run's result
            log(f"could not delete the run's vectors from Redis: {exc}")

    def remove_tmpdir(self, keep: bool = False) -> None:
        for member in self.members:
            member.remove_tmpdir(keep)
        if self.tmpdir and not keep:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def deployment_pids(self) -> list[int]:
        """Every process of the deployment (the members with their workers, and HAProxy)."""
        return [m.proc.pid for m in self.members] + ([self.haproxy.pid] if self.haproxy else [])
