"""Import a JSON export ("facilitator-export", version 1 or 2) into a database.

The workshop must not exist there yet (by join code). Everything is
recreated: the workshop (with NEW facilitator and projector keys: the old
staff addresses stop working), its tables, participants, groups, ideas, votes, actions, review
links (with NEW keys) and the event log with the same sequence numbers.
Version 1 files (before votes and actions existed) import with the new
settings at their defaults and no votes, actions or review links. Integer ids (tables, participants)
are given by the database and mapped everywhere they appear, inside the event
data too, so replaying the log to a client stays consistent; UUID ids (ideas,
groups) are kept. One transaction: a refused or failed import leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from ..actions.base import MAX_ID
from ..actions.gdpr import RETENTION_MAX_DAYS
from ..actions.votes import MAX_VOTES
from ..extensions import db
from ..models import Action, Event, Group, Idea, Participant, ReviewLink, RoundTable, Vote, Workshop
from ..text import deep_clean
from ..workshops import WorkshopDef, _location
from . import FORMAT
from .snapshot import parse_moment

SUPPORTED_VERSIONS = (1, 2)
# Lists a version 2 file must have (a version 1 file has none of them).
V2_LISTS = ("votes", "actions", "review_links")


class ImportProblem(Exception):
    """The file cannot be imported; the message says why."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkshopIn(_Model):
    code: str = Field(pattern=r"^[A-Z0-9]{3,12}$")
    title: str
    purpose: str = ""
    date: dt.date | None = None
    place: str = ""
    organiser: str = ""
    definition: dict[str, Any]
    source_file: str = "import"
    joining_open: bool = True
    projector_view: Literal["all"] | int = "all"
    last_seq: int = Field(ge=0)
    created_at: dt.datetime | None = None
    # Version 2 (defaults: what a version 1 workshop had).
    phase_key: str | None = Field(None, max_length=40)
    phase_started_at: dt.datetime | None = None
    phase_ends_at: dt.datetime | None = None
    phase_remaining_s: int | None = None
    show_authors: bool = True
    votes_per_person: int = Field(3, ge=0, le=MAX_VOTES)
    votes_per_item: int = Field(1, ge=0, le=MAX_VOTES)
    vote_target: Literal["ideas", "groups"] = "ideas"
    votes_live: bool = False
    rotation_round: int = Field(0, ge=0, le=MAX_ID)
    restitution: dict[str, Any] | None = None
    spotlight: dict[str, Any] | None = None
    review_on: dt.date | None = None
    review_open: bool = False
    retention_days: int | None = Field(None, ge=0, le=RETENTION_MAX_DAYS)
    names_erased_at: dt.datetime | None = None
    archived: bool = False


class TableIn(_Model):
    id: int
    number: int
    theme: str
    question: str = ""
    facilitator_name: str = ""
    facilitator_org: str = ""
    subtopics: list[str] = []
    posting_open: bool = True
    last_seq: int = Field(0, ge=0)
    voting_open: bool = False
    votes_revealed: bool = False
    results: dict[str, Any] | None = None  # derived (snapshot.table_results): recomputed, not read


class ParticipantIn(_Model):
    id: int
    first_name: str
    organisation: str
    table_id: int | None
    created_at: dt.datetime
    erased_at: dt.datetime | None = None


class GroupIn(_Model):
    id: str = Field(min_length=1, max_length=36)
    table_id: int
    label: str
    label_source: str
    position: int = 0
    active: bool = True
    created_at: dt.datetime


class IdeaIn(_Model):
    id: str = Field(min_length=1, max_length=36)
    table_id: int
    participant_id: int
    text: str
    state: Literal["visible", "hidden", "withdrawn", "merged"]
    group_id: str | None = None
    placement: str | None = None
    confidence: float | None = None
    suggestions: list[str] = []
    duplicate_of: str | None = None
    merged_into: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    edited_by_facilitator_at: dt.datetime | None = None


class VoteIn(_Model):
    table_id: int
    participant_id: int
    target_kind: Literal["idea", "group"]
    target_id: str = Field(min_length=1, max_length=36)
    created_at: dt.datetime


class ActionIn(_Model):
    id: str = Field(min_length=1, max_length=36)
    table_id: int | None = None
    source_kind: Literal["idea", "group"] | None = None
    source_id: str | None = Field(None, max_length=36)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner_org: str = Field("", max_length=80)
    contact: str = Field("", max_length=120)
    due_on: dt.date | None = None
    indicator: str = Field("", max_length=300)
    status: Literal["not_started", "in_progress", "done", "dropped"] = "not_started"
    progress_note: str = ""
    created_at: dt.datetime
    updated_at: dt.datetime


