"""Two server processes behind one Redis message queue deliver each other's events."""

from __future__ import annotations

import os
import time
import uuid

import pytest
import socketio

from tests.conftest import need
from tests.live_server import LiveServer

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/0")


@pytest.fixture(scope="module")
def redis_url():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        need("service", f"Redis at {REDIS_URL} is unreachable: {exc}")
    return REDIS_URL


def test_event_posted_on_one_process_reaches_a_projector_on_the_other(tmp_path, redis_url):
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    first = LiveServer(tmp_path / "a", database, SOCKETIO_MESSAGE_QUEUE=redis_url).start()
    second = LiveServer(tmp_path / "b", database, SOCKETIO_MESSAGE_QUEUE=redis_url).start()
    try:
        info = first.info()
        received = []
        projector = socketio.Client()
        projector.on("event", received.append)
        projector.connect(
            second.url,
            auth={"role": "projector", "workshop": "DEVUP", "key": info["projector_key"]},
            transports=["websocket"],
        )
        projector.call("sync", {"since": 0}, timeout=5)
        phone = socketio.Client()
        token = first.join("Anne", info["tables"][0]["id"])["token"]
        phone.connect(first.url, auth={"role": "participant", "token": token}, transports=["websocket"])
        ident = str(uuid.uuid4())
        assert phone.call("post_idea", {"id": ident, "text": "via Redis"}, timeout=5)["ok"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            e["type"] == "idea_posted" and e["data"]["idea"]["id"] == ident for e in received
        ):
            time.sleep(0.05)
        assert any(e["type"] == "idea_posted" and e["data"]["idea"]["id"] == ident for e in received)
        phone.disconnect()
        projector.disconnect()
    finally:
        first.stop()
        second.stop()
