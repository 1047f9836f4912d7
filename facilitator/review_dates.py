"""The review date rule: when a workshop's outcomes are reviewed (nine months after, by default).

Pure functions of a workshop's fields and definition, shared by the action
plan commands, the snapshots (state.py), the review pages and the exports.
"""

from __future__ import annotations

import calendar
import datetime as dt

from .errors import CommandError
from .models import Workshop


def parse_date(raw: object) -> dt.date | None:
    """An ISO date ("2027-09-09") or None; anything else is ``invalid_date``."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) != 10:
        raise CommandError("invalid_date")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError("invalid_date") from None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review_date(workshop: Workshop) -> dt.date | None:
    """The definition's planned date, else the workshop date + ``review.months_after`` (9 by default)."""
    review = (workshop.definition or {}).get("review") or {}
    if review.get("planned_on"):
        return parse_date(str(review["planned_on"]))
    if workshop.starts_on is None:
        return None
    return add_months(workshop.starts_on, int(review.get("months_after") or 9))


def review_date(workshop: Workshop) -> dt.date | None:
    """The review date the organiser set, else the default."""
    return workshop.review_on or default_review_date(workshop)
