"""facilitator/hub_timers.py: the event loop sleeps until its next live timer.

eventlet's hub used to wake up for every cancelled timer when its time came. A phone's ping
cycle leaves one behind (Engine.IO's writer waits for its next packet with a timeout), so an
idle server woke up dozens of times a second for nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from eventlet.hubs import epolls
from eventlet.hubs.timer import Timer

from facilitator.hub_timers import sleep_until

ROOT = Path(__file__).resolve().parents[2]


def _timers(hub, timers: list[tuple[float, bool]]) -> None:
    """Timers in ``hub``'s heap (as after a turn of its loop), then the ones marked cancelled."""
    made = [(Timer(seconds, lambda: None), cancelled) for seconds, cancelled in timers]
    for timer, _ in made:
        hub.add_timer(timer)
    hub.prepare_timers()
    for timer, cancelled in made:
        if cancelled:
            timer.called = True  # what Timer.cancel does, on this hub rather than the global one
            hub.timer_canceled(timer)


def test_the_next_wakeup_is_the_next_live_timer():
    hub = epolls.Hub()
    _timers(hub, [(0.01 * (i + 1), True) for i in range(5)] + [(30, False), (60, True)])
    assert hub.timers_canceled == 6
    assert hub.sleep_until() < hub.clock() + 0.1  # eventlet's own: the first cancelled one
    when = sleep_until(hub)
    assert hub.clock() + 29 < when <= hub.clock() + 30
    assert len(hub.timers) == 2 and hub.timers_canceled == 1  # the cancelled ones before it are gone
    assert not hub.timers[0][1].called


def test_no_timer_at_all_once_every_one_is_cancelled():
    hub = epolls.Hub()
    _timers(hub, [(1, True)])
    assert sleep_until(hub) is None and hub.timers == [] and hub.timers_canceled == 0


SCRIPT = r"""
import json, sys
import eventlet
from eventlet.hubs import get_hub
if sys.argv[1] == "patched":
    from facilitator.hub_timers import install
    install()
hub = get_hub()
fired = []
# 200 cancelled timers due over the next 0.4 s, as Engine.IO's writers leave them (a wait with
# a timeout that something else ended), and live timers among them that must fire in order.
timers = [hub.schedule_call_global(0.1 + 0.002 * i, fired.append, "cancelled") for i in range(200)]
eventlet.sleep(0)  # a turn of the loop puts them in its heap
for timer in timers:
    timer.cancel()
for delay in (0.15, 0.3, 0.05):
    hub.schedule_call_global(delay, fired.append, delay)
wakeups = 0
wait = hub.wait
def counting(seconds=None):
    global wakeups
    wakeups += 1
    return wait(seconds)
hub.wait = counting
eventlet.sleep(0.6)
print(json.dumps({"wakeups": wakeups, "fired": fired}))
"""


def test_a_loop_with_cancelled_timers_wakes_only_for_live_ones():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "patched"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    result = json.loads(done.stdout)
    assert result["fired"] == [0.05, 0.15, 0.3]  # live timers fire, in their order
    # three live timers and the sleep's own: not one wakeup per cancelled timer (about 200 unpatched)
    assert result["wakeups"] <= 6, result
