"""Socket.IO: authenticate the connection, then one handler per declared command -> ack.

Every command of the registry (``actions/registry.py``) declared for sockets
is served here by ``dispatch``, with the checks every command shares (a known
connection, an object payload, clean text, the rate limit), then the
command's own declaration (roles, payload shape) and its action, in one
``events.transaction()``; it always answers with an ack. Nothing a client
sends can crash the server: unexpected faults roll back and answer
``internal``. ``sync`` and ``time`` are declared here: they read, never write.
"""

from __future__ import annotations

import hmac
import logging
import time

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy.exc import IntegrityError, OperationalError

from . import events, presence, replay
from .actions import REGISTRY
from .actions.base import FACILITATOR, PARTICIPANT, PROJECTOR, Actor, field
from .actions.registry import Command, command
from .errors import CommandError, message
from .extensions import db, socketio
from .guard import Guard
from .i18n import normalise
from .models import Participant, RoundTable, Workshop
from .rooms import moved_since, personal_room, reconcile
from .state import participant_snapshot, staff_snapshot
from .text import deep_clean
from .tokens import read_participant_token
from .voting import facilitators_room

log = logging.getLogger(__name__)


def _guard() -> Guard:
    """This process's budgets of commands, snapshots and sockets (guard.py)."""
    guard = current_app.extensions.get("facilitator.guard")
    if guard is None:
        guard = current_app.extensions["facilitator.guard"] = Guard(current_app.config)
    return guard


def authenticate(auth: object) -> tuple[Actor, list[str]]:
    """The actor and rooms of a connection's ``auth`` object; CommandError when refused."""
    if not isinstance(auth, dict):
        raise CommandError("unauthorized", status=401)
    lang = normalise(auth.get("lang") if isinstance(auth.get("lang"), str) else None) or "fr"
    role = auth.get("role")
    if role == PARTICIPANT:
        ids = read_participant_token(auth.get("token"))
        # Three columns, not the ORM object: every phone of the room comes through here after a restart.
        seat = (
            db.session.execute(
                db.select(Participant.workshop_id, Participant.table_id, Participant.secret).where(
                    Participant.id == ids[1]
                )
            ).one_or_none()
            if ids
            else None
        )
        if seat is None or seat.workshop_id != ids[0] or not _same(ids[2], seat.secret):
            raise CommandError("unauthorized", status=401)
        actor = Actor(PARTICIPANT, seat.workshop_id, ids[1], lang)
        rooms = [events.table_room(actor.workshop_id, seat.table_id)] if seat.table_id else []
        return actor, rooms + [personal_room(actor.workshop_id, ids[1])]
    if role in (FACILITATOR, PROJECTOR) and isinstance(auth.get("workshop"), str):
        workshop = db.session.execute(
            db.select(Workshop).where(Workshop.code == auth["workshop"].upper())
        ).scalar_one_or_none()
        if workshop is None:
            raise CommandError("unauthorized", status=401)
        key = auth.get("key")
        if role == FACILITATOR:
            scope = staff_scope(workshop, key)
            if scope is False:
                raise CommandError("unauthorized", status=401)
            return Actor(role, workshop.id, None, lang, table_id=scope), [
                events.staff_room(workshop.id),
                facilitators_room(workshop.id),
            ]
        if not _same(key, workshop.projector_key):
            raise CommandError("unauthorized", status=401)
        return Actor(role, workshop.id, None, lang), [events.projector_room(workshop.id)]
    raise CommandError("unauthorized", status=401)


def _same(given: object, expected: str) -> bool:
    """Constant-time comparison of a presented key with the stored one (an empty key never matches)."""
    return isinstance(given, str) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def staff_scope(workshop: Workshop, key: object) -> int | None | bool:
    """Which facilitator a key opens: None for the lead, a table id for a table's
    facilitator, False for no one."""
    if _same(key, workshop.facilitator_key):
        return None
    for table in workshop.tables:
        if _same(key, table.facilitator_key):
            return table.id
    return False


@socketio.on("connect")
def on_connect(auth=None):
    """Refuse unknown clients; put known ones in their rooms."""
    try:
        actor, rooms = authenticate(deep_clean(auth))
        if not _guard().may_open(actor):
            raise CommandError("too_many_connections", status=429)
    except CommandError as exc:
        lang = normalise(auth.get("lang")) if isinstance(auth, dict) and isinstance(auth.get("lang"), str) else "fr"
        raise ConnectionRefusedError(exc.code, {"error": exc.code, "message": exc.message(lang or "fr")}) from None
    finally:
        db.session.remove()
    presence.add(request.sid, actor)
    _guard().opened(request.sid, actor)
    for room in rooms:
        join_room(room)


@socketio.on("disconnect")
def on_disconnect(*_args):
    _guard().closed(request.sid, presence.remove(request.sid))


