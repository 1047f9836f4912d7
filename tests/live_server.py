"""The real server (``python -m facilitator serve`` on eventlet) in a subprocess, for tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from facilitator.config import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """Start, stop, kill -9 and restart a real server on its own database."""

    def __init__(self, workdir: Path, database_url: str | None = None, **env):
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "INSTANCE_PATH": str(self.workdir / "instance"),
            "DATABASE_URL": database_url or f"sqlite:///{self.workdir / 'live.db'}",
            "SECRET_KEY": "live-test-secret",
            "PUBLIC_URL": self.url,
            "IDEA_RATE_LIMIT": "0",
            "JOIN_RATE_LIMIT": "0",
            "COMMAND_RATE_LIMIT": "0",
            "SNAPSHOT_RATE_LIMIT": "0",
            "PYTHONUNBUFFERED": "1",
            # The engine inside the web process, as the test apps run it: a post carries its
            # placement, so tests can read it at once. Tests of the worker set ENGINE_WORKERS=1.
            "ENGINE_WORKERS": "0",
            **{k: str(v) for k, v in env.items()},
        }
        self.process: subprocess.Popen | None = None
        self.log = self.workdir / "server.log"

    def start(self, timeout: float = 30) -> LiveServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server not ready in {timeout}s:\n{self.log.read_text()[-3000:]}")

    def info(self, code: str = "DEVUP") -> dict:
        out = subprocess.run(
            [sys.executable, "-m", "facilitator", "info", code, "--json"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(out.stdout)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def join(self, first_name: str, table_id: int | None, organisation: str = "Test", code: str = "DEVUP") -> dict:
        body = json.dumps({"first_name": first_name, "organisation": organisation, "table_id": table_id}).encode()
        request = urllib.request.Request(
            f"{self.url}/api/w/{code}/join", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


def wait_for(condition, timeout: float = 15.0) -> bool:
    """Poll ``condition()`` until it is true (True) or ``timeout`` seconds pass (False): no fixed sleeps."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
