"""The web process's side of the engine workers: start them, send jobs, wait, restart the dead.

A ``WorkerPool`` keeps ``size`` worker processes (``engine_worker.py``), each
fed through its own pipes. ``call`` sends a job to the least busy worker and
waits for its answer; under eventlet (``serve`` monkey-patches ``subprocess``
and ``threading``) the pipes and the wait are green, so only the calling
green thread waits while the loop serves every socket. In threading mode the
same code uses real threads.

A worker that dies (killed, out of memory) is restarted at once; the jobs it
held fail with ``WorkerGone`` and their callers go on without them (an idea
then stays unsorted; a regroup answers ``grouping_unavailable``; an export
shows "failed"). A job that takes longer than its timeout kills its worker
(it is stuck) and fails with ``TimeoutError``.
"""

from __future__ import annotations

import itertools
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from .engine_worker import read_frame, write_frame

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
POOLS = "facilitator.pools"  # app.extensions key: {"engine": WorkerPool, "exports": WorkerPool}
RESTART_PAUSE_S = 1.0  # a worker that keeps dying at start-up is restarted at most once a second


class WorkerGone(RuntimeError):
    """The worker process died before answering."""


class _Waiter:
    __slots__ = ("done", "ok", "value")

    def __init__(self):
        self.done = threading.Event()
        self.ok = False
        self.value = None


class _Worker:
    """One worker process, its pipes, and the jobs it holds."""

    def __init__(self, pool: WorkerPool, index: int):
        self.pool, self.index = pool, index
        self.pending: dict[int, _Waiter] = {}
        self.write_lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.start()

    def start(self) -> None:
        pause = RESTART_PAUSE_S - (time.monotonic() - self.started_at)
        if pause > 0:
            time.sleep(pause)
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "facilitator.engine_worker", self.pool.name],
            cwd=ROOT,
            env={**os.environ, **self.pool.env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        log.info("%s worker %d started (pid %d)", self.pool.name, self.index, self.process.pid)
        threading.Thread(
            target=self._read, args=(self.process,), daemon=True, name=f"{self.pool.name}-reader-{self.index}"
        ).start()
        if self.pool.warm is not None:
            fn, args = self.pool.warm
            self.send(next(self.pool.ids), fn, args, {}, _Waiter())

    def send(self, ident: int, fn, args, kwargs, waiter: _Waiter) -> None:
        self.pending[ident] = waiter
        try:
            with self.write_lock:
                write_frame(self.process.stdin, (ident, fn.__module__, fn.__qualname__, args, kwargs))
        except (BrokenPipeError, OSError, ValueError) as exc:
            self.pending.pop(ident, None)
            raise WorkerGone(f"{self.pool.name} worker {self.index} is gone") from exc

    def _read(self, process: subprocess.Popen) -> None:
        """Resolve answers as they come; at end of stream, fail what is left and restart."""
        while True:
            try:
                ident, ok, value = read_frame(process.stdout)
            except Exception:  # noqa: BLE001 - EOF or a torn frame: the process is gone
                break
            waiter = self.pending.pop(ident, None)
            if waiter is not None:
                waiter.ok, waiter.value = ok, value
                waiter.done.set()
        if process.poll() is None:
            process.kill()
        process.wait()
        for ident in list(self.pending):
            waiter = self.pending.pop(ident, None)
            if waiter is not None:
                waiter.ok, waiter.value = False, WorkerGone(f"{self.pool.name} worker {self.index} died")
                waiter.done.set()
        if self.pool.closed or self.process is not process:
            return
        log.warning(
            "%s worker %d (pid %d) exited with %s: restarting it",
            self.pool.name,
            self.index,
            process.pid,
            process.returncode,
        )
        try:
            self.start()
        except OSError:
            log.exception("could not restart %s worker %d", self.pool.name, self.index)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()


class WorkerPool:
    """``size`` worker processes answering jobs; ``call`` runs one on the least busy."""

    def __init__(self, name: str, size: int, warm: tuple | None = None, env: dict | None = None):
        self.name, self.warm, self.env = name, warm, dict(env or {})
        self.closed = False
        self.ids = itertools.count(1)
        self.workers = [_Worker(self, i) for i in range(max(1, size))]

    @property
    def pending(self) -> int:
        """Jobs sent and not yet answered, over every worker."""
        return sum(len(w.pending) for w in self.workers)

    def pids(self) -> list[int]:
        return [w.process.pid for w in self.workers if w.process is not None]

    def call(self, fn, *args, timeout: float = 120.0, **kwargs):
        """``fn(*args, **kwargs)`` in a worker process; its exception is raised here."""
        if self.closed:
            raise WorkerGone(f"{self.name} pool is closed")
        worker = min(self.workers, key=lambda w: len(w.pending))
        waiter = _Waiter()
        ident = next(self.ids)
        worker.send(ident, fn, args, kwargs, waiter)
        if not waiter.done.wait(timeout):
            worker.pending.pop(ident, None)
            log.error(
                "%s job %s took more than %s s: its worker is stuck, killing it",
                self.name,
                getattr(fn, "__name__", fn),
                timeout,
            )
            worker.kill()
            raise TimeoutError(f"{self.name} job took more than {timeout} s")
        if waiter.ok:
            return waiter.value
        raise waiter.value

    def close(self) -> None:
        self.closed = True
        for worker in self.workers:
            if worker.process is not None and worker.process.poll() is None:
                try:
                    worker.process.stdin.close()
                except OSError:
                    pass
                worker.kill()


def start_pools(app, engine_workers: int, warm: tuple | None = None, env: dict | None = None) -> dict:
    """Start the ``engine`` and ``exports`` pools of a serving process (none when 0); ``warm`` is
    the job each engine worker runs first (loading the model), ``env`` what the engine workers
    get on top of this process's environment."""
    if engine_workers <= 0:
        return {}
    started = {
        "engine": WorkerPool("engine", engine_workers, warm=warm, env=env),
        "exports": WorkerPool("exports", 1),
    }
    app.extensions[POOLS] = started
    return started
