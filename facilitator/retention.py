"""Automatic erasure of names when a workshop's retention period is over.

A workshop with ``retention_days`` set keeps its participants' first names
until that many days after its date (its creation day when it has no date);
then ``erase_expired`` erases them all (actions/gdpr.py). ``serve`` runs
``retention_loop`` in a background green thread; ``python -m facilitator
erase --expired`` does the same once (e.g. from cron when serve is not running).
"""

from __future__ import annotations

import datetime as dt
import logging

from . import events
from .actions.base import ORGANISER, Actor
from .extensions import db
from .models import Workshop, utcnow

log = logging.getLogger(__name__)


def expiry_date(workshop: Workshop) -> dt.date | None:
    """The first day on which the names are erased, or None when they are kept until erased by hand.

    A period past the calendar (stored before imports were bounded) counts as "never".
    """
    if workshop.retention_days is None:
        return None
    start = workshop.starts_on or workshop.created_at.date()
    try:
        return start + dt.timedelta(days=workshop.retention_days)
    except OverflowError:
        return None


def is_expired(workshop: Workshop, today: dt.date | None = None) -> bool:
    day = expiry_date(workshop)
    return day is not None and (today or utcnow().date()) >= day


def erase_expired(today: dt.date | None = None) -> list[tuple[str, int]]:
    """Erase the names of every workshop past its retention period (once each); commit; [(code, count)]."""
    from .actions.gdpr import erase_workshop_names

    done = []
    candidates = (
        db.session.execute(
            db.select(Workshop).where(Workshop.retention_days.is_not(None), Workshop.names_erased_at.is_(None))
        )
        .scalars()
        .all()
    )
    for workshop in candidates:
        code = workshop.code
        try:
            if is_expired(workshop, today):
                with events.transaction():
                    count = erase_workshop_names(workshop)
                done.append((code, count))
        except Exception:  # noqa: BLE001 - one workshop's fault must not keep the others' names
            log.exception("%s: could not erase the names after the retention period", code)
    return done


def erase_participant_by_code(code: str, participant_id: int) -> dict:
    """The command line's ``erase CODE --participant ID``: acts as an organiser; commits."""
    from .actions import run
    from .errors import CommandError

    workshop = db.session.execute(db.select(Workshop).where(Workshop.code == code.strip().upper())).scalar_one_or_none()
    if workshop is None:
        raise CommandError("not_found", status=404, what="workshop")
    with events.transaction():
        result = run(
            "erase_participant",
            Actor(role=ORGANISER, workshop_id=workshop.id, lang="en"),
            {"participant_id": participant_id},
        )
    return result["participant"]


def retention_loop(app, interval: int) -> None:  # pragma: no cover - runs in serve
    """Check every ``interval`` seconds, for as long as the server runs."""
    from .extensions import socketio

    while True:
        try:
            with app.app_context():
                for code, count in erase_expired():
                    log.warning("%s: retention period over, %d names erased", code, count)
                db.session.remove()
        except Exception:
            log.exception("retention check failed")
        socketio.sleep(interval)
