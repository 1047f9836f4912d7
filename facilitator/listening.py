"""How ``serve`` listens under eventlet: the socket's accept queue sized for a room.

Flask-SocketIO's ``run`` opens its eventlet socket with eventlet's default backlog of 50
connections waiting to be accepted. After a restart, ~1,400 of 2,000 phones knock within
two seconds: the kernel's queue filled, further handshakes were dropped and the phones'
TCP stacks retried them 1, 3, 7 s later, so some phones took 14 s to get in although the
server was idle by then (bench/storm.py, ``successful_attempt_ms``). ``serve`` listens
itself with ``LISTEN_BACKLOG`` (default 4096; Linux caps it at ``net.core.somaxconn``)
and runs eventlet's WSGI server on that socket, as ``SocketIO.run`` does.

The small queue did one useful thing: it held back the crowd, so the loop kept time for
the room's live events. With every phone admitted at once, the loop had ~1,400 handshakes
ready to run and a posted idea waited behind them (live p99 0.8-1.8 s during the storm
instead of ~0.35 s). ``PacedListener`` keeps the crowd in the kernel's queue instead: it
accepts a few connections at a time and, while the loop runs late (a timer firing more
than ``LAG_LIMIT_S`` late), waits before accepting more.
"""

from __future__ import annotations

import time

LAG_LIMIT_S = 0.025  # the loop is busy when a 10 ms timer fires later than this
BURST = 8  # connections accepted before the acceptor lets the loop run
MAX_PAUSE_S = 0.5  # never hold the queue longer than this at a time
WATCH_FOR_S = 1.0  # the loop's lateness is watched until this long after the last accept
BURST_GAP_S = 0.1  # two accepts closer than this are a crowd arriving: start watching


class PacedListener:
    """A listening socket whose ``accept`` waits while the event loop runs late.

    The lateness is measured by a 10 ms timer that runs only while a crowd arrives (two
    accepts less than ``BURST_GAP_S`` apart) and until ``WATCH_FOR_S`` after the last accept.
    Always on, it woke an idle server 99 times a second (strace: 495 wakeups in 5 s, 5 now),
    and a load balancer's health check every 500 ms would have kept it on.
    """

    def __init__(self, sock):
        import eventlet

        self._sock = sock
        self._sleep = eventlet.sleep
        self._spawn = eventlet.spawn_n
        self.lag = 0.0
        self._accepted = 0
        self._last_accept = 0.0
        self.watching = False

    def _watch(self) -> None:
        try:
            while time.monotonic() - self._last_accept < WATCH_FOR_S:
                start = time.monotonic()
                self._sleep(0.01)
                self.lag = time.monotonic() - start - 0.01
        finally:
            self.lag, self.watching = 0.0, False

    def accept(self):
        self._accepted += 1
        if self._accepted % BURST == 0:
            self._sleep(0)  # let the connections just accepted (and everything else) run
        waited = 0.0
        while self.lag > LAG_LIMIT_S and waited < MAX_PAUSE_S:
            self._sleep(0.01)
            waited += 0.01
        accepted = self._sock.accept()  # waits for the next connection
        now, previous = time.monotonic(), self._last_accept
        self._last_accept = now
        if not self.watching and now - previous < BURST_GAP_S:
            self.watching = True
            self._spawn(self._watch)
        return accepted

    def __getattr__(self, name):
        return getattr(self._sock, name)


def serve_eventlet(app, host: str, port: int, backlog: int, paced: bool = True, **options) -> None:
    """Listen on ``host:port`` with ``backlog`` and serve ``app`` until stopped (eventlet only)."""
    import eventlet
    import eventlet.wsgi
    from eventlet.green import socket

    addresses = socket.getaddrinfo(host, port)
    if not addresses:
        raise RuntimeError(f"Could not resolve {host}")
    family, _type, _proto, _name, address = addresses[0]
    listener = eventlet.listen(address, family, backlog=backlog)
    eventlet.wsgi.server(PacedListener(listener) if paced else listener, app, log_output=False, **options)


def queue_limit() -> int | None:
    """The kernel's cap on a listen backlog (``net.core.somaxconn``), when it can be read."""
    try:
        with open("/proc/sys/net/core/somaxconn") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
