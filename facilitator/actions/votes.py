"""Dot voting: the workshop's settings, opening and revealing per table, casting and moving dots.

Each participant has ``votes_per_person`` dots per theme (table), at most
``votes_per_item`` on one item, on the ideas or on the groups of their table
(``vote_target``). A dot is a ``Vote`` row; casting checks the limits after
taking the workshop's writer lock, so two quick casts never exceed them.
Who sees the results is decided in ``facilitator/voting.py``.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from .. import events, voting
from ..errors import CommandError
from ..extensions import db
from ..models import Group, Idea, Participant, RoundTable, Vote, Workshop, utcnow
from .base import FACILITATOR, PARTICIPANT, PROJECTOR, Actor, field, participant_of, staff_table, workshop_of
from .registry import command

MAX_VOTES = 20
TARGETS = ("ideas", "groups")


# -- facilitators -------------------------------------------------------------------


@command(
    roles=(FACILITATOR,),
    payload={"votes_per_person": "small?", "votes_per_item": "small?", "target": "word?", "live": "bool?"},
    emits=("voting_settings_changed",),
    lead=True,
)
def do_set_voting_settings(actor: Actor, payload: dict) -> dict:
    """Dots per person and per item, ideas or groups, results live or on reveal (lead facilitator).

    Every field is optional. Once dots were cast in the workshop, only changes
    that cannot invalidate them are accepted: ``live`` at any time, more dots
    (never fewer), and the same target; anything else answers ``votes_exist``.
    """
    workshop = workshop_of(actor)
    per_person = _bounded(payload, "votes_per_person", workshop.votes_per_person)
    per_item = _bounded(payload, "votes_per_item", workshop.votes_per_item)
    target = payload.get("target", workshop.vote_target)
    if target not in TARGETS:
        raise CommandError("invalid_payload", detail='\'target\' must be "ideas" or "groups"')
    live = field(payload, "live", bool, required=False)
    live = workshop.votes_live if live is None else live
    if per_item > per_person:
        raise CommandError("invalid_vote_settings", per_item=per_item, per_person=per_person)
    if (per_person, per_item, target, live) == (
        workshop.votes_per_person,
        workshop.votes_per_item,
        workshop.vote_target,
        workshop.votes_live,
    ):
        return {"settings": voting.settings_dict(workshop)}
    voting.lock_workshop(workshop.id)
    cast = db.session.execute(select(Vote.id).where(Vote.workshop_id == workshop.id).limit(1)).first()
    if cast and (
        target != workshop.vote_target or per_person < workshop.votes_per_person or per_item < workshop.votes_per_item
    ):
        raise CommandError("votes_exist", status=409)
    workshop.votes_per_person, workshop.votes_per_item = per_person, per_item
    workshop.vote_target, workshop.votes_live = target, live
    settings = voting.settings_dict(workshop)
    events.publish(
        workshop.id,
        "voting_settings_changed",
        {"settings": settings, "results": voting.all_results(workshop)},
        events.ALL,
    )
    return {"settings": settings}


def _bounded(payload: dict, name: str, current: int) -> int:
    value = field(payload, name, int, required=False)
    if value is None:
        return current
    if not 1 <= value <= MAX_VOTES:
        raise CommandError("invalid_payload", detail=f"'{name}' must be between 1 and {MAX_VOTES}")
    return value


@command(roles=(FACILITATOR,), payload={"table_id": "table", "open": "bool"}, emits=("voting_changed",))
def do_set_voting(actor: Actor, payload: dict) -> dict:
    """Open or close voting on one table (its facilitator or the lead)."""
    table = staff_table(actor, field(payload, "table_id", int))
    voting.set_table_voting(actor.workshop_id, table, field(payload, "open", bool))
    return {}


@command(roles=(FACILITATOR,), payload={"table_id": "table", "revealed": "bool"}, emits=("votes_revealed",))
def do_reveal_votes(actor: Actor, payload: dict) -> dict:
    """Show (or hide again) a table's results to the room."""
    table = staff_table(actor, field(payload, "table_id", int))
    revealed = field(payload, "revealed", bool)
    if table.votes_revealed != revealed:
        table.votes_revealed = revealed
        workshop = workshop_of(actor)
        events.publish(
            actor.workshop_id,
            "votes_revealed",
            {"table_id": table.id, "revealed": revealed, **voting.results(workshop, table)},
            events.TABLE,
            table.id,
        )
    return {}


@command(
    roles=(
        PARTICIPANT,
        FACILITATOR,
        PROJECTOR,
    )
)
def do_get_votes(actor: Actor, payload: dict) -> dict:
    """Read-only: a participant's ballot, or every table's live counts for a facilitator."""
    workshop = workshop_of(actor)
    if actor.role == PARTICIPANT:
        return {"voting": voting.participant_voting(workshop, participant_of(actor))}
    if actor.role == FACILITATOR:
        return {"live": voting.all_counts(workshop)}
    return {"results": voting.all_results(workshop)}


# -- participants ---------------------------------------------------------------------


