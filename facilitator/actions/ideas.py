"""Ideas on a board: post, edit, withdraw (participants); hide, restore (facilitators)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from .. import events, grouping
from ..errors import CommandError
from ..extensions import db
from ..models import Idea, utcnow
from ..state import idea_dict
from .base import FACILITATOR, PARTICIPANT, Actor, clean_text, field, idea_id, idea_in, participant_of, table_in
from .registry import command


def _max_length() -> int:
    return current_app.config["IDEA_MAX_LENGTH"]


@command(roles=(PARTICIPANT,), payload={"id": "idea", "text": "text"}, emits=("idea_posted",))
def do_post_idea(actor: Actor, payload: dict) -> dict:
    """Post an idea to the participant's table; a retried id returns the stored idea."""
    ident = idea_id(payload)
    raw = field(payload, "text", str)
    participant = participant_of(actor)

    existing = db.session.get(Idea, ident)
    if existing is not None:
        if existing.participant_id != participant.id:
            raise CommandError("id_conflict", status=409)
        return {"idea": idea_dict(existing), "duplicate": True}

    text = clean_text(raw, _max_length())
    if participant.table_id is None:
        raise CommandError("no_table")
    table = table_in(actor.workshop_id, participant.table_id)
    if not table.posting_open:
        raise CommandError("posting_closed", status=409)
    _check_idea_rate(participant.id)
    # Without engine workers the engine runs here, before anything is written; with them (serve)
    # the idea is shown at once, unsorted, and its group follows as `idea_grouped` (grouping.py).
    suggestion = grouping.suggest_inline(table.id, text)

    now = utcnow()
    idea = Idea(
        id=ident,
        workshop_id=actor.workshop_id,
        table_id=table.id,
        participant_id=participant.id,
        text=text,
        state=Idea.VISIBLE,
        created_at=now,
        updated_at=now,
        author=participant,
        suggestions=[],
    )
    if suggestion is not None:
        idea.group_id = suggestion.group_id
        idea.placement = grouping.AUTO_PLACED if suggestion.group_id else None
        idea.confidence = suggestion.confidence
        idea.suggestions = suggestion.suggestions
        idea.duplicate_of = suggestion.duplicate_of
    db.session.add(idea)
    data = idea_dict(idea, merged=[])
    events.publish(actor.workshop_id, "idea_posted", {"idea": data}, events.TABLE, table.id)
    return {"idea": data, "duplicate": False}


def _check_idea_rate(participant_id: int) -> None:
    """At most IDEA_RATE_LIMIT ideas per window from one participant (counted in the database)."""
    count, seconds = current_app.config["IDEA_RATE_LIMIT"]
    if count <= 0:
        return
    recent = db.session.execute(
        select(func.count())
        .select_from(Idea)
        .where(Idea.participant_id == participant_id, Idea.created_at > utcnow() - timedelta(seconds=seconds))
    ).scalar_one()
    if recent >= count:
        raise CommandError("rate_limited", status=429)


def _own_open_idea(actor: Actor, payload: dict) -> Idea:
    """The actor's own idea, on a table whose posting is open."""
    idea = idea_in(actor, idea_id(payload), own=True)
    if not table_in(actor.workshop_id, idea.table_id).posting_open:
        raise CommandError("posting_closed", status=409)
    return idea


@command(roles=(PARTICIPANT,), payload={"id": "idea", "text": "text"}, emits=("idea_edited",))
def do_edit_idea(actor: Actor, payload: dict) -> dict:
    """Change the text of one's own visible idea while posting is open."""
    idea_id(payload)
    raw = field(payload, "text", str)
    idea = _own_open_idea(actor, payload)
    if idea.state == Idea.HIDDEN:
        raise CommandError("idea_hidden", status=409)
    text = clean_text(raw, _max_length())
    if text != idea.text:
        idea.text = text
        idea.updated_at = utcnow()
        events.publish(actor.workshop_id, "idea_edited", {"idea": idea_dict(idea)}, events.TABLE, idea.table_id)
    return {"idea": idea_dict(idea)}


@command(roles=(PARTICIPANT,), payload={"id": "idea"}, emits=("idea_withdrawn",))
def do_withdraw_idea(actor: Actor, payload: dict) -> dict:
    """Withdraw one's own idea (idempotent) while posting is open."""
    ident = idea_id(payload)
    idea = db.session.get(Idea, ident)
    if idea is not None and idea.state == Idea.WITHDRAWN and idea.participant_id == actor.participant_id:
        return {}
    idea = _own_open_idea(actor, payload)
    idea.state = Idea.WITHDRAWN
    idea.updated_at = utcnow()
    events.publish(
        actor.workshop_id, "idea_withdrawn", {"id": idea.id, "table_id": idea.table_id}, events.TABLE, idea.table_id
    )
    return {}


def _moderate(actor: Actor, payload: dict, state: str) -> dict:
    idea = idea_in(actor, idea_id(payload))
    if idea.state != state:
        idea.state = state  # updated_at is left alone: it dates the text, which moderation does not change
        if state == Idea.HIDDEN:
            events.publish(
                actor.workshop_id,
                "idea_hidden",
                {"id": idea.id, "table_id": idea.table_id},
                events.TABLE,
                idea.table_id,
            )
        else:
            events.publish(actor.workshop_id, "idea_restored", {"idea": idea_dict(idea)}, events.TABLE, idea.table_id)
    return {"idea": idea_dict(idea)}


@command(roles=(FACILITATOR,), payload={"id": "idea"}, emits=("idea_hidden",))
def do_hide_idea(actor: Actor, payload: dict) -> dict:
    """Moderation: hide an idea from the projector and the table (reversible)."""
    return _moderate(actor, payload, Idea.HIDDEN)


@command(roles=(FACILITATOR,), payload={"id": "idea"}, emits=("idea_restored",))
def do_restore_idea(actor: Actor, payload: dict) -> dict:
    """Moderation: show a hidden idea again."""
    return _moderate(actor, payload, Idea.VISIBLE)
