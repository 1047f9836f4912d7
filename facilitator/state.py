"""Snapshots: the whole state a client needs, built from the database.

The serialisers here are the single definition of each object's JSON shape;
events carry the same shapes, so applying a client's missed events to an old
snapshot gives the same result as a fresh snapshot (tested).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from . import voting
from .extensions import db
from .models import Action, Group, Idea, Participant, RoundTable, Workshop, iso
from .urls import join_url, qr_path


def idea_dict(idea: Idea, merged: list[Idea] | None = None) -> dict:
    """An idea as clients see it (withdrawn ideas are never sent).

    ``merged`` are the ideas a facilitator folded into this one (their authors
    stay credited); pass them when known, else they are looked up.
    """
    if merged is None:
        merged = merged_into(idea.id)
    return {
        "id": idea.id,
        "table_id": idea.table_id,
        "text": idea.text,
        "state": idea.state,
        "author": author_dict(idea.author),
        "created_at": iso(idea.created_at),
        "updated_at": iso(idea.updated_at),
        "group_id": idea.group_id,
        "placement": idea.placement,
        "confidence": idea.confidence,
        "suggestions": list(idea.suggestions or []),
        "duplicate_of": idea.duplicate_of,
        "merged": [{"id": m.id, "text": m.text, "author": author_dict(m.author)} for m in merged],
        # Set when a facilitator corrected the text (correct_idea): "corrigé par l'animateur".
        "corrected_at": iso(idea.edited_by_facilitator_at),
        # Set while pinned to the top of its group (pin_idea).
        "pinned_at": iso(idea.pinned_at),
    }


def merged_into(idea_id: str) -> list[Idea]:
    return list(
        db.session.execute(select(Idea).where(Idea.merged_into == idea_id).order_by(Idea.created_at, Idea.id)).scalars()
    )


def merged_map(workshop_id: int) -> dict[str, list[Idea]]:
    """Every merged idea of a workshop, by the idea it was merged into (one query for snapshots)."""
    result: dict[str, list[Idea]] = {}
    for idea in db.session.execute(
        select(Idea)
        .where(Idea.workshop_id == workshop_id, Idea.state == Idea.MERGED)
        .order_by(Idea.created_at, Idea.id)
    ).scalars():
        result.setdefault(idea.merged_into, []).append(idea)
    return result


def group_dict(group: Group) -> dict:
    """A group (cluster) of a board as staff screens see it."""
    return {
        "id": group.id,
        "table_id": group.table_id,
        "label": group.label,
        "label_source": group.label_source,
        "position": group.position,
    }


def active_groups(workshop_id: int, table_id: int | None = None) -> list[Group]:
    """The active groups of a workshop (or of one table), by table then position."""
    query = select(Group).where(Group.workshop_id == workshop_id, Group.active.is_(True))
    if table_id is not None:
        query = query.where(Group.table_id == table_id)
    return list(db.session.execute(query.order_by(Group.table_id, Group.position, Group.created_at)).scalars())


def action_dict(action: Action) -> dict:
    """An action of the action plan (docs/protocol.md, "Action plan"); ``source`` links back to its group or idea."""
    return {
        "id": action.id,
        "table_id": action.table_id,
        "source": {"kind": action.source_kind, "id": action.source_id} if action.source_kind else None,
        "title": action.title,
        "description": action.description,
        "owner_org": action.owner_org,
        "contact": action.contact,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "indicator": action.indicator,
        "status": action.status,
        "progress_note": action.progress_note,
        "created_at": iso(action.created_at),
        "updated_at": iso(action.updated_at),
    }


def workshop_actions(workshop_id: int) -> list[Action]:
    """The actions of a workshop in creation order."""
    return list(
        db.session.execute(
            select(Action).where(Action.workshop_id == workshop_id).order_by(Action.created_at, Action.id)
        ).scalars()
    )


def review_dict(workshop: Workshop) -> dict:
    """The review (bilan) as staff screens see it: its date (set, else the default) and whether it is open."""
    from .review_dates import review_date

    day = review_date(workshop)
    return {"on": day.isoformat() if day else None, "open": bool(workshop.review_open)}


def author_dict(participant: Participant) -> dict:
    return {"id": participant.id, "first_name": participant.first_name, "organisation": participant.organisation}


def participant_dict(participant: Participant) -> dict:
    return {**author_dict(participant), "table_id": participant.table_id}


def table_public(table: RoundTable) -> dict:
    """What a participant sees of a table."""
    return {
        "id": table.id,
        "number": table.number,
        "theme": table.theme,
        "question": table.question,
        "posting_open": table.posting_open,
        "voting_open": table.voting_open,
        "votes_revealed": table.votes_revealed,
    }


def table_staff(table: RoundTable, code: str) -> dict:
    """What facilitators and projectors see of a table."""
    return {
        **table_public(table),
        "facilitator": {"name": table.facilitator_name, "organisation": table.facilitator_org},
        "join_url": join_url(code, table.number),
        "qr_url": qr_path(code, table.number),
    }


def projector_view(workshop: Workshop) -> str | int:
    """The stored view: "all" or a table id."""
    return "all" if workshop.projector_view == "all" else int(workshop.projector_view)


def limits() -> dict:
    return {"idea_max_length": current_app.config["IDEA_MAX_LENGTH"]}


def agenda_list(workshop: Workshop) -> list[dict]:
    """The agenda's phases in order: {key, title, kind, minutes, description} (docs/protocol.md)."""
    return [
        {
            "key": p["key"],
            "title": p["title"],
            "kind": p["kind"],
            "minutes": p["minutes"],
            "description": p.get("description") or "",
        }
        for p in (workshop.definition or {}).get("agenda") or []
    ]


