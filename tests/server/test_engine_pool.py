"""The worker pool itself (facilitator/engine_pool.py): real worker processes, threading mode."""

from __future__ import annotations

import os
import signal

import pytest

from facilitator.engine_pool import WorkerGone, WorkerPool
from facilitator.engine_worker import resolve
from facilitator.text import clean, deep_clean
from tests.live_server import wait_for


@pytest.fixture
def pool():
    workers = WorkerPool("test", 1)
    yield workers
    workers.close()


def test_answers_and_exceptions_cross_the_process_boundary(pool):
    assert pool.call(clean, "a\u202eb") == clean("a\u202eb")
    assert pool.call(deep_clean, {"x": ["y\u0000"]}) == deep_clean({"x": ["y\u0000"]})
    # Only functions of the facilitator package run there; the refusal comes back as the exception.
    with pytest.raises(ValueError, match="not part of facilitator"):
        pool.call(resolve, "os", "getpid")
    assert pool.pending == 0


def test_a_stuck_worker_is_killed_and_replaced(pool):
    (first,) = pool.pids()
    os.kill(first, signal.SIGSTOP)
    with pytest.raises(TimeoutError):
        pool.call(clean, "x", timeout=1)
    assert wait_for(lambda: pool.pids() != [first], 15), "the stuck worker was not replaced"
    assert pool.call(clean, "back") == "back"


def test_a_killed_worker_fails_its_jobs_and_comes_back(pool):
    (first,) = pool.pids()
    os.kill(first, signal.SIGKILL)
    assert wait_for(lambda: pool.pids() != [first], 15)
    assert pool.call(clean, "again") == "again"
    pool.close()
    with pytest.raises(WorkerGone):
        pool.call(clean, "closed")


def test_workers_run_below_the_web_process(pool):
    """WORKER_NICE (default 5): when the cores are busy, the loop serving every socket goes first."""
    assert pool.call(clean, "up") == "up"  # the worker is past its start-up, where it set its niceness
    (pid,) = pool.pids()
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 5)
    level = WorkerPool("level", 1, env={"WORKER_NICE": "0"})
    try:
        assert level.call(clean, "up") == "up"
        (pid,) = level.pids()
        assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0)
    finally:
        level.close()


def test_a_worker_that_loaded_numpy_keeps_a_single_thread(pool):
    """OpenBLAS would start a spin-waiting thread per core: 2.6x the engine's CPU at 10 ideas/s."""
    import numpy as np

    from facilitator.clustering.embed import normalise

    assert pool.call(normalise, np.ones((64, 64), np.float32)).shape == (64, 64)
    (pid,) = pool.pids()
    assert os.listdir(f"/proc/{pid}/task") == [str(pid)]
