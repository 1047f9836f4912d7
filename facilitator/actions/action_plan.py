"""The action plan and the nine-month review (bilan): commands that change them.

Facilitators (a table facilitator on their own table only) and organisers turn
groups and ideas into actions, or write one from scratch. Organisers set the
review date and open or close the review; while it is open, each owner
organisation updates its own actions through a personal link (``ReviewLink``),
handled by ``do_update_review_action``.

Every change is logged as an event for the staff screens: ``action_created``,
``action_updated``, ``action_deleted`` (its data keeps the removed action, so
the event log holds the whole history) and ``review_changed``.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from .. import events
from ..errors import CommandError
from ..extensions import db
from ..models import Action, Group, Idea, ReviewLink, Workshop, utcnow
from ..review_dates import parse_date, review_date
from ..state import action_dict, review_dict
from .base import FACILITATOR, ORGANISER, REVIEWER, Actor, check_scope, field, table_in, workshop_of
from .registry import command

# Text limits (the columns' sizes; free text is capped too).
LIMITS = {"title": 200, "description": 2000, "owner_org": 80, "contact": 120, "indicator": 300, "progress_note": 2000}


# -- validation -----------------------------------------------------------------


def _uuid(payload: dict, name: str = "id") -> str:
    try:
        return str(uuid.UUID(field(payload, name, str)))
    except ValueError:
        raise CommandError("invalid_id") from None


def _text(payload: dict, name: str, *, single_line: bool = True) -> str | None:
    """A text field (None when absent): whitespace tidied, within its limit."""
    if name not in payload:
        return None
    raw = payload[name]
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise CommandError("invalid_payload", detail=f"'{name}' must be str")
    text = " ".join(raw.split()) if single_line else raw.replace("\r\n", "\n").strip()
    if len(text) > LIMITS[name]:
        raise CommandError("action_field_too_long", field=f"field_{name}", limit=LIMITS[name])
    return text


def _title(payload: dict, *, required: bool) -> str | None:
    if required and "title" not in payload:
        raise CommandError("action_title_required")
    title = _text(payload, "title")
    if title is not None and not title:
        raise CommandError("action_title_required")
    return title


def _status(raw: object) -> str:
    if raw not in Action.STATUSES:
        raise CommandError("invalid_status")
    return raw


def _action(actor: Actor, ident: str) -> Action:
    action = db.session.get(Action, ident)
    if action is None or action.workshop_id != actor.workshop_id:
        raise CommandError("not_found", status=404, what="action")
    return action


def _source(actor: Actor, payload: dict) -> tuple[str | None, str | None, int | None]:
    """(kind, id, table id) of the group or idea the action comes from; Nones when written from scratch."""
    source = payload.get("source")
    if source is None:
        return None, None, None
    if not isinstance(source, dict) or source.get("kind") not in ("group", "idea"):
        raise CommandError("invalid_payload", detail="'source' must be {kind: group|idea, id}")
    ident = _uuid(source)
    if source["kind"] == "group":
        group = db.session.get(Group, ident)
        if group is None or group.workshop_id != actor.workshop_id or not group.active:
            raise CommandError("not_found", status=404, what="group")
        return "group", group.id, group.table_id
    idea = db.session.get(Idea, ident)
    if idea is None or idea.workshop_id != actor.workshop_id or idea.state in (Idea.WITHDRAWN, Idea.MERGED):
        raise CommandError("not_found", status=404, what="idea")
    return "idea", idea.id, idea.table_id


# -- the action plan ------------------------------------------------------------


@command(
    roles=(
        FACILITATOR,
        ORGANISER,
    ),
    payload={
        "id": "action",
        "source": "object|null?",
        "table_id": "table|null?",
        "title": "text|null?",
        "description": "text|null?",
        "owner_org": "text|null?",
        "contact": "text|null?",
        "due_on": "any?",
        "indicator": "text|null?",
    },
    emits=("action_created",),
)
def do_create_action(actor: Actor, payload: dict) -> dict:
    """A new action from a group, an idea or from scratch; idempotent by client id."""
    ident = _uuid(payload)
    kind, source_id, table_id = _source(actor, payload)
    if kind is None and payload.get("table_id") is not None:
        table_id = table_in(actor.workshop_id, field(payload, "table_id", int)).id
    check_scope(actor, table_id)
    title = _title(payload, required=True)
    texts = {name: _text(payload, name) for name in ("owner_org", "contact", "indicator")}
    description = _text(payload, "description", single_line=False)
    due_on = parse_date(payload.get("due_on"))
    existing = db.session.get(Action, ident)
    if existing is not None:
        if existing.workshop_id != actor.workshop_id or existing.source_id != source_id:
            raise CommandError("id_conflict", status=409)
        return {"action": action_dict(existing)}  # a retry after a lost ack
    now = utcnow()
    action = Action(
        id=ident,
        workshop_id=actor.workshop_id,
        table_id=table_id,
        source_kind=kind,
        source_id=source_id,
        title=title,
        description=description or "",
        owner_org=texts["owner_org"] or "",
        contact=texts["contact"] or "",
        due_on=due_on,
        indicator=texts["indicator"] or "",
        status=Action.NOT_STARTED,
        progress_note="",
        created_at=now,
        updated_at=now,
    )
    db.session.add(action)
    db.session.flush()
    events.publish(actor.workshop_id, "action_created", {"action": action_dict(action)})
    return {"action": action_dict(action)}


@command(
    roles=(
        FACILITATOR,
        ORGANISER,
    ),
    payload={
        "id": "action",
        "title": "text|null?",
        "description": "text|null?",
        "owner_org": "text|null?",
        "contact": "text|null?",
        "due_on": "any?",
        "indicator": "text|null?",
        "status": "any?",
        "progress_note": "text|null?",
    },
    emits=("action_updated",),
)
def do_update_action(actor: Actor, payload: dict) -> dict:
    """Change some fields of an action (those present in the payload); status and progress note too."""
    action = _action(actor, _uuid(payload))
    check_scope(actor, action.table_id)
    changes: dict = {}
    title = _title(payload, required=False)
    if title is not None:
        changes["title"] = title
    for name in ("owner_org", "contact", "indicator"):
        value = _text(payload, name)
        if value is not None:
            changes[name] = value
    for name in ("description", "progress_note"):
        value = _text(payload, name, single_line=False)
        if value is not None:
            changes[name] = value
    if "due_on" in payload:
        changes["due_on"] = parse_date(payload["due_on"])
    if "status" in payload:
        changes["status"] = _status(payload["status"])
    _apply(actor.workshop_id, action, changes, by="staff")
    return {"action": action_dict(action)}


def _apply(workshop_id: int, action: Action, changes: dict, by: str) -> None:
    """Set the changed fields; log ``action_updated`` when something really changed."""
    changed = [name for name, value in changes.items() if getattr(action, name) != value]
    if not changed:
        return
    for name in changed:
        setattr(action, name, changes[name])
    action.updated_at = utcnow()
    events.publish(workshop_id, "action_updated", {"action": action_dict(action), "by": by, "fields": changed})


@command(
    roles=(
        FACILITATOR,
        ORGANISER,
    ),
    payload={"id": "action"},
    emits=("action_deleted",),
)
def do_delete_action(actor: Actor, payload: dict) -> dict:
    """Remove an action written by mistake (a real commitment given up is ``dropped`` instead).

    The ``action_deleted`` event keeps the whole action, so nothing is lost
    from the history. Deleting an action already deleted answers ok (a retry).
    """
    ident = _uuid(payload)
    action = db.session.get(Action, ident)
    if action is None:
        return {"id": ident, "deleted": False}
    if action.workshop_id != actor.workshop_id:
        raise CommandError("not_found", status=404, what="action")
    check_scope(actor, action.table_id)
    removed = action_dict(action)
    db.session.delete(action)
    events.publish(actor.workshop_id, "action_deleted", {"id": ident, "action": removed})
    return {"id": ident, "deleted": True}


# -- the review (organisers) ------------------------------------------------------


@command(roles=(ORGANISER,), payload={"on": "any"}, emits=("review_changed",), socket=False)
def do_set_review_date(actor: Actor, payload: dict) -> dict:
    """Set (or, with null, reset to the default) the review date."""
    workshop = workshop_of(actor)
    if "on" not in payload:
        raise CommandError("invalid_payload", detail="'on' missing")
    day = parse_date(payload["on"])
    if day != workshop.review_on:
        workshop.review_on = day
        events.publish(workshop.id, "review_changed", {"review": review_dict(workshop)})
    return {"review": review_dict(workshop)}


def owner_organisations(workshop_id: int) -> list[str]:
    """The owner organisations that have actions, in alphabetical order."""
    names = db.session.execute(
        select(Action.owner_org).where(Action.workshop_id == workshop_id, Action.owner_org != "").distinct()
    ).scalars()
    return sorted(set(names), key=str.casefold)


@command(roles=(ORGANISER,), emits=("review_changed",), socket=False)
def do_open_review(actor: Actor, payload: dict) -> dict:
    """Open the review: one personal link per owner organisation with actions (existing links are kept)."""
    workshop = workshop_of(actor)
    if review_date(workshop) is None:
        raise CommandError("no_review_date", status=409)
    known = {
        link.organisation
        for link in db.session.execute(select(ReviewLink).where(ReviewLink.workshop_id == workshop.id)).scalars()
    }
    created = [name for name in owner_organisations(workshop.id) if name not in known]
    for name in created:
        db.session.add(ReviewLink(workshop_id=workshop.id, organisation=name))
    if workshop.review_on is None:
        workshop.review_on = review_date(workshop)
    if not workshop.review_open or created:
        workshop.review_open = True
        db.session.flush()
        # Keys are secrets: the event (seen by projectors too) names organisations only.
        events.publish(workshop.id, "review_changed", {"review": review_dict(workshop), "links_created": created})
    return {"review": review_dict(workshop), "links_created": created}


@command(roles=(ORGANISER,), emits=("review_changed",), socket=False)
def do_close_review(actor: Actor, payload: dict) -> dict:
    """Close the review: the personal links become read-only."""
    workshop = workshop_of(actor)
    if workshop.review_open:
        workshop.review_open = False
        events.publish(workshop.id, "review_changed", {"review": review_dict(workshop)})
    return {"review": review_dict(workshop)}


# -- the review link (owner organisations, no account) ------------------------------


def link_actions(link: ReviewLink) -> list[Action]:
    """The actions of the link's organisation, by table then due date."""
    return list(
        db.session.execute(
            select(Action)
            .where(Action.workshop_id == link.workshop_id, Action.owner_org == link.organisation)
            .order_by(Action.table_id, Action.due_on, Action.created_at, Action.id)
        ).scalars()
    )


@command(
    roles=(REVIEWER,),
    payload={"id": "action", "status": "any?", "progress_note": "text|null?"},
    emits=("action_updated",),
    socket=False,
)
def do_update_review_action(actor: Actor, payload: dict) -> dict:
    """An owner organisation updates the status and progress note of one of ITS actions."""
    link = db.session.get(ReviewLink, actor.link_id)
    if link is None or link.workshop_id != actor.workshop_id:
        raise CommandError("not_found", status=404, what="action")
    workshop = db.session.get(Workshop, link.workshop_id)
    ident = _uuid(payload)
    action = db.session.get(Action, ident)
    # Another organisation's action does not exist for this link (no hint that it does).
    if action is None or action.workshop_id != link.workshop_id or action.owner_org != link.organisation:
        raise CommandError("not_found", status=404, what="action")
    if not workshop.review_open:
        raise CommandError("review_closed", status=409)
    changes = {"status": _status(payload.get("status"))}
    note = _text(payload, "progress_note", single_line=False)
    if note is not None:
        changes["progress_note"] = note
    link.last_used_at = utcnow()
    _apply(workshop.id, action, changes, by="review")
    return {"action": action_dict(action)}
