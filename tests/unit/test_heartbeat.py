"""The one heartbeat task's schedule (facilitator/heartbeat.py), on a clock the test moves.

The real pings to real clients are tested in tests/server/test_heartbeat.py.
"""

from __future__ import annotations

from engineio import packet

from facilitator.heartbeat import Heartbeat


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Server:
    """What the heartbeat uses of an Engine.IO server: the interval, tasks and sleep."""

    ping_interval = 10

    def __init__(self):
        self.tasks, self.sleeps = [], []

    def start_background_task(self, fn):
        self.tasks.append(fn)
        return fn

    def sleep(self, seconds):
        self.sleeps.append(seconds)


class Sock:
    def __init__(self, sid, fail=False):
        self.sid, self.fail = sid, fail
        self.closing = self.closed = False
        self.last_ping, self.sent = None, []

    def send(self, pkt):
        if self.fail:
            raise OSError("broken pipe")
        self.sent.append(pkt.packet_type)


def test_a_socket_is_pinged_one_interval_after_it_is_scheduled_and_not_before():
    clock, server = Clock(), Server()
    beat = Heartbeat(server, clock=clock)
    a = Sock("a")
    beat.schedule(a)
    assert len(server.tasks) == 1  # the task starts with the first socket
    assert beat.run_once() == 10.0 and a.sent == []
    clock.now += 9.99
    assert abs(beat.run_once() - 0.01) < 1e-9 and a.sent == []
    clock.now += 0.01
    assert beat.run_once() == 10.0  # nothing left: sleep a whole interval
    assert a.sent == [packet.PING] and a.last_ping is not None
    assert len(beat) == 0


def test_one_task_pings_many_sockets_in_due_order_and_skips_closed_ones():
    clock, server = Clock(), Server()
    beat = Heartbeat(server, clock=clock)
    socks = [Sock(str(i)) for i in range(5)]
    for s in socks:
        beat.schedule(s)
        clock.now += 1
    socks[1].closed = True
    socks[2].closing = True
    clock.now = 1000.0 + 10 + 2.5  # 0, 1 and 2 are due
    assert beat.run_once() == 0.5  # 3 is due at 1013
    assert [s.sent for s in socks] == [[packet.PING], [], [], [], []]
    assert len(server.tasks) == 1 and len(beat) == 2


def test_a_failing_socket_does_not_stop_the_others_and_big_rooms_yield():
    clock, server = Clock(), Server()
    beat = Heartbeat(server, clock=clock)
    socks = [Sock(str(i), fail=(i == 3)) for i in range(Heartbeat.BATCH * 2 + 1)]
    for s in socks:
        beat.schedule(s)
    clock.now += 10
    beat.run_once()
    assert all(s.sent == [packet.PING] for s in socks if not s.fail)
    assert server.sleeps == [0, 0]  # the loop got the hand back twice during the burst


class Timed(Sock):
    """A socket with Engine.IO's ping-timeout rule: closed once its ping went unanswered too long."""

    def __init__(self, sid, silent_for=0.0, timeout=10.0):
        super().__init__(sid)
        self.silent_for, self.timeout = silent_for, timeout

    def check_ping_timeout(self):
        if self.silent_for > self.timeout:
            self.closed = True
            return False
        return True


def test_the_sweep_forgets_closed_sockets_and_closes_silent_ones_in_one_pass():
    clock, server = Clock(), Server()
    server.sockets = {s.sid: s for s in (Timed("ok", 3), Timed("silent", 11), Timed("gone"), Timed("closing", 50))}
    server.sockets["gone"].closed = True
    server.sockets["closing"].closing = True
    beat = Heartbeat(server, clock=clock)
    beat.sweeping = True
    beat.schedule(server.sockets["ok"])
    beat.run_once()  # the first pass sweeps at once
    assert "gone" not in server.sockets  # forgotten
    assert server.sockets["silent"].closed  # closed (forgotten at the next pass)
    assert not server.sockets["ok"].closed and not server.sockets["closing"].closed  # closing: left to finish
    assert abs(beat.next_wait(clock()) - 1.0) < 1e-9  # next sweep in SWEEP_S, before the ping
    clock.now += 1.0
    beat.run_once()
    assert "silent" not in server.sockets and set(server.sockets) == {"ok", "closing"}


def test_pings_fall_due_on_a_quarter_second_grid():
    clock, server = Clock(), Server()
    clock.now = 1000.1
    beat = Heartbeat(server, clock=clock)
    a = Sock("a")
    beat.schedule(a)
    clock.now = 1010.1
    beat.run_once()
    assert a.sent == []  # due at 1010.25, not 1010.1
    clock.now = 1010.25
    beat.run_once()
    assert a.sent == [packet.PING]
