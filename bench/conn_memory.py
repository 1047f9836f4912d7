#!/usr/bin/env python3
"""Server memory per websocket, with the browser's permessage-deflate offer declined and accepted.

    python bench/conn_memory.py [--sockets 1000]

Starts the real server twice (fresh SQLite each time, AUTO_GROUPING=0): once as shipped
(the offer declined, facilitator/transport.py) and once with WEBSOCKET_COMPRESSION=1. Each
time it opens N raw Engine.IO websockets that offer permessage-deflate as browsers do,
reads the Engine.IO open packet, sends a Socket.IO connect without credentials and reads
the refusal (so a compressor and a decompressor have both been used where the offer was
accepted), waits 1 s and reads the web process's resident memory (/proc; the engine worker apart).
Prints one JSON object: KB per socket = (RSS after - RSS before) / N, and what the server
answered in Sec-WebSocket-Extensions. No Socket.IO session is opened: this is the cost of
the transport alone (bench/realtime.py's rss_per_connection_kb is a whole phone).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import BenchError, log  # noqa: E402
from benchlib.server import Server  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def web_rss_mb(pid: int) -> float:
    """Resident memory of the web process alone: the engine worker's model warm-up is not the sockets'."""
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


async def open_sockets(base_url: str, n: int) -> tuple[list, str | None]:
    import aiohttp

    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    url = base_url + "/socket.io/?EIO=4&transport=websocket"
    sockets = []
    for _ in range(n):
        ws = await session.ws_connect(url, compress=15)  # offers permessage-deflate
        opened = (await ws.receive()).data
        if not str(opened).startswith("0"):
            raise BenchError(f"no Engine.IO open packet: {opened!r}")
        await ws.send_str("40")
        await ws.receive()  # the connect refusal: no credentials
        sockets.append(ws)
    return [session, *sockets], sockets[0]._response.headers.get("Sec-WebSocket-Extensions")


async def close_all(things) -> None:
    session, *sockets = things
    for ws in sockets:
        await ws.close()
    await session.close()


def measure(n: int, compression: bool) -> dict:
    os.environ["WEBSOCKET_COMPRESSION"] = "1" if compression else "0"
    os.environ["AUTO_GROUPING"] = "0"
    server = Server(REPO, sys.executable)
    server.start()
    try:
        before = web_rss_mb(server.proc.pid)

        async def run():
            things, answer = await open_sockets(server.base_url, n)
            await asyncio.sleep(1)  # let the server finish its side of the last handshakes
            after = web_rss_mb(server.proc.pid)
            await close_all(things)
            return after, answer

        after, answer = asyncio.run(run())
        return {
            "sockets": n,
            "server_answer_extensions": answer,
            "rss_before_mb": round(before, 1),
            "rss_after_mb": round(after, 1),
            "kb_per_socket": round((after - before) * 1024 / n, 1),
        }
    finally:
        server.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sockets", type=int, default=1000)
    args = p.parse_args()
    out = {"benchmark": "conn_memory", "load_before": os.getloadavg()}
    for name, compression in (("declined (default)", False), ("accepted (WEBSOCKET_COMPRESSION=1)", True)):
        log(f"{args.sockets} websockets offering permessage-deflate, {name}")
        out[name] = measure(args.sockets, compression)
    out["load_after"] = os.getloadavg()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
