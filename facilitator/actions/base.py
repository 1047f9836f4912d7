"""What every action needs: who is acting, and checked access to the data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ..errors import CommandError
from ..extensions import db
from ..models import Idea, Participant, RoundTable, Workshop

PARTICIPANT, FACILITATOR, PROJECTOR = "participant", "facilitator", "projector"
# Organisers act over HTTP in the organiser space (and may drive the room like a lead facilitator).
ORGANISER = "organiser"
# Someone on the join page (no identity yet) and an owner organisation's review link (no account).
VISITOR, REVIEWER = "visitor", "reviewer"
# Integers in payloads are ids or sequence numbers: non-negative and within 32 bits.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Actor:
    """The authenticated sender of a command (set when its socket connected)."""

    role: str
    workshop_id: int
    participant_id: int | None = None
    lang: str = "fr"
    # A table facilitator (console opened with a table's key) acts on this table
    # only; None for the lead facilitator, who acts on every table.
    table_id: int | None = None
    # A review link's id (role REVIEWER): the link acts for its organisation's actions only.
    link_id: int | None = None

    @property
    def is_lead(self) -> bool:
        return self.role == FACILITATOR and self.table_id is None


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise CommandError("forbidden", status=403)


def require_lead(actor: Actor) -> None:
    """Workshop-wide controls (joining, phases, projector, rotation): the lead facilitator only."""
    require_role(actor, FACILITATOR)
    if actor.table_id is not None:
        raise CommandError("lead_only", status=403)


def check_scope(actor: Actor, table_id: int | None) -> None:
    """A table facilitator may act on their own table only."""
    if actor.role == FACILITATOR and actor.table_id is not None and table_id != actor.table_id:
        raise CommandError("other_table_forbidden", status=403)


def require_board_unfrozen(table_id: int) -> None:
    """Grouping changes what a ballot lists and where its dots count: frozen while the table votes.

    Voting opens with a ``voting`` phase (or by hand); a facilitator who must
    fix the board closes that table's voting first (docs/morning.md).
    """
    table = db.session.get(RoundTable, table_id)
    if table is not None and table.voting_open:
        raise CommandError("board_frozen", status=409)


def staff_table(actor: Actor, table_id: int) -> RoundTable:
    """A table of the actor's workshop that the (facilitator) actor may act on."""
    table = table_in(actor.workshop_id, table_id)
    check_scope(actor, table.id)
    return table


def field(payload: dict, name: str, kind: type, *, required: bool = True):
    """payload[name] checked against a type (bool is not accepted as int)."""
    if name not in payload:
        if required:
            raise CommandError("invalid_payload", detail=f"'{name}' missing")
        return None
    value = payload[name]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise CommandError("invalid_payload", detail=f"'{name}' must be {kind.__name__}")
    if kind is int and not 0 <= value <= MAX_ID:
        raise CommandError("invalid_payload", detail=f"'{name}' is out of range")
    return value


def idea_id(payload: dict) -> str:
    """The payload's idea id as a canonical UUID string."""
    raw = field(payload, "id", str)
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise CommandError("invalid_id") from None


def clean_text(raw: str, limit: int) -> str:
    """Idea text: stripped, not empty, at most ``limit`` characters."""
    text = raw.replace("\r\n", "\n").strip()
    if not text:
        raise CommandError("empty_text")
    if len(text) > limit:
        raise CommandError("text_too_long", length=len(text), limit=limit)
    return text


def workshop_of(actor: Actor) -> Workshop:
    workshop = db.session.get(Workshop, actor.workshop_id)
    if workshop is None:
        raise CommandError("not_found", status=404, what="workshop")
    return workshop


def table_in(workshop_id: int, table_id: int) -> RoundTable:
    table = db.session.get(RoundTable, table_id)
    if table is None or table.workshop_id != workshop_id:
        raise CommandError("not_found", status=404, what="table")
    return table


def participant_of(actor: Actor) -> Participant:
    participant = db.session.get(Participant, actor.participant_id)
    if participant is None or participant.workshop_id != actor.workshop_id:
        raise CommandError("unauthorized", status=401)
    return participant


def idea_in(actor: Actor, ident: str, *, own: bool = False) -> Idea:
    """An idea of the actor's workshop (of the actor, when ``own``); withdrawn and merged ones do not exist."""
    idea = db.session.get(Idea, ident)
    if (
        idea is None
        or idea.workshop_id != actor.workshop_id
        or idea.state in (Idea.WITHDRAWN, Idea.MERGED)
        or (own and idea.participant_id != actor.participant_id)
    ):
        raise CommandError("not_found", status=404, what="idea")
    check_scope(actor, idea.table_id)
    return idea
