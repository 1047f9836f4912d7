"""Facilitator controls of the room: posting per table, joining, what the projector shows."""

from __future__ import annotations

from .. import events
from ..errors import CommandError
from .base import FACILITATOR, Actor, field, staff_table, table_in, workshop_of
from .registry import command


@command(roles=(FACILITATOR,), payload={"table_id": "table", "open": "bool"}, emits=("posting_changed",))
def do_set_posting(actor: Actor, payload: dict) -> dict:
    """Open or close posting on one table."""
    table = staff_table(actor, field(payload, "table_id", int))
    is_open = field(payload, "open", bool)
    if table.posting_open != is_open:
        table.posting_open = is_open
        events.publish(
            actor.workshop_id, "posting_changed", {"table_id": table.id, "open": is_open}, events.TABLE, table.id
        )
    return {}


@command(roles=(FACILITATOR,), payload={"open": "bool"}, emits=("joining_changed",), lead=True)
def do_set_joining(actor: Actor, payload: dict) -> dict:
    """Open or close joining for the whole workshop."""
    is_open = field(payload, "open", bool)
    workshop = workshop_of(actor)
    if workshop.joining_open != is_open:
        workshop.joining_open = is_open
        events.publish(actor.workshop_id, "joining_changed", {"open": is_open}, events.ALL)
    return {}


@command(roles=(FACILITATOR,), payload={"view": "view"}, emits=("projector_view_changed",), lead=True)
def do_set_projector_view(actor: Actor, payload: dict) -> dict:
    """Show every table side by side ("all") or one table on the projector."""
    view = payload.get("view") if isinstance(payload, dict) else None
    if view != "all":
        view = table_in(actor.workshop_id, field(payload, "view", int)).id
    workshop = workshop_of(actor)
    if workshop.projector_view != str(view):
        workshop.projector_view = str(view)
        events.publish(actor.workshop_id, "projector_view_changed", {"view": view})
    return {}


STEPS = {"next": 1, "previous": -1}


@command(
    roles=(FACILITATOR,), payload={"paused": "bool?", "step": "word?"}, emits=("projector_rotation_changed",), lead=True
)
def do_set_projector_rotation(actor: Actor, payload: dict) -> dict:
    """Hold or release the projector's rotation of pages, or turn it one page back or forward.

    ``paused`` is kept (a projector that reloads stays on hold); ``step`` ("next" or "previous")
    is a one-off nudge that every projector applies when the event reaches it.
    """
    paused = field(payload, "paused", bool, required=False)
    direction = field(payload, "step", str, required=False)
    if paused is None and direction is None:
        raise CommandError("invalid_payload", detail="'paused' or 'step' required")
    if direction is not None and direction not in STEPS:
        raise CommandError("invalid_payload", detail="'step' must be 'next' or 'previous'")
    step = STEPS.get(direction, 0)
    workshop = workshop_of(actor)
    if paused is not None and paused != workshop.projector_paused or step:
        if paused is not None:
            workshop.projector_paused = paused
        events.publish(
            actor.workshop_id, "projector_rotation_changed", {"paused": workshop.projector_paused, "step": step}
        )
    return {"paused": workshop.projector_paused}
