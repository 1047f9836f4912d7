"""The complete workshop as plain data (format "facilitator-export", version 2).

Read in one query per kind of object. Secrets (the facilitator, projector and
table keys, the review links' keys, participants' token secrets) are never
part of it. Times are ISO-8601 UTC with microseconds
("2026-12-10T09:41:07.123456Z") so that an import loses nothing; the copies of
objects inside event data keep the shapes (and second precision) the clients
received. docs/exports.md describes every field.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import raiseload

from ..extensions import db
from ..models import Action, Event, Group, Idea, Participant, ReviewLink, RoundTable, Vote, Workshop, iso
from ..votes_tally import tally
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
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def day(value) -> str | None:
    return value.isoformat() if value is not None else None


def workshop_id_of(code: str) -> int:
    """The id of the workshop with that join code (any case); UnknownWorkshop if none."""
    ident = db.session.execute(select(Workshop.id).where(Workshop.code == code.upper())).scalar()
    if ident is None:
        raise UnknownWorkshop(code)
    return ident


def export_snapshot(workshop_id: int, now: datetime | None = None) -> dict:
    """Everything about one workshop, read from the database, as JSON-ready plain data."""
    workshop = db.session.execute(
        select(Workshop).where(Workshop.id == workshop_id).options(raiseload("*"))
    ).scalar_one_or_none()
    if workshop is None:
        raise UnknownWorkshop(workshop_id)
    tables = (
        db.session.execute(
            select(RoundTable)
            .where(RoundTable.workshop_id == workshop_id)
            .order_by(RoundTable.number)
            .options(raiseload("*"))
        )
        .scalars()
        .all()
    )
    participants = (
        db.session.execute(select(Participant).where(Participant.workshop_id == workshop_id).order_by(Participant.id))
        .scalars()
        .all()
    )
    groups = (
        db.session.execute(
            select(Group)
            .where(Group.workshop_id == workshop_id)
            .order_by(Group.table_id, Group.position, Group.created_at, Group.id)
        )
        .scalars()
        .all()
    )
    ideas = (
        db.session.execute(
            select(Idea)
            .where(Idea.workshop_id == workshop_id)
            .order_by(Idea.created_at, Idea.id)
            .options(raiseload(Idea.author))
        )
        .scalars()
        .all()
    )
    events = (
        db.session.execute(select(Event).where(Event.workshop_id == workshop_id).order_by(Event.seq)).scalars().all()
    )
    votes = (
        db.session.execute(select(Vote).where(Vote.workshop_id == workshop_id).order_by(Vote.created_at, Vote.id))
        .scalars()
        .all()
    )
    actions = (
        db.session.execute(
            select(Action).where(Action.workshop_id == workshop_id).order_by(Action.created_at, Action.id)
        )
        .scalars()
        .all()
    )
    links = (
        db.session.execute(
            select(ReviewLink).where(ReviewLink.workshop_id == workshop_id).order_by(ReviewLink.organisation)
        )
        .scalars()
        .all()
    )
    snapshot = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": moment(now or datetime.now(UTC)),
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
            # Running the morning (version 2).
            "phase_key": workshop.phase_key,
            "phase_started_at": moment(workshop.phase_started_at),
            "phase_ends_at": moment(workshop.phase_ends_at),
            "phase_remaining_s": workshop.phase_remaining_s,
            "show_authors": workshop.show_authors,
            "votes_per_person": workshop.votes_per_person,
            "votes_per_item": workshop.votes_per_item,
            "vote_target": workshop.vote_target,
            "votes_live": workshop.votes_live,
            "rotation_round": workshop.rotation_round,
            "restitution": workshop.restitution,
            "spotlight": workshop.spotlight,
            # Outcomes (version 2).
            "review_on": day(workshop.review_on),
            "review_open": workshop.review_open,
            "retention_days": workshop.retention_days,
            "names_erased_at": moment(workshop.names_erased_at),
            "archived": workshop.archived,
        },
        "tables": [
            {
                "id": t.id,
                "number": t.number,
                "theme": t.theme,
                "question": t.question,
                "facilitator_name": t.facilitator_name,
                "facilitator_org": t.facilitator_org,
                "subtopics": list(t.subtopics or []),
                "posting_open": t.posting_open,
                "last_seq": t.last_seq,
                "voting_open": t.voting_open,
                "votes_revealed": t.votes_revealed,
            }
            for t in tables
        ],
        "participants": [
            {
                "id": p.id,
                "first_name": p.first_name,
                "organisation": p.organisation,
                "table_id": p.table_id,
                "created_at": moment(p.created_at),
                "erased_at": moment(p.erased_at),
            }
            for p in participants
        ],
        "groups": [
            {
                "id": g.id,
                "table_id": g.table_id,
                "label": g.label,
                "label_source": g.label_source,
                "position": g.position,
                "active": g.active,
                "created_at": moment(g.created_at),
            }
            for g in groups
        ],
        "ideas": [
            {
                "id": i.id,
                "table_id": i.table_id,
                "participant_id": i.participant_id,
                "text": i.text,
                "state": i.state,
                "group_id": i.group_id,
                "placement": i.placement,
                "confidence": i.confidence,
                "suggestions": list(i.suggestions or []),
                "duplicate_of": i.duplicate_of,
                "merged_into": i.merged_into,
                "created_at": moment(i.created_at),
                "updated_at": moment(i.updated_at),
                "edited_by_facilitator_at": moment(i.edited_by_facilitator_at),
            }
            for i in ideas
        ],
        "votes": [
            {
                "table_id": v.table_id,
                "participant_id": v.participant_id,
                "target_kind": v.target_kind,
                "target_id": v.target_id,
                "created_at": moment(v.created_at),
            }
            for v in votes
        ],
        "actions": [
            {
                "id": a.id,
                "table_id": a.table_id,
                "source_kind": a.source_kind,
                "source_id": a.source_id,
                "title": a.title,
                "description": a.description,
                "owner_org": a.owner_org,
                "contact": a.contact,
                "due_on": day(a.due_on),
                "indicator": a.indicator,
                "status": a.status,
                "progress_note": a.progress_note,
                "created_at": moment(a.created_at),
                "updated_at": moment(a.updated_at),
            }
            for a in actions
        ],
        "review_links": [
            {
                "organisation": r.organisation,
                "created_at": moment(r.created_at),
                "last_used_at": moment(r.last_used_at),
            }
            for r in links
        ],
        "events": [
            {
                "seq": e.seq,
                "type": e.type,
                "audience": e.audience,
                "table_id": e.table_id,
                "data": e.data,
                "table_prev": dict(e.table_prev or {}),
                "created_at": moment(e.created_at),
            }
            for e in events
        ],
    }
    erased = {p["id"]: p["first_name"] for p in snapshot["participants"] if p["erased_at"]}
    if erased:
        for event in snapshot["events"]:
            event["data"] = scrub_people(event["data"], erased)
    for table in snapshot["tables"]:
        table["results"] = table_results(snapshot, table["id"])
    return snapshot


def scrub_people(value, names: dict[int, str]):
    """Event data with the given participants' names replaced (``names``: id -> name to show).

    Used for erased participants: their row already holds the erased name; the
    copies of it in the event log (any dict with ``id`` and ``first_name``)
    must not keep the old one.
    """
    if isinstance(value, list):
        return [scrub_people(v, names) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: scrub_people(v, names) for k, v in value.items()}
    if "first_name" in out and out.get("id") in names:
        out["first_name"] = names[out["id"]]
    return out


def table_results(snapshot: dict, table_id: int) -> dict:
    """A table's dot-voting results as the live app computes them (``voting.counts``).

    ``{"dots", "voters", "tally": [{"kind", "id", "votes", "rank", "tied"}]}``:
    dots count on visible ideas and active groups only; same number of dots,
    same rank ("ex aequo"); equal items in board order (groups by position,
    then ideas by time). Derived data: the importer recomputes it.
    """
    votes = [v for v in snapshot["votes"] if v["table_id"] == table_id]
    order: dict = {
        ("group", g["id"]): (0, g["position"], "")
        for g in snapshot["groups"]
        if g["table_id"] == table_id and g["active"]
    }
    order.update(
        {
            ("idea", i["id"]): (1, 0, i["created_at"])
            for i in snapshot["ideas"]
            if i["table_id"] == table_id and i["state"] == "visible"
        }
    )
    ranked = tally([(v["target_kind"], v["target_id"]) for v in votes], counted=order.keys(), order=order)
    return {
        "dots": sum(r["votes"] for r in ranked),
        "voters": len({v["participant_id"] for v in votes}),
        "tally": ranked,
    }
