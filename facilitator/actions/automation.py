"""The engine's proposals, decided by the facilitator: regroup a board, merge or keep duplicates."""
from __future__ import annotations

import logging
import uuid

from sqlalchemy import select, update

from .. import events, grouping
from ..clustering.embed import EmbeddingServiceError
from ..errors import CommandError
from ..extensions import db
from ..models import Group, Idea, utcnow
from ..state import group_dict, idea_dict
from .registry import command
from .base import (FACILITATOR, Actor, field, idea_id, idea_in, require_board_unfrozen, staff_table)
from .groups import LABEL_MAX, next_position

log = logging.getLogger(__name__)


@command(roles=(FACILITATOR,), payload={"table_id": "table"}, emits=("board_regrouped",))
def do_regroup(actor: Actor, payload: dict) -> dict:
    """"Regrouper": discover groups among a board's unsorted ideas; nothing a person placed moves."""
    table = staff_table(actor, field(payload, "table_id", int))
    require_board_unfrozen(table.id)
    before = grouping.load_board(table.id)
    try:
        plan = grouping.plan_regroup(before)  # seconds at most, off the loop
    except EmbeddingServiceError as exc:  # a configured remote model is down: nothing moved, say so
        log.warning("regroup of table %s refused: %s", table.id, exc)
        raise CommandError("grouping_unavailable", status=503) from exc
    # Apply only to ideas still as they were when the plan was made: a
    # facilitator may have moved some meanwhile, and their decision wins.
    db.session.expire_all()
    require_board_unfrozen(table.id)  # voting may have opened while the engine ran
    now = grouping.load_board(table.id)
    unchanged = set(before.ideas) & set(now.ideas)
    still = {ident for ident, _, _, placement in unchanged if placement != grouping.FACILITATOR_PLACED}
    ids = now.id_of
    created = []
    position = next_position(table.id)
    for label in plan.new_groups:
        if not any(plan.moves.get(i) == label for i in still):
            continue
        group = Group(id=str(uuid.uuid4()), workshop_id=actor.workshop_id, table_id=table.id,
                      label=label[:LABEL_MAX], label_source=Group.AUTO, position=position, created_at=utcnow())
        position += 1
        db.session.add(group)
        ids[label] = group.id
        created.append(group)
    by_group: dict[str, list[str]] = {}
    for ident, name in plan.moves.items():
        if ident in still and name in ids:
            by_group.setdefault(ids[name], []).append(ident)
    db.session.flush()  # the new groups exist before ideas point at them
    for group_id, members in by_group.items():  # one UPDATE per group, not one per idea
        db.session.execute(update(Idea).where(Idea.id.in_(members)).values(
            group_id=group_id, placement=grouping.AUTO_PLACED, confidence=None, suggestions=[]),
            execution_options={"synchronize_session": False})
    moves = [{"id": ident, "group_id": group_id, "placement": grouping.AUTO_PLACED, "confidence": None,
              "suggestions": []} for group_id, members in by_group.items() for ident in sorted(members)]
    if created or moves:
        events.publish(actor.workshop_id, "board_regrouped",
                       {"table_id": table.id, "groups": [group_dict(g) for g in created], "moves": moves})
    return {"groups": len(created), "moved": len(moves)}


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
    events.publish(actor.workshop_id, "idea_merged",
                   {"id": idea.id, "table_id": idea.table_id, "into": data, "repointed": repointed},
                   events.TABLE, idea.table_id)
    return {"idea": data}


@command(roles=(FACILITATOR,), payload={"id": "idea"}, emits=("duplicate_dismissed",))
def do_dismiss_duplicate(actor: Actor, payload: dict) -> dict:
    """Keep both ideas: forget the engine's "same idea" proposal."""
    idea = _visible(actor, idea_id(payload))
    if idea.duplicate_of is not None:
        idea.duplicate_of = None
        events.publish(actor.workshop_id, "duplicate_dismissed", {"id": idea.id, "table_id": idea.table_id})
    return {}
