"""Database models (SQLAlchemy 2.0 typed mappings).

The workshop definition files in sessions/ are loaded into these tables; from
then on the database is the source of truth. Every change to shared state is
logged as an ``Event`` in the same transaction (see events.py).
"""
from __future__ import annotations

import datetime as dt
import secrets
from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    """Current time in UTC, naive: every timestamp column holds naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def iso(moment: datetime | None, timespec: str = "seconds") -> str | None:
    """ISO-8601 UTC text for JSON payloads ("2026-03-12T09:41:07Z"; exports keep microseconds)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec=timespec) + "Z"


class Workshop(db.Model):
    """A live session (e.g. the Dev'Up morning), loaded from a file in sessions/."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    source_file: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[Optional[dt.date]]
    place: Mapped[str] = mapped_column(String(200), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    # The whole validated definition (agenda, organisations, review, ...).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    facilitator_key: Mapped[str] = mapped_column(String(64))
    projector_key: Mapped[str] = mapped_column(String(64))
    joining_open: Mapped[bool] = mapped_column(default=True)
    # "all" or a RoundTable id, as text.
    projector_view: Mapped[str] = mapped_column(String(16), default="all")
    # Sequence number of the last logged event (the head of the staff stream).
    last_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tables: Mapped[list["RoundTable"]] = relationship(
        back_populates="workshop", order_by="RoundTable.number"
    )


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
    # Sequence number of the last event delivered to this table's participants.
    last_seq: Mapped[int] = mapped_column(default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="tables")


class Participant(db.Model):
    """A person at the workshop: first name and organisation, no account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    table_id: Mapped[Optional[int]] = mapped_column(ForeignKey("round_table.id"))
    first_name: Mapped[str] = mapped_column(String(40))
    organisation: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the participant's token: a token only opens the row it was made
    # for, even if ids are reused (a database rebuilt from an import). Never exported.
    secret: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16), server_default="")


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
    group_id: Mapped[Optional[str]] = mapped_column(ForeignKey("idea_group.id"), index=True)
    placement: Mapped[Optional[str]] = mapped_column(String(12))
    confidence: Mapped[Optional[float]]
    suggestions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # An earlier idea this one seems to repeat (the engine's proposal to merge).
    duplicate_of: Mapped[Optional[str]] = mapped_column(String(36))
    # Set when the facilitator merged this idea into another (state MERGED).
    merged_into: Mapped[Optional[str]] = mapped_column(String(36), index=True)

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
    table_id: Mapped[Optional[int]] = mapped_column(ForeignKey("round_table.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # {"<table id>": prev seq of that table's room} for the tables that receive it.
    table_prev: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
