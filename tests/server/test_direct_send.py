"""Events written straight to idle websockets (facilitator/direct_send.py) arrive whole and in order.

The direct path bypasses Engine.IO's per-connection queue when nothing is waiting
there. These tests hold it to what the queue guaranteed: frames byte-identical to
eventlet's own, nothing reordered or cut when the kernel takes only part of a frame
(a phone reading slowly), and an idle connection kept alive by its pings (Engine.IO's
writer closes a websocket whose queue stays empty too long: pings must still use it).
The event-chain and slow-client tests run through the direct path too (it is on by default).
"""

from __future__ import annotations

import json
import time
import uuid

import pytest
import socketio
import websocket
from eventlet.websocket import RFC6455WebSocket

from facilitator.direct_send import frame
from tests.live_server import LiveServer, wait_for
from tests.server.test_slow_clients import raw_participant

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def eventlet_frame(message) -> bytes:
    """What eventlet's own server websocket (no extension) sends for ``message``."""
    ws = RFC6455WebSocket.__new__(RFC6455WebSocket)
    ws.extensions, ws.client, ws._deflate_enc = {}, False, None
    return ws._pack_message(message)


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_frames_are_eventlet_frames(size):
    text = "é" * (size // 2) + "a" * (size % 2)  # multi-byte UTF-8: lengths count bytes
    assert frame(text) == eventlet_frame(text)
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert frame(data) == eventlet_frame(data)


def test_a_slow_reader_gets_every_frame_whole_and_in_order(tmp_path, database_url):
    # No watchdog and no snapshot budget: the slow phone is kept, and its snapshots really fill the pipe.
    server = LiveServer(
        tmp_path / "live", database_url, AUTO_GROUPING="0", SLOW_CLIENT_SECONDS="0", SNAPSHOT_RATE_LIMIT="0"
    ).start()
    try:
        table = server.info()["tables"][0]["id"]
        phone = socketio.Client(reconnection=False)
        phone.connect(
            server.url,
            auth={"role": "participant", "token": server.join("Anne", table)["token"]},
            transports=["websocket"],
        )
        for n in range(120):  # a board whose snapshot weighs ~25 KB
            assert phone.call("post_idea", {"id": str(uuid.uuid4()), "text": f"Une idée assez longue, numéro {n}"})[
                "ok"
            ]
        slow = raw_participant(server.url, server.join("Lent", table)["token"], timeout=30)
        requests = 30
        for k in range(requests):  # ~750 KB of answers the slow phone does not read yet
            slow.send(f'42{k}["sync",{{"since":0}}]')
        posted = []
        for n in range(40):  # events for the slow phone's table, interleaved with those answers
            idea = str(uuid.uuid4())
            assert phone.call("post_idea", {"id": idea, "text": f"Pendant la lecture lente {n}"}, timeout=60)["ok"]
            posted.append(idea)
        acks, ideas = [], []
        while len(acks) < requests or len(ideas) < len(posted):
            packet = slow.recv()
            if packet == "2":  # Engine.IO ping
                slow.send("3")
            elif packet.startswith("43"):
                ack_id, body = packet[2:].split("[", 1)
                acks.append(int(ack_id))
                assert json.loads("[" + body)[0]["mode"] == "snapshot"  # whole JSON: nothing cut
            elif packet.startswith("42"):
                name, envelope = json.loads(packet[2:])
                if name == "event" and envelope["type"] == "idea_posted":
                    ideas.append(envelope["data"]["idea"]["id"])
        assert sorted(acks) == list(range(requests))  # each `sync` runs in its own task: any order, each once
        assert ideas == posted
        slow.close()
        phone.disconnect()
    finally:
        server.stop()


def test_an_idle_phone_stays_connected_and_still_receives(tmp_path, database_url):
    server = LiveServer(tmp_path / "live", database_url, AUTO_GROUPING="0", PING_INTERVAL="1").start()
    try:
        table = server.info()["tables"][0]["id"]
        received, gone = [], []
        idle = socketio.Client(reconnection=False)
        idle.on("event", lambda envelope: received.append(envelope["type"]))
        idle.on("disconnect", lambda *reason: gone.append(reason))
        idle.connect(
            server.url,
            auth={"role": "participant", "token": server.join("Idle", table)["token"]},
            transports=["websocket"],
        )
        # Five ping intervals with nothing else to send (Engine.IO's writer closed it after two when
        # pings skipped the queue): the wait ends early only if the phone is dropped.
        quiet_until = time.monotonic() + 5
        wait_for(lambda: bool(gone) or time.monotonic() > quiet_until, timeout=10)
        assert not gone and idle.connected, gone
        phone = socketio.Client(reconnection=False)
        phone.connect(
            server.url,
            auth={"role": "participant", "token": server.join("Anne", table)["token"]},
            transports=["websocket"],
        )
        assert phone.call("post_idea", {"id": str(uuid.uuid4()), "text": "Après le silence"})["ok"]
        assert wait_for(lambda: "idea_posted" in received), received
        phone.disconnect()
        idle.disconnect()
    finally:
        server.stop()


def test_the_compression_offer_is_declined(tmp_path, database_url):
    # Browsers offer permessage-deflate on every websocket; each accepted offer cost ~100 KB (transport.py).
    server = LiveServer(tmp_path / "live", database_url, AUTO_GROUPING="0").start()
    try:
        offer = ["Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"]
        url = server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
        ws = websocket.create_connection(url, header=offer, timeout=10)
        assert ws.recv().startswith("0")  # Engine.IO open: the socket works
        assert "sec-websocket-extensions" not in {k.lower() for k in ws.getheaders()}
        ws.close()
        compressed = LiveServer(tmp_path / "on", database_url, AUTO_GROUPING="0", WEBSOCKET_COMPRESSION="1")
        server.stop()
        compressed.start()
        try:
            ws = websocket.create_connection(
                compressed.url.replace("http", "ws") + url[url.index("/socket.io") :], header=offer
            )
            assert "permessage-deflate" in (ws.getheaders() or {}).get("sec-websocket-extensions", "")
            ws.close()
        finally:
            compressed.stop()
    finally:
        server.stop()
