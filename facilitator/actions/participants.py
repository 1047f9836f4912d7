"""Participants: join a workshop (over HTTP, no account) and choose a table."""

from __future__ import annotations

import secrets

from .. import events
from ..errors import CommandError
from ..extensions import db
from ..models import Participant, utcnow
from ..state import participant_dict
from .base import PARTICIPANT, VISITOR, Actor, field, participant_of, table_in, workshop_of
from .registry import command

NAME_MAX, ORGANISATION_MAX = 40, 80


def _clean(payload: dict, name: str, limit: int, empty: str, too_long: str) -> str:
    value = field(payload, name, str) if name in payload else ""
    value = " ".join(value.split())
    if not value:
        raise CommandError(empty)
    if len(value) > limit:
        raise CommandError(too_long, limit=limit)
    return value


@command(
    roles=(VISITOR,),
    payload={"first_name": "text?", "organisation": "text?", "table_id": "table?"},
    emits=("participant_joined",),
    socket=False,
)
def do_join_workshop(actor: Actor, payload: dict) -> dict:
    """Create a participant (first name, organisation, optional table) in an open workshop."""
    workshop = workshop_of(actor)
    if not workshop.joining_open:
        raise CommandError("joining_closed", status=403)
    first_name = _clean(payload, "first_name", NAME_MAX, "empty_name", "name_too_long")
    organisation = _clean(payload, "organisation", ORGANISATION_MAX, "empty_organisation", "organisation_too_long")
    table_id = field(payload, "table_id", int, required=False)
    if table_id is not None:
        table_in(workshop.id, table_id)
    participant = Participant(
        workshop_id=workshop.id,
        table_id=table_id,
        first_name=first_name,
        organisation=organisation,
        created_at=utcnow(),
        secret=secrets.token_hex(16),
    )
    db.session.add(participant)
    db.session.flush()
    events.publish(workshop.id, "participant_joined", {"participant": participant_dict(participant)})
    return {"participant": participant}


@command(roles=(PARTICIPANT,), payload={"table_id": "table"}, emits=("participant_moved",))
def do_join_table(actor: Actor, payload: dict) -> dict:
    """Move the participant to a table of their workshop (while joining is open)."""
    table_id = field(payload, "table_id", int)
    participant = participant_of(actor)
    table = table_in(actor.workshop_id, table_id)
    if not workshop_of(actor).joining_open:
        raise CommandError("joining_closed", status=403)
    if participant.table_id != table.id:
        previous = participant.table_id
        participant.table_id = table.id
        # private "self": the connections move (reactions.py) but the phone is not told "moved":
        # this command's ack says so.
        events.publish(
            actor.workshop_id,
            "participant_moved",
            {"participant_id": participant.id, "table_id": table.id, "from_table_id": previous},
            private={"self": True},
        )
    return {"me": participant_dict(participant)}
