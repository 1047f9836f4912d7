"""Dot voting, read side: settings, a table's results, a participant's ballot, and their events.

Who sees what (docs/protocol.md, "Dot voting"):
- a participant always sees their own dots (``ballot``);
- a table's per-item tally reaches the room (projector, phones, and the
  logged events every staff screen receives) only when it is *visible*: the
  workshop shows results live (``votes_live``) or a facilitator revealed that
  table (``votes_revealed``). Otherwise logged events and snapshots carry
  ``tally: null`` (the numbers of dots and voters only);
- facilitators see live counts at all times through a message that is not
  logged, ``votes_live``, sent after commit to the facilitators' own room
  (projectors are not in it), and through the ``get_votes`` command.

Actions live in ``actions/votes.py``; the ranking itself is the pure
``votes_tally.tally``.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from . import events
from .extensions import db, socketio
from .models import Group, Idea, Participant, RoundTable, Vote, Workshop
from .votes_tally import tally

# Socket.IO message (not an "event": no seq, not logged) with a table's live counts, for facilitators.
LIVE_MESSAGE = "votes_live"
KIND_OF_TARGET = {"ideas": Vote.IDEA, "groups": Vote.GROUP}


def facilitators_room(workshop_id: int) -> str:
    """Facilitator consoles only (lead and table facilitators): projectors never join it."""
    return f"w{workshop_id}:facilitators"


def settings_dict(workshop: Workshop) -> dict:
    return {
        "votes_per_person": workshop.votes_per_person,
        "votes_per_item": workshop.votes_per_item,
        "target": workshop.vote_target,
        "live": bool(workshop.votes_live),
    }


def visible(workshop: Workshop, table: RoundTable) -> bool:
    """May the room (projector, phones) see this table's per-item results?"""
    return bool(workshop.votes_live or table.votes_revealed)


def counts(table_id: int) -> dict:
    """A table's results for facilitators: ``{"dots", "voters", "tally": [row...]}``.

    Dots count on visible ideas and active groups only (a hidden idea's or a
    removed group's dots are left out until it comes back); ``voters`` is the
    number of people with at least one dot on the table.
    """
    rows = db.session.execute(
        select(Vote.target_kind, Vote.target_id, Vote.participant_id).where(Vote.table_id == table_id)
    ).all()
    ideas = db.session.execute(
        select(Idea.id, Idea.created_at).where(Idea.table_id == table_id, Idea.state == Idea.VISIBLE)
    ).all()
    groups = db.session.execute(
        select(Group.id, Group.position).where(Group.table_id == table_id, Group.active.is_(True))
    ).all()
    order: dict = {(Vote.GROUP, g.id): (0, g.position, "") for g in groups}
    order.update({(Vote.IDEA, i.id): (1, 0, i.created_at.isoformat()) for i in ideas})
    ranked = tally([(r.target_kind, r.target_id) for r in rows], counted=order.keys(), order=order)
    return {"dots": sum(r["votes"] for r in ranked), "voters": len({r.participant_id for r in rows}), "tally": ranked}


def results(workshop: Workshop, table: RoundTable) -> dict:
    """A table's results as the room may see them: the tally is null while hidden."""
    data = counts(table.id)
    if not visible(workshop, table):
        data["tally"] = None
    return data


def all_results(workshop: Workshop) -> dict[str, dict]:
    """``{"<table id>": results}`` for every table (staff snapshots, settings changes)."""
    return {str(t.id): results(workshop, t) for t in workshop.tables}


def all_counts(workshop: Workshop) -> dict[str, dict]:
    """``{"<table id>": counts}`` for every table: facilitators only."""
    return {str(t.id): counts(t.id) for t in workshop.tables}


def ballot(workshop: Workshop, participant: Participant) -> dict:
    """A participant's own dots on their current table, and how many they have left."""
    mine: list[dict] = []
    if participant.table_id is not None:
        rows = db.session.execute(
            select(Vote.target_kind, Vote.target_id, func.count(Vote.id))
            .where(Vote.participant_id == participant.id, Vote.table_id == participant.table_id)
            .group_by(Vote.target_kind, Vote.target_id)
            .order_by(Vote.target_kind, Vote.target_id)
        ).all()
        mine = [{"kind": kind, "id": ident, "count": n} for kind, ident, n in rows]
    used = sum(m["count"] for m in mine)
    return {"mine": mine, "used": used, "remaining": max(0, workshop.votes_per_person - used)}


