"""Figures of workshops for the organiser space: participants, organisations, ideas per table, votes.

Counted with a few grouped queries for all the listed workshops at once (not
one query per workshop and table).
"""

from __future__ import annotations

from .extensions import db
from .models import Idea, Participant, RoundTable, Vote, Workshop

# Ideas that count: on a board now (visible or hidden by moderation); withdrawn and merged ones do not.
COUNTED = (Idea.VISIBLE, Idea.HIDDEN)


def figures_of_all(workshops: list[Workshop]) -> dict[int, dict]:
    """{workshop id: figures} for these workshops."""
    ids = [w.id for w in workshops]
    if not ids:
        return {}
    result = {i: {"participants": 0, "organisations": 0, "ideas": 0, "votes": 0, "tables": []} for i in ids}
    for wid, count, orgs in db.session.execute(
        db.select(
            Participant.workshop_id,
            db.func.count(Participant.id),
            db.func.count(db.func.distinct(db.func.lower(Participant.organisation))),
        )
        .where(Participant.workshop_id.in_(ids))
        .group_by(Participant.workshop_id)
    ):
        result[wid]["participants"], result[wid]["organisations"] = count, orgs
    ideas = dict(
        db.session.execute(
            db.select(Idea.table_id, db.func.count(Idea.id))
            .where(Idea.workshop_id.in_(ids), Idea.state.in_(COUNTED))
            .group_by(Idea.table_id)
        ).all()
    )
    for wid, count in db.session.execute(
        db.select(Vote.workshop_id, db.func.count(Vote.id)).where(Vote.workshop_id.in_(ids)).group_by(Vote.workshop_id)
    ):
        result[wid]["votes"] = count
    for table in db.session.execute(
        db.select(RoundTable).where(RoundTable.workshop_id.in_(ids)).order_by(RoundTable.workshop_id, RoundTable.number)
    ).scalars():
        count = ideas.get(table.id, 0)
        result[table.workshop_id]["tables"].append(
            {"id": table.id, "number": table.number, "theme": table.theme, "ideas": count}
        )
        result[table.workshop_id]["ideas"] += count
    return result


def figures_of(workshop: Workshop) -> dict:
    return figures_of_all([workshop])[workshop.id]


def status_of(workshop: Workshop) -> dict:
    """What the workshop is doing: archived, its current phase's title, whether joining is open."""
    phase = None
    if workshop.phase_key:
        phase = next(
            (
                p.get("title")
                for p in (workshop.definition or {}).get("agenda", [])
                if p.get("key") == workshop.phase_key
            ),
            workshop.phase_key,
        )
    return {
        "archived": workshop.archived,
        "phase": phase,
        "joining_open": workshop.joining_open,
        "erased": workshop.names_erased_at is not None,
    }
