"""Hostile phones during the run: participants that ask for snapshots and never read the answers.

Each one is a raw websocket (Engine.IO v4 spoken by hand, a 4 KB receive
buffer) that joined like any phone, then sends ``sync {"since": 0}`` at a
fixed rate and never reads. With the guard (facilitator/guard.py) the server
refuses most snapshots and drops the sockets once their queue stops moving;
the report says how many sends were refused by a closed socket and how the
other phones' figures compare with a run without them.
"""

from __future__ import annotations

import json
import socket
import threading
import time

from . import log
from .server import http_json


class HostileLoad:
    """``count`` non-reading participants spamming snapshot requests from a background thread."""

    def __init__(self, base_url: str, code: str, table_ids: list[int], count: int, rate: float):
        self.base_url, self.code, self.table_ids = base_url, code, table_ids
        self.count, self.rate = count, rate
        self.sockets: list = []
        self.sent = 0
        self.closed_by_server = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def prepare(self) -> None:
        import websocket

        url = self.base_url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
        for n in range(self.count):
            status, body = http_json(
                "POST",
                f"{self.base_url}/api/w/{self.code}/join",
                {
                    "first_name": f"Hostile{n}",
                    "organisation": "Bench",
                    "table_id": self.table_ids[n % len(self.table_ids)],
                },
            )
            if status != 201:
                raise RuntimeError(f"hostile join failed: {status} {body}")
            ws = websocket.create_connection(url, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),), timeout=10)
            ws.recv()  # Engine.IO open
            ws.send("40" + json.dumps({"role": "participant", "token": body["token"]}))
            ws.recv()  # Socket.IO connect; nothing is read after this
            self.sockets.append(ws)
        log(f"{self.count} hostile participants connected (snapshot spam at {self.rate}/s each, never reading)")

    def start(self, until: float) -> None:
        self._thread = threading.Thread(target=self._spam, args=(until,), daemon=True)
        self._thread.start()

    def _spam(self, until: float) -> None:
        live = list(self.sockets)
        k = 0
        while live and time.time() < until and not self._stop.is_set():
            for ws in list(live):
                try:
                    ws.send(f'42{k}["sync",{{"since":0}}]')
                    self.sent += 1
                except OSError:
                    self.closed_by_server += 1
                    live.remove(ws)
            k += 1
            time.sleep(1.0 / self.rate)

    def finish(self) -> dict:
        self._stop.set()
        if self._thread:
            self._thread.join(10)
        for ws in self.sockets:
            try:
                ws.close(timeout=1)
            except Exception:  # noqa: BLE001 - closed by the server already
                pass
        return {
            "sockets": self.count,
            "rate_per_s_each": self.rate,
            "requests_sent": self.sent,
            "sockets_closed_by_server": self.closed_by_server,
        }
