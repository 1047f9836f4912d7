"""The engine's proposals, decided by the facilitator: regroup a board, merge or keep duplicates."""

from __future__ import annotations

import logging

from sqlalchemy import or_, select, update

from .. import events, grouping
from ..clustering.embed import EmbeddingServiceError
from ..engine_pool import WorkerGone
from ..errors import CommandError
from ..extensions import db
from ..models import Group, Idea, utcnow
from ..state import group_dict, idea_dict
from .base import FACILITATOR, Actor, check_scope, field, idea_id, idea_in, require_board_unfrozen, staff_table
from .groups import LABEL_MAX, _label, next_position
from .registry import command

log = logging.getLogger(__name__)


MAX_PROPOSAL_GROUPS = 50
MAX_PROPOSAL_IDEAS = 1000


@command(roles=(FACILITATOR,), payload={"table_id": "table"})
def do_regroup(actor: Actor, payload: dict) -> dict:
    """ "Regrouper": the engine's proposal for a board's unsorted ideas, for this console only.

    Nothing is written and no event is published: the facilitator reviews the proposal, then
    accepts all or part of it (``accept_proposal``) or discards it.
    """
    table = staff_table(actor, field(payload, "table_id", int))
    require_board_unfrozen(table.id)
    board = grouping.load_board(table.id)
    try:
        plan = grouping.plan_regroup(board)  # seconds at most, off the loop
    except (EmbeddingServiceError, WorkerGone, TimeoutError) as exc:
        # A configured remote model is down, or the engine worker died or hung: nothing proposed, say so.
        log.warning("regroup of table %s refused: %s", table.id, exc)
        raise CommandError("grouping_unavailable", status=503) from exc
    ids = board.id_of
    members: dict[str, list[str]] = {}
    for ident, _text, _group, _placement in board.ideas:  # board order: the ideas' arrival order
        if ident in plan.moves:
            members.setdefault(plan.moves[ident], []).append(ident)
    labels = {
        group.id: group.label
        for group in db.session.execute(
            select(Group).where(Group.table_id == table.id, Group.active.is_(True))
        ).scalars()
    }
    groups = [
        {"group_id": ids[name], "label": labels.get(ids[name], name), "idea_ids": members[name]}
        for name in ids
        if name in members
    ]  # existing groups first, in board order
    groups += [
        {"group_id": None, "label": name[:LABEL_MAX], "idea_ids": members[name]}
        for name in plan.new_groups
        if name in members
    ]
    return {
        "proposal": {"table_id": table.id, "groups": groups},
        "groups": sum(1 for g in groups if g["group_id"] is None),
        "moved": sum(len(g["idea_ids"]) for g in groups),
    }


def _proposed_groups(payload: dict) -> list[dict]:
    """The groups of an ``accept_proposal`` payload, checked for shape (not yet against the data)."""
    raw = field(payload, "groups", list)
    if not raw or len(raw) > MAX_PROPOSAL_GROUPS:
        raise CommandError("invalid_payload", detail=f"'groups' must hold 1 to {MAX_PROPOSAL_GROUPS} groups")
    out, seen = [], set()
    for item in raw:
        if not isinstance(item, dict):
            raise CommandError("invalid_payload", detail="each group must be an object")
        existing = item.get("group_id")
        if existing is not None:
            entry = {"group_id": idea_id({"id": field(item, "group_id", str)}), "new": False}
        else:
            entry = {
                "group_id": idea_id(item),
                "new": True,
                "label": _label(item),
                "renamed": bool(field(item, "renamed", bool, required=False)),
            }
        idea_ids = field(item, "idea_ids", list)
        if not idea_ids or not all(isinstance(i, str) for i in idea_ids):
            raise CommandError("invalid_payload", detail="'idea_ids' must be a non-empty list of ids")
        entry["idea_ids"] = [idea_id({"id": i}) for i in idea_ids]
        for ident in entry["idea_ids"]:
            if ident in seen:
                raise CommandError("invalid_payload", detail="an idea is proposed twice")
            seen.add(ident)
        if len(seen) > MAX_PROPOSAL_IDEAS:
            raise CommandError("invalid_payload", detail=f"at most {MAX_PROPOSAL_IDEAS} ideas")
        out.append(entry)
    return out


