"""Round tables: seat participants, move them, rotate them (world café); show or hide authors.

Who may do what (docs/morning.md, "Round tables"):
- ``assign_tables``, ``rotate_tables``, ``set_show_authors``: the lead
  facilitator (or an organiser), never a table facilitator (``lead_only``);
- ``move_participant``: the lead facilitator, or the facilitator of the table
  the participant is leaving (for someone with no table yet: of the table
  they are sent to). A table facilitator cannot pull people away from
  another table (``other_table_forbidden``).

Every change of seat is logged (``participant_moved``, ``tables_assigned``,
``tables_rotated``, staff) and, after commit, the moved phones switch rooms
and resync (rooms.py).
"""

from __future__ import annotations

from sqlalchemy import select

from .. import events
from ..errors import CommandError
from ..extensions import db
from ..models import Participant, RoundTable
from .base import FACILITATOR, ORGANISER, Actor, field, table_in, workshop_of
from .registry import command

ASSIGN_MODES = ("balanced_by_organisation", "fill")


def rotation_enabled(definition: dict | None) -> bool:
    """The workshop definition's ``rotation: true`` (docs/workshops.md)."""
    return bool((definition or {}).get("rotation"))


def _participants(workshop_id: int) -> list[Participant]:
    return list(
        db.session.execute(
            select(Participant)
            .where(Participant.workshop_id == workshop_id, Participant.erased_at.is_(None))
            .order_by(Participant.id)
        ).scalars()
    )


def _seat(participant: Participant, table_id: int | None, moves: list[dict]) -> None:
    if participant.table_id != table_id:
        moves.append({"participant_id": participant.id, "table_id": table_id, "from_table_id": participant.table_id})
        participant.table_id = table_id


def _org_key(organisation: str) -> str:
    return " ".join(organisation.split()).casefold()


def plan_balanced(people: list[tuple[int, str]], table_ids: list[int]) -> dict[int, int]:
    """Seat everyone: counts differ by at most one, and each organisation is spread across tables.

    ``people`` are (participant id, organisation); the result maps participant
    id -> table id. Organisations are dealt in turn (largest first) around the
    tables, like cards, so an organisation of k people has at most
    ceil(k / tables) at one table. Deterministic: the same people give the same plan.
    """
    by_org: dict[str, list[int]] = {}
    for ident, organisation in sorted(people):
        by_org.setdefault(_org_key(organisation), []).append(ident)
    order = sorted(by_org.items(), key=lambda item: (-len(item[1]), item[0]))
    dealt = [ident for _, members in order for ident in members]
    return {ident: table_ids[i % len(table_ids)] for i, ident in enumerate(dealt)}


def plan_fill(seated: dict[int, int], unseated: list[int], table_ids: list[int]) -> dict[int, int]:
    """Seat people with no table at the least-filled tables (ties: lowest table number)."""
    counts = {table_id: 0 for table_id in table_ids}
    for table_id in seated.values():
        if table_id in counts:
            counts[table_id] += 1
    plan = {}
    for ident in sorted(unseated):
        table_id = min(table_ids, key=lambda t: (counts[t], table_ids.index(t)))
        plan[ident] = table_id
        counts[table_id] += 1
    return plan


@command(
    roles=(
        FACILITATOR,
        ORGANISER,
    ),
    payload={"mode": "word"},
    emits=("tables_assigned",),
    lead=True,
)
def do_assign_tables(actor: Actor, payload: dict) -> dict:
    """Seat participants automatically: ``balanced_by_organisation`` (everyone) or ``fill`` (those with no table)."""
    mode = field(payload, "mode", str)
    if mode not in ASSIGN_MODES:
        raise CommandError("invalid_payload", detail=f"'mode' must be one of {', '.join(ASSIGN_MODES)}")
    workshop = workshop_of(actor)
    table_ids = [table.id for table in workshop.tables]  # by number
    people = _participants(actor.workshop_id)
    if mode == "fill":
        plan = plan_fill(
            {p.id: p.table_id for p in people if p.table_id is not None},
            [p.id for p in people if p.table_id is None],
            table_ids,
        )
    else:
        plan = plan_balanced([(p.id, p.organisation) for p in people], table_ids)
    moves: list[dict] = []
    for participant in people:
        if participant.id in plan:
            _seat(participant, plan[participant.id], moves)
    if moves:
        events.publish(actor.workshop_id, "tables_assigned", {"mode": mode, "moves": moves})
    return {"moved": len(moves)}


@command(
    roles=(
        FACILITATOR,
        ORGANISER,
    ),
    payload={"participant_id": "participant", "table_id": "table"},
    emits=("participant_moved",),
)
def do_move_participant(actor: Actor, payload: dict) -> dict:
    """Move one participant to a table (lead, or the facilitator of the table they leave)."""
    participant_id = field(payload, "participant_id", int)
    table = table_in(actor.workshop_id, field(payload, "table_id", int))
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != actor.workshop_id:
        raise CommandError("not_found", status=404, what="participant")
    if actor.role == FACILITATOR and actor.table_id is not None:
        responsible = participant.table_id if participant.table_id is not None else table.id
        if responsible != actor.table_id:
            raise CommandError("other_table_forbidden", status=403)
    moves: list[dict] = []
    _seat(participant, table.id, moves)
    if moves:
        events.publish(actor.workshop_id, "participant_moved", moves[0])
    return {"participant": {"id": participant.id, "table_id": participant.table_id}}


@command(
    roles=(
        FACILITATOR,
        ORGANISER,
    ),
    payload={"round": "small"},
    emits=("tables_rotated",),
    lead=True,
)
def do_rotate_tables(actor: Actor, payload: dict) -> dict:
    """World café: everyone seated moves to the next table (by number, the last to the first).

    ``round`` is the round this rotation starts (the current ``rotation_round``
    + 1): a retry of a rotation already done answers ``duplicate: true`` and
    moves nobody again.
    """
    target = field(payload, "round", int)
    workshop = workshop_of(actor)
    if not rotation_enabled(workshop.definition):
        raise CommandError("rotation_off", status=409)
    if target == workshop.rotation_round and target > 0:
        return {"round": workshop.rotation_round, "moved": 0, "duplicate": True}
    if target != workshop.rotation_round + 1:
        raise CommandError("stale_round", status=409, current=workshop.rotation_round)
    tables: list[RoundTable] = list(workshop.tables)
    if len(tables) < 2:
        raise CommandError("rotation_needs_tables", status=409)
    following = {table.id: tables[(i + 1) % len(tables)].id for i, table in enumerate(tables)}
    moves: list[dict] = []
    for participant in _participants(actor.workshop_id):
        if participant.table_id in following:
            _seat(participant, following[participant.table_id], moves)
    workshop.rotation_round = target
    events.publish(actor.workshop_id, "tables_rotated", {"round": target, "moves": moves})
    return {"round": target, "moved": len(moves), "duplicate": False}


@command(
    roles=(
        FACILITATOR,
        ORGANISER,
    ),
    payload={"show": "bool"},
    emits=("show_authors_changed",),
    lead=True,
)
def do_set_show_authors(actor: Actor, payload: dict) -> dict:
    """Show authors (first name, organisation) on the projector, or hide them there."""
    show = field(payload, "show", bool)
    workshop = workshop_of(actor)
    if workshop.show_authors != show:
        workshop.show_authors = show
        db.session.flush()  # publish reads show_authors back with the seq
        events.publish(actor.workshop_id, "show_authors_changed", {"show": show})
    return {}
