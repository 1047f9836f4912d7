"""The number of connections a serve process accepts is a setting (MAX_CONNECTIONS), not eventlet's 1,024.

With eventlet's default, the 1,025th phone of a forum could not connect
(issue 14). Here the cap is set low so the test stays small: once the server
holds MAX_CONNECTIONS sockets, the next one is not accepted until one closes.
"""

from __future__ import annotations

import socket
import subprocess

from facilitator.config import Config
from facilitator.listening import queue_limit
from tests.live_server import LiveServer

CAP = 40


def handshake(sock: socket.socket, port: int) -> None:
    sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())


def answered(sock: socket.socket) -> bool:
    try:
        return sock.recv(64).startswith(b"HTTP/1.1 200")
    except TimeoutError:
        return False


def test_default_is_fit_for_a_forum(tmp_path):
    assert Config({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}).MAX_CONNECTIONS >= 10000


def test_the_server_holds_exactly_max_connections(tmp_path):
    server = LiveServer(tmp_path / "live", MAX_CONNECTIONS=str(CAP), AUTO_GROUPING="0").start()
    held = []
    try:
        # Keep-alive HTTP connections, each answered once and then held open by the server.
        for _ in range(CAP):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            handshake(sock, server.port)
            assert answered(sock)
            held.append(sock)
        extra = socket.create_connection(("127.0.0.1", server.port), timeout=10)  # queued by the kernel
        handshake(extra, server.port)
        extra.settimeout(2)
        assert not answered(extra), "a connection beyond MAX_CONNECTIONS was served"
        held.pop().close()  # one phone leaves: the waiting one gets in
        extra.settimeout(30)
        assert answered(extra)
        extra.close()
    finally:
        for sock in held:
            sock.close()
        server.stop()


def _listen_queue(port: int) -> int:
    """The backlog of the socket listening on ``port``: ``ss`` shows it as Send-Q."""
    out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    return int(out.split()[2])


def test_a_room_reconnecting_at_once_waits_in_a_queue_sized_for_it(tmp_path):
    """LISTEN_BACKLOG, not eventlet's 50: a fuller queue dropped handshakes, retried by phones seconds later."""
    assert Config({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}).LISTEN_BACKLOG >= 2048
    server = LiveServer(tmp_path / "live", LISTEN_BACKLOG="300", AUTO_GROUPING="0").start()
    burst = []
    try:
        assert _listen_queue(server.port) == min(300, queue_limit() or 300)
        # 200 connections at once: every one is accepted (paced, listening.py) and answered.
        burst = [socket.create_connection(("127.0.0.1", server.port), timeout=30) for _ in range(200)]
        for sock in burst:
            handshake(sock, server.port)
        assert all(answered(sock) for sock in burst)
    finally:
        for sock in burst:
            sock.close()
        server.stop()
