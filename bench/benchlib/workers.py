"""Parent side of the client worker processes: start them, talk to them, stop them."""

from __future__ import annotations

import multiprocessing
import time

from . import BenchError
from .clients import worker_entry


def split_specs(specs: list[dict], k: int) -> list[list[dict]]:
    """The sockets of each of k processes: round-robin, projectors first."""
    buckets: list[list[dict]] = [[] for _ in range(k)]
    participants = [s for s in specs if s["kind"] == "participant"]
    projectors = [s for s in specs if s["kind"] == "projector"]
    for i, s in enumerate(projectors):
        buckets[i % k].append(s)
    for i, s in enumerate(participants):
        buckets[i % k].append(s)
    return buckets


def worker_config(bucket, *, base_url, connect_concurrency, connect_timeout, ack_timeout, k) -> dict:
    """The first message a worker gets (the same for the Python and the Node workers)."""
    return {
        "base_url": base_url,
        "clients": bucket,
        "connect_concurrency": max(1, connect_concurrency // k),
        "connect_timeout": connect_timeout,
        "ack_timeout": ack_timeout,
        "start_timeout": 600,
    }


class WorkerPool:
    """K client processes (``spawn``), each driving its share of the sockets."""

    def __init__(self):
        self.workers: list[tuple[multiprocessing.Process, object]] = []

    def start(
        self,
        specs: list[dict],
        *,
        procs: int,
        base_url: str,
        connect_concurrency: int,
        connect_timeout: float,
        ack_timeout: float,
    ) -> None:
        """Spread the sockets round-robin over the processes (projectors first) and start them."""
        k = max(1, procs)
        ctx = multiprocessing.get_context("spawn")
        buckets = split_specs(specs, k)
        for wid in range(k):
            parent, child = ctx.Pipe()
            p = ctx.Process(target=worker_entry, args=(child, wid), name=f"bench-clients-{wid}", daemon=True)
            p.start()
            child.close()
            parent.send(
                worker_config(
                    buckets[wid],
                    base_url=base_url,
                    connect_concurrency=connect_concurrency,
                    connect_timeout=connect_timeout,
                    ack_timeout=ack_timeout,
                    k=k,
                )
            )
            self.workers.append((p, parent))

    def __len__(self) -> int:
        return len(self.workers)

    def send(self, wid: int, message) -> None:
        """Send a message to worker ``wid``."""
        self.workers[wid][1].send(message)

    def recv_all(self, expected: str, timeout: float) -> list:
        """One ``expected`` message from every worker, in worker order."""
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

    def stop(self, timeout: float = 20.0) -> None:
        """Ask the workers to disconnect their sockets; terminate them after timeout seconds."""
        for _process, conn in self.workers:
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
