"""Grouping a board by hand: create, rename, merge, split and remove groups, move ideas.

Every decision taken here is the facilitator's: moved ideas become
``placement="facilitator"`` and named groups ``label_source="facilitator"``,
which automatic regrouping never overrides.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from .. import events
from ..errors import CommandError
from ..extensions import db
from ..models import Group, Idea, iso, utcnow
from ..state import group_dict, idea_dict
from .base import FACILITATOR, Actor, check_scope, field, idea_id, idea_in, require_board_unfrozen, staff_table
from .registry import command

LABEL_MAX = 80


def _label(payload: dict) -> str:
    label = " ".join(field(payload, "label", str).split())
    if not label:
        raise CommandError("empty_label")
    if len(label) > LABEL_MAX:
        raise CommandError("label_too_long", limit=LABEL_MAX)
    return label


def _group(actor: Actor, ident: str) -> Group:
    group = db.session.get(Group, ident)
    if group is None or group.workshop_id != actor.workshop_id or not group.active:
        raise CommandError("not_found", status=404, what="group")
    check_scope(actor, group.table_id)
    return group


def _group_id(payload: dict, name: str = "id") -> str:
    return idea_id({"id": field(payload, name, str)})


def next_position(table_id: int) -> int:
    top = db.session.execute(select(func.max(Group.position)).where(Group.table_id == table_id)).scalar()
    return 0 if top is None else top + 1


def _place(idea: Idea, group: Group | None) -> None:
    """The facilitator's placement of an idea (an example for the engine).

    ``updated_at`` is left alone: it dates the text, which placing does not change.
    """
    idea.group_id = group.id if group else None
    idea.placement = "facilitator"
    idea.confidence = None
    idea.suggestions = []


def _ideas_of(group: Group) -> list[Idea]:
    return list(
        db.session.execute(
            select(Idea)
            .where(Idea.group_id == group.id, Idea.state != Idea.WITHDRAWN)
            .order_by(Idea.created_at, Idea.id)
        ).scalars()
    )


def _idea_ids_of(group: Group) -> list[str]:
    """Ids only: a group can hold hundreds of ideas, no need to load them as objects."""
    return list(
        db.session.execute(
            select(Idea.id)
            .where(Idea.group_id == group.id, Idea.state != Idea.WITHDRAWN)
            .order_by(Idea.created_at, Idea.id)
        ).scalars()
    )


def _set_placement(ids: list[str], group_id: str | None, placement: str | None) -> None:
    """Place many ideas in one UPDATE."""
    if ids:
        db.session.execute(
            update(Idea)
            .where(Idea.id.in_(ids))
            .values(group_id=group_id, placement=placement, confidence=None, suggestions=[]),
            execution_options={"synchronize_session": "fetch"},
        )


def _new_group(actor: Actor, ident: str, table_id: int, label: str) -> Group:
    group = Group(
        id=ident,
        workshop_id=actor.workshop_id,
        table_id=table_id,
        label=label,
        label_source=Group.FACILITATOR,
        position=next_position(table_id),
        created_at=utcnow(),
    )
    db.session.add(group)
    return group


@command(roles=(FACILITATOR,), payload={"id": "group", "table_id": "table", "label": "text"}, emits=("group_created",))
def do_create_group(actor: Actor, payload: dict) -> dict:
    """A new, empty, facilitator-named group on a table; idempotent by client id."""
    ident = _group_id(payload)
    table = staff_table(actor, field(payload, "table_id", int))
    label = _label(payload)
    existing = db.session.get(Group, ident)
    if existing is not None:
        if existing.workshop_id != actor.workshop_id or existing.table_id != table.id:
            raise CommandError("id_conflict", status=409)
        return {"group": group_dict(existing)}
    require_board_unfrozen(table.id)
    group = _new_group(actor, ident, table.id, label)
    events.publish(actor.workshop_id, "group_created", {"group": group_dict(group)})
    return {"group": group_dict(group)}


@command(roles=(FACILITATOR,), payload={"id": "group", "label": "text"}, emits=("group_renamed",))
def do_rename_group(actor: Actor, payload: dict) -> dict:
    """Give a group the facilitator's name (automation never renames it again)."""
    group = _group(actor, _group_id(payload))
    label = _label(payload)
    if label != group.label or group.label_source != Group.FACILITATOR:
        group.label = label
        group.label_source = Group.FACILITATOR
        events.publish(actor.workshop_id, "group_renamed", {"group": group_dict(group)})
    return {"group": group_dict(group)}


@command(roles=(FACILITATOR,), payload={"id": "idea", "group_id": "group|null"}, emits=("idea_moved",))
def do_move_idea(actor: Actor, payload: dict) -> dict:
    """Put an idea in a group of its table, or back in "À classer" (group_id null)."""
    idea = idea_in(actor, idea_id(payload))
    if "group_id" not in payload:
        raise CommandError("invalid_payload", detail="'group_id' missing")
    group = None
    if payload["group_id"] is not None:
        group = _group(actor, _group_id(payload, "group_id"))
        if group.table_id != idea.table_id:
            raise CommandError("other_table", status=409)
    if idea.group_id != (group.id if group else None) or idea.placement != "facilitator":
        require_board_unfrozen(idea.table_id)  # (a retried move that already landed is still acked)
        _place(idea, group)
        events.publish(actor.workshop_id, "idea_moved", _moved(idea))
    return {"idea": idea_dict(idea)}


def _moved(idea: Idea) -> dict:
    return {
        "id": idea.id,
        "table_id": idea.table_id,
        "group_id": idea.group_id,
        "placement": idea.placement,
        "confidence": idea.confidence,
        "suggestions": list(idea.suggestions or []),
    }