class ReviewLinkIn(_Model):
    organisation: str = Field(min_length=1, max_length=80)
    created_at: dt.datetime
    last_used_at: dt.datetime | None = None


class EventIn(_Model):
    seq: int = Field(ge=1)
    type: str
    audience: Literal["staff", "table", "all"]
    table_id: int | None
    data: dict[str, Any]
    table_prev: dict[str, int] = {}
    created_at: dt.datetime


class SnapshotIn(_Model):
    format: Literal["facilitator-export"]
    version: int
    exported_at: str | None = None
    anonymised: bool = False
    workshop: WorkshopIn
    tables: list[TableIn]
    participants: list[ParticipantIn]
    groups: list[GroupIn]
    ideas: list[IdeaIn]
    events: list[EventIn]
    votes: list[VoteIn] = []
    actions: list[ActionIn] = []
    review_links: list[ReviewLinkIn] = []


def check(data: object) -> SnapshotIn:
    """The validated snapshot; ImportProblem naming the field otherwise."""
    data = deep_clean(data)  # the same text rule as every other entry point (facilitator/text.py)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportProblem(f'not a facilitator export (expected "format": "{FORMAT}")')
    if data.get("version") not in SUPPORTED_VERSIONS:
        raise ImportProblem(
            f"unknown export version {data.get('version')!r}: this program reads version "
            + ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        )
    if data["version"] >= 2:
        missing = [key for key in V2_LISTS if key not in data]
        if missing:
            raise ImportProblem(f"invalid export: version {data['version']} needs " + ", ".join(missing))
    else:
        extra = [key for key in V2_LISTS if key in data]
        if extra:
            raise ImportProblem("invalid export: version 1 has no " + ", ".join(extra))
    try:
        snapshot = SnapshotIn.model_validate(_naive(data))
        WorkshopDef.model_validate(snapshot.workshop.definition)
    except ValidationError as exc:
        first = exc.errors()[:5]
        raise ImportProblem(
            "invalid export: " + "; ".join(f"{_location(e['loc'])}: {e['msg']}" for e in first)
        ) from exc
    _check_references(snapshot)
    return snapshot


def _naive(data: dict) -> dict:
    """Pydantic reads "...Z" as aware; our columns hold naive UTC: parse the times ourselves."""
    out = dict(data)
    times = ("created_at", "updated_at", "erased_at", "edited_by_facilitator_at", "last_used_at")
    for key in ("participants", "groups", "ideas", "events", "votes", "actions", "review_links"):
        if isinstance(out.get(key), list):
            out[key] = [_times(item, times) for item in out[key]]
    if isinstance(out.get("workshop"), dict):
        out["workshop"] = _times(
            out["workshop"], ("created_at", "phase_started_at", "phase_ends_at", "names_erased_at")
        )
    return out


def _times(item: object, keys: tuple[str, ...]) -> object:
    if not isinstance(item, dict):
        return item
    item = dict(item)
    for key in keys:
        if isinstance(item.get(key), str):
            try:
                item[key] = parse_moment(item[key])
            except ValueError:
                pass  # left for pydantic to report
    return item


