"""Deliver an event to a websocket at once, without Engine.IO's per-connection queue when it can.

Engine.IO gives every connection a queue and a writer task: an emit to a room of 667 phones
puts the packet in 667 queues, and each writer then wakes up (a timer to unlock the queue, a
switch, a timeout around the wait), frames the same text again and sends it. Profiled with
py-spy at 1,000 phones, 10 ideas/s (bench/realtime.py), that per-recipient bookkeeping was
about half the server's time, which is what saturated one process at 2,000 phones.

Here, when a connection's queue is empty and nobody is writing to its websocket (its send
lock is free), the frame goes straight to the TCP socket with one non-blocking ``send``:

- nothing is reordered: a packet still in the queue, or a write in progress, sends this one
  through the queue as before (the writer takes the lock, so it waits for a direct write);
- a client that reads slowly never blocks the emitter: when the kernel takes only part of
  the frame, the rest is written by a background task that holds the send lock meanwhile
  (later packets queue behind it); when it takes nothing, the packet is queued as before,
  where the slow-reader watchdog (guard.py) sees it;
- pings and other Engine.IO packets keep the queue: its writer task closes a websocket whose
  queue stayed empty for ping interval + timeout, so the ping every 10 s must pass through it;
- the frame is built once per emit (python-socketio hands every recipient the same packet
  object) instead of once per recipient.

Only on plain (not TLS) eventlet websockets without permessage-deflate (transport.py), after
the upgrade; everything else takes Engine.IO's own path. Tests: tests/server/test_direct_send.py
(order under concurrent emits, a client that stops reading, pings), and every test of the
event chain and of slow clients runs through it.
"""

from __future__ import annotations

import struct

_FRAME = "facilitator_frame"


def frame(encoded: str | bytes) -> bytes:
    """One final, unmasked RFC 6455 server frame (text for str, binary for bytes)."""
    if isinstance(encoded, str):
        opcode, payload = 0x81, encoded.encode("utf-8")
    else:
        opcode, payload = 0x82, bytes(encoded)
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", opcode, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", opcode, 126, size)
    else:
        header = struct.pack("!BBQ", opcode, 127, size)
    return header + payload


def install() -> None:
    """Patch Engine.IO's Socket once per process (serve calls it under eventlet)."""
    import eventlet
    from engineio import socket as eio_socket
    from engineio.packet import MESSAGE
    from eventlet.greenio.base import GreenSocket

    from .guard import remember_websockets, websocket_of

    cls = eio_socket.Socket
    if getattr(cls.send, "facilitator_direct", False):
        return
    remember_websockets()  # websocket_of(socket): the websocket each Engine.IO socket was upgraded to
    queued_send = cls.send

    def _finish(ws, rest: bytes) -> None:
        try:
            ws.socket.sendall(rest)
        except OSError:
            pass  # the connection is gone: the reader notices and closes the socket
        finally:
            ws._sendlock.release()

    def send(self, pkt):
        ws = websocket_of(self)
        # Pings stay on the queue: the writer task closes a websocket whose queue stayed empty for
        # ping interval + timeout, so it must see one every ping interval. TLS sockets (their raw
        # socket would bypass the encryption) and compressed ones (each frame depends on the
        # connection's zlib state) are left to Engine.IO too.
        if (
            ws is None
            or type(getattr(ws, "socket", None)) is not GreenSocket
            or getattr(ws, "extensions", None)
            or not hasattr(ws, "_sendlock")
            or pkt.packet_type != MESSAGE
            or not self.upgraded
            or self.upgrading
            or self.closed
            or self.queue.qsize()
        ):
            return queued_send(self, pkt)
        if not self.check_ping_timeout():
            return None
        lock = ws._sendlock
        # balance < 1: held, or released to a waiting writer that has packets in hand (eventlet's
        # non-blocking acquire would take it from that writer and send ahead of its packets).
        if lock.balance < 1 or not lock.acquire(blocking=False):
            return queued_send(self, pkt)
        try:
            data = getattr(pkt, _FRAME, None)
            if data is None:
                data = frame(pkt.encode())
                setattr(pkt, _FRAME, data)
            try:
                sent = ws.socket.fd.send(data)
            except BlockingIOError:
                sent = 0
            except OSError:
                sent = -1  # the connection is gone: the queued path meets the same error and closes
        except BaseException:
            lock.release()
            raise
        if 0 < sent < len(data):
            eventlet.spawn_n(_finish, ws, data[sent:])  # keeps the lock until the frame is whole
            return None
        lock.release()
        if sent <= 0:
            return queued_send(self, pkt)  # nothing went out: the queue keeps it in order
        return None

    send.facilitator_direct = True
    cls.send = send
