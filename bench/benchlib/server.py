"""The real server under test: start it, wait for it, stop it; HTTP helpers; a free port."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import BenchError, affinity, log


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# urllib: requests is not a dependency.
def http_json(method: str, url: str, body=None, timeout: float = 10.0) -> tuple[int, dict | None]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw.decode() or "null")
    except ValueError:
        return status, None


class Server:
    """``python -m facilitator serve`` (eventlet) in its own process group, with a temp dir.

    The temp dir holds the fresh SQLite database (unless ``database_url`` is given)
    and the server's output in ``server.log``.
    """

    def __init__(
        self, repo: Path, python: str, database_url: str | None = None, port: int = 0, startup_timeout: float = 60.0
    ):
        self.repo = repo
        self.python = python
        self.database_url = database_url
        self.port = port
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.tmpdir: Path | None = None
        self.log_path: Path | None = None
        self.base_url = ""
        self.env: dict[str, str] = {}

    def start(self) -> None:
        """Start the server and wait for ``GET /healthz``."""
        self.tmpdir = Path(tempfile.mkdtemp(prefix="bench-"))
        db_url = self.database_url or f"sqlite:///{self.tmpdir / 'facilitator.db'}"
        port = self.port or free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.env = dict(os.environ)
        self.env.update(
            {
                "DATABASE_URL": db_url,
                "JOIN_RATE_LIMIT": "0",
                "IDEA_RATE_LIMIT": "0",
                "COMMAND_RATE_LIMIT": "0",
                "SECRET_KEY": "bench",
                "PYTHONUNBUFFERED": "1",
            }
        )
        self.log_path = self.tmpdir / "server.log"
        cmd = [self.python, "-m", "facilitator", "serve", "--host", "127.0.0.1", "--port", str(port)]
        log(f"starting server: {' '.join(cmd)} (cwd {self.repo}, DATABASE_URL={db_url})")
        with open(self.log_path, "wb") as out:
            # Own session: Ctrl-C in the terminal reaches us, and we stop the server ourselves.
            self.proc = subprocess.Popen(
                cmd,
                cwd=self.repo,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=affinity.server_preexec(),  # --server-cpus: the server's cores
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"server exited with code {self.proc.returncode} during start-up:\n" + self.log_tail())
            try:
                status, body = http_json("GET", self.base_url + "/healthz", timeout=2)
                if status == 200 and isinstance(body, dict) and body.get("ok"):
                    log(f"server ready at {self.base_url} (pid {self.proc.pid})")
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.25)
        raise BenchError(f"server not ready within {self.startup_timeout} s:\n" + self.log_tail())

    def deployment_pids(self) -> list[int]:
        """Every process of the deployment: this server (its workers are its children)."""
        return [self.proc.pid] if self.proc else []

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except (OSError, AttributeError):
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGINT, then SIGTERM, then SIGKILL, 5 s each."""
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

    def remove_tmpdir(self, keep: bool = False) -> None:
        """Delete the temp dir, or only say where it is when ``keep`` is true."""
        if self.tmpdir and keep:
            log(f"kept {self.tmpdir} (server log: {self.log_path})")
        elif self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def fetch_info(self, code: str) -> dict:
        """The workshop's projector key and tables, from ``python -m facilitator info CODE --json``."""
        cmd = [self.python, "-m", "facilitator", "info", code, "--json"]
        try:
            res = subprocess.run(cmd, cwd=self.repo, env=self.env, capture_output=True, text=True, timeout=60)
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
