"""Clients that stop reading are dropped, and do not hold the room up (facilitator/guard.py).

A hostile phone can ask for snapshots and never read the answers: the server
queues them, its memory grows, and (before the guard) such clients were
dropped only after about 70 s. Here five raw websocket participants spam
``sync`` without reading while a normal phone keeps posting; the server must
drop all five (its log says so), answer the normal phone every time, and keep
its memory bounded.
"""

from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path

import socketio
import websocket

from tests.live_server import LiveServer, wait_for

HOSTILE, SPAM = 5, 300
DROPPED = "dropping a client that stopped reading"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def raw_participant(url: str, token: str, timeout: float = 10) -> websocket.WebSocket:
    """A participant socket spoken by hand (Engine.IO v4 over websocket), with a tiny receive buffer."""
    ws = websocket.create_connection(
        url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),),
        timeout=timeout,
    )
    assert ws.recv().startswith("0")  # Engine.IO open
    ws.send("40" + json.dumps({"role": "participant", "token": token}))
    assert ws.recv().startswith("40")  # Socket.IO connect accepted
    return ws


def attack(server, spam: int = SPAM) -> dict:
    """Fill a board, then let HOSTILE raw participants spam snapshot requests while a phone posts."""
    info = server.info()
    table = info["tables"][0]["id"]
    phone = socketio.Client(reconnection=False)
    phone.connect(
        server.url, auth={"role": "participant", "token": server.join("Anne", table)["token"]}, transports=["websocket"]
    )
    for n in range(150):  # a board worth snapshotting (~30 KB)
        assert phone.call(
            "post_idea", {"id": str(uuid.uuid4()), "text": f"Une idée assez longue pour peser, numéro {n}"}
        )["ok"]
    before = rss_mb(server.process.pid)
    hostile = [raw_participant(server.url, server.join(f"H{n}", table)["token"]) for n in range(HOSTILE)]
    for k in range(spam):
        for ws in hostile:
            try:
                ws.send(f'42{k}["sync",{{"since":0}}]')
            except OSError:  # the server closed it: it was dropped
                pass
    acks = [
        phone.call("post_idea", {"id": str(uuid.uuid4()), "text": f"Pendant l'attaque {n}"}, timeout=60)
        for n in range(20)
    ]
    return {"phone": phone, "hostile": hostile, "acks": acks, "rss_before": before}


def test_snapshot_spam_is_refused_and_memory_stays_bounded(tmp_path, database_url):
    # The default snapshot budget; no watchdog, so only the budget is at work here.
    server = LiveServer(
        tmp_path / "live", database_url, AUTO_GROUPING="0", SLOW_CLIENT_SECONDS="0", SNAPSHOT_RATE_LIMIT="10/60"
    ).start()
    try:
        seen = attack(server)
        assert all(ack["ok"] for ack in seen["acks"]), seen["acks"][:3]
        # 1,500 snapshot requests of about 30 KB each, all queued, grew the server by over 100 MB.
        assert rss_mb(server.process.pid) - seen["rss_before"] < 40
        for ws in seen["hostile"]:
            ws.close()
        seen["phone"].disconnect()
    finally:
        server.stop()


def test_non_reading_clients_are_dropped_and_the_room_goes_on(tmp_path, database_url):
    # No snapshot budget, so 60 snapshots (~1.8 MB) really fill each hostile socket's buffers and queue.
    server = LiveServer(
        tmp_path / "live", database_url, AUTO_GROUPING="0", SLOW_CLIENT_SECONDS="2", SNAPSHOT_RATE_LIMIT="0"
    ).start()
    try:
        seen = attack(server, spam=60)
        assert all(ack["ok"] for ack in seen["acks"]), seen["acks"][:3]
        assert wait_for(lambda: server.log.read_text().count(DROPPED) >= HOSTILE, timeout=60), server.log.read_text()[
            -2000:
        ]
        # The normal phone was never taken for a slow one: still connected and answered.
        phone = seen["phone"]
        assert phone.connected
        assert phone.call("post_idea", {"id": str(uuid.uuid4()), "text": "Après"}, timeout=30)["ok"]
        for ws in seen["hostile"]:
            ws.close()
        phone.disconnect()
    finally:
        server.stop()
