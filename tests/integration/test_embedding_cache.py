"""Idea vectors shared by engine workers through a real Redis (facilitator/clustering/shared_cache.py).

Two CachedEmbedders stand for the engine workers of two server processes: what one computed,
the other reads instead of computing. The backend is the real lexical embedder, counted.
A Redis that is unreachable or holds garbage only means the vectors are computed locally.
"""

from __future__ import annotations

import os
import uuid

import numpy as np
import pytest

from facilitator.clustering import shared_cache
from facilitator.clustering.embed import CachedEmbedder, LexicalEmbedder
from tests.conftest import need

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/0")


class Counted:
    """The lexical embedder, counting the texts it really embeds."""

    def __init__(self):
        self.inner, self.embedded = LexicalEmbedder(), []
        self.name = self.inner.name

    def encode(self, texts, kind="query"):
        self.embedded.extend(texts)
        return self.inner.encode(texts, kind=kind)


@pytest.fixture
def store():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        need("service", f"Redis at {REDIS_URL} is unreachable: {exc}")
    prefix = f"facilitator-test:{uuid.uuid4().hex}"
    yield shared_cache.RedisVectorStore(REDIS_URL, prefix=prefix)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


IDEAS = ["Mutualiser les achats d'énergie", "Un label qualité commun", "Cotisation à trois niveaux"]


def worker(store) -> tuple[CachedEmbedder, Counted]:
    backend = Counted()
    embedder = CachedEmbedder(backend, store=store)
    embedder.encode(["warm-up"])  # what serve's engine worker does first (the vector length is then known)
    backend.embedded.clear()
    return embedder, backend


def test_a_vector_computed_by_one_worker_is_read_by_the_other(store):
    first, first_backend = worker(store)
    second, second_backend = worker(store)
    a = first.encode(IDEAS)
    assert first_backend.embedded == IDEAS
    b = second.encode(IDEAS + ["Rendez-vous d'affaires"])
    assert second_backend.embedded == ["Rendez-vous d'affaires"]  # only the new idea
    assert np.array_equal(a, b[:3])
    # Labels ("passage") are other vectors for the same text: never mixed with ideas.
    second.encode(IDEAS[:1], kind="passage")
    assert second_backend.embedded[-1] == IDEAS[0]


def test_garbage_in_the_store_is_recomputed(store):
    first, _ = worker(store)
    first.encode(IDEAS)
    store._redis.set(store.key(first.name, "query", IDEAS[0]), b"\x00\x01\x02")  # not float32 rows
    store._redis.set(store.key(first.name, "query", IDEAS[1]), np.ones(7, np.float32).tobytes())  # wrong length
    second, backend = worker(store)
    rows = second.encode(IDEAS)
    assert sorted(backend.embedded) == sorted(IDEAS[:2])
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)


def test_an_unreachable_store_only_means_computing_locally():
    closed = shared_cache.RedisVectorStore("redis://127.0.0.1:9/0")  # discard port: refused
    embedder, backend = worker(closed)
    rows = embedder.encode(IDEAS)
    assert backend.embedded == IDEAS and rows.shape[0] == 3
    assert not closed.available()  # left alone for BACKOFF_SECONDS after the failure
    embedder.encode(["Une autre idée"])
    assert backend.embedded[-1] == "Une autre idée"


def test_serve_points_the_workers_at_the_message_queue_redis():
    from facilitator.config import Config

    assert Config({"SOCKETIO_MESSAGE_QUEUE": "redis://q:6379/0"}).EMBEDDINGS_CACHE_URL == "redis://q:6379/0"
    assert Config({"SOCKETIO_MESSAGE_QUEUE": "redis://q/0", "EMBEDDINGS_CACHE_URL": "off"}).EMBEDDINGS_CACHE_URL == ""
    assert Config({"EMBEDDINGS_CACHE_URL": "redis://c/1"}).EMBEDDINGS_CACHE_URL == "redis://c/1"
    assert Config({}).EMBEDDINGS_CACHE_URL == ""
