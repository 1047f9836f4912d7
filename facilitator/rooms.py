"""Moving phones between table rooms when a participant changes tables.

A participant's connection listens to its table's room (``w<id>:t<table>``)
and to its own room (``w<id>:p<participant>``). When a facilitator moves
people (``move_participant``, ``assign_tables``, ``rotate_tables``), after
the commit:

1. the connections of this process are moved from the old table room to the
   new one at once (``presence`` knows them);
2. each moved phone gets the message ``moved`` in its own room (through the
   message queue, so on any process); the phone answers with a ``sync``, and
   ``sync`` puts the connection in the room of the table the database says
   (``reconcile``) before sending the new table's snapshot.

A phone that was offline during the move finds out at its next ``sync``:
``moved_since`` sees a move logged after the seq it asks from, and the
answer is a snapshot of its new table instead of a replay.

Docs: docs/protocol.md ("Round tables") and docs/morning.md ("Round tables").
"""

from __future__ import annotations

from sqlalchemy import select

from . import events, presence
from .extensions import db, socketio
from .models import Event

# Logged events that change where participants sit.
MOVE_EVENTS = ("participant_moved", "tables_assigned", "tables_rotated")
# Socket.IO message (not logged) telling a phone it was moved: it syncs.
MOVED_MESSAGE = "moved"
NAMESPACE = "/"


def personal_room(workshop_id: int, participant_id: int) -> str:
    """The room of one participant's connections (a phone, a second tab)."""
    return f"w{workshop_id}:p{participant_id}"


def moved_ids(type_: str, data: dict) -> set[int]:
    """Who a logged move event moved."""
    if type_ == "participant_moved":
        return {data.get("participant_id")}
    return {move.get("participant_id") for move in data.get("moves") or []}


def moved_since(workshop_id: int, participant_id: int, since: int) -> bool:
    """Was this participant moved by an event after ``since``? (Their stream then changed rooms.)"""
    rows = db.session.execute(
        select(Event.type, Event.data).where(
            Event.workshop_id == workshop_id, Event.seq > since, Event.type.in_(MOVE_EVENTS)
        )
    ).all()
    return any(participant_id in moved_ids(row.type, row.data) for row in rows)


def moves_of(entry: events.Logged) -> list[dict]:
    """The moves ({participant_id, table_id, from_table_id}) a logged move event made."""
    if entry.type == "participant_moved":
        return [entry.data]
    return list(entry.data.get("moves") or [])


def move_connections(entry: events.Logged) -> None:
    """After a move event's commit: move this process's live connections of the moved people, and tell
    each moved phone (``moved``) unless it moved itself (``join_table``: its own ack says so)."""
    moves = moves_of(entry)
    by_participant = {move["participant_id"]: move for move in moves}
    for sid, actor in presence.of_participants(entry.workshop_id, set(by_participant)):
        move = by_participant[actor.participant_id]
        if not socketio.server.manager.is_connected(sid, NAMESPACE):
            continue
        if move.get("from_table_id") is not None:
            socketio.server.leave_room(
                sid, events.table_room(entry.workshop_id, move["from_table_id"]), namespace=NAMESPACE
            )
        if move.get("table_id") is not None:
            socketio.server.enter_room(sid, events.table_room(entry.workshop_id, move["table_id"]), namespace=NAMESPACE)
    if entry.private.get("self"):
        return
    for move in moves:
        socketio.emit(
            MOVED_MESSAGE, {"table_id": move["table_id"]}, to=personal_room(entry.workshop_id, move["participant_id"])
        )


def reconcile(sid: str, workshop_id: int, table_ids, table_id: int | None) -> None:
    """Put a participant's connection in its current table's room and in no other table's
    (``table_ids``: every table of the workshop).

    It leaves every other table room of the workshop by name (a no-op where it is not a member)
    rather than listing the connection's rooms: python-socketio finds those by scanning every
    room of the server, one per connection and more, so 2,000 phones resyncing after a restart
    cost 2,000 x 4,000 look-ups (10 % of the server's time in the storm, bench/storm.py)."""
    wanted = events.table_room(workshop_id, table_id) if table_id is not None else None
    for other in table_ids:
        room = events.table_room(workshop_id, other)
        if room != wanted:
            socketio.server.leave_room(sid, room, namespace=NAMESPACE)
    if wanted is not None:
        socketio.server.enter_room(sid, wanted, namespace=NAMESPACE)
