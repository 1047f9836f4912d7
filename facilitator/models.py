"""Database models (SQLAlchemy 2.0 typed mappings).

The workshop definition files in sessions/ are loaded into these tables; from
then on the database is the source of truth. Every change to shared state is
logged as an ``Event`` in the same transaction (see events.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    """Current time in UTC, naive: every timestamp column holds naive UTC."""
    return datetime.now(dt.UTC).replace(tzinfo=None)


def iso(moment: datetime | None, timespec: str = "seconds") -> str | None:
    """ISO-8601 UTC text for JSON payloads ("2026-03-12T09:41:07Z"; exports keep microseconds)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec=timespec) + "Z"


class Workshop(db.Model):
    """A live session (e.g. the Dev'Up morning), loaded from a file in sessions/."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    source_file: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[dt.date | None]
    place: Mapped[str] = mapped_column(String(200), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    # The whole validated definition (agenda, organisations, review, ...).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    facilitator_key: Mapped[str] = mapped_column(String(64))
    projector_key: Mapped[str] = mapped_column(String(64))
    joining_open: Mapped[bool] = mapped_column(default=True)
    # "all" or a RoundTable id, as text.
    projector_view: Mapped[str] = mapped_column(String(16), default="all")
    # The lead held the projector's rotation on its current page (set_projector_rotation).
    projector_paused: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Sequence number of the last logged event (the head of the staff stream).
    last_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # --- Running the morning (issue "Drive the whole morning") ---
    # Current agenda phase (a key of definition["agenda"]); None before the start.
    phase_key: Mapped[str | None] = mapped_column(String(40))
    # Timer: while running, ends_at is set; while paused, remaining_s holds what is left.
    phase_started_at: Mapped[datetime | None]
    phase_ends_at: Mapped[datetime | None]
    phase_remaining_s: Mapped[int | None]
    # Show authors (first name, organisation) on the projector.
    # Anonymous on the room screen unless the lead shows names (docs/morning.md, "Names on the projector").
    show_authors: Mapped[bool] = mapped_column(default=False, server_default="1")
    # Dot voting: dots per participant and per theme, at most per item, on "ideas" or "groups".
    votes_per_person: Mapped[int] = mapped_column(default=3, server_default="3")
    votes_per_item: Mapped[int] = mapped_column(default=1, server_default="1")
    vote_target: Mapped[str] = mapped_column(String(8), default="ideas", server_default="ideas")
    # Results shown live as votes arrive, or only once a facilitator reveals them.
    votes_live: Mapped[bool] = mapped_column(default=False, server_default="0")
    # World café rotation: how many times participants moved on to the next table.
    rotation_round: Mapped[int] = mapped_column(default=0, server_default="0")
    # Plenary restitution: {"table_id": int, "step": int} or None; spotlight: {"kind", "id"} or None.
    restitution: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    spotlight: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    # --- Outcomes (issue "Outcomes: prepare, export and follow up") ---
    review_on: Mapped[dt.date | None]
    review_open: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Names are erased this many days after the workshop date (None: kept until erased by hand).
    retention_days: Mapped[int | None]
    names_erased_at: Mapped[datetime | None]
    archived: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Bumped by every organiser edit of the definition: a form saved from an older version is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    tables: Mapped[list[RoundTable]] = relationship(back_populates="workshop", order_by="RoundTable.number")


class RoundTable(db.Model):
    """One theme of the workshop, run at one round table, with its board."""

    __table_args__ = (UniqueConstraint("workshop_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"))
    number: Mapped[int]
    theme: Mapped[str] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(Text, default="")
    facilitator_name: Mapped[str] = mapped_column(String(120), default="")
    facilitator_org: Mapped[str] = mapped_column(String(200), default="")
    subtopics: Mapped[list[str]] = mapped_column(JSON, default=list)
    posting_open: Mapped[bool] = mapped_column(default=True)
    # Secret of this table's facilitator console (sees all, acts on this table only).
    facilitator_key: Mapped[str] = mapped_column(
        String(64), default=lambda: secrets.token_urlsafe(16), server_default=""
    )
    voting_open: Mapped[bool] = mapped_column(default=False, server_default="0")
    votes_revealed: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Sequence number of the last event delivered to this table's participants.
    last_seq: Mapped[int] = mapped_column(default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="tables")


class Participant(db.Model):
    """A person at the workshop: first name and organisation, no account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    table_id: Mapped[int | None] = mapped_column(ForeignKey("round_table.id"))
    first_name: Mapped[str] = mapped_column(String(40))
    organisation: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the participant's token: a token only opens the row it was made
    # for, even if ids are reused (a database rebuilt from an import). Never exported.
    secret: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16), server_default="")
    # Set when the person's name was erased (GDPR request or retention): ideas stay, unattributed.
    erased_at: Mapped[datetime | None]