def participant_voting(workshop: Workshop, participant: Participant) -> dict:
    """The ``voting`` block of a participant snapshot (and of ``get_votes``)."""
    table = db.session.get(RoundTable, participant.table_id) if participant.table_id else None
    items = []
    if table is not None and workshop.vote_target == "groups":
        items = [
            {"kind": Vote.GROUP, "id": g.id, "label": g.label}
            for g in db.session.execute(
                select(Group)
                .where(Group.table_id == table.id, Group.active.is_(True))
                .order_by(Group.position, Group.created_at)
            ).scalars()
        ]
    return {
        "settings": settings_dict(workshop),
        **ballot(workshop, participant),
        "items": items,
        "results": results(workshop, table) if table is not None else None,
    }


def lock_workshop(workshop_id: int) -> None:
    """Take the workshop's writer lock now (the row ``events.publish`` updates).

    A vote counts the sender's dots and then inserts one: two quick casts
    must not both see "2 of 3 used". This no-op UPDATE locks the workshop row
    (PostgreSQL) or starts the write transaction (SQLite) before the count,
    so writers of one workshop run one after the other.
    """
    db.session.execute(update(Workshop).where(Workshop.id == workshop_id).values(last_seq=Workshop.last_seq))


def publish_results(workshop: Workshop, table: RoundTable) -> None:
    """Log ``votes_changed`` for a table whose dots changed.

    The live counts (hidden tally included) ride along as the event's private
    part: ``send_live_counts`` sends them to the facilitators after commit.
    """
    data = counts(table.id)
    events.publish(
        workshop.id,
        "votes_changed",
        {"table_id": table.id, **data, "tally": data["tally"] if visible(workshop, table) else None},
        events.TABLE,
        table.id,
        private={"live": {"table_id": table.id, **data}},
    )


def send_live_counts(entry: events.Logged) -> None:
    """After commit: a table's live counts to the facilitators' room (never to projectors)."""
    if entry.private.get("live") is not None:
        socketio.emit(LIVE_MESSAGE, entry.private["live"], to=facilitators_room(entry.workshop_id))


def set_table_voting(workshop_id: int, table: RoundTable, is_open: bool) -> bool:
    """Open or close voting on a table and log ``voting_changed``; False when nothing changed.

    The one place that changes ``RoundTable.voting_open``: the ``set_voting``
    command and the agenda (entering or leaving a voting phase) both call it.
    """
    if table.voting_open == is_open:
        return False
    table.voting_open = is_open
    events.publish(workshop_id, "voting_changed", {"table_id": table.id, "open": is_open}, events.TABLE, table.id)
    return True


def item_changed(workshop_id: int, table_id: int, kind: str, ident: str) -> None:
    """An idea or group changed state (hidden, restored, withdrawn, removed): refresh results if it has dots."""
    has_dots = db.session.execute(
        select(Vote.id).where(Vote.table_id == table_id, Vote.target_kind == kind, Vote.target_id == ident).limit(1)
    ).first()
    if has_dots:
        workshop = db.session.get(Workshop, workshop_id)
        publish_results(workshop, db.session.get(RoundTable, table_id))


def follow_merge(workshop_id: int, table_id: int, kind: str, ident: str, into: str) -> None:
    """Dots on a merged idea or group count for the one it was merged into (the rows are re-pointed)."""
    moved = db.session.execute(
        update(Vote)
        .where(Vote.table_id == table_id, Vote.target_kind == kind, Vote.target_id == ident)
        .values(target_id=into),
        execution_options={"synchronize_session": False},
    ).rowcount
    if moved:
        workshop = db.session.get(Workshop, workshop_id)
        publish_results(workshop, db.session.get(RoundTable, table_id))
