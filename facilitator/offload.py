"""Run CPU-heavy work (text embeddings, clustering) off the real-time loop.

Under eventlet every green thread shares one OS thread, so a 50 ms numpy call
would freeze every socket for 50 ms. ``serve`` installs eventlet's thread
pool (``tpool.execute``) as the app's OFFLOAD function; elsewhere (tests,
threading mode) the work runs in the caller's thread. Only pure functions go
through here: no database session, no Flask context.

One job runs at a time. The engine is single-threaded by design (the other
core serves sockets), and after eventlet's monkey-patching the locks inside
the engine are green locks, which must never be contended from the pool's
native threads. A caller that cannot wait (a suggestion for an idea being
posted) passes ``wait``: if the engine is busy longer than that, ``Busy`` is
raised and the caller goes on without it.
"""
from __future__ import annotations

import threading
from typing import Callable, TypeVar

from flask import current_app

T = TypeVar("T")

_ONE_AT_A_TIME = threading.Semaphore(1)  # green under eventlet: taken on the loop, never in the pool


class Busy(Exception):
    """The engine was busy longer than the caller could wait."""


def offload(fn: Callable[..., T], *args, wait: float | None = None, **kwargs) -> T:
    """fn(*args, **kwargs), one job at a time, in a worker thread when the server provides one."""
    if not _ONE_AT_A_TIME.acquire(timeout=wait):
        raise Busy(f"{getattr(fn, '__name__', fn)}: engine busy for more than {wait} s")
    try:
        runner = current_app.config.get("OFFLOAD")
        return fn(*args, **kwargs) if runner is None else runner(fn, *args, **kwargs)
    finally:
        _ONE_AT_A_TIME.release()