@command(roles=(FACILITATOR,), payload={"id": "group", "into": "group"}, emits=("groups_merged",))
def do_merge_groups(actor: Actor, payload: dict) -> dict:
    """Move every idea of a group into another group of the same table; the first goes inactive."""
    group = _group(actor, _group_id(payload))
    into = _group(actor, _group_id(payload, "into"))
    if group.id == into.id:
        raise CommandError("invalid_payload", detail="'into' must be another group")
    if group.table_id != into.table_id:
        raise CommandError("other_table", status=409)
    require_board_unfrozen(group.table_id)
    moved = _idea_ids_of(group)
    _set_placement(moved, into.id, "facilitator")
    group.active = False
    events.publish(
        actor.workshop_id,
        "groups_merged",
        {"id": group.id, "into": group_dict(into), "table_id": into.table_id, "idea_ids": moved},
    )
    return {"group": group_dict(into)}


@command(
    roles=(FACILITATOR,),
    payload={"id": "group", "new_id": "group", "label": "text", "idea_ids": "list"},
    emits=("group_split",),
)
def do_split_group(actor: Actor, payload: dict) -> dict:
    """Take some ideas out of a group into a new group on the same table."""
    group = _group(actor, _group_id(payload))
    require_board_unfrozen(group.table_id)
    new_id = _group_id(payload, "new_id")
    label = _label(payload)
    wanted = field(payload, "idea_ids", list)
    if not wanted or len(wanted) > 1000:
        raise CommandError("invalid_payload", detail="'idea_ids' must list 1 to 1000 ideas")
    ids = {idea_id({"id": ident}) if isinstance(ident, str) else None for ident in wanted}
    members = {i.id: i for i in _ideas_of(group)}
    if None in ids or not ids <= set(members):
        raise CommandError("not_found", status=404, what="idea")
    if db.session.get(Group, new_id) is not None:
        raise CommandError("id_conflict", status=409)
    new = _new_group(actor, new_id, group.table_id, label)
    for ident in sorted(ids):
        _place(members[ident], new)
    events.publish(
        actor.workshop_id, "group_split", {"group": group_dict(new), "from": group.id, "idea_ids": sorted(ids)}
    )
    return {"group": group_dict(new)}


@command(roles=(FACILITATOR,), payload={"id": "group"}, emits=("group_removed",))
def do_remove_group(actor: Actor, payload: dict) -> dict:
    """Send a group's ideas back to "À classer" and make the group inactive.

    The ideas return to the pool unplaced (``placement`` None): removing a
    group is no decision about where its ideas belong, so "Regrouper" may
    place them again.
    """
    group = _group(actor, _group_id(payload))
    require_board_unfrozen(group.table_id)
    moved = _idea_ids_of(group)
    _set_placement(moved, None, None)
    group.active = False
    events.publish(actor.workshop_id, "group_removed", {"id": group.id, "table_id": group.table_id, "idea_ids": moved})
    return {}


@command(roles=(FACILITATOR,), payload={"id": "idea", "pinned": "bool"}, emits=("idea_pinned",))
def do_pin_idea(actor: Actor, payload: dict) -> dict:
    """Keep an idea at the top of its group (or of "À classer") on every screen, or let it go back.

    Presentation only: the board may be frozen (voting), the idea stays where
    it is grouped. Pinning a pinned idea (or unpinning one that is not) logs
    nothing.
    """
    idea = idea_in(actor, idea_id(payload))
    pinned = payload["pinned"]
    if (idea.pinned_at is not None) != pinned:
        idea.pinned_at = utcnow() if pinned else None
        events.publish(
            actor.workshop_id,
            "idea_pinned",
            {"id": idea.id, "table_id": idea.table_id, "pinned_at": iso(idea.pinned_at)},
            events.TABLE,
            idea.table_id,
        )
    return {"idea": idea_dict(idea)}


@command(roles=(FACILITATOR,), payload={"id": "group", "idea_ids": "list"}, emits=("group_restored",))
def do_restore_group(actor: Actor, payload: dict) -> dict:
    """Undo a merge or a removal: the group comes back (same id, label and place) with these ideas.

    ``idea_ids`` are the ideas the group held before (the console knows them);
    those still on the group's table, visible or hidden, go back into it as the
    facilitator's placement. Ideas withdrawn or merged meanwhile stay where they are.
    """
    ident = _group_id(payload)
    group = db.session.get(Group, ident)
    if group is None or group.workshop_id != actor.workshop_id:
        raise CommandError("not_found", status=404, what="group")
    check_scope(actor, group.table_id)
    wanted = field(payload, "idea_ids", list)
    if len(wanted) > 1000:
        raise CommandError("invalid_payload", detail="'idea_ids' must list at most 1000 ideas")
    ids = {idea_id({"id": ident}) if isinstance(ident, str) else None for ident in wanted}
    if None in ids:
        raise CommandError("invalid_payload", detail="'idea_ids' must be idea ids")
    back = (
        sorted(
            db.session.execute(
                select(Idea.id).where(
                    Idea.id.in_(ids),
                    Idea.table_id == group.table_id,
                    Idea.state.in_((Idea.VISIBLE, Idea.HIDDEN)),
                    (Idea.group_id != group.id) | Idea.group_id.is_(None) | (Idea.placement != "facilitator"),
                )
            ).scalars()
        )
        if ids
        else []
    )
    if group.active and not back:
        return {"group": group_dict(group)}  # a retried undo that already landed
    require_board_unfrozen(group.table_id)
    group.active = True
    _set_placement(back, group.id, "facilitator")
    events.publish(
        actor.workshop_id, "group_restored", {"group": group_dict(group), "table_id": group.table_id, "idea_ids": back}
    )
    return {"group": group_dict(group)}
