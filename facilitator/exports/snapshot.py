"""The complete workshop as plain data (format "facilitator-export", version 1).

Read in one query per kind of object. Secrets (the facilitator and projector
keys) are never part of it. Times are ISO-8601 UTC with microseconds
("2026-12-10T09:41:07.123456Z") so that an import loses nothing; the copies of
objects inside event data keep the shapes (and second precision) the clients
received. docs/exports.md describes every field.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import raiseload

from ..extensions import db
from ..models import Event, Group, Idea, Participant, RoundTable, Workshop, iso
from . import FORMAT, VERSION


class UnknownWorkshop(LookupError):
    """No workshop with that id or code."""


def moment(value: datetime | None) -> str | None:
    """Naive-UTC (or aware) datetime -> "YYYY-MM-DDTHH:MM:SS.ffffffZ": nothing lost on import."""
    return iso(value, "microseconds")


def parse_moment(text: str | None) -> datetime | None:
    """The inverse of ``moment``: naive UTC, as every timestamp column holds."""
    if text is None:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def workshop_id_of(code: str) -> int:
    """The id of the workshop with that join code (any case); UnknownWorkshop if none."""
    ident = db.session.execute(select(Workshop.id).where(Workshop.code == code.upper())).scalar()
    if ident is None:
        raise UnknownWorkshop(code)
    return ident


def export_snapshot(workshop_id: int, now: datetime | None = None) -> dict:
    """Everything about one workshop, read from the database, as JSON-ready plain data."""
    workshop = db.session.execute(
        select(Workshop).where(Workshop.id == workshop_id).options(raiseload("*"))).scalar_one_or_none()
    if workshop is None:
        raise UnknownWorkshop(workshop_id)
    tables = db.session.execute(
        select(RoundTable).where(RoundTable.workshop_id == workshop_id)
        .order_by(RoundTable.number).options(raiseload("*"))).scalars().all()
    participants = db.session.execute(
        select(Participant).where(Participant.workshop_id == workshop_id)
        .order_by(Participant.id)).scalars().all()
    groups = db.session.execute(
        select(Group).where(Group.workshop_id == workshop_id)
        .order_by(Group.table_id, Group.position, Group.created_at, Group.id)).scalars().all()
    ideas = db.session.execute(
        select(Idea).where(Idea.workshop_id == workshop_id)
        .order_by(Idea.created_at, Idea.id).options(raiseload(Idea.author))).scalars().all()
    events = db.session.execute(
        select(Event).where(Event.workshop_id == workshop_id).order_by(Event.seq)).scalars().all()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": moment(now or datetime.now(timezone.utc)),
        "anonymised": False,
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "purpose": workshop.purpose,
            "date": workshop.starts_on.isoformat() if workshop.starts_on else None,
            "place": workshop.place,
            "organiser": workshop.organiser,
            "definition": workshop.definition,
            "source_file": workshop.source_file,
            "joining_open": workshop.joining_open,
            "projector_view": "all" if workshop.projector_view == "all" else int(workshop.projector_view),
            "last_seq": workshop.last_seq,
            "created_at": moment(workshop.created_at),
        },
        "tables": [{
            "id": t.id, "number": t.number, "theme": t.theme, "question": t.question,
            "facilitator_name": t.facilitator_name, "facilitator_org": t.facilitator_org,
            "subtopics": list(t.subtopics or []), "posting_open": t.posting_open, "last_seq": t.last_seq,
        } for t in tables],
        "participants": [{
            "id": p.id, "first_name": p.first_name, "organisation": p.organisation,
            "table_id": p.table_id, "created_at": moment(p.created_at),
        } for p in participants],
        "groups": [{
            "id": g.id, "table_id": g.table_id, "label": g.label, "label_source": g.label_source,
            "position": g.position, "active": g.active, "created_at": moment(g.created_at),
        } for g in groups],
        "ideas": [{
            "id": i.id, "table_id": i.table_id, "participant_id": i.participant_id, "text": i.text,
            "state": i.state, "group_id": i.group_id, "placement": i.placement,
            "confidence": i.confidence, "suggestions": list(i.suggestions or []),
            "duplicate_of": i.duplicate_of, "merged_into": i.merged_into,
            "created_at": moment(i.created_at), "updated_at": moment(i.updated_at),
        } for i in ideas],
        "events": [{
            "seq": e.seq, "type": e.type, "audience": e.audience, "table_id": e.table_id,
            "data": e.data, "table_prev": dict(e.table_prev or {}), "created_at": moment(e.created_at),
        } for e in events],
    }