def dispatch(cmd: Command, payload: object) -> dict:
    """Run one command and build its ack (see docs/protocol.md, "Acks")."""
    actor = presence.actor_of(request.sid)
    lang = actor.lang if actor else "fr"
    try:
        if actor is None:
            raise CommandError("unauthorized", status=401)
        if not isinstance(payload, dict):
            raise CommandError("invalid_payload", detail="not_an_object")
        payload = deep_clean(payload)  # no control characters, lone surrogates or bidi overrides (text.py)
        if not _guard().allow_command(request.sid, actor):
            raise CommandError("rate_limited", status=429)
        for attempt in (1, 2):
            try:
                with events.transaction():
                    cmd.check(actor, payload)
                    result = cmd.handler(actor, payload)
                return {"ok": True, **result}
            except (IntegrityError, OperationalError):
                # A concurrent writer won a race (e.g. the same idea id sent twice
                # at once, or SQLite busy): run the command again on fresh data.
                if attempt == 2:
                    raise
    except CommandError as exc:
        return exc.as_ack(lang)
    except Exception:
        db.session.rollback()
        log.exception("command %s failed", cmd.name)
        return {"ok": False, "error": "internal", "message": message("internal", lang)}
    finally:
        db.session.remove()


@command(roles=(PARTICIPANT, FACILITATOR, PROJECTOR), payload={"since": "seq?"})
def do_sync(actor: Actor, payload: dict) -> dict:
    """Replay what this client missed since ``since``, or send a snapshot.

    The replay path reads only the seats and heads it needs (no ORM objects) and the
    events from the stream's replay tail (replay.py): after a restart every phone of
    the room comes through here within seconds (bench/storm.py)."""
    since = field(payload, "since", int, required=False) or 0
    spent = since == 0  # a snapshot for sure: refused before any database work, so spam costs nothing
    if spent:
        _spend_snapshot(actor)
    table_id = None
    if actor.role == PARTICIPANT:
        table_id, heads = _seat(actor)
        reconcile(request.sid, actor.workshop_id, heads, table_id)  # moved by a facilitator: follow (rooms.py)
        if table_id is None:
            if not spent:
                _spend_snapshot(actor)
            return _participant_snapshot(actor, 0)
        head = heads[table_id]
        if since and moved_since(actor.workshop_id, actor.participant_id, since):
            since = 0  # `since` counts in the previous table's stream: send the new table whole
        show_authors = True
    else:
        head, show_authors = db.session.execute(
            db.select(Workshop.last_seq, Workshop.show_authors).where(Workshop.id == actor.workshop_id)
        ).one()
    limit = current_app.config["SYNC_MAX_EVENTS"]
    if 0 < since <= head:
        missed = replay.missed(actor.workshop_id, table_id, since, head, limit + 1)
        if len(missed) <= limit:
            return {"mode": "events", "seq": head, "events": _for_projector(show_authors, actor, missed)}
    if not spent:
        _spend_snapshot(actor)
    if actor.role == PARTICIPANT:
        return _participant_snapshot(actor, head)
    workshop = db.session.get(Workshop, actor.workshop_id)
    return _snapshot(_for_projector(workshop.show_authors, actor, staff_snapshot(workshop, actor.role)), head)


def _seat(actor: Actor) -> tuple[int | None, dict[int, int]]:
    """A participant's table and the last seq of each table of the workshop, in one light query."""
    rows = db.session.execute(
        db.select(Participant.table_id, RoundTable.id, RoundTable.last_seq)
        .select_from(Participant)
        .outerjoin(RoundTable, RoundTable.workshop_id == Participant.workshop_id)
        .where(Participant.id == actor.participant_id)
    ).all()
    if not rows:  # the participant was deleted since the connection opened
        raise CommandError("unauthorized", status=401)
    return rows[0].table_id, {row.id: row.last_seq for row in rows if row.id is not None}


def _participant_snapshot(actor: Actor, head: int) -> dict:
    workshop = db.session.get(Workshop, actor.workshop_id)
    participant = db.session.get(Participant, actor.participant_id)
    return _snapshot(participant_snapshot(workshop, participant), head)


def _spend_snapshot(actor: Actor) -> None:
    """Take one snapshot from the sender's budget (guard.py); the client retries a refusal later."""
    if not _guard().allow_snapshot(request.sid, actor):
        raise CommandError("rate_limited", status=429)


def _for_projector(show_authors: bool, actor: Actor, value):
    """Projectors get no names while the workshop hides authors (docs/protocol.md, "Anonymity")."""
    return events.anonymous(value) if actor.role == PROJECTOR and not show_authors else value


def _snapshot(snapshot: dict, head: int) -> dict:
    return {"mode": "snapshot", "seq": head, "snapshot": snapshot}


@command(roles=(PARTICIPANT, FACILITATOR, PROJECTOR))
def do_time(actor: Actor, payload: dict) -> dict:
    """The server's clock (ms since the epoch): clients estimate their offset from it (docs/morning.md)."""
    return {"server_now": int(time.time() * 1000)}


def _listen(cmd: Command) -> None:
    def handler(payload=None, *_extra):
        return dispatch(cmd, payload)

    handler.__name__ = f"on_{cmd.name}"
    socketio.on_event(cmd.name, handler)


for _cmd in list(REGISTRY.values()):
    if _cmd.socket:
        _listen(_cmd)
