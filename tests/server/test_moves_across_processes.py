"""A facilitator on one server process moves a phone connected to another (Redis message queue):
the phone gets `moved`, syncs on its own process, and from then on hears its new table."""

from __future__ import annotations

import threading
import time
import uuid

import socketio

from tests.live_server import LiveServer, wait_for
from tests.server.test_message_queue import redis_url  # noqa: F401 - the fixture


def test_move_on_one_process_switches_a_phone_on_the_other(tmp_path, redis_url):  # noqa: F811
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    first = LiveServer(tmp_path / "a", database, SOCKETIO_MESSAGE_QUEUE=redis_url).start()
    second = LiveServer(tmp_path / "b", database, SOCKETIO_MESSAGE_QUEUE=redis_url).start()
    clients = []
    try:
        info = first.info()
        old, new = info["tables"][0]["id"], info["tables"][1]["id"]
        anne = first.join("Anne", old)
        events, moved, synced = [], [], threading.Event()
        phone = socketio.Client()
        clients.append(phone)

        def on_moved(data):
            moved.append(data)
            phone.start_background_task(lambda: (phone.call("sync", {"since": 0}, timeout=5), synced.set()))

        phone.on("event", events.append)
        phone.on("moved", on_moved)
        phone.connect(second.url, auth={"role": "participant", "token": anne["token"]}, transports=["websocket"])
        assert phone.call("sync", {"since": 0}, timeout=5)["snapshot"]["me"]["table_id"] == old

        lead = socketio.Client()
        clients.append(lead)
        lead.connect(
            first.url,
            auth={"role": "facilitator", "workshop": "DEVUP", "key": info["facilitator_key"]},
            transports=["websocket"],
        )
        ack = lead.call("move_participant", {"participant_id": anne["participant"]["id"], "table_id": new}, timeout=5)
        assert ack["ok"], ack
        assert wait_for(lambda: moved and synced.is_set()), "the phone on the other process was not told"
        assert moved == [{"table_id": new}]

        bob = socketio.Client()
        clients.append(bob)
        bob.connect(
            first.url, auth={"role": "participant", "token": first.join("Bob", new)["token"]}, transports=["websocket"]
        )
        ident = str(uuid.uuid4())
        assert bob.call("post_idea", {"id": ident, "text": "À la nouvelle table"}, timeout=5)["ok"]
        assert wait_for(lambda: any(e["type"] == "idea_posted" and e["data"]["idea"]["id"] == ident for e in events)), (
            "the phone did not join its new table's room"
        )
        carl = socketio.Client()
        clients.append(carl)
        carl.connect(
            first.url, auth={"role": "participant", "token": first.join("Carl", old)["token"]}, transports=["websocket"]
        )
        left = str(uuid.uuid4())
        assert carl.call("post_idea", {"id": left, "text": "À l'ancienne table"}, timeout=5)["ok"]
        time.sleep(0.5)
        assert not any(e["type"] == "idea_posted" and e["data"]["idea"]["id"] == left for e in events)
    finally:
        for client in clients:
            client.disconnect()
        first.stop()
        second.stop()
