"""Run CPU-heavy work (text embeddings, clustering) off the real-time loop.

Under eventlet every green thread shares one OS thread, so a 50 ms numpy call
would freeze every socket for 50 ms. ``serve`` installs eventlet's thread
pool (``tpool.execute``) as the app's OFFLOAD function; elsewhere (tests,
threading mode) the work simply runs in the caller's thread. Only pure
functions go through here: no database session, no Flask context.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import current_app

T = TypeVar("T")


def offload(fn: Callable[..., T], *args, **kwargs) -> T:
    """fn(*args, **kwargs), in a worker thread when the server provides one."""
    runner = current_app.config.get("OFFLOAD")
    if runner is None:
        return fn(*args, **kwargs)
    return runner(fn, *args, **kwargs)
