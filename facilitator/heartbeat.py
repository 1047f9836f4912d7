"""One heartbeat task for every Engine.IO socket, instead of a sleeping task per socket.

Engine.IO answers each client's pong by starting a background task that sleeps for the
ping interval and then sends the next ping. Under eventlet that is a green thread per
connected phone, asleep nearly all the time: its saved stack, its greenlet, timer and
event cost about 4 KB of Python memory per connection (tracemalloc, 1,000 phones), which
is most of what kept a phone above the 60 KB budget of issue 14.

Here one task per server keeps a first-in first-out list of (due time, socket): the ping
interval is the same for everyone, so the list is always in due order; the task sleeps
until the first entry is due, pings every due socket and sleeps again. What a socket sees
is unchanged: a ping ``ping_interval`` seconds after its pong or its connection (at most
``PING_GRID_S`` later, see below), ``last_ping`` set as Engine.IO sets it (its ping-timeout
check reads it), no ping to a socket that is closing or closed, and at most one cycle in
flight per socket (Engine.IO's own guard in ``schedule_ping``).

The same task also does the work of Engine.IO's service task, which serve does not start:
that task checked one socket per wakeup (ping timeout / number of sockets apart: 100
wakeups a second at 1,000 phones) for a ping left unanswered; here every socket is checked
in one pass every ``SWEEP_S``, and pings are due on a ``PING_GRID_S`` grid, so a crowd's
heartbeats cost a few wakeups a second instead of hundreds.

Installed by serve under eventlet (``install``); tests: tests/unit/test_heartbeat.py (the
schedule and the sweep), tests/server/test_heartbeat.py and test_direct_send.py (pings
reach real clients, keep them connected past several intervals, and a silent one is closed).
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque

log = logging.getLogger(__name__)

_ATTR = "facilitator_heartbeat"


#: Pings fall due on this grid (seconds): at most this much later than Engine.IO's own.
PING_GRID_S = 0.25
#: Every socket's ping timeout is checked this often (seconds), when the heartbeat sweeps.
SWEEP_S = 1.0


class Heartbeat:
    """The pings of one Engine.IO server, sent by one task (and, with ``sweeping``, its timeouts)."""

    #: Sockets pinged or checked between two yields to the event loop (a room that connected at
    #: once comes due at once).
    BATCH = 200

    def __init__(self, server, clock=time.monotonic):
        self.server, self.clock = server, clock
        self._due: deque = deque()  # (due time, socket), in due order
        self._task = None
        self.sweeping = False  # Engine.IO's service task is off: this task checks timeouts
        self._next_sweep = 0.0

    def __len__(self) -> int:
        return len(self._due)

    def schedule(self, sock) -> None:
        """Ping ``sock`` one ping interval from now (rounded up to the grid)."""
        due = math.ceil((self.clock() + self.server.ping_interval) / PING_GRID_S) * PING_GRID_S
        self._due.append((due, sock))
        if self._task is None:
            self._task = self.server.start_background_task(self._run)

    def pop_due(self, now: float) -> list:
        """The sockets whose ping is due at ``now``, taken off the list."""
        due = []
        while self._due and self._due[0][0] <= now:
            due.append(self._due.popleft()[1])
        return due

    def next_wait(self, now: float) -> float:
        """Seconds until the first entry is due (a whole interval when there is none:
        anything scheduled meanwhile is due at least that late), or until the next sweep."""
        wait = float(self.server.ping_interval) if not self._due else self._due[0][0] - now
        if self.sweeping:
            wait = min(wait, self._next_sweep - now)
        return max(0.0, wait)

    @staticmethod
    def ping(sock) -> None:
        """What Engine.IO's per-socket task does when its sleep ends."""
        from engineio import packet

        if sock.closing or sock.closed:
            return
        sock.last_ping = time.time()
        sock.send(packet.Packet(packet.PING))

    def sweep(self) -> None:
        """What Engine.IO's service task does, for every socket in one pass: forget closed
        sockets, close those whose last ping went unanswered for the ping timeout."""
        sockets = self.server.sockets
        for i, sock in enumerate(list(sockets.values()), 1):
            try:
                if sock.closed:
                    sockets.pop(sock.sid, None)
                elif not sock.closing:
                    sock.check_ping_timeout()
            except Exception:  # noqa: BLE001 - one broken socket must not stop the sweep
                log.exception("timeout check of Engine.IO socket %s failed", getattr(sock, "sid", "?"))
            if i % self.BATCH == 0:
                self.server.sleep(0)

    def run_once(self) -> float:
        """Ping every due socket (and sweep when it is time); returns how long to sleep."""
        for i, sock in enumerate(self.pop_due(self.clock()), 1):
            try:
                self.ping(sock)
            except Exception:  # one broken socket must not stop everyone's heartbeat
                log.exception("ping to Engine.IO socket %s failed", getattr(sock, "sid", "?"))
            if i % self.BATCH == 0:
                self.server.sleep(0)
        if self.sweeping and self.clock() >= self._next_sweep:
            self._next_sweep = self.clock() + SWEEP_S
            self.sweep()
        return self.next_wait(self.clock())

    def _run(self) -> None:
        while True:
            self.server.sleep(max(self.run_once(), 0.005))


def heartbeat_of(server) -> Heartbeat:
    """The server's heartbeat, created on first use."""
    beat = getattr(server, _ATTR, None)
    if beat is None:
        beat = Heartbeat(server)
        setattr(server, _ATTR, beat)
    return beat


def install(server=None) -> None:
    """Route Engine.IO's ``Socket.schedule_ping`` to the server's heartbeat, once per process;
    with ``server`` (an Engine.IO server), its service task is replaced by the heartbeat's sweep."""
    from engineio import socket as eio_socket

    if server is not None:
        server.start_service_task = False  # Engine.IO starts it on its first request: never, now
        heartbeat_of(server).sweeping = True
    cls = eio_socket.Socket
    if getattr(cls.schedule_ping, "facilitator_heartbeat", False):
        return

    def schedule_ping(self):
        # Engine.IO's guard: a new cycle only once the previous ping was sent and answered.
        if self.last_ping:
            self.last_ping = None
            heartbeat_of(self.server).schedule(self)

    schedule_ping.facilitator_heartbeat = True
    cls.schedule_ping = schedule_ping
