"""Plenary restitution: walk the projector through the tables, and spotlight one idea or group.

``Workshop.restitution`` is ``{"table_id": <id>, "step": <0..2>}`` while the
walk-through runs (None otherwise); the steps of a table are ``STEPS``: its
theme, its groups with their idea counts, its top-voted items.
``Workshop.spotlight`` is ``{"kind": "idea" | "group", "id": <uuid>,
"table_id": <id>}`` while one item fills the projector (None otherwise).

Who may drive it (docs/protocol.md, "Plenary restitution"):
- the lead facilitator: everything (start, stop, any table, any item);
- a table facilitator: only while the restitution is on THEIR table ("their
  turn"): step through it, spotlight items of their table, clear the spotlight.
  Starting, stopping and handing over to another table stay with the lead.

Both commands set absolute values (a retried command changes nothing) and log
an event only when something changed. Moving the restitution to another table,
or stopping it, clears the spotlight: the item belonged to the previous turn.
"""

from __future__ import annotations

import uuid

from .. import events
from ..errors import CommandError
from ..extensions import db
from ..models import Group, Idea
from .base import FACILITATOR, Actor, check_scope, field, require_lead, table_in, workshop_of
from .registry import command

STEPS = ("theme", "groups", "votes")
KINDS = ("idea", "group")


@command(
    roles=(FACILITATOR,),
    payload={"table_id": "table|null", "step": "small?"},
    emits=("restitution_changed", "spotlight_changed"),
)
def do_set_restitution(actor: Actor, payload: dict) -> dict:
    """Start, move or stop the walk-through: ``{"table_id": <id> | null, "step": 0..2}``."""
    if "table_id" not in payload:
        raise CommandError("invalid_payload", detail="'table_id' missing")
    workshop = workshop_of(actor)
    current = workshop.restitution
    if payload["table_id"] is None:
        require_lead(actor)
        wanted = None
    else:
        table = table_in(actor.workshop_id, field(payload, "table_id", int))
        step = field(payload, "step", int, required=False) or 0
        if step >= len(STEPS):
            raise CommandError("invalid_payload", detail=f"'step' must be 0 to {len(STEPS) - 1}")
        if not actor.is_lead:
            check_scope(actor, table.id)
            _require_turn(actor, current)
        wanted = {"table_id": table.id, "step": step}
    if wanted != current:
        workshop.restitution = wanted
        events.publish(actor.workshop_id, "restitution_changed", {"restitution": wanted})
        if workshop.spotlight and (wanted is None or current is None or wanted["table_id"] != current["table_id"]):
            workshop.spotlight = None
            events.publish(actor.workshop_id, "spotlight_changed", {"spotlight": None})
    return {"restitution": wanted}


@command(roles=(FACILITATOR,), payload={"kind": "any", "id": "item?"}, emits=("spotlight_changed",))
def do_set_spotlight(actor: Actor, payload: dict) -> dict:
    """Fill the projector with one item, ``{"kind": "idea"|"group", "id": <uuid>}``, or clear it (``kind`` null)."""
    if "kind" not in payload:
        raise CommandError("invalid_payload", detail="'kind' missing")
    workshop = workshop_of(actor)
    kind = payload["kind"]
    if kind is None:
        wanted = None
    elif kind not in KINDS:
        raise CommandError("invalid_payload", detail='\'kind\' must be "idea", "group" or null')
    else:
        try:
            ident = str(uuid.UUID(field(payload, "id", str)))
        except ValueError:
            raise CommandError("invalid_id") from None
        table_id = _item_table(actor, kind, ident)
        check_scope(actor, table_id)
        wanted = {"kind": kind, "id": ident, "table_id": table_id}
    if not actor.is_lead:
        _require_turn(actor, workshop.restitution)
    if wanted != workshop.spotlight:
        workshop.spotlight = wanted
        events.publish(actor.workshop_id, "spotlight_changed", {"spotlight": wanted})
    return {"spotlight": wanted}


def _require_turn(actor: Actor, restitution: dict | None) -> None:
    """A table facilitator drives the projector only while the restitution is on their table."""
    if not restitution or restitution.get("table_id") != actor.table_id:
        raise CommandError("not_your_turn", status=403)


def _item_table(actor: Actor, kind: str, ident: str) -> int:
    """The table of a visible idea / active group of the actor's workshop."""
    if kind == "idea":
        idea = db.session.get(Idea, ident)
        if idea is None or idea.workshop_id != actor.workshop_id or idea.state in (Idea.WITHDRAWN, Idea.MERGED):
            raise CommandError("not_found", status=404, what="idea")
        if idea.state != Idea.VISIBLE:
            raise CommandError("spotlight_hidden")
        return idea.table_id
    group = db.session.get(Group, ident)
    if group is None or group.workshop_id != actor.workshop_id or not group.active:
        raise CommandError("not_found", status=404, what="group")
    return group.table_id
