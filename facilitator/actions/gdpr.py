"""Personal data (GDPR): erase participants' names, set how long names are kept.

Only an organiser (organiser space, or the command line acting as one) may do
this. Erasing a participant replaces their first name with an "erased"
marker in the workshop's language, sets ``Participant.erased_at``, and scrubs
the copies of the name held in the event log; their ideas, votes and
organisation stay (the ideas are shown without author). One
``participant_erased`` event tells live screens to update.
"""

from __future__ import annotations

from .. import events
from ..errors import CommandError
from ..extensions import db
from ..models import Event, Participant, Workshop, utcnow
from ..state import participant_dict
from .base import ORGANISER, Actor, field, workshop_of
from .registry import command

ERASED_NAME = {"fr": "Participant effacé", "en": "Erased participant"}
RETENTION_MAX_DAYS = 3650


def erased_name(workshop: Workshop) -> str:
    return ERASED_NAME.get((workshop.definition or {}).get("language", "fr"), ERASED_NAME["fr"])


@command(
    roles=(ORGANISER,),
    payload={"participant_id": "participant"},
    emits=("participant_erased",),
    socket=False,
    denied="organiser_only",
)
def do_erase_participant(actor: Actor, payload: dict) -> dict:
    """Erase one participant's name (their ideas stay, unattributed). Idempotent."""
    participant_id = field(payload, "participant_id", int)
    workshop = workshop_of(actor)
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop.id:
        raise CommandError("not_found", status=404, what="participant")
    erased = erase_participants(workshop, [participant])
    return {"participant": participant_dict(participant), "erased": len(erased)}


def erase_participants(workshop: Workshop, participants: list[Participant]) -> list[Participant]:
    """Erase these participants' names (those not erased yet), scrub the log, publish one event."""
    todo = [p for p in participants if p.erased_at is None]
    if not todo:
        return []
    name, now = erased_name(workshop), utcnow()
    for participant in todo:
        participant.first_name = name
        participant.erased_at = now
    scrub_event_log(workshop.id, {p.id: name for p in todo})
    events.publish(
        workshop.id, "participant_erased", {"participants": [participant_dict(p) for p in todo]}, audience=events.ALL
    )
    return todo


def erase_workshop_names(workshop: Workshop) -> int:
    """Erase every participant's name of a workshop (end of the retention period); returns how many."""
    participants = list(
        db.session.execute(
            db.select(Participant)
            .where(Participant.workshop_id == workshop.id, Participant.erased_at.is_(None))
            .order_by(Participant.id)
        ).scalars()
    )
    done = erase_participants(workshop, participants)
    workshop.names_erased_at = utcnow()
    return len(done)


def scrub_event_log(workshop_id: int, names: dict[int, str]) -> None:
    """Replace the given participants' names wherever the event log holds a copy (person dicts)."""
    from ..exports.snapshot import scrub_people

    rows = db.session.execute(db.select(Event.id, Event.data).where(Event.workshop_id == workshop_id)).all()
    for ident, data in rows:
        cleaned = scrub_people(data, names)
        if cleaned != data:
            db.session.execute(db.update(Event).where(Event.id == ident).values(data=cleaned))


@command(
    roles=(ORGANISER,),
    payload={"retention_days": "small|null?"},
    emits=("retention_changed",),
    socket=False,
    denied="organiser_only",
)
def do_set_retention(actor: Actor, payload: dict) -> dict:
    """How many days after the workshop date names are kept (None: until erased by hand)."""
    days = payload.get("retention_days") if isinstance(payload, dict) else None
    if days is not None:
        days = field(payload, "retention_days", int)
        if days > RETENTION_MAX_DAYS:
            raise CommandError("invalid_payload", detail=f"'retention_days' must be at most {RETENTION_MAX_DAYS}")
    workshop = workshop_of(actor)
    if workshop.retention_days != days:
        workshop.retention_days = days
        events.publish(workshop.id, "retention_changed", {"retention_days": days})
    return {"retention_days": days}


@command(
    roles=(ORGANISER,), payload={"archived": "bool"}, emits=("archived_changed",), socket=False, denied="organiser_only"
)
def do_set_archived(actor: Actor, payload: dict) -> dict:
    """Archive a past workshop (listed last in the organiser space) or bring it back."""
    archived = field(payload, "archived", bool)
    workshop = workshop_of(actor)
    if workshop.archived != archived:
        workshop.archived = archived
        events.publish(workshop.id, "archived_changed", {"archived": archived})
    return {"archived": archived}
