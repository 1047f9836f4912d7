"""Hostile Socket.IO traffic against the real eventlet server: answers, not silence; a few log lines."""

from __future__ import annotations

import http.client
import json

import pytest

from tests.live_server import LiveServer


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path, AUTO_GROUPING="0", RETENTION_CHECK_INTERVAL="0").start()
    yield live
    live.stop()


def _open_polling(server) -> tuple[http.client.HTTPConnection, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/socket.io/?EIO=4&transport=polling")
    body = conn.getresponse().read().decode()
    sid = json.loads(body[1:])["sid"]
    return conn, sid


def test_a_polling_post_over_the_buffer_size_is_answered_413(server):
    conn, sid = _open_polling(server)
    conn.request(
        "POST",
        f"/socket.io/?EIO=4&transport=polling&sid={sid}",
        body=b"4" + b"x" * (100 * 1024),
        headers={"Content-Type": "text/plain;charset=UTF-8"},
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 413


def test_malformed_packets_do_not_flood_the_log(server):
    before = len(server.log.read_text().splitlines())
    for _ in range(5):
        conn, sid = _open_polling(server)
        for packet in (b"40", b"42[", b"4x{{", b'42["command",{"a":'):
            conn.request(
                "POST",
                f"/socket.io/?EIO=4&transport=polling&sid={sid}",
                body=packet * 20,
                headers={"Content-Type": "text/plain;charset=UTF-8"},
            )
            conn.getresponse().read()
    lines = server.log.read_text().splitlines()[before:]
    assert not any("Traceback" in line for line in lines), "\n".join(lines[:40])
    assert len(lines) <= 4, "\n".join(lines[:40])  # one line per minute and logger (engineio's own handler repeats it)


def test_the_filter_summarises_with_an_injected_clock():
    import logging

    from facilitator.logfilter import ThrottledErrors

    now = [0.0]
    throttle = ThrottledErrors(60, clock=lambda: now[0])
    try:
        raise ValueError("x")
    except ValueError:
        import sys

        info = sys.exc_info()

    def record():
        return logging.LogRecord("engineio.server", logging.ERROR, "f", 1, "message handler error", (), info)

    first = record()
    assert throttle.filter(first) and first.exc_info is None and "ValueError" in first.getMessage()
    assert [throttle.filter(record()) for _ in range(5)] == [False] * 5
    now[0] = 61
    later = record()
    assert throttle.filter(later) and "5 more" in later.getMessage()


def test_the_message_queue_s_errors_are_named_and_throttled_apart():
    """python-socketio logs Redis failures through the server's logger: they must not read as
    a client's bad traffic, nor be held back by a flood of it."""
    import logging

    import socketio

    from facilitator.logfilter import ThrottledErrors

    throttle = ThrottledErrors(60, clock=lambda: 0.0)
    queue_file = socketio.redis_manager.__file__

    def client():
        return logging.LogRecord("socketio.server", logging.ERROR, "socketio/server.py", 1, "bad packet", (), None)

    def redis_down():
        return logging.LogRecord(
            "socketio.server",
            logging.ERROR,
            queue_file,
            1,
            "Cannot receive from redis... retrying in %d secs",
            (1,),
            None,
        )

    assert throttle.filter(client()) and not throttle.filter(client())
    down = redis_down()
    assert throttle.filter(down)
    assert down.getMessage().startswith("message queue: Cannot receive from redis")
    assert "Socket.IO traffic" not in down.getMessage()
    assert not throttle.filter(redis_down())  # one line per minute for the queue too
