"""The paced acceptor (facilitator/listening.py) on a real socket and eventlet's own loop."""

from __future__ import annotations

import time

import eventlet
import pytest
from eventlet.green import socket

from facilitator.listening import LAG_LIMIT_S, WATCH_FOR_S, PacedListener

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        eventlet.sleep(0.02)
    return condition()


class Recording(PacedListener):
    """The acceptor, remembering the largest lateness its watcher saw."""

    max_lag = 0.0

    @property
    def lag(self):
        return self._lag

    @lag.setter
    def lag(self, value):
        self._lag = value
        self.max_lag = max(self.max_lag, value)


def test_the_loop_is_watched_while_connections_arrive_and_not_when_idle():
    listener = Recording(eventlet.listen(("127.0.0.1", 0)))
    port = listener.getsockname()[1]
    assert not listener.watching  # an idle server runs no timer
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    accepted = [listener.accept()]
    assert not listener.watching  # one connection (a health check) is no crowd
    accepted += [listener.accept() for _ in clients[1:]]
    assert len(accepted) == 3 and listener.watching  # three at once are
    # The loop held up (a blocking call): the watcher sees it late, and accept would wait.
    eventlet.sleep(0)  # the watcher starts its 10 ms timer
    time.sleep(3 * LAG_LIMIT_S)
    assert until(lambda: listener.max_lag > LAG_LIMIT_S), listener.max_lag
    # Nothing arrives any more: the watcher stops on its own, about WATCH_FOR_S later.
    stopped_after = time.monotonic()
    assert until(lambda: not listener.watching, timeout=WATCH_FOR_S * 10)
    assert time.monotonic() - stopped_after < WATCH_FOR_S * 10
    assert listener.lag == 0.0
    for conn, _ in accepted:
        conn.close()
    for c in clients:
        c.close()
