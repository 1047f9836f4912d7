"""Idea vectors shared by every engine worker of a deployment, in Redis.

Each engine worker keeps its own in-memory cache (``CachedEmbedder``). With several
server processes each has its own worker, and placing an idea needs the vectors of every
idea already on its board: every worker embedded every idea of the room, once per
process. Measured with two processes (bench/realtime.py --cluster 2, 1,000 phones,
10 ideas/s, 40 s): the two engine workers used 10.9 and 11.0 CPU-s where the single
process's one used 11.2. With this store, a vector computed by one worker is read by the
others (one ``MGET`` per job for what the worker does not hold) instead of computed again.

The store is optional (``FACILITATOR_EMBEDDINGS_CACHE_URL``, a ``redis://`` address; serve
sets it to the message queue's Redis when there is one, docs/deployment.md) and never
required: a Redis that fails, answers slowly or holds something unexpected only means the
vectors are computed here, and the store is left alone for ``BACKOFF_SECONDS``.
Keys name the model and a version, so two backends never read each other's vectors.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Sequence

import numpy as np

log = logging.getLogger(__name__)

#: Bump when what a vector means changes for the same backend name (e.g. the idea prefix).
VERSION = 1
#: A vector leaves Redis this long after it was computed (a later job computes it again).
TTL_SECONDS = 30 * 24 * 3600
#: After a failure, the store is not asked again for this long.
BACKOFF_SECONDS = 30.0
#: A Redis slower than this counts as failing (the worker would rather compute).
TIMEOUT_SECONDS = 0.5


class RedisVectorStore:
    """``get``/``put`` float32 rows by (model, kind, text) in one Redis database."""

    def __init__(self, url: str, prefix: str = "facilitator:vectors", clock=time.monotonic):
        import redis

        self.url, self.prefix, self.clock = url, prefix, clock
        self._redis = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)
        self._resume_at = 0.0

    def key(self, model: str, kind: str, text: str) -> str:
        digest = hashlib.sha256(f"{model}\0{kind}\0{text}".encode()).hexdigest()[:40]
        return f"{self.prefix}:v{VERSION}:{digest}"

    def available(self) -> bool:
        return self.clock() >= self._resume_at

    def _failed(self, what: str, exc: Exception) -> None:
        self._resume_at = self.clock() + BACKOFF_SECONDS
        log.warning(
            "vector store %s failed (%s: %s); computing vectors locally for %.0f s",
            what,
            type(exc).__name__,
            exc,
            BACKOFF_SECONDS,
        )

    def get(self, model: str, kind: str, texts: Sequence[str]) -> list[np.ndarray | None]:
        """The stored row of each text, or None (not stored, unreadable, or the store is down)."""
        if not texts or not self.available():
            return [None] * len(texts)
        try:
            raw = self._redis.mget([self.key(model, kind, t) for t in texts])
        except Exception as exc:  # noqa: BLE001 - any failure: compute locally
            self._failed("read", exc)
            return [None] * len(texts)
        rows: list[np.ndarray | None] = []
        for value in raw:
            row = None
            if isinstance(value, bytes) and value and len(value) % 4 == 0:
                row = np.frombuffer(value, dtype=np.float32)
                if not np.all(np.isfinite(row)):
                    row = None
            rows.append(row)
        return rows

    def put(self, model: str, kind: str, texts: Sequence[str], rows) -> None:
        """Store rows for later readers (best effort)."""
        if not texts or not self.available():
            return
        try:
            pipe = self._redis.pipeline(transaction=False)
            for text, row in zip(texts, rows):
                pipe.set(self.key(model, kind, text), np.asarray(row, dtype=np.float32).tobytes(), ex=TTL_SECONDS)
            pipe.execute()
        except Exception as exc:  # noqa: BLE001
            self._failed("write", exc)


def store_from_env() -> RedisVectorStore | None:
    """The store named by FACILITATOR_EMBEDDINGS_CACHE_URL (keys under FACILITATOR_EMBEDDINGS_CACHE_PREFIX,
    serve sets it from the deployment's Socket.IO channel), or None (unset, or redis not installed)."""
    url = os.environ.get("FACILITATOR_EMBEDDINGS_CACHE_URL", "").strip()
    if not url:
        return None
    prefix = os.environ.get("FACILITATOR_EMBEDDINGS_CACHE_PREFIX", "").strip() or "facilitator:vectors"
    try:
        return RedisVectorStore(url, prefix=prefix)
    except Exception as exc:  # noqa: BLE001 - a bad URL must not stop the engine
        log.warning("FACILITATOR_EMBEDDINGS_CACHE_URL=%s ignored: %s", url, exc)
        return None
