"""Pings from the one heartbeat task (facilitator/heartbeat.py) reach real clients on time.

A raw Engine.IO client answers every ping for several intervals and stays connected;
when it stops answering, the server closes it after ping interval + timeout, as Engine.IO
would. (tests/server/test_direct_send.py holds an idle python-socketio phone connected
past five intervals through the same task.)
"""

from __future__ import annotations

import time

import pytest
import websocket

from tests.live_server import LiveServer
from tests.server.test_slow_clients import raw_participant

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_client_that_answers_pings_stays_and_one_that_stops_is_closed(tmp_path, database_url):
    server = LiveServer(tmp_path / "live", database_url, AUTO_GROUPING="0", PING_INTERVAL="1").start()
    try:
        table = server.info()["tables"][0]["id"]
        ws = raw_participant(server.url, server.join("Anne", table)["token"], timeout=15)
        pings = []
        started = time.monotonic()
        while len(pings) < 4:
            message = ws.recv()
            if message == "2":  # Engine.IO ping
                pings.append(time.monotonic() - started)
                ws.send("3")  # pong
        # Four pings, about one interval apart (a loaded machine may delay one, never skip it).
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        assert all(gap > 0.5 for gap in gaps), gaps
        assert server.process.poll() is None
        # Now silent: the server must close the connection after ping interval + timeout (2 s),
        # not before the timeout has run (a busy machine may only make it later).
        silent_since, closed_after = time.monotonic(), None
        while closed_after is None:
            try:
                message = ws.recv()  # more pings first; the receive timeout (15 s) fails the test
            except (websocket.WebSocketConnectionClosedException, ConnectionError):
                message = ""
            if not message:  # a close frame or the connection shut
                closed_after = time.monotonic() - silent_since
        assert closed_after > 1.0, closed_after
        assert server.process.poll() is None
    finally:
        server.stop()
