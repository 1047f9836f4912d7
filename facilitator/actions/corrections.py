"""A facilitator corrects a typo in an idea; an idea's author hears of changes wherever they sit.

``correct_idea`` keeps the author's words but fixes a slip: the event
``idea_corrected`` carries the new idea and the old text (the log keeps
both), and the idea's ``corrected_at`` makes the author's phone say
"corrigé par l'animateur".

``relay_to_author``: a participant's phone follows its table's room, so an
idea left on a previous table (after a move or a rotation) would change
without its author knowing. When the author now sits elsewhere, a second
event ``my_idea_changed`` goes to the author's current table, carrying only
what the author's own list needs (no text for a hidden idea).
"""
from __future__ import annotations

from flask import current_app

from .. import events
from ..errors import CommandError
from ..extensions import db
from ..models import Idea, Participant, iso, utcnow
from ..state import idea_dict
from .base import FACILITATOR, Actor, clean_text, idea_id, idea_in, require_role


def do_correct_idea(actor: Actor, payload: dict) -> dict:
    """Fix the text of a visible idea (a typo); logged with the old and the new text."""
    require_role(actor, FACILITATOR)
    ident = idea_id(payload)
    raw = payload.get("text")
    if not isinstance(raw, str):
        raise CommandError("invalid_payload", detail="'text' must be str")
    idea = idea_in(actor, ident)  # checks the workshop and the table facilitator's scope
    if idea.state == Idea.HIDDEN:
        raise CommandError("idea_hidden", status=409)
    text = clean_text(raw, current_app.config["IDEA_MAX_LENGTH"])
    if text != idea.text:
        old = idea.text
        now = utcnow()
        idea.text = text
        idea.updated_at = now
        idea.edited_by_facilitator_at = now
        data = idea_dict(idea)
        events.publish(actor.workshop_id, "idea_corrected", {"idea": data, "old_text": old},
                       events.TABLE, idea.table_id)
        relay_to_author(idea)
    return {"idea": idea_dict(idea)}


def relay_to_author(idea: Idea) -> None:
    """Tell the author of ``idea`` about its new state when they sit at another table than the idea."""
    author = idea.author or db.session.get(Participant, idea.participant_id)
    if author is None or author.table_id is None or author.table_id == idea.table_id:
        return
    data = {"id": idea.id, "participant_id": author.id, "table_id": idea.table_id, "state": idea.state,
            "merged_into": idea.merged_into, "updated_at": iso(idea.updated_at),
            "corrected_at": iso(idea.edited_by_facilitator_at)}
    if idea.state != Idea.HIDDEN:
        data["text"] = idea.text
    events.publish(idea.workshop_id, "my_idea_changed", data, events.TABLE, author.table_id)