@command(roles=(FACILITATOR,), payload={"table_id": "table", "groups": "list"}, emits=("board_regrouped",))
def do_accept_proposal(actor: Actor, payload: dict) -> dict:
    """Apply all or part of a "Regrouper" proposal: the room sees the groups from now on.

    Each idea must still be as the engine saw it: visible, unsorted, not placed by a
    facilitator. Ideas that changed meanwhile (moved, withdrawn, merged) are skipped: the
    facilitator's later decision wins. A new group carries a client-made id, so a retry after
    a lost ack creates nothing twice; it is created only when it receives an idea.
    """
    table = staff_table(actor, field(payload, "table_id", int))
    proposed = _proposed_groups(payload)
    require_board_unfrozen(table.id)
    all_ids = [ident for entry in proposed for ident in entry["idea_ids"]]
    ideas = {idea.id: idea for idea in db.session.execute(select(Idea).where(Idea.id.in_(all_ids))).scalars()}
    for ident in all_ids:
        idea = ideas.get(ident)
        if idea is None or idea.workshop_id != actor.workshop_id:
            raise CommandError("not_found", status=404, what="idea")
        if idea.table_id != table.id:
            raise CommandError("other_table", status=409)
    created, by_group, skipped = [], {}, []
    position = next_position(table.id)
    for entry in proposed:
        group = db.session.get(Group, entry["group_id"])
        if (
            entry["new"]
            and group is not None
            and (group.workshop_id != actor.workshop_id or group.table_id != table.id)
        ):
            raise CommandError("id_conflict", status=409)
        if not entry["new"] and (
            group is None or group.workshop_id != actor.workshop_id or group.table_id != table.id or not group.active
        ):
            raise CommandError("not_found", status=404, what="group")
        fresh = [
            i
            for i in entry["idea_ids"]
            if ideas[i].state == Idea.VISIBLE
            and ideas[i].group_id is None
            and ideas[i].placement != grouping.FACILITATOR_PLACED
        ]
        skipped += [i for i in entry["idea_ids"] if i not in fresh]
        if not fresh:
            continue
        if group is None:  # a new group (a retry finds it made already)
            group = Group(
                id=entry["group_id"],
                workshop_id=actor.workshop_id,
                table_id=table.id,
                label=entry["label"],
                position=position,
                created_at=utcnow(),
                label_source=Group.FACILITATOR if entry["renamed"] else Group.AUTO,
            )
            position += 1
            db.session.add(group)
            created.append(group)
        elif not group.active:
            raise CommandError("not_found", status=404, what="group")
        by_group[group.id] = fresh
    db.session.flush()  # the new groups exist before ideas point at them
    moved: dict[str, set[str]] = {}
    for group_id, members in by_group.items():  # one UPDATE per group, not one per idea
        # Still unsorted and not the facilitator's at write time too (another console may accept at once).
        moved[group_id] = set(
            db.session.execute(
                update(Idea)
                .where(
                    Idea.id.in_(members),
                    Idea.group_id.is_(None),
                    Idea.state == Idea.VISIBLE,
                    or_(Idea.placement.is_(None), Idea.placement != grouping.FACILITATOR_PLACED),
                )
                .values(group_id=group_id, placement=grouping.AUTO_PLACED, confidence=None, suggestions=[])
                .returning(Idea.id),
                execution_options={"synchronize_session": False},
            ).scalars()
        )
    moves = [
        {"id": ident, "group_id": group_id, "placement": grouping.AUTO_PLACED, "confidence": None, "suggestions": []}
        for group_id, members in by_group.items()
        for ident in members
        if ident in moved[group_id]
    ]
    skipped += [ident for group_id, members in by_group.items() for ident in members if ident not in moved[group_id]]
    if moves:
        events.publish(
            actor.workshop_id,
            "board_regrouped",
            {"table_id": table.id, "groups": [group_dict(g) for g in created], "moves": moves},
        )
    return {"groups": [group_dict(g) for g in created], "moved": len(moves), "skipped": skipped}


def _visible(actor: Actor, ident: str) -> Idea:
    idea = idea_in(actor, ident)
    if idea.state != Idea.VISIBLE:
        raise CommandError("not_found", status=404, what="idea")
    return idea


