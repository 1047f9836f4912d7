"""The event log: every change to shared state, numbered, persisted, then emitted.

``publish`` appends an event to the workshop's log inside the caller's
transaction, taking the workshop's next sequence number (the UPDATE locks the
workshop row, so concurrent writers of one workshop are serialised and numbers
never repeat). The event is kept in the session's outbox; ``commit`` commits
and only then emits the outbox, so a client never sees a change the database
has not stored. A rollback empties the outbox.

Rooms: ``w<id>:staff`` (facilitator consoles) and ``w<id>:projector``
(projectors; names stripped while the workshop hides authors) get every event;
``w<id>:t<table id>`` (the participants of a table) gets the table's events
and the workshop-wide ones. Each envelope carries ``prev``, the seq of the
previous event of the recipient's room, so a client can see a gap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event as sa_event
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .extensions import db, socketio
from .message_queue import Emit, emit_all
from .models import Event, RoundTable, Workshop

log = logging.getLogger(__name__)

OUTBOX = "facilitator_outbox"
STAFF, TABLE, ALL = "staff", "table", "all"


def staff_room(workshop_id: int) -> str:
    return f"w{workshop_id}:staff"


def table_room(workshop_id: int, table_id: int) -> str:
    return f"w{workshop_id}:t{table_id}"


def projector_room(workshop_id: int) -> str:
    """Projectors: every event, like staff, but without authors while the workshop hides them."""
    return f"w{workshop_id}:projector"


# What follows from an event (reactions.py declares them): ``type -> [fn(entry)]``.
_REACTIONS: dict[str, list[Callable[[Logged], None]]] = {}
_AFTER_COMMIT: dict[str, list[Callable[[Logged], None]]] = {}


def reaction(*types: str):
    """Run ``fn(entry)`` each time an event of these types is published, in the same transaction.

    A reaction may change data and publish further events (a recount of dots,
    a note to the idea's author at another table); a rollback undoes them
    with the rest.
    """

    def register(fn):
        for type_ in types:
            _REACTIONS.setdefault(type_, []).append(fn)
        return fn

    return register


def after_commit(*types: str):
    """Run ``fn(entry)`` for each committed event of these types, after it was emitted.

    For what is not data: moving live connections between rooms, messages
    that are not logged (facilitators' live vote counts). Never run for a
    rolled-back transaction; a failure is logged, the change stays committed.
    """

    def register(fn):
        for type_ in types:
            _AFTER_COMMIT.setdefault(type_, []).append(fn)
        return fn

    return register


def publish(
    workshop_id: int,
    type_: str,
    data: dict,
    audience: str = STAFF,
    table_id: int | None = None,
    private: dict | None = None,
) -> Event:
    """Log an event in the current transaction; it is emitted by ``commit``.

    ``private`` travels with the event to its reactions and after-commit
    subscribers only: never stored, never sent to a room.
    """
    assert audience in (STAFF, TABLE, ALL)
    assert (audience == TABLE) == (table_id is not None)
    seq, show_authors = db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop_id)
        .values(last_seq=Workshop.last_seq + 1)
        .returning(Workshop.last_seq, Workshop.show_authors)
    ).one()
    table_prev: dict[str, int] = {}
    if audience != STAFF:
        # Read the rooms' heads from the database, not from the session: a table
        # loaded before this command waited (the grouping engine runs off the
        # loop) may hold a last_seq that a concurrent command has since moved.
        # The workshop row locked above makes this read current.
        query = (
            select(RoundTable).where(RoundTable.workshop_id == workshop_id).execution_options(populate_existing=True)
        )
        if audience == TABLE:
            query = query.where(RoundTable.id == table_id)
        for table in db.session.execute(query).scalars():
            table_prev[str(table.id)] = table.last_seq
            table.last_seq = seq
    entry = Event(
        workshop_id=workshop_id,
        seq=seq,
        type=type_,
        audience=audience,
        table_id=table_id,
        data=data,
        table_prev=table_prev,
    )
    db.session.add(entry)
    # A plain copy: after commit the ORM object is expired and would reload.
    logged = Logged(workshop_id, seq, type_, data, dict(table_prev), bool(show_authors), private or {})
    db.session.info.setdefault(OUTBOX, []).append(logged)
    for react in _REACTIONS.get(type_, ()):
        react(logged)
    return entry


@dataclass(frozen=True)
class Logged:
    """What ``emit`` needs of a logged event, detached from the session."""

    workshop_id: int
    seq: int
    type: str
    data: dict
    table_prev: dict[str, int]
    # The workshop's show_authors when the event was logged (projectors get no authors when False).
    show_authors: bool = True
    # For reactions and after-commit subscribers only (see ``publish``).
    private: dict = field(default_factory=dict)


def envelope(entry: Event | Logged, table_id: int | None = None) -> dict:
    """The payload a client receives: for a table's room when ``table_id`` is given, else staff's."""
    prev = entry.seq - 1 if table_id is None else entry.table_prev[str(table_id)]
    return {"seq": entry.seq, "prev": prev, "type": entry.type, "data": entry.data}


@contextmanager
def transaction():
    """One unit of work: commit and emit its events when the block ends; roll back if it raises.

    The only place that commits or rolls back a command's work: the socket
    dispatcher, the HTTP views, the command line and the retention sweep all
    run their actions inside it.
    """
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    commit()


def commit() -> None:
    """Commit the session, then emit the events it logged, in order, then run their after-commit subscribers."""
    outbox = db.session.info.pop(OUTBOX, [])
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    emit_all(socketio.server, [item for entry in outbox for item in deliveries(entry)])
    for entry in outbox:
        for follow in _AFTER_COMMIT.get(entry.type, ()):
            try:
                follow(entry)
            except Exception:  # the change is committed: a failed follow-up must not turn it into an error
                log.exception("after-commit subscriber %s failed", follow.__name__)


def deliveries(entry: Logged) -> list[Emit]:
    """The emits of one committed event: the staff room, the projectors, each table room that receives it."""
    staff = envelope(entry)
    emits: list[Emit] = [
        ("event", staff, staff_room(entry.workshop_id)),
        ("event", staff if entry.show_authors else anonymous(staff), projector_room(entry.workshop_id)),
    ]
    for table_id in entry.table_prev:
        emits.append(("event", envelope(entry, int(table_id)), table_room(entry.workshop_id, int(table_id))))
    return emits


def events_since(workshop_id: int, since: int, head: int, table_id: int | None, limit: int) -> list[Event]:
    """The logged events in ``(since, head]`` for the staff stream (table_id None) or a table's room.

    ``head`` is the stream's last seq as the caller read it: an event committed
    after that read is left to its live delivery, so a replay never goes past
    the ``seq`` its answer reports.
    """
    query = select(Event).where(Event.workshop_id == workshop_id, Event.seq > since, Event.seq <= head)
    if table_id is not None:
        query = query.where(or_(Event.audience == ALL, (Event.audience == TABLE) & (Event.table_id == table_id)))
    return list(db.session.execute(query.order_by(Event.seq).limit(limit)).scalars())


@sa_event.listens_for(Session, "after_rollback", propagate=True)
def _drop_outbox(session) -> None:
    """Events of a rolled-back transaction never happened: forget them."""
    session.info.pop(OUTBOX, None)


def anonymous(value):
    """A copy of an envelope, snapshot or event data without names (docs/protocol.md, "Anonymity"):
    every ``author`` becomes null and participants keep only their id and table."""
    if isinstance(value, list):
        return [anonymous(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key == "author":
            result[key] = None
        elif key == "participant" and isinstance(item, dict):
            result[key] = _nameless(item)
        elif key == "participants" and isinstance(item, list):
            result[key] = [_nameless(p) if isinstance(p, dict) else p for p in item]
        else:
            result[key] = anonymous(item)
    return result


def _nameless(participant: dict) -> dict:
    return {"id": participant.get("id"), "table_id": participant.get("table_id")}
