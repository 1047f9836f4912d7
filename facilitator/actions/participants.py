"""Participants: join a workshop (over HTTP, no account) and choose a table."""
from __future__ import annotations

import secrets

from .. import events
from ..errors import CommandError
from ..extensions import db
from ..models import Participant, Workshop, utcnow
from ..state import participant_dict
from .base import PARTICIPANT, Actor, field, participant_of, require_role, table_in, workshop_of

NAME_MAX, ORGANISATION_MAX = 40, 80


def _clean(payload: dict, name: str, limit: int, empty: str, too_long: str) -> str:
    value = field(payload, name, str) if name in payload else ""
    value = " ".join(value.split())
    if not value:
        raise CommandError(empty)
    if len(value) > limit:
        raise CommandError(too_long, limit=limit)
    return value


def do_join_workshop(workshop: Workshop, payload: dict) -> Participant:
    """Create a participant (first name, organisation, optional table) in an open workshop."""
    if not workshop.joining_open:
        raise CommandError("joining_closed", status=403)
    first_name = _clean(payload, "first_name", NAME_MAX, "empty_name", "name_too_long")
    organisation = _clean(payload, "organisation", ORGANISATION_MAX,
                          "empty_organisation", "organisation_too_long")
    table_id = field(payload, "table_id", int, required=False)
    if table_id is not None:
        table_in(workshop.id, table_id)
    participant = Participant(workshop_id=workshop.id, table_id=table_id, first_name=first_name,
                              organisation=organisation, created_at=utcnow(), secret=secrets.token_hex(16))
    db.session.add(participant)
    db.session.flush()
    events.publish(workshop.id, "participant_joined", {"participant": participant_dict(participant)})
    return participant


def do_join_table(actor: Actor, payload: dict) -> dict:
    """Move the participant to a table of their workshop (while joining is open)."""
    require_role(actor, PARTICIPANT)
    table_id = field(payload, "table_id", int)
    participant = participant_of(actor)
    table = table_in(actor.workshop_id, table_id)
    if not workshop_of(actor).joining_open:
        raise CommandError("joining_closed", status=403)
    if participant.table_id != table.id:
        previous = participant.table_id
        participant.table_id = table.id
        events.publish(actor.workshop_id, "participant_moved",
                       {"participant_id": participant.id, "table_id": table.id,
                        "from_table_id": previous})
    return {"me": participant_dict(participant)}