@command(roles=(FACILITATOR,), payload={"id": "idea", "into": "idea"}, emits=("idea_merged",))
def do_merge_ideas(actor: Actor, payload: dict) -> dict:
    """Fold a duplicate into another idea of the same table; its author stays credited there."""
    idea = _visible(actor, idea_id(payload))
    into = _visible(actor, idea_id({"id": field(payload, "into", str)}))
    if idea.id == into.id:
        raise CommandError("invalid_payload", detail="'into' must be another idea")
    if idea.table_id != into.table_id:
        raise CommandError("other_table", status=409)
    require_board_unfrozen(idea.table_id)
    for earlier in db.session.execute(select(Idea).where(Idea.merged_into == idea.id)).scalars():
        earlier.merged_into = into.id  # ideas merged into this one follow it
    if into.group_id is None and idea.group_id is not None:
        # The merge lands in the kept idea's group; when that one is still unsorted, in the
        # duplicate's (an engine placement of the repeat must not be lost with it).
        into.group_id, into.placement = idea.group_id, idea.placement
        into.confidence, into.suggestions = idea.confidence, list(idea.suggestions or [])
    idea.state = Idea.MERGED
    idea.merged_into = into.id
    idea.duplicate_of = None
    if into.duplicate_of == idea.id:
        into.duplicate_of = None
    # Other ideas proposed as repeats of the merged idea now repeat the kept one.
    repointed = []
    for other in db.session.execute(select(Idea).where(Idea.duplicate_of == idea.id)).scalars():
        other.duplicate_of = into.id
        repointed.append(other.id)
    db.session.flush()
    data = idea_dict(into)
    events.publish(
        actor.workshop_id,
        "idea_merged",
        {"id": idea.id, "table_id": idea.table_id, "into": data, "repointed": repointed},
        events.TABLE,
        idea.table_id,
    )
    return {"idea": data}


@command(roles=(FACILITATOR,), payload={"id": "idea"}, emits=("duplicate_dismissed",))
def do_dismiss_duplicate(actor: Actor, payload: dict) -> dict:
    """Keep both ideas: forget the engine's "same idea" proposal."""
    idea = _visible(actor, idea_id(payload))
    if idea.duplicate_of is not None:
        idea.duplicate_of = None
        events.publish(actor.workshop_id, "duplicate_dismissed", {"id": idea.id, "table_id": idea.table_id})
    return {}


@command(roles=(FACILITATOR,), payload={"id": "idea"}, emits=("idea_unmerged",))
def do_unmerge_idea(actor: Actor, payload: dict) -> dict:
    """Undo ``merge_ideas``: the merged idea comes back, visible, in the group it was in (if still there).

    It is proposed again as a repeat of the idea it was merged into (``duplicate_of``), as
    before the merge, so "Garder les deux" stays possible. What the merge moved on
    stays where it is: dots on the merged idea keep counting for the kept one, and
    ideas merged into it earlier stay with the kept one (docs/protocol.md).
    An idea that is not merged (a retried undo that already landed) answers ok.
    """
    ident = idea_id(payload)
    idea = db.session.get(Idea, ident)
    if idea is None or idea.workshop_id != actor.workshop_id or idea.state == Idea.WITHDRAWN:
        raise CommandError("not_found", status=404, what="idea")
    check_scope(actor, idea.table_id)
    if idea.state != Idea.MERGED:
        return {"idea": idea_dict(idea)}
    require_board_unfrozen(idea.table_id)
    into = db.session.get(Idea, idea.merged_into) if idea.merged_into else None
    idea.state = Idea.VISIBLE
    idea.merged_into = None
    idea.duplicate_of = into.id if into is not None and into.state == Idea.VISIBLE else None
    group = db.session.get(Group, idea.group_id) if idea.group_id else None
    if group is None or not group.active:
        idea.group_id, idea.placement = None, None
    db.session.flush()
    data = idea_dict(idea)
    events.publish(
        actor.workshop_id,
        "idea_unmerged",
        {"idea": data, "into": idea_dict(into) if into is not None else None, "table_id": idea.table_id},
        events.TABLE,
        idea.table_id,
    )
    return {"idea": data}


@command(roles=(FACILITATOR,), payload={"id": "idea", "of": "idea"}, emits=("duplicate_flagged",))
def do_flag_duplicate(actor: Actor, payload: dict) -> dict:
    """Undo ``dismiss_duplicate``: propose again that ``id`` repeats ``of`` (a visible idea of its table)."""
    idea = _visible(actor, idea_id(payload))
    of = _visible(actor, idea_id({"id": payload["of"]}))
    if of.id == idea.id:
        raise CommandError("invalid_payload", detail="'of' must be another idea")
    if of.table_id != idea.table_id:
        raise CommandError("other_table", status=409)
    if idea.duplicate_of != of.id:
        idea.duplicate_of = of.id
        events.publish(
            actor.workshop_id, "duplicate_flagged", {"id": idea.id, "table_id": idea.table_id, "duplicate_of": of.id}
        )
    return {}
