"""Workshop definitions: read the YAML files in sessions/, validate them, load them.

A definition describes a morning before it happens (title, agenda, the
organisations invited, one round table per theme). ``load_definitions`` reads
and validates every file and reports each problem as "file: field: what is
wrong"; ``sync_workshops`` writes them into the database, which is the source
of truth from then on: live state (ideas, open/closed posting, participants)
is never touched by a reload, only the descriptive fields are refreshed.

The format is documented in docs/workshops.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .extensions import db
from .models import Group, RoundTable, Vote, Workshop
from .text import deep_clean

log = logging.getLogger(__name__)

TOPIC_NAMESPACE = uuid.UUID("6f1c6a52-3c4e-4b8e-9d7e-0b9f5a3c2d10")


class DefinitionError(Exception):
    """One or more workshop definition files are invalid; ``problems`` lists them."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Facilitator(_Strict):
    name: str = Field("", max_length=120)
    organisation: str = Field("", max_length=200)


class TableDef(_Strict):
    number: int = Field(ge=1, le=50)
    theme: str = Field(min_length=1, max_length=300)
    question: str = Field("", max_length=1000)
    facilitator: Facilitator = Facilitator()
    subtopics: list[Annotated[str, Field(min_length=1, max_length=80)]] = []


class PhaseDef(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    title: str = Field(min_length=1, max_length=200)
    minutes: int = Field(ge=1, le=600)
    kind: Literal["welcome", "talks", "round_tables", "plenary", "voting", "break", "closing"]
    description: str = Field("", max_length=1000)


class OrganisationDef(_Strict):
    name: str = Field(min_length=1, max_length=80)
    description: str = Field("", max_length=300)
    role: Literal["participant", "facilitating", "organiser"] = "participant"


class ReviewDef(_Strict):
    months_after: int = Field(ge=1, le=60)
    planned_on: dt.date | None = None
    description: str = Field("", max_length=1000)


class VotingDef(_Strict):
    """Dot voting defaults (the lead facilitator can change them live, see docs/workshops.md)."""

    votes_per_person: int = Field(3, ge=1, le=20)
    votes_per_item: int = Field(1, ge=1, le=20)
    target: Literal["ideas", "groups"] = "ideas"
    live: bool = False

    @model_validator(mode="after")
    def _per_item(self):
        if self.votes_per_item > self.votes_per_person:
            raise ValueError("votes_per_item cannot exceed votes_per_person")
        return self


class WorkshopDef(_Strict):
    code: str = Field(pattern=r"^[A-Z0-9]{3,12}$")
    title: str = Field(min_length=1, max_length=200)
    purpose: str = Field("", max_length=4000)
    date: dt.date | None = None
    start_time: dt.time | None = None
    place: str = Field("", max_length=200)
    organiser: str = Field("", max_length=200)
    language: Literal["fr", "en"] = "fr"
    expected_participants: int = Field(0, ge=0, le=5000)
    agenda: list[PhaseDef] = []
    organisations: list[OrganisationDef] = []
    tables: list[TableDef] = Field(min_length=1)
    review: ReviewDef | None = None
    voting: VotingDef | None = None
    # World café: the lead facilitator may move everyone to the next table (rotate_tables).
    rotation: bool = False

    @field_validator("code", mode="before")
    @classmethod
    def _upper_code(cls, value):
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _unique(self):
        numbers = [t.number for t in self.tables]
        if len(set(numbers)) != len(numbers):
            raise ValueError("tables: two tables have the same number")
        keys = [p.key for p in self.agenda]
        if len(set(keys)) != len(keys):
            raise ValueError("agenda: two phases have the same key")
        names = [o.name.casefold() for o in self.organisations]
        if len(set(names)) != len(names):
            raise ValueError("organisations: an organisation is listed twice")
        return self


def _location(loc: tuple) -> str:
    """('tables', 2, 'theme') -> 'tables[2].theme'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


class TooDeep(yaml.YAMLError):
    """A document nested deeper than any definition (a hostile upload): refused, not a crash."""

    def __str__(self) -> str:
        return "nested too deeply"


def load_yaml(text: str):
    """``yaml.safe_load`` for definitions: text cleaned (facilitator/text.py), depth bounded."""
    try:
        return deep_clean(yaml.safe_load(text))
    except RecursionError:
        raise TooDeep() from None


def parse_definition(path: Path) -> WorkshopDef:
    """Read and validate one definition file; raise DefinitionError naming file and fields."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([f"{path}: cannot read the file: {exc}"]) from exc
    except yaml.YAMLError as exc:
        raise DefinitionError([f"{path}: not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise DefinitionError([f"{path}: the file must hold a mapping (code:, title:, tables: ...)"])
    try:
        return WorkshopDef.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{path}: {_location(e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise DefinitionError(problems) from exc


def load_definitions(directory: Path) -> list[tuple[Path, WorkshopDef]]:
    """Every *.yaml / *.yml file of a directory, validated; all problems reported at once."""
    files = sorted(p for p in Path(directory).glob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    definitions, problems, seen = [], [], {}
    for path in files:
        try:
            definition = parse_definition(path)
        except DefinitionError as exc:
            problems.extend(exc.problems)
            continue
        if definition.code in seen:
            problems.append(f"{path}: code: {definition.code} is already used by {seen[definition.code]}")
            continue
        seen[definition.code] = path
        definitions.append((path, definition))
    if problems:
        raise DefinitionError(problems)
    return definitions


def sync_workshops(directory: Path) -> list[Workshop]:
    """Create or refresh the workshops of ``directory`` in the database and commit.

    A workshop an organiser edited on the web (``version`` above 1) is left as
    it is: the database is the source of truth, and silently bringing back the
    file's older text would undo their work. ``export CODE --format yaml``
    refreshes the file instead (docs/workshops.md).
    """
    workshops = []
    for path, definition in load_definitions(directory):
        edited = db.session.execute(
            db.select(Workshop).where(Workshop.code == definition.code, Workshop.version > 1)
        ).scalar_one_or_none()
        if edited is not None:
            log.warning(
                "%s: %s was edited in the organiser space; the file is not applied "
                "(refresh it with `python -m facilitator export %s --format yaml`)",
                path,
                definition.code,
                definition.code,
            )
            workshops.append(edited)
            continue
        workshops.append(upsert_workshop(path, definition))
    db.session.commit()
    return workshops


def upsert_workshop(path: Path, definition: WorkshopDef) -> Workshop:
    """Insert a workshop, or refresh the descriptive fields of an existing one."""
    workshop = db.session.execute(db.select(Workshop).where(Workshop.code == definition.code)).scalar_one_or_none()
    if workshop is None:
        workshop = Workshop(
            code=definition.code,
            facilitator_key=secrets.token_urlsafe(18),
            projector_key=secrets.token_urlsafe(18),
        )
        db.session.add(workshop)
    _voting_defaults(workshop, definition)
    workshop.source_file = path.name
    workshop.title = definition.title
    workshop.purpose = definition.purpose
    workshop.starts_on = definition.date
    workshop.place = definition.place
    workshop.organiser = definition.organiser
    workshop.definition = definition.model_dump(mode="json")
    existing = {table.number: table for table in workshop.tables}
    for table_def in definition.tables:
        table = existing.get(table_def.number)
        if table is None:
            table = RoundTable(number=table_def.number, workshop=workshop)
            db.session.add(table)
        table.theme = table_def.theme
        table.question = table_def.question
        table.facilitator_name = table_def.facilitator.name
        table.facilitator_org = table_def.facilitator.organisation
        table.subtopics = list(table_def.subtopics)
    db.session.flush()
    for table in workshop.tables:
        _topic_groups(workshop, table)
    return workshop


def _voting_defaults(workshop: Workshop, definition: WorkshopDef) -> None:
    """Apply the file's ``voting:`` block when the workshop is new or the block was edited.

    Settings are live state: a reload with the same block keeps what the
    lead facilitator changed from the console, and once a dot is cast the
    file no longer changes them (the console refuses the same changes).
    """
    before = (workshop.definition or {}).get("voting") if workshop.id is not None else None
    if definition.voting is None or (
        workshop.id is not None
        and (
            definition.voting.model_dump(mode="json") == before
            or db.session.execute(db.select(Vote.id).where(Vote.workshop_id == workshop.id).limit(1)).first()
        )
    ):
        return
    workshop.votes_per_person = definition.voting.votes_per_person
    workshop.votes_per_item = definition.voting.votes_per_item
    workshop.vote_target = definition.voting.target
    workshop.votes_live = definition.voting.live


def _topic_groups(workshop: Workshop, table: RoundTable) -> None:
    """The organiser's sub-topics become the table's first groups (once each).

    Their ids derive from workshop, table and label, so reloading a definition
    never duplicates them; a sub-topic removed from the file keeps its group
    (it may hold ideas).
    """
    existing = {g.id for g in db.session.execute(db.select(Group).where(Group.table_id == table.id)).scalars()}
    for position, label in enumerate(table.subtopics):
        ident = str(uuid.uuid5(TOPIC_NAMESPACE, f"{workshop.code}/{table.number}/{label}"))
        if ident not in existing:
            db.session.add(
                Group(
                    id=ident,
                    workshop_id=workshop.id,
                    table_id=table.id,
                    label=label[:80],
                    label_source=Group.TOPIC,
                    position=position,
                )
            )
    db.session.flush()


def current_definition(workshop: Workshop) -> dict:
    """A workshop's definition as it stands now (organiser edits, the console's voting rules), validated.

    This is what ``export --format yaml`` writes: loading it again (a file in
    sessions/, or an upload) gives the same workshop. Live state (phase,
    ideas, participants) and the retention period are not part of a definition.
    """
    raw = dict(workshop.definition or {})
    raw.update(
        {
            "code": workshop.code,
            "title": workshop.title,
            "purpose": workshop.purpose,
            "date": workshop.starts_on.isoformat() if workshop.starts_on else None,
            "place": workshop.place,
            "organiser": workshop.organiser,
            "voting": {
                "votes_per_person": workshop.votes_per_person,
                "votes_per_item": workshop.votes_per_item,
                "target": workshop.vote_target,
                "live": workshop.votes_live,
            },
            "tables": [
                {
                    "number": t.number,
                    "theme": t.theme,
                    "question": t.question,
                    "facilitator": {"name": t.facilitator_name, "organisation": t.facilitator_org},
                    "subtopics": list(t.subtopics or []),
                }
                for t in workshop.tables
            ],
        }
    )
    definition = WorkshopDef.model_validate({k: v for k, v in raw.items() if v is not None})
    return definition.model_dump(mode="json", exclude_none=True)


def definition_yaml(workshop: Workshop) -> str:
    """``current_definition`` as a YAML file for sessions/ (docs/workshops.md), fields in the documented order."""
    header = (
        f"# {workshop.code}: exported from the database; check it with "
        f"`python -m facilitator check FOLDER` (docs/workshops.md).\n"
    )
    return header + yaml.safe_dump(current_definition(workshop), allow_unicode=True, sort_keys=False, width=100)
