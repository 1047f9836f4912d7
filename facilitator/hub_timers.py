"""The event loop sleeps until its next live timer, not until a cancelled one.

eventlet's hub keeps a cancelled timer in its heap until the timer's time comes, and sleeps
only until the earliest timer of the heap, cancelled or not (``BaseHub.sleep_until``). So it
wakes up for every cancelled timer, finds nothing to do, and sleeps again. It purges them only
when it holds more than 1,000 timers and half of them are cancelled.

A server with phones connected cancels timers all the time: every wait with a timeout leaves
one behind when what it waits for comes first. Engine.IO's writer task waits for the socket's
next packet for ``ping_interval + ping_timeout`` (20 s); events go out directly
(direct_send.py), so what ends that wait is the ping, 10 s later, and the cancelled timer is
due 10 s after that: one per phone per ping cycle. Pings go out on a 0.25 s grid
(heartbeat.py), so those timers fall due in bunches, and the loop woke up a few times per
bunch whatever the number of phones: a process of two, with 500 phones, woke up nearly as
often for them as a single process with 1,000, and the second process doubled that cost
(strace over 10 s, 1,000 idle phones, 2026-12-05: 438 and 451 wakeups for the two processes,
226 of the first's for timers with nothing to run; 268 for the single process; with this
module, 204 and 222). 1,000 phones connected and 10 ideas in 40 s, two runs each
(bench/realtime.py --server-cpus 0): one process 0.82 / 0.88 CPU-s before, 0.67 / 0.75 after;
two processes 1.16 / 1.13 before, 0.93 / 1.01 after.

``install`` makes ``sleep_until`` drop cancelled timers from the top of the heap before it
reads the next wakeup time: what ``fire_timers`` would have done on the spurious wakeup, done
before sleeping instead. Each is popped once, as before; nothing is fired later or sooner.
Installed by ``serve`` under eventlet; tests: tests/unit/test_hub_timers.py.
"""

from __future__ import annotations

import heapq


def sleep_until(hub):
    """When the next timer that will run is due (None: no timer), cancelled ones dropped."""
    timers = hub.timers
    while timers and timers[0][1].called:
        heapq.heappop(timers)
        hub.timers_canceled -= 1  # as fire_timers counts a cancelled timer it pops
    return timers[0][0] if timers else None


def install() -> None:
    """Patch eventlet's hub once per process."""
    from eventlet.hubs import hub

    if getattr(hub.BaseHub.sleep_until, "facilitator_live_timers", False):
        return
    sleep_until.facilitator_live_timers = True
    hub.BaseHub.sleep_until = sleep_until
