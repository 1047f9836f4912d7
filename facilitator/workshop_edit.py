"""An organiser's edit of a workshop's definition, applied to the database and to the live screens.

``apply_edit`` takes a validated definition (``workshops.WorkshopDef``) and,
for each table of it, the id of the existing table it edits (None: a new
table). Inside the caller's transaction it checks the version the form was
read at, changes the rows, and publishes one logged event per change the
screens show (docs/protocol.md, "Organiser edits"):

- ``workshop_updated``: title, purpose, date, place and the agenda;
- ``table_updated``: a table added or changed (the staff table shape);
- ``table_removed``: a table without ideas, votes or actions taken away
  (its seated participants are left without a table);
- ``group_created``: a new sub-topic's group on the board;
- ``timer_changed``: the current step's duration changed, so its timer moves;
- ``voting_settings_changed``, ``retention_changed``: through the actions that own them.

What cannot change safely is refused with a ``EditRefused`` naming the form
field: a table that holds ideas cannot be removed, the current step cannot
be removed, dots cast forbid fewer dots. The caller runs it in
``events.transaction()`` (events are emitted after the commit; a refusal rolls back).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from . import events, voting
from .actions.base import FACILITATOR, ORGANISER, Actor
from .errors import CommandError
from .extensions import db
from .models import Action, Event, Group, Idea, Participant, RoundTable, Vote, Workshop
from .state import agenda_list, group_dict, phase_dict, table_staff
from .workshops import TOPIC_NAMESPACE, WorkshopDef


class StaleVersion(Exception):
    """The workshop was saved by someone else since the form was read."""

    def __init__(self, current: int):
        super().__init__(f"workshop is at version {current}")
        self.current = current


class EditRefused(Exception):
    """Changes that cannot be applied: ``problems`` maps a form field (or "") to (message key, params)."""

    def __init__(self, problems: list[tuple[str, str, dict]]):
        super().__init__("; ".join(key for _, key, _ in problems))
        self.problems = problems


def workshop_public(workshop: Workshop) -> dict:
    """The descriptive fields the staff snapshot's ``workshop`` carries (``workshop_updated``)."""
    return {
        "title": workshop.title,
        "purpose": workshop.purpose,
        "date": workshop.starts_on.isoformat() if workshop.starts_on else None,
        "place": workshop.place,
    }


def bump_version(workshop: Workshop, expected: int) -> int:
    """Take the workshop's next version if it is still ``expected``; else raise StaleVersion."""
    row = db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id, Workshop.version == expected)
        .values(version=Workshop.version + 1)
        .returning(Workshop.version)
    ).first()
    if row is None:
        current = db.session.execute(select(Workshop.version).where(Workshop.id == workshop.id)).scalar_one()
        raise StaleVersion(current)
    return row[0]


def apply_edit(
    workshop: Workshop,
    definition: WorkshopDef,
    table_ids: list[int | None],
    expected_version: int,
    retention_days: int | None,
    lang: str = "fr",
    settings: bool = True,
) -> int:
    """Apply an organiser's edit (see the module docstring); returns the new version.

    ``settings`` False leaves the voting rules and the retention period as they are (the organiser did not
    touch them in the form: the lead may have changed the rules from the console meanwhile)."""
    version = bump_version(workshop, expected_version)
    db.session.refresh(workshop)
    existing = {t.id: t for t in workshop.tables}
    kept = {ident for ident in table_ids if ident is not None}
    problems: list[tuple[str, str, dict]] = []
    for row, ident in enumerate(table_ids):
        if ident is not None and (ident not in existing or table_ids.index(ident) != row):
            problems.append((f"tables-{row}-theme", "edit.unknown_table", {}))  # not this workshop's, or twice
    removed = [existing[i] for i in existing if i not in kept]
    for table in removed:
        problems.extend(_removal_problems(table))
    new_agenda = [p.model_dump(mode="json") for p in definition.agenda]
    if workshop.phase_key and workshop.phase_key not in {p["key"] for p in new_agenda}:
        problems.append(("agenda", "edit.current_step_removed", {}))
    if problems:
        raise EditRefused(problems)

    old_public = workshop_public(workshop)
    old_agenda = agenda_list(workshop)
    old_tables = {t.id: table_staff(t, workshop.code) for t in workshop.tables}
    old_minutes = {p["key"]: p["minutes"] for p in old_agenda}

    for table in removed:
        _remove_table(workshop, table)
    tables = _place_tables(workshop, definition, table_ids, existing)

    workshop.title = definition.title
    workshop.purpose = definition.purpose
    workshop.starts_on = definition.date
    workshop.place = definition.place
    workshop.organiser = definition.organiser
    stored = definition.model_dump(mode="json")
    stored["voting"] = {
        "votes_per_person": workshop.votes_per_person,
        "votes_per_item": workshop.votes_per_item,
        "target": workshop.vote_target,
        "live": workshop.votes_live,
    }
    workshop.definition = stored
    db.session.flush()

    if workshop_public(workshop) != old_public or agenda_list(workshop) != old_agenda:
        events.publish(
            workshop.id,
            "workshop_updated",
            {"workshop": workshop_public(workshop), "agenda": agenda_list(workshop)},
            events.ALL,
        )
    for table in tables:
        shape = table_staff(table, workshop.code)
        if old_tables.get(table.id) != shape:
            events.publish(
                workshop.id, "table_updated", {"table": shape, "votes": voting.results(workshop, table)}, events.ALL
            )
        for group in _new_topic_groups(workshop, table):
            events.publish(workshop.id, "group_created", {"group": group_dict(group)})
    _adjust_timer(workshop, old_minutes)
    if not settings:
        return version
    _apply_voting(workshop, definition)
    if retention_days != workshop.retention_days:
        from .actions import run

        run(
            "set_retention",
            Actor(role=ORGANISER, workshop_id=workshop.id, lang=lang),
            {"retention_days": retention_days},
        )
    return version


