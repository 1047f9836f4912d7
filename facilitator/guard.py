"""Limits that keep one client from slowing the whole room (docs/protocol.md, "Limits").

A phone is anonymous and anyone with the join code can be one, so the server
bounds what each participant may cost, whatever number of sockets they open:

- **commands**: ``COMMAND_RATE_LIMIT`` per connection *and* per participant
  (reconnecting does not reset it);
- **snapshots**: a ``sync`` answered with a whole snapshot is the costliest
  answer; ``SNAPSHOT_RATE_LIMIT`` per participant (per connection for staff
  screens, whose keys several screens share);
- **sockets**: at most ``MAX_SOCKETS_PER_PARTICIPANT`` connections per
  participant in a process;
- **readers**: a client that stops reading (its outgoing queue does not move
  for ``SLOW_CLIENT_SECONDS``, or holds more than ``SLOW_CLIENT_MAX_QUEUED``
  messages) is dropped, so its unsent messages stop growing the server's
  memory; a real phone that was only asleep reconnects and syncs.

The watchdog needs the real server (eventlet): ``serve`` starts it.
"""

from __future__ import annotations

import logging
import socket
import time
from collections import defaultdict

from .actions.base import PARTICIPANT, Actor
from .limits import RateLimiter

log = logging.getLogger(__name__)


class Guard:
    """The per-process budgets of commands, snapshots and sockets."""

    def __init__(self, config):
        self.commands = RateLimiter(*config["COMMAND_RATE_LIMIT"])
        self.snapshots = RateLimiter(*config["SNAPSHOT_RATE_LIMIT"])
        self.max_sockets = int(config["MAX_SOCKETS_PER_PARTICIPANT"])
        self._sockets: dict[int, set[str]] = defaultdict(set)

    @staticmethod
    def _owner(sid: str, actor: Actor) -> str:
        """Whose budget a connection spends: a participant's own, else the connection's."""
        return f"p{actor.participant_id}" if actor.role == PARTICIPANT else f"c{sid}"

    def allow_command(self, sid: str, actor: Actor) -> bool:
        if not self.commands.allow(f"c{sid}"):
            return False
        return actor.role != PARTICIPANT or self.commands.allow(self._owner(sid, actor))

    def allow_snapshot(self, sid: str, actor: Actor) -> bool:
        return self.snapshots.allow(self._owner(sid, actor))

    def may_open(self, actor: Actor) -> bool:
        """May this participant open one more socket here?"""
        if actor.role != PARTICIPANT or self.max_sockets <= 0:
            return True
        return len(self._sockets.get(actor.participant_id, ())) < self.max_sockets

    def opened(self, sid: str, actor: Actor) -> None:
        if actor.role == PARTICIPANT:
            self._sockets[actor.participant_id].add(sid)

    def closed(self, sid: str, actor: Actor | None) -> None:
        self.commands.forget(f"c{sid}")
        self.snapshots.forget(f"c{sid}")
        if actor is not None and actor.role == PARTICIPANT:
            mine = self._sockets.get(actor.participant_id)
            if mine is not None:
                mine.discard(sid)
                if not mine:
                    del self._sockets[actor.participant_id]


# -- slow readers --------------------------------------------------------------

_WEBSOCKET = "facilitator_websocket"


def remember_websockets() -> None:
    """Keep each Engine.IO socket's websocket on it (``websocket_of``), once per process.

    Engine.IO does not keep it. The slow-reader watchdog needs its TCP socket
    (``ws.socket``): Engine.IO's writer task blocks in ``send`` on a client that
    stopped reading, for up to ping interval + timeout, and closing the Engine.IO
    socket does not wake it; shutting the TCP socket does. direct_send.py writes
    to it. This wraps Engine.IO's websocket handler (tests/server/test_slow_clients.py
    and test_direct_send.py fail if Engine.IO changes this).
    """
    from engineio import socket as eio_socket

    original = eio_socket.Socket._websocket_handler
    if getattr(original, "facilitator_wrapped", False):
        return

    def handler(self, ws):
        setattr(self, _WEBSOCKET, ws)
        return original(self, ws)

    handler.facilitator_wrapped = True
    eio_socket.Socket._websocket_handler = handler


def websocket_of(eio_socket):
    """The websocket an Engine.IO socket was upgraded to (None before, or when not remembered)."""
    return getattr(eio_socket, _WEBSOCKET, None)


class SlowReaders:
    """Find and drop the Engine.IO sockets whose outgoing queue stopped moving."""

    def __init__(self, eio_server, stall_seconds: float, max_queued: int, clock=time.monotonic):
        self.eio, self.stall_seconds, self.max_queued, self.clock = eio_server, stall_seconds, max_queued, clock
        self._heads: dict[str, tuple[int, float]] = {}  # eio sid -> (id of the queue's head, since)
        self.dropped = 0

    def check(self) -> list[str]:
        """One pass: drop the stuck sockets; returns their Engine.IO sids."""
        now, stuck = self.clock(), []
        for sid, sock in list(self.eio.sockets.items()):
            pending = getattr(sock.queue, "queue", None)  # the queue's deque (eventlet and stdlib)
            if not pending:
                self._heads.pop(sid, None)
                continue
            head = id(pending[0])
            seen = self._heads.get(sid)
            if seen is None or seen[0] != head:
                self._heads[sid] = seen = (head, now)
            if len(pending) > self.max_queued or now - seen[1] >= self.stall_seconds:
                stuck.append(sid)
        for sid in stuck:
            self._drop(sid)
        for sid in set(self._heads) - set(self.eio.sockets):
            del self._heads[sid]
        return stuck

    def _drop(self, sid: str) -> None:
        sock = self.eio.sockets.get(sid)
        self._heads.pop(sid, None)
        if sock is None:
            return
        queued = len(getattr(sock.queue, "queue", ()))
        log.warning("dropping a client that stopped reading (%d messages waiting)", queued)
        self.dropped += 1
        try:
            sock.close(wait=False, abort=True)
        finally:
            self.eio.sockets.pop(sid, None)
            raw = getattr(websocket_of(sock), "socket", None)
            if raw is not None:
                try:
                    raw.shutdown(socket.SHUT_RDWR)  # wakes the writer stuck in send, and the reader
                except OSError:
                    pass


def watch_slow_readers(socketio, stall_seconds: float, max_queued: int, every: float = 1.0) -> None:
    """Background task of ``serve``: check the sockets' queues every ``every`` seconds, forever."""
    readers = SlowReaders(socketio.server.eio, stall_seconds, max_queued)
    while True:
        socketio.sleep(every)
        try:
            readers.check()
        except Exception:  # noqa: BLE001 - the watchdog must outlive any one bad socket
            log.exception("slow-reader check failed")