def _check_references(s: SnapshotIn) -> None:
    tables = {t.id for t in s.tables}
    people = {p.id for p in s.participants}
    groups = {g.id for g in s.groups}
    if s.workshop.definition.get("code") != s.workshop.code:
        raise ImportProblem("workshop.definition.code differs from workshop.code")
    problems = [
        f"participant {p.id}: unknown table {p.table_id}"
        for p in s.participants
        if p.table_id is not None and p.table_id not in tables
    ]
    problems += [f"group {g.id}: unknown table {g.table_id}" for g in s.groups if g.table_id not in tables]
    for i in s.ideas:
        if i.table_id not in tables:
            problems.append(f"idea {i.id}: unknown table {i.table_id}")
        if i.participant_id not in people:
            problems.append(f"idea {i.id}: unknown participant {i.participant_id}")
        if i.group_id is not None and i.group_id not in groups:
            problems.append(f"idea {i.id}: unknown group {i.group_id}")
    ideas = {i.id for i in s.ideas}
    targets = {"idea": ideas, "group": groups}
    for n, v in enumerate(s.votes):
        if v.table_id not in tables or v.participant_id not in people:
            problems.append(f"votes[{n}]: unknown table or participant")
        elif v.target_id not in targets[v.target_kind]:
            problems.append(f"votes[{n}]: unknown {v.target_kind} {v.target_id}")
    for a in s.actions:
        if a.table_id is not None and a.table_id not in tables:
            problems.append(f"action {a.id}: unknown table {a.table_id}")
        if a.source_kind and a.source_id not in targets[a.source_kind]:
            problems.append(f"action {a.id}: unknown {a.source_kind} {a.source_id}")
    if len({a.id for a in s.actions}) != len(s.actions):
        problems.append("actions: two actions have the same id")
    if len({r.organisation for r in s.review_links}) != len(s.review_links):
        problems.append("review_links: two links for the same organisation")
    seqs = [e.seq for e in s.events]
    if len(set(seqs)) != len(seqs):
        problems.append("events: two events have the same seq")
    if seqs and max(seqs) > s.workshop.last_seq:
        problems.append("events: a seq is above workshop.last_seq")
    if isinstance(s.workshop.projector_view, int) and s.workshop.projector_view not in tables:
        problems.append(f"workshop.projector_view: unknown table {s.workshop.projector_view}")
    if problems:
        raise ImportProblem("inconsistent export: " + "; ".join(problems[:5]))


def import_snapshot(data: object) -> Workshop:
    """Create the workshop of a JSON export (parsed) and commit; ImportProblem when refused."""
    s = check(data)
    if db.session.execute(select(Workshop.id).where(Workshop.code == s.workshop.code)).scalar() is not None:
        raise ImportProblem(f"a workshop with code {s.workshop.code} already exists in this database")
    taken = (
        _taken_ids(Group, [g.id for g in s.groups])
        + _taken_ids(Idea, [i.id for i in s.ideas])
        + _taken_ids(Action, [a.id for a in s.actions])
    )
    if taken:
        raise ImportProblem(f"ids already used in this database (imported before?): {', '.join(taken[:5])}")
    try:
        workshop = _create(s)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return workshop


def _taken_ids(model, ids: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(ids), 500):
        found += db.session.execute(select(model.id).where(model.id.in_(ids[start : start + 500]))).scalars()
    return found


