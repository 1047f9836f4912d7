"""A facilitator corrects a typo in an idea; an idea's author hears of changes wherever they sit.

``correct_idea`` keeps the author's words but fixes a slip: the event
``idea_corrected`` carries the new idea and the old text (the log keeps
both), and the idea's ``corrected_at`` makes the author's phone say
"corrigé par l'animateur".

The author hears of the correction even from another table: see
``reactions.tell_author``.
"""

from __future__ import annotations

from flask import current_app

from .. import events
from ..errors import CommandError
from ..models import Idea, utcnow
from ..state import idea_dict
from .base import FACILITATOR, Actor, clean_text, idea_id, idea_in
from .registry import command


@command(roles=(FACILITATOR,), payload={"id": "idea", "text": "text"}, emits=("idea_corrected",))
def do_correct_idea(actor: Actor, payload: dict) -> dict:
    """Fix the text of a visible idea (a typo); logged with the old and the new text."""
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
        events.publish(
            actor.workshop_id, "idea_corrected", {"idea": data, "old_text": old}, events.TABLE, idea.table_id
        )
    return {"idea": idea_dict(idea)}
