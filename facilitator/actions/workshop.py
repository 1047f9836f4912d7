"""Facilitator controls of the room: posting per table, joining, what the projector shows."""
from __future__ import annotations

from .. import events
from .base import FACILITATOR, Actor, field, require_lead, require_role, staff_table, table_in, workshop_of


def do_set_posting(actor: Actor, payload: dict) -> dict:
    """Open or close posting on one table."""
    require_role(actor, FACILITATOR)
    table = staff_table(actor, field(payload, "table_id", int))
    is_open = field(payload, "open", bool)
    if table.posting_open != is_open:
        table.posting_open = is_open
        events.publish(actor.workshop_id, "posting_changed",
                       {"table_id": table.id, "open": is_open}, events.TABLE, table.id)
    return {}


def do_set_joining(actor: Actor, payload: dict) -> dict:
    """Open or close joining for the whole workshop."""
    require_lead(actor)
    is_open = field(payload, "open", bool)
    workshop = workshop_of(actor)
    if workshop.joining_open != is_open:
        workshop.joining_open = is_open
        events.publish(actor.workshop_id, "joining_changed", {"open": is_open}, events.ALL)
    return {}


def do_set_projector_view(actor: Actor, payload: dict) -> dict:
    """Show every table side by side ("all") or one table on the projector."""
    require_lead(actor)
    view = payload.get("view") if isinstance(payload, dict) else None
    if view != "all":
        view = table_in(actor.workshop_id, field(payload, "view", int)).id
    workshop = workshop_of(actor)
    if workshop.projector_view != str(view):
        workshop.projector_view = str(view)
        events.publish(actor.workshop_id, "projector_view_changed", {"view": view})
    return {}
