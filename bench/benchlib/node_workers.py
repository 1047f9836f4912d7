"""Parent side of the Node client workers (``bench/loadgen/worker.mjs``).

The same interface as ``workers.WorkerPool`` and the same messages as the Python
worker (``clients.py``), carried as one JSON array per line over the child's
stdin/stdout instead of a ``multiprocessing`` pipe. JSON object keys are strings,
so the idea indexes of ``sends``/``recv``/``grouped`` are turned back into ints here:
``report.build_report`` sees exactly what the Python workers send.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

from . import BenchError
from .workers import split_specs, worker_config

LOADGEN = Path(__file__).resolve().parent.parent / "loadgen"
WORKER = LOADGEN / "worker.mjs"  # bench/realtime.py's phones
STORM = LOADGEN / "storm.mjs"  # bench/storm.py's reconnecting phones


def node_missing() -> str | None:
    """Why the Node workers cannot run here (None when they can)."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (LOADGEN / "node_modules" / "socket.io-client" / "package.json").exists():
        return "bench/loadgen packages are missing: run `make bench-deps` (npm ci --prefix bench/loadgen)"
    return None


def _int_keys(d: dict) -> dict:
    return {int(k): v for k, v in d.items()}


def _from_json(kind: str, payload):
    if kind == "results" and "sends" in payload:  # worker.mjs's results (storm.mjs's need no change)
        payload["sends"] = _int_keys(payload["sends"])
        for c in payload["clients"]:
            c["recv"] = _int_keys(c["recv"])
            c["grouped"] = _int_keys(c["grouped"])
    return payload


class NodeWorkerPool:
    """K ``node worker.mjs`` (or ``storm.mjs``) processes, each driving its share of the sockets."""

    def __init__(self, *, deflate: bool = True):
        self.workers: list[tuple[subprocess.Popen, queue.Queue]] = []
        self.readers: list[threading.Thread] = []
        self.deflate = deflate  # False: the sockets do not offer permessage-deflate (--no-deflate)

    def start(self, specs, *, procs, base_url, connect_concurrency, connect_timeout, ack_timeout) -> None:
        k = max(1, procs)
        if not self.deflate:
            specs = [s | {"no_deflate": True} for s in specs]
        self.launch(
            WORKER,
            [
                worker_config(
                    bucket,
                    base_url=base_url,
                    connect_concurrency=connect_concurrency,
                    connect_timeout=connect_timeout,
                    ack_timeout=ack_timeout,
                    k=k,
                )
                for bucket in split_specs(specs, k)
            ],
        )

    def launch(self, script: Path, configs: list[dict]) -> None:
        """One ``node script`` process per config, each sent its config as its first line."""
        why = node_missing()
        if why:
            raise BenchError(why)
        for config in configs:
            wid = len(self.workers)
            p = subprocess.Popen(
                ["node", str(script)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
            q: queue.Queue = queue.Queue()
            reader = threading.Thread(target=self._read, args=(p, q), name=f"node-clients-{wid}", daemon=True)
            reader.start()
            self.readers.append(reader)
            self.workers.append((p, q))
            self.send(wid, config)

    @staticmethod
    def _read(p: subprocess.Popen, q: queue.Queue) -> None:
        for line in p.stdout:
            line = line.strip()
            if line:
                try:
                    q.put(json.loads(line))
                except ValueError as exc:  # a cut line: say so instead of waiting for the timeout
                    q.put(["error", f"unreadable line from the worker ({len(line)} chars): {exc}"])

    def __len__(self) -> int:
        return len(self.workers)

    def send(self, wid: int, message) -> None:
        """Send a message (JSON-encodable: tuples become arrays) to worker ``wid``."""
        p = self.workers[wid][0]
        p.stdin.write(json.dumps(message) + "\n")
        p.stdin.flush()

    def recv_all(self, expected: str, timeout: float) -> list:
        """One ``expected`` message from every worker, in worker order."""
        out = []
        deadline = time.monotonic() + timeout
        for wid, (p, q) in enumerate(self.workers):
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BenchError(f"timed out waiting for '{expected}' from node worker {wid}")
                try:
                    kind, payload = q.get(timeout=min(left, 0.5))
                except queue.Empty:
                    # An exited worker may still have its last (multi-MB) line in the reader's hands.
                    if p.poll() is not None and not self.readers[wid].is_alive() and q.empty():
                        raise BenchError(f"node worker {wid} died (exit code {p.returncode})") from None
                    continue
                if kind == "error":
                    raise BenchError(f"node worker {wid} failed:\n{payload}")
                if kind != expected:
                    raise BenchError(f"node worker {wid} sent {kind!r}, expected {expected!r}")
                out.append(_from_json(kind, payload))
                break
        return out

    def stop(self, timeout: float = 20.0) -> None:
        """Ask the workers to close their sockets and exit; kill them after timeout seconds."""
        for p, _ in self.workers:
            try:
                p.stdin.write(json.dumps(["stop", None]) + "\n")
                p.stdin.close()
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + timeout
        for p, _ in self.workers:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
        self.workers, self.readers = [], []
