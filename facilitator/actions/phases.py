"""The agenda drives the room: the lead facilitator moves between phases and runs their timer.

The workshop definition's agenda (``definition["agenda"]``) lists the phases in
order. ``set_phase`` enters one (start, next, previous or any other: the
client sends the key it wants, so a retried command lands on the same phase
instead of skipping one); ``pause_timer``, ``resume_timer`` and
``extend_timer`` act on the current phase's countdown.

The timer is stored as absolute server times (docs/morning.md, "Agenda and
timers"): while it runs ``phase_ends_at`` is set; while paused
``phase_remaining_s`` holds what is left. Nothing ticks on the server, so a
restarted server simply carries on from the database, and every screen
computes the same countdown from ``ends_at`` and its estimate of the server's
clock (the ``time`` command).

Phase gating: entering a phase sets which commands are open on every table:
posting in ``round_tables`` phases only, voting in ``voting`` phases only.
Facilitators can still override one table afterwards (``set_posting``,
``set_voting``). Leaving the agenda (``key: null``) closes voting and leaves
posting as it was.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from .. import events, voting
from ..errors import CommandError
from ..models import Workshop, utcnow
from ..state import agenda_list, phase_dict
from .base import FACILITATOR, Actor, field, workshop_of
from .registry import command

ROUND_TABLES, VOTING = "round_tables", "voting"
# extend_timer adds 1 to this many minutes at once (the console offers +1 and +5).
MAX_EXTEND_MINUTES = 60


def now_ms() -> datetime:
    """Server time (naive UTC) truncated to the millisecond, the precision clients receive."""
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def phase_of(workshop: Workshop, key: str | None) -> dict | None:
    """The agenda entry with this key, or None."""
    if key is None:
        return None
    return next((phase for phase in agenda_list(workshop) if phase["key"] == key), None)


@command(
    roles=(FACILITATOR,),
    payload={"key": "word|null", "restart": "bool?"},
    emits=("phase_changed", "posting_changed", "voting_changed"),
    lead=True,
)
def do_set_phase(actor: Actor, payload: dict) -> dict:
    """Enter an agenda phase (its timer starts at the phase's duration), or leave the agenda (key null).

    Entering the current phase again changes nothing unless ``restart`` is true
    (then its timer starts over and its gating applies again).
    """
    if "key" not in payload:
        raise CommandError("invalid_payload", detail="'key' missing")
    key = None if payload["key"] is None else field(payload, "key", str)
    restart = bool(field(payload, "restart", bool, required=False))
    workshop = workshop_of(actor)
    phase = phase_of(workshop, key)
    if key is not None and phase is None:
        raise CommandError("not_found", status=404, what="phase")
    if key == workshop.phase_key and not restart:
        return {"phase": phase_dict(workshop)}

    now = now_ms()
    workshop.phase_key = key
    workshop.phase_started_at = now if phase else None
    workshop.phase_ends_at = now + timedelta(minutes=phase["minutes"]) if phase else None
    workshop.phase_remaining_s = None
    events.publish(actor.workshop_id, "phase_changed", {"phase": phase_dict(workshop)}, events.ALL)
    apply_gating(workshop, phase["kind"] if phase else None)
    return {"phase": phase_dict(workshop)}


def apply_gating(workshop: Workshop, kind: str | None) -> None:
    """Open or close posting and voting on every table for a phase of this kind (None: no phase)."""
    posting = kind == ROUND_TABLES if kind is not None else None
    for table in workshop.tables:
        if posting is not None and table.posting_open != posting:
            table.posting_open = posting
            events.publish(
                workshop.id, "posting_changed", {"table_id": table.id, "open": posting}, events.TABLE, table.id
            )
        voting.set_table_voting(workshop.id, table, kind == VOTING)


def _current(actor: Actor) -> Workshop:
    workshop = workshop_of(actor)
    if workshop.phase_key is None:
        raise CommandError("no_phase", status=409)
    return workshop


def _timer_changed(workshop: Workshop) -> dict:
    data = {"phase": phase_dict(workshop)}
    events.publish(workshop.id, "timer_changed", data, events.ALL)
    return data


@command(roles=(FACILITATOR,), emits=("timer_changed",), lead=True)
def do_pause_timer(actor: Actor, payload: dict) -> dict:
    """Stop the countdown where it is (a paused timer stays paused: nothing logged)."""
    workshop = _current(actor)
    if workshop.phase_ends_at is None:
        return {"phase": phase_dict(workshop)}
    left = (workshop.phase_ends_at - now_ms()).total_seconds()
    # Rounded up, as screens show it: a paused "04:58" stays "04:58".
    workshop.phase_remaining_s = max(0, math.ceil(left))
    workshop.phase_ends_at = None
    return _timer_changed(workshop)


@command(roles=(FACILITATOR,), emits=("timer_changed",), lead=True)
def do_resume_timer(actor: Actor, payload: dict) -> dict:
    """Start the countdown again from what was left (a running timer: nothing logged)."""
    workshop = _current(actor)
    if workshop.phase_ends_at is not None:
        return {"phase": phase_dict(workshop)}
    workshop.phase_ends_at = now_ms() + timedelta(seconds=workshop.phase_remaining_s or 0)
    workshop.phase_remaining_s = None
    return _timer_changed(workshop)


@command(roles=(FACILITATOR,), payload={"minutes": "small"}, emits=("timer_changed",), lead=True)
def do_extend_timer(actor: Actor, payload: dict) -> dict:
    """Add ``minutes`` (1-60) to the current phase's timer, running or paused.

    A running timer that already reached zero restarts from now: "+1" after
    time is up gives one more minute.
    """
    workshop = _current(actor)
    minutes = field(payload, "minutes", int)
    if not 1 <= minutes <= MAX_EXTEND_MINUTES:
        raise CommandError("invalid_payload", detail=f"'minutes' must be between 1 and {MAX_EXTEND_MINUTES}")
    if workshop.phase_ends_at is not None:
        workshop.phase_ends_at = max(workshop.phase_ends_at, now_ms()) + timedelta(minutes=minutes)
    else:
        workshop.phase_remaining_s = (workshop.phase_remaining_s or 0) + minutes * 60
    return _timer_changed(workshop)