@command(roles=(PARTICIPANT,), payload={"target_kind": "any", "target_id": "item"}, emits=("votes_changed",))
def do_cast_vote(actor: Actor, payload: dict) -> dict:
    """Put one dot on an idea or group of the participant's table."""
    workshop, participant, table = _voter(actor)
    kind, ident = _target(workshop, payload, "target_id")
    _check_item(table, kind, ident)
    voting.lock_workshop(workshop.id)
    _add(workshop, participant, table, kind, ident)
    return _done(workshop, participant, table)


@command(roles=(PARTICIPANT,), payload={"target_kind": "any", "target_id": "item"}, emits=("votes_changed",))
def do_retract_vote(actor: Actor, payload: dict) -> dict:
    """Take one of one's dots back from an item (also from an item since hidden or removed)."""
    workshop, participant, table = _voter(actor)
    kind, ident = _target(workshop, payload, "target_id", any_kind=True)
    voting.lock_workshop(workshop.id)
    _remove(participant, table, kind, ident)
    return _done(workshop, participant, table)


@command(roles=(PARTICIPANT,), payload={"target_kind": "any", "from": "item", "to": "item"}, emits=("votes_changed",))
def do_move_vote(actor: Actor, payload: dict) -> dict:
    """Move one dot from an item to another, at once (never two dots, never none)."""
    workshop, participant, table = _voter(actor)
    kind, source = _target(workshop, payload, "from", any_kind=True)
    to_kind, dest = _target(workshop, payload, "to")
    if source == dest:
        raise CommandError("invalid_payload", detail="'from' and 'to' must differ")
    _check_item(table, to_kind, dest)
    voting.lock_workshop(workshop.id)
    _remove(participant, table, kind, source)
    _add(workshop, participant, table, to_kind, dest)
    return _done(workshop, participant, table)


def _voter(actor: Actor) -> tuple[Workshop, Participant, RoundTable]:
    participant = participant_of(actor)
    if participant.table_id is None:
        raise CommandError("no_table")
    table = db.session.get(RoundTable, participant.table_id)
    if not table.voting_open:
        raise CommandError("voting_closed", status=409)
    return workshop_of(actor), participant, table


def _target(workshop: Workshop, payload: dict, name: str, *, any_kind: bool = False) -> tuple[str, str]:
    kind = payload.get("target_kind")
    if kind not in (Vote.IDEA, Vote.GROUP):
        raise CommandError("invalid_payload", detail='\'target_kind\' must be "idea" or "group"')
    if not any_kind and kind != voting.KIND_OF_TARGET[workshop.vote_target]:
        raise CommandError("wrong_vote_target", status=409, target=workshop.vote_target)
    try:
        return kind, str(uuid.UUID(field(payload, name, str)))
    except ValueError:
        raise CommandError("invalid_id") from None


def _check_item(table: RoundTable, kind: str, ident: str) -> None:
    """The item exists in the workshop, counts (visible idea, active group) and is on the voter's table."""
    item = db.session.get(Idea if kind == Vote.IDEA else Group, ident)
    if (
        item is None
        or item.workshop_id != table.workshop_id
        or (item.state != Idea.VISIBLE if kind == Vote.IDEA else not item.active)
    ):
        raise CommandError("not_found", status=404, what=kind)
    if item.table_id != table.id:
        raise CommandError("vote_other_table", status=403)


def _mine(participant: Participant, table: RoundTable, kind: str | None = None, ident: str | None = None) -> int:
    query = select(func.count(Vote.id)).where(Vote.participant_id == participant.id, Vote.table_id == table.id)
    if ident is not None:
        query = query.where(Vote.target_kind == kind, Vote.target_id == ident)
    return db.session.execute(query).scalar_one()


def _add(workshop: Workshop, participant: Participant, table: RoundTable, kind: str, ident: str) -> None:
    """Insert one dot; the caller holds the workshop lock, so the counts are current."""
    if _mine(participant, table) >= workshop.votes_per_person:
        raise CommandError("no_votes_left", status=409, limit=workshop.votes_per_person)
    if _mine(participant, table, kind, ident) >= workshop.votes_per_item:
        raise CommandError("item_vote_limit", status=409, limit=workshop.votes_per_item)
    db.session.add(
        Vote(
            workshop_id=workshop.id,
            table_id=table.id,
            participant_id=participant.id,
            target_kind=kind,
            target_id=ident,
            created_at=utcnow(),
        )
    )
    db.session.flush()


def _remove(participant: Participant, table: RoundTable, kind: str, ident: str) -> None:
    vote = db.session.execute(
        select(Vote)
        .where(
            Vote.participant_id == participant.id,
            Vote.table_id == table.id,
            Vote.target_kind == kind,
            Vote.target_id == ident,
        )
        .order_by(Vote.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if vote is None:
        raise CommandError("no_vote_to_retract", status=409)
    db.session.delete(vote)
    db.session.flush()


def _done(workshop: Workshop, participant: Participant, table: RoundTable) -> dict:
    voting.publish_results(workshop, table)
    return {"ballot": voting.ballot(workshop, participant)}
