"""The real eventlet server: a kill -9 loses no acknowledged idea, and clients converge."""

from __future__ import annotations

import threading
import uuid

import pytest
import socketio

from tests.live_server import LiveServer, wait_for
from tests.reference_client import StaffClient, comparable


@pytest.fixture
def server(tmp_path, database_url):
    live = LiveServer(tmp_path / "live", database_url).start()
    yield live
    live.stop()


def test_kill_9_loses_no_acknowledged_idea_and_clients_converge(server):
    info = server.info()
    table = info["tables"][0]["id"]
    projector = StaffClient(
        server.url, {"role": "projector", "workshop": "DEVUP", "key": info["projector_key"]}
    ).connect()
    token = server.join("Anne", table)["token"]
    phone = socketio.Client(reconnection=False)
    phone.connect(server.url, auth={"role": "participant", "token": token}, transports=["websocket"])

    acked: list[str] = []
    stop = threading.Event()

    def post_until_killed():
        while not stop.is_set():
            ident = str(uuid.uuid4())
            try:
                ack = phone.call("post_idea", {"id": ident, "text": f"idée {len(acked)}"}, timeout=2)
            except Exception:
                return  # the server died mid-call: this idea was never acknowledged
            assert ack["ok"], ack
            acked.append(ident)

    poster = threading.Thread(target=post_until_killed)
    poster.start()
    assert wait_for(lambda: len(acked) >= 30)
    server.kill()
    # Counted while the server is dead (no sync can succeed): the resync after the
    # restart may happen while start() still waits for /healthz.
    syncs_before = projector.syncs
    stop.set()
    poster.join(10)
    phone.disconnect()
    assert len(acked) >= 30

    server.start()  # same database, same port: the projector reconnects by itself
    assert wait_for(lambda: projector.syncs > syncs_before and projector.sio.connected)

    fresh = socketio.Client()
    fresh.connect(
        server.url,
        auth={"role": "facilitator", "workshop": "DEVUP", "key": info["facilitator_key"]},
        transports=["websocket"],
    )
    snapshot = fresh.call("sync", {"since": 0}, timeout=10)["snapshot"]
    stored = {idea["id"] for idea in snapshot["ideas"]}
    assert set(acked) <= stored, f"{len(set(acked) - stored)} acknowledged ideas lost"

    # The projector that lived through the crash shows exactly the database's state.
    assert wait_for(lambda: {i["id"] for i in projector.state["ideas"]} == stored)
    fresh_projector = StaffClient(
        server.url, {"role": "projector", "workshop": "DEVUP", "key": info["projector_key"]}
    ).connect()
    with projector.lock:
        assert comparable(projector.state) == comparable(fresh_projector.state)
    for client in (projector, fresh_projector):
        client.close()
    fresh.disconnect()


def test_retry_after_lost_ack_is_stored_once(server):
    """The phone resends after a restart with the same id: one idea, flagged duplicate."""
    info = server.info()
    token = server.join("Bob", info["tables"][1]["id"])["token"]
    phone = socketio.Client(reconnection=False)
    phone.connect(server.url, auth={"role": "participant", "token": token}, transports=["websocket"])
    ident = str(uuid.uuid4())
    assert phone.call("post_idea", {"id": ident, "text": "une fois"}, timeout=5)["duplicate"] is False
    phone.disconnect()
    server.stop()
    server.start()
    phone = socketio.Client(reconnection=False)
    phone.connect(server.url, auth={"role": "participant", "token": token}, transports=["websocket"])
    again = phone.call("post_idea", {"id": ident, "text": "une fois"}, timeout=5)
    assert again["ok"] and again["duplicate"] is True
    snapshot = phone.call("sync", {"since": 0}, timeout=5)["snapshot"]
    assert [i["id"] for i in snapshot["my_ideas"]] == [ident]
    phone.disconnect()