def _create(s: SnapshotIn) -> Workshop:
    w = s.workshop
    workshop = Workshop(
        code=w.code,
        source_file=w.source_file,
        title=w.title,
        purpose=w.purpose,
        starts_on=w.date,
        place=w.place,
        organiser=w.organiser,
        definition=w.definition,
        facilitator_key=secrets.token_urlsafe(18),
        projector_key=secrets.token_urlsafe(18),
        joining_open=w.joining_open,
        projector_view="all",
        last_seq=w.last_seq,
        phase_key=w.phase_key,
        phase_started_at=w.phase_started_at,
        phase_ends_at=w.phase_ends_at,
        phase_remaining_s=w.phase_remaining_s,
        show_authors=w.show_authors,
        votes_per_person=w.votes_per_person,
        votes_per_item=w.votes_per_item,
        vote_target=w.vote_target,
        votes_live=w.votes_live,
        rotation_round=w.rotation_round,
        spotlight=w.spotlight,
        review_on=w.review_on,
        review_open=w.review_open,
        retention_days=w.retention_days,
        names_erased_at=w.names_erased_at,
        archived=w.archived,
        **({"created_at": w.created_at} if w.created_at else {}),
    )
    db.session.add(workshop)
    db.session.flush()

    tables = {
        t.id: RoundTable(
            workshop_id=workshop.id,
            number=t.number,
            theme=t.theme,
            question=t.question,
            facilitator_name=t.facilitator_name,
            facilitator_org=t.facilitator_org,
            subtopics=list(t.subtopics),
            posting_open=t.posting_open,
            last_seq=t.last_seq,
            voting_open=t.voting_open,
            votes_revealed=t.votes_revealed,
        )
        for t in s.tables
    }
    db.session.add_all(tables.values())
    db.session.flush()
    table_ids = {old: table.id for old, table in tables.items()}
    if w.projector_view != "all":
        workshop.projector_view = str(table_ids[w.projector_view])

    people = {
        p.id: Participant(
            workshop_id=workshop.id,
            table_id=table_ids[p.table_id] if p.table_id is not None else None,
            first_name=p.first_name,
            organisation=p.organisation,
            created_at=p.created_at,
            erased_at=p.erased_at,
        )
        for p in s.participants
    }
    db.session.add_all(people.values())
    db.session.flush()
    participant_ids = {old: person.id for old, person in people.items()}

    db.session.add_all(
        Group(
            id=g.id,
            workshop_id=workshop.id,
            table_id=table_ids[g.table_id],
            label=g.label,
            label_source=g.label_source,
            position=g.position,
            active=g.active,
            created_at=g.created_at,
        )
        for g in s.groups
    )
    db.session.flush()
    db.session.add_all(
        Idea(
            id=i.id,
            workshop_id=workshop.id,
            table_id=table_ids[i.table_id],
            participant_id=participant_ids[i.participant_id],
            text=i.text,
            state=i.state,
            group_id=i.group_id,
            placement=i.placement,
            confidence=i.confidence,
            suggestions=list(i.suggestions),
            duplicate_of=i.duplicate_of,
            merged_into=i.merged_into,
            created_at=i.created_at,
            updated_at=i.updated_at,
            edited_by_facilitator_at=i.edited_by_facilitator_at,
        )
        for i in s.ideas
    )
    db.session.flush()
    remap = IdMap(table_ids, participant_ids)
    if w.restitution is not None:
        workshop.restitution = remap.data(w.restitution, "workshop.restitution")
    db.session.add_all(
        Vote(
            workshop_id=workshop.id,
            table_id=table_ids[v.table_id],
            participant_id=participant_ids[v.participant_id],
            target_kind=v.target_kind,
            target_id=v.target_id,
            created_at=v.created_at,
        )
        for v in s.votes
    )
    db.session.add_all(
        Action(
            id=a.id,
            workshop_id=workshop.id,
            table_id=table_ids[a.table_id] if a.table_id is not None else None,
            source_kind=a.source_kind,
            source_id=a.source_id,
            title=a.title,
            description=a.description,
            owner_org=a.owner_org,
            contact=a.contact,
            due_on=a.due_on,
            indicator=a.indicator,
            status=a.status,
            progress_note=a.progress_note,
            created_at=a.created_at,
            updated_at=a.updated_at,
        )
        for a in s.actions
    )
    # Review links get new keys (like the staff keys): the old personal links stop working.
    db.session.add_all(
        ReviewLink(
            workshop_id=workshop.id, organisation=r.organisation, created_at=r.created_at, last_used_at=r.last_used_at
        )
        for r in s.review_links
    )
    for e in s.events:
        db.session.add(
            Event(
                workshop_id=workshop.id,
                seq=e.seq,
                type=e.type,
                audience=e.audience,
                table_id=remap.table(e.table_id, f"event {e.seq}") if e.table_id is not None else None,
                data=remap.data(e.data, f"event {e.seq}"),
                table_prev={str(remap.table(int(k), f"event {e.seq}")): v for k, v in e.table_prev.items()},
                created_at=e.created_at,
            )
        )
    db.session.flush()
    return workshop


class IdMap:
    """Old integer ids -> new ones, applied to event data by key.

    In event data, ``table_id``, ``from_table_id`` and an integer ``view``
    hold table ids; ``participant_id`` and the ``id`` of an ``author`` or
    ``participant`` object hold participant ids. Every other value is kept
    (idea and group ids are UUIDs and do not change).
    """

    TABLE_KEYS = ("table_id", "from_table_id", "view")
    PERSON_OBJECTS = ("author", "participant")

    def __init__(self, tables: dict[int, int], participants: dict[int, int]):
        self.tables, self.participants = tables, participants

    def table(self, old: int, where: str) -> int:
        if old not in self.tables:
            raise ImportProblem(f"{where}: unknown table {old}")
        return self.tables[old]

    def participant(self, old: int, where: str) -> int:
        if old not in self.participants:
            raise ImportProblem(f"{where}: unknown participant {old}")
        return self.participants[old]

    def data(self, value: Any, where: str) -> Any:
        if isinstance(value, list):
            return [self.data(v, where) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            if key in self.TABLE_KEYS and _is_int(item):
                out[key] = self.table(item, where)
            elif key == "participant_id" and _is_int(item):
                out[key] = self.participant(item, where)
            elif key in self.PERSON_OBJECTS and isinstance(item, dict) and _is_int(item.get("id")):
                out[key] = {**self.data(item, where), "id": self.participant(item["id"], where)}
            else:
                out[key] = self.data(item, where)
        return out


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
