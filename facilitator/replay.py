"""What a reconnecting client missed, served from memory: one replay tail per stream.

After a restart, 2,000 phones call ``sync`` within seconds, most of them from the
same seq of the same table (they all had the last event when the server went
away). Reading those events from the database and decoding their JSON once per
phone was the largest part of the server's time in ``bench/storm.py``. So each
stream (a table's room, or the staff stream of a workshop: ``table_id`` None)
keeps the envelopes of its last events, read from the database once:

- a tail holds *every* event of its stream with ``lo < seq <= hi``, in order; a
  sync asking for ``(since, head]`` inside it is answered from memory; a later
  ``head`` extends it with one query for ``(hi, head]``; an earlier ``since``
  reads the database (and starts a new tail from there);
- a tail is trusted for ``TAIL_TTL_S`` seconds after its first read, then read
  again: logged events never change, except when a person's name is erased
  (``actions/gdpr.py``). This process forgets the workshop's tails then
  (``forget``); another process of a multi-process deployment serves the old
  copy for at most ``TAIL_TTL_S`` more seconds (the phones had those events live);
- a tail keeps at most ``MAX_EVENTS`` envelopes (the oldest go first).

The envelopes are shared between the answers (python-socketio only serialises
them); ``events.anonymous`` copies before it changes anything.

Docs: docs/protocol.md ("Reconnecting") and docs/architecture.md.
"""

from __future__ import annotations

import time
from bisect import bisect_right

from flask import current_app
from sqlalchemy import or_, select

from . import events
from .extensions import db
from .models import Event

TAIL_TTL_S = 5.0
MAX_EVENTS = 2000


class _Tail:
    __slots__ = ("lo", "hi", "seqs", "envelopes", "born")

    def __init__(self, lo: int, hi: int, envelopes: list[dict], born: float):
        self.lo, self.hi, self.envelopes, self.born = lo, hi, envelopes, born
        self.seqs = [e["seq"] for e in envelopes]

    def extend(self, hi: int, envelopes: list[dict]) -> None:
        self.envelopes.extend(envelopes)
        self.seqs.extend(e["seq"] for e in envelopes)
        self.hi = hi
        extra = len(self.seqs) - MAX_EVENTS
        if extra > 0:
            self.lo = self.seqs[extra - 1]
            del self.seqs[:extra], self.envelopes[:extra]

    def slice(self, since: int, head: int, limit: int) -> list[dict]:
        start = bisect_right(self.seqs, since)
        end = min(bisect_right(self.seqs, head), start + limit)
        return self.envelopes[start:end]


def _state() -> dict:
    """This app's tails and counters (one app per database: tests run several in one process)."""
    state = current_app.extensions.get("facilitator.replay")
    if state is None:
        state = current_app.extensions["facilitator.replay"] = {"tails": {}, "hits": 0, "reads": 0}
    return state


def stats() -> dict:
    """Answers from memory (``hits``) and database reads (``reads``) so far, for tests and the curious."""
    state = _state()
    return {"hits": state["hits"], "reads": state["reads"], "tails": len(state["tails"])}


def missed(workshop_id: int, table_id: int | None, since: int, head: int, limit: int) -> list[dict]:
    """The envelopes of the stream's events in ``(since, head]``, at most ``limit`` (the first ones).

    ``head`` is the stream's last seq as the caller read it (see ``events.events_since``).
    """
    if head <= since:
        return []
    state = _state()
    _tails = state["tails"]
    key = (workshop_id, table_id)
    now = time.monotonic()
    tail = _tails.get(key)
    if tail is not None and now - tail.born > TAIL_TTL_S:
        del _tails[key]
        tail = None
    if tail is None or since < tail.lo:
        found = _read(workshop_id, table_id, since, head, limit)
        if tail is None:
            # Complete up to head, or up to the last one read when the limit cut it.
            _tails[key] = _Tail(since, head if len(found) < limit else found[-1]["seq"], list(found), now)
        state["reads"] += 1
        return found
    if head > tail.hi:
        hi = tail.hi
        more = _read(workshop_id, table_id, hi, head, MAX_EVENTS)
        state["reads"] += 1
        # Another green thread may have extended (or replaced) it during the query: only a tail
        # that still ends where this read began is extended, so it never holds a hole.
        if _tails.get(key) is tail and tail.hi == hi:
            tail.extend(head if len(more) < MAX_EVENTS else more[-1]["seq"], more)
        else:
            return _merge(tail.slice(since, hi, limit), more, limit)
        if tail.hi < head:  # more than MAX_EVENTS new events: the database answers this one
            return _read(workshop_id, table_id, since, head, limit)
    else:
        state["hits"] += 1
    return tail.slice(since, head, limit)


def _merge(first: list[dict], more: list[dict], limit: int) -> list[dict]:
    return (first + more)[:limit]


def forget(workshop_id: int) -> None:
    """Drop this process's tails of a workshop (its logged events were rewritten)."""
    tails = _state()["tails"]
    for key in [k for k in tails if k[0] == workshop_id]:
        del tails[key]


def forget_erased(entry: events.Logged) -> None:
    """After a ``participant_erased`` commit: the names were scrubbed from the log (actions/gdpr.py)."""
    forget(entry.workshop_id)


def clear() -> None:
    """Drop every tail of this app."""
    _state()["tails"].clear()


def _read(workshop_id: int, table_id: int | None, since: int, head: int, limit: int) -> list[dict]:
    query = select(Event.seq, Event.type, Event.data, Event.table_prev).where(
        Event.workshop_id == workshop_id, Event.seq > since, Event.seq <= head
    )
    if table_id is not None:
        query = query.where(
            or_(Event.audience == events.ALL, (Event.audience == events.TABLE) & (Event.table_id == table_id))
        )
    rows = db.session.execute(query.order_by(Event.seq).limit(limit)).all()
    return [events.envelope(row, table_id) for row in rows]