class Idea(db.Model):
    """A short text posted on a board. The id is a UUID made by the client."""

    __table_args__ = (Index("ix_idea_author_created", "participant_id", "created_at"),)

    VISIBLE = "visible"
    HIDDEN = "hidden"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"  # folded into ``merged_into``; its author is credited there

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("round_table.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=VISIBLE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Grouping: None is "À classer". placement is "facilitator" (a person's
    # decision, never overridden by automation), "auto" (the engine's) or None.
    group_id: Mapped[str | None] = mapped_column(ForeignKey("idea_group.id"), index=True)
    placement: Mapped[str | None] = mapped_column(String(12))
    confidence: Mapped[float | None]
    suggestions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # An earlier idea this one seems to repeat (the engine's proposal to merge).
    duplicate_of: Mapped[str | None] = mapped_column(String(36))
    # Set when the facilitator merged this idea into another (state MERGED).
    merged_into: Mapped[str | None] = mapped_column(String(36), index=True)
    # Set when a facilitator corrected the text (a typo): the author sees it, the log keeps both.
    edited_by_facilitator_at: Mapped[datetime | None]
    # Set while a facilitator keeps the idea at the top of its group (pin_idea); the latest pin first.
    pinned_at: Mapped[datetime | None]

    author: Mapped[Participant] = relationship(lazy="joined")


class Group(db.Model):
    """A labelled set of ideas on one board. The id is a UUID (client-made or derived)."""

    __tablename__ = "idea_group"

    TOPIC, FACILITATOR, AUTO = "topic", "facilitator", "auto"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("round_table.id"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    # Who wrote the label: the organiser's sub-topic, a facilitator, or the engine.
    label_source: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(default=0)
    # Removed or merged groups stay, inactive, so history and exports keep them.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(db.Model):
    """One entry of a workshop's event log: what changed, in order, and who sees it.

    ``audience`` is "staff" (facilitators and projectors), "table" (staff and
    the participants of ``table_id``) or "all" (staff and every table).
    ``prev`` holds, per table room, the seq of the previous event that room
    received, so each recipient can detect a gap.
    """

    __table_args__ = (UniqueConstraint("workshop_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(8))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("round_table.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # {"<table id>": prev seq of that table's room} for the tables that receive it.
    table_prev: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vote(db.Model):
    """One dot of dot voting: a participant's vote on an idea or a group of a table's board.

    A participant with several dots on one item has several rows.
    """

    __table_args__ = (Index("ix_vote_participant_table", "participant_id", "table_id"),)

    IDEA, GROUP = "idea", "group"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("round_table.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    target_kind: Mapped[str] = mapped_column(String(8))
    target_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Action(db.Model):
    """A commitment of the action plan, linked to the group or idea it came from."""

    NOT_STARTED, IN_PROGRESS, DONE, DROPPED = "not_started", "in_progress", "done", "dropped"
    STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, DROPPED)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    table_id: Mapped[int | None] = mapped_column(ForeignKey("round_table.id"))
    # Where it came from: "group" or "idea" and its id (None: written from scratch).
    source_kind: Mapped[str | None] = mapped_column(String(8))
    source_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_org: Mapped[str] = mapped_column(String(80), default="")
    contact: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[dt.date | None]
    indicator: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default=NOT_STARTED)
    progress_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewLink(db.Model):
    """An owner organisation's personal link to update its actions at the review (no account)."""

    __table_args__ = (UniqueConstraint("workshop_id", "organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class Organiser(db.Model):
    """An organiser account (organiser space): e-mail and a hashed password."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    # Bumped by logging out (and a password change): every session cookie signed before it stops working.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
