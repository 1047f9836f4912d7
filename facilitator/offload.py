"""Run CPU-heavy work (text embeddings, clustering, export rendering) off the real-time loop.

With ``serve`` (``ENGINE_WORKERS`` >= 1, the default) the work runs in worker
*processes* (``engine_pool.py``): the pool named ``engine`` groups ideas, the
pool named ``exports`` renders files, so a PDF never delays a placement and
the web process never runs model code. The caller's green thread waits for
the answer; every other socket is served meanwhile.

Without pools (tests, ``ENGINE_WORKERS=0``) the work runs in the caller's
thread, or through the app's ``OFFLOAD`` runner when one is set, one job at a
time: after eventlet's monkey-patching the engine's locks are green locks,
which must never be contended from native threads. There a caller that
cannot wait passes ``wait``: if the engine is busy longer than that, ``Busy``
is raised and the caller goes on without it.

Only pure functions of the ``facilitator`` package go through here: no
database session, no Flask context, picklable arguments and results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

from .engine_pool import POOLS

T = TypeVar("T")

_ONE_AT_A_TIME = threading.Semaphore(1)  # green under eventlet: taken on the loop, never in the pool


class Busy(Exception):
    """The engine was busy longer than the caller could wait."""


def pools(app=None) -> dict:
    """The app's worker pools by name (empty when the work runs in-process)."""
    return (app or current_app).extensions.get(POOLS, {})


def offload(
    fn: Callable[..., T], *args, wait: float | None = None, pool: str = "engine", timeout: float | None = None, **kwargs
) -> T:
    """fn(*args, **kwargs) in a worker process of ``pool``, else in-process one job at a time."""
    workers = pools().get(pool)
    if workers is not None:
        limit = timeout or current_app.config.get("ENGINE_TIMEOUT", 120.0)
        return workers.call(fn, *args, timeout=limit, **kwargs)
    if not _ONE_AT_A_TIME.acquire(timeout=wait):
        raise Busy(f"{getattr(fn, '__name__', fn)}: engine busy for more than {wait} s")
    try:
        runner = current_app.config.get("OFFLOAD")
        return fn(*args, **kwargs) if runner is None else runner(fn, *args, **kwargs)
    finally:
        _ONE_AT_A_TIME.release()
