"""A slow PostgreSQL query holds up only the command that made it, not the other sockets (issue 14).

psycopg waits for the server in C unless told otherwise; under eventlet that
froze every socket of the process for the length of the query. Here the test
holds the workshop row locked from its own connection, so a phone's post
waits inside PostgreSQL; meanwhile another client's command must be answered.
"""

from __future__ import annotations

import threading
import uuid

import psycopg
import socketio

from tests.live_server import LiveServer


def test_a_waiting_query_does_not_block_other_clients(tmp_path, postgres_url):
    from tests.conftest import _reset_postgres

    _reset_postgres(postgres_url)
    server = LiveServer(tmp_path / "live", postgres_url, AUTO_GROUPING="0").start()
    try:
        info = server.info()
        phone = socketio.Client(reconnection=False)
        phone.connect(
            server.url,
            auth={"role": "participant", "token": server.join("Anne", info["tables"][0]["id"])["token"]},
            transports=["websocket"],
        )
        other = socketio.Client(reconnection=False)
        other.connect(
            server.url,
            auth={"role": "projector", "workshop": "DEVUP", "key": info["projector_key"]},
            transports=["websocket"],
        )
        result: dict = {}
        with psycopg.connect(postgres_url) as lock:
            lock.execute("SELECT id FROM workshop WHERE code = 'DEVUP' FOR UPDATE")  # publish() waits for this
            poster = threading.Thread(
                target=lambda: result.update(
                    ack=phone.call("post_idea", {"id": str(uuid.uuid4()), "text": "En attente du verrou"}, timeout=60)
                )
            )
            poster.start()
            # Wait until the post is really blocked inside PostgreSQL on our lock.
            waiting = False
            for _ in range(600):
                row = lock.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()
                if row[0] > 0:
                    waiting = True
                    break
                threading.Event().wait(0.05)
            assert waiting, "the post never waited for the lock"
            # The server still answers everyone else while that query waits.
            assert other.call("time", {}, timeout=10)["ok"]
            assert "ack" not in result
            lock.rollback()
        poster.join(60)
        assert result["ack"]["ok"], result
        phone.disconnect()
        other.disconnect()
    finally:
        server.stop()