def phase_dict(workshop: Workshop) -> dict:
    """The current phase and its timer as absolute server times (running: ends_at; paused: remaining_s)."""
    running = workshop.phase_key is not None and workshop.phase_ends_at is not None
    return {
        "key": workshop.phase_key,
        "started_at": iso(workshop.phase_started_at, "milliseconds"),
        "ends_at": iso(workshop.phase_ends_at, "milliseconds"),
        "remaining_s": workshop.phase_remaining_s,
        "paused": workshop.phase_key is not None and not running,
    }


def participant_snapshot(workshop: Workshop, me: Participant) -> dict:
    """Everything the phone of ``me`` shows."""
    my_ideas = db.session.execute(
        select(Idea)
        .where(Idea.participant_id == me.id, Idea.state != Idea.WITHDRAWN)
        .order_by(Idea.created_at, Idea.id)
    ).scalars()
    table_ideas = []
    if me.table_id is not None:
        table_ideas = db.session.execute(
            select(Idea)
            .where(Idea.table_id == me.table_id, Idea.state == Idea.VISIBLE)
            .order_by(Idea.created_at, Idea.id)
        ).scalars()
    merged = merged_map(workshop.id)
    return {
        "role": "participant",
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "joining_open": workshop.joining_open,
            "rotation_round": workshop.rotation_round,
        },
        "me": participant_dict(me),
        "tables": [table_public(t) for t in workshop.tables],
        "agenda": agenda_list(workshop),
        "phase": phase_dict(workshop),
        "my_ideas": [idea_dict(i, merged.get(i.id, [])) for i in my_ideas],
        "table_ideas": [idea_dict(i, merged.get(i.id, [])) for i in table_ideas],
        "voting": voting.participant_voting(workshop, me),
        "limits": limits(),
    }


def staff_snapshot(workshop: Workshop, role: str) -> dict:
    """Everything the facilitator console (hidden ideas included) or the projector shows."""
    states = [Idea.VISIBLE, Idea.HIDDEN] if role == "facilitator" else [Idea.VISIBLE]
    ideas = db.session.execute(
        select(Idea).where(Idea.workshop_id == workshop.id, Idea.state.in_(states)).order_by(Idea.created_at, Idea.id)
    ).scalars()
    participants = db.session.execute(
        select(Participant).where(Participant.workshop_id == workshop.id).order_by(Participant.id)
    ).scalars()
    merged = merged_map(workshop.id)
    return {
        "role": role,
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "purpose": workshop.purpose,
            "date": workshop.starts_on.isoformat() if workshop.starts_on else None,
            "place": workshop.place,
            "joining_open": workshop.joining_open,
            "projector_view": projector_view(workshop),
            "projector_paused": workshop.projector_paused,
            "restitution": workshop.restitution,
            "spotlight": workshop.spotlight,
            "join_url": join_url(workshop.code),
            "qr_url": qr_path(workshop.code),
            "voting": voting.settings_dict(workshop),
            # Round tables (docs/morning.md): authors on the projector, world café rotation.
            "show_authors": workshop.show_authors,
            "rotation_round": workshop.rotation_round,
            "rotation": bool((workshop.definition or {}).get("rotation")),
        },
        "tables": [table_staff(t, workshop.code) for t in workshop.tables],
        "agenda": agenda_list(workshop),
        "phase": phase_dict(workshop),
        "participants": [participant_dict(p) for p in participants],
        "groups": [group_dict(g) for g in active_groups(workshop.id)],
        "ideas": [idea_dict(i, merged.get(i.id, [])) for i in ideas],
        "votes": voting.all_results(workshop),
        "actions": [action_dict(a) for a in workshop_actions(workshop.id)],
        "review": review_dict(workshop),
        "limits": limits(),
    }