def _removal_problems(table: RoundTable) -> list[tuple[str, str, dict]]:
    """Why a table cannot be removed: it holds ideas, votes or actions (they would be lost)."""
    ideas = db.session.execute(select(func.count(Idea.id)).where(Idea.table_id == table.id)).scalar_one()
    if ideas:
        return [("tables", "edit.table_has_ideas", {"n": table.number, "count": ideas})]
    votes = db.session.execute(select(func.count(Vote.id)).where(Vote.table_id == table.id)).scalar_one()
    actions = db.session.execute(select(func.count(Action.id)).where(Action.table_id == table.id)).scalar_one()
    if votes or actions:
        return [("tables", "edit.table_has_outcomes", {"n": table.number})]
    return []


def _remove_table(workshop: Workshop, table: RoundTable) -> None:
    """Take away a table with no ideas: its people are unseated, its log entries kept for the staff stream."""
    seated = list(db.session.execute(select(Participant).where(Participant.table_id == table.id)).scalars())
    moves = [{"participant_id": p.id, "table_id": None, "from_table_id": table.id} for p in seated]
    for participant in seated:
        participant.table_id = None
    if workshop.projector_view == str(table.id):
        workshop.projector_view = "all"
        events.publish(workshop.id, "projector_view_changed", {"view": "all"})
    if (workshop.restitution or {}).get("table_id") == table.id:
        workshop.restitution = None
        events.publish(workshop.id, "restitution_changed", {"restitution": None}, events.ALL)
    # Published while the table still exists, so its own room hears it too.
    events.publish(workshop.id, "table_removed", {"id": table.id, "moves": moves}, events.ALL)
    db.session.flush()
    db.session.execute(update(Event).where(Event.table_id == table.id).values(table_id=None))
    db.session.execute(db.delete(Group).where(Group.table_id == table.id))
    workshop.tables.remove(table)
    db.session.delete(table)
    db.session.flush()


def _place_tables(
    workshop: Workshop, definition: WorkshopDef, table_ids: list[int | None], existing: dict[int, RoundTable]
) -> list[RoundTable]:
    """Existing tables take their new numbers (through negative ones: numbers are unique), new ones are added."""
    kept = [existing[i] for i in table_ids if i is not None]
    for offset, table in enumerate(kept, start=1):
        table.number = -offset
    db.session.flush()
    tables = []
    for table_def, ident in zip(definition.tables, table_ids):
        table = existing[ident] if ident is not None else None
        if table is None:
            table = RoundTable(number=table_def.number, workshop=workshop, theme=table_def.theme)
            db.session.add(table)
        table.number = table_def.number
        table.theme = table_def.theme
        table.question = table_def.question
        table.facilitator_name = table_def.facilitator.name
        table.facilitator_org = table_def.facilitator.organisation
        table.subtopics = list(table_def.subtopics)
        tables.append(table)
    db.session.flush()
    return tables


def _new_topic_groups(workshop: Workshop, table: RoundTable) -> list[Group]:
    """Groups for sub-topics the table has no group for yet (a sub-topic removed keeps its group)."""
    known = {g.id: g for g in db.session.execute(select(Group).where(Group.table_id == table.id)).scalars()}
    labels = {g.label.casefold() for g in known.values() if g.active}
    created = []
    top = max((g.position for g in known.values()), default=-1)
    for label in table.subtopics:
        ident = str(uuid.uuid5(TOPIC_NAMESPACE, f"{workshop.code}/{table.number}/{label}"))
        if ident in known or label[:80].casefold() in labels:
            continue
        top += 1
        group = Group(
            id=ident,
            workshop_id=workshop.id,
            table_id=table.id,
            label=label[:80],
            label_source=Group.TOPIC,
            position=top,
        )
        db.session.add(group)
        labels.add(label[:80].casefold())
        created.append(group)
    db.session.flush()
    return created


def _adjust_timer(workshop: Workshop, old_minutes: dict[str, int]) -> None:
    """The current step's duration changed: its timer gains or loses the difference."""
    key = workshop.phase_key
    new = {p["key"]: p["minutes"] for p in agenda_list(workshop)}
    if key is None or key not in old_minutes or new.get(key) == old_minutes[key]:
        return
    delta = timedelta(minutes=new[key] - old_minutes[key])
    if workshop.phase_ends_at is not None:
        workshop.phase_ends_at = workshop.phase_ends_at + delta
    else:
        workshop.phase_remaining_s = max(0, (workshop.phase_remaining_s or 0) + int(delta.total_seconds()))
    events.publish(workshop.id, "timer_changed", {"phase": phase_dict(workshop)}, events.ALL)


def _apply_voting(workshop: Workshop, definition: WorkshopDef) -> None:
    """Voting rules through the lead's own action, so the same rule holds once dots are cast."""
    if definition.voting is None:
        return
    from .actions import run

    # The organiser sets the room's rules as the lead facilitator would, under the same rule.
    lead = Actor(role=FACILITATOR, workshop_id=workshop.id)
    try:
        run(
            "set_voting_settings",
            lead,
            {
                "votes_per_person": definition.voting.votes_per_person,
                "votes_per_item": definition.voting.votes_per_item,
                "target": definition.voting.target,
                "live": definition.voting.live,
            },
        )
    except CommandError as exc:
        if exc.code == "votes_exist":
            raise EditRefused([("voting-votes_per_person", "edit.votes_exist", {})]) from exc
        raise
    workshop.definition = {**workshop.definition, "voting": definition.voting.model_dump(mode="json")}
