"""The nine-month review (bilan): the organiser's dashboard and the owners' personal links.

Two blueprints:

* ``organiser_bp`` (``/organiser/w/<code>/review...``): organiser session
  required, CSRF checked on every POST (``protect_blueprint``). The review
  date (with its ``.ics`` calendar event), opening and closing the review
  (opening makes one ``ReviewLink`` per owner organisation), the personal
  links, and the progress figures with their charts.
* ``link_bp`` (``/r/<key>``): no account. The link's organisation sees only
  its own actions and updates their status and progress note while the review
  is open; read-only once closed. POSTs carry the session's CSRF token (the
  same Flask-WTF token as the organiser space).

Every change goes through the actions of ``actions/action_plan.py``, logged as
events and delivered to the staff screens like any other command.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import icalendar
from flask import Blueprint, abort, redirect, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from .. import events
from ..actions import run
from ..actions.action_plan import link_actions
from ..actions.base import ORGANISER, REVIEWER, Actor
from ..errors import CommandError
from ..extensions import db
from ..i18n import request_language, translate
from ..models import Action, Group, Idea, ReviewLink, Workshop
from ..review_dates import default_review_date, review_date
from ..review_figures import STATUSES, bars, figures
from ..state import action_dict, workshop_actions
from ..urls import base_url
from .common import render_page, workshop_or_404
from .organiser_auth import check_csrf, current_organiser, organiser_required, protect_blueprint

organiser_bp = Blueprint("review", __name__, url_prefix="/organiser/w/<code>/review")
protect_blueprint(organiser_bp)
link_bp = Blueprint("review_link", __name__)

CHART_WIDTH = 600


def _t(key: str, **params) -> str:
    return translate(request_language(), f"page.review.{key}", **params)


@organiser_bp.after_request
def _private(response):
    """The dashboard lists personal links: never cached, never sent as a referrer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _actor(workshop: Workshop) -> Actor:
    return Actor(ORGANISER, workshop.id, lang=request_language())


def _run(workshop: Workshop, name: str, payload: dict):
    """Run an organiser command and commit its events; the refusal, or None."""
    try:
        with events.transaction():
            run(name, _actor(workshop), payload)
    except CommandError as exc:
        return exc
    return None


# -- organiser: dashboard ------------------------------------------------------------


@organiser_bp.get("")
@organiser_required
def dashboard(code: str):
    """Review date, personal links and progress charts of one workshop."""
    workshop = workshop_or_404(code)
    return _dashboard(workshop)


def _dashboard(workshop: Workshop, error: CommandError | None = None, status: int = 200):
    lang = request_language()
    actions = [action_dict(a) for a in workshop_actions(workshop.id)]
    tables = [{"id": t.id, "number": t.number, "theme": t.theme} for t in workshop.tables]
    numbers = figures(actions, tables, _t("general"))
    for row in numbers["by_organisation"]:
        if not row.key:
            row.label = _t("no_owner")
    links = list(
        db.session.execute(
            select(ReviewLink).where(ReviewLink.workshop_id == workshop.id).order_by(ReviewLink.organisation)
        ).scalars()
    )
    counts = {row.key: row.total for row in numbers["by_organisation"]}
    link_rows = [
        {
            "organisation": link.organisation,
            "url": _link_url(link),
            "actions": counts.get(link.organisation, 0),
            "last_used_at": link.last_used_at,
            "mailto": _mailto(workshop, link, lang),
        }
        for link in links
    ]
    day = review_date(workshop)
    context = {
        "workshop": workshop,
        "organiser": current_organiser(),
        "review_on": day,
        "default_on": default_review_date(workshop),
        "review_open": workshop.review_open,
        "description": ((workshop.definition or {}).get("review") or {}).get("description") or "",
        "total": numbers["total"],
        "statuses": STATUSES,
        "status_labels": status_labels(),
        "theme_bars": bars(numbers["by_theme"], CHART_WIDTH),
        "organisation_bars": bars(numbers["by_organisation"], CHART_WIDTH),
        "chart_width": CHART_WIDTH,
        "links": link_rows,
        "missing_links": [
            row.label
            for row in numbers["by_organisation"]
            if row.key and row.key not in {link.organisation for link in links}
        ],
        "error": error.message(lang) if error else None,
        "notice": _t(f"notice.{request.args['done']}")
        if request.args.get("done") in ("date", "opened", "closed")
        else None,
    }
    return render_page("review/dashboard.html", {"copied": _t("copied")}, status=status, **context)


def status_labels() -> dict[str, str]:
    return {status: _t(f"status.{status}") for status in STATUSES}


def _link_url(link: ReviewLink) -> str:
    return base_url() + url_for("review_link.page", key=link.key)


def _mailto(workshop: Workshop, link: ReviewLink, lang: str) -> str:
    """A ready-to-send e-mail (no address: the organiser picks the recipient)."""
    subject = translate(lang, "page.review.mail_subject", title=workshop.title)
    body = translate(
        lang, "page.review.mail_body", organisation=link.organisation, title=workshop.title, url=_link_url(link)
    )
    return f"mailto:?subject={quote(subject)}&body={quote(body)}"


def _after(workshop: Workshop, error: CommandError | None, done: str):
    """Post/redirect/get on success; the dashboard with the message on refusal."""
    if error is not None:
        return _dashboard(workshop, error, status=error.status)
    return redirect(url_for("review.dashboard", code=workshop.code, done=done))


@organiser_bp.post("/date")
@organiser_required
def set_date(code: str):
    """Set the review date (an empty field goes back to the default)."""
    workshop = workshop_or_404(code)
    raw = (request.form.get("on") or "").strip()
    return _after(workshop, _run(workshop, "set_review_date", {"on": raw or None}), "date")


@organiser_bp.post("/open")
@organiser_required
def open_review(code: str):
    workshop = workshop_or_404(code)
    return _after(workshop, _run(workshop, "open_review", {}), "opened")


@organiser_bp.post("/close")
@organiser_required
def close_review(code: str):
    workshop = workshop_or_404(code)
    return _after(workshop, _run(workshop, "close_review", {}), "closed")


@organiser_bp.get("/calendar.ics")
@organiser_required
def calendar(code: str):
    """The review date as an all-day calendar event (RFC 5545, built with the icalendar library)."""
    workshop = workshop_or_404(code)
    day = review_date(workshop)
    if day is None:
        abort(404)
    body = review_ics(workshop, day, request_language())
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="bilan-{workshop.code.lower()}.ics"',
        },
    )


def review_ics(workshop: Workshop, day: dt.date, lang: str) -> bytes:
    """One VEVENT on ``day`` (all day); its UID is stable, so a new download updates the same event."""
    review = (workshop.definition or {}).get("review") or {}
    cal = icalendar.Calendar()
    cal.add("prodid", "-//facilitator//review//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    event = icalendar.Event()
    event.add("uid", f"review-{workshop.code.lower()}@facilitator")
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", translate(lang, "page.review.ics_summary", title=workshop.title))
    description = review.get("description") or translate(lang, "page.review.ics_description", title=workshop.title)
    event.add("description", description)
    if workshop.place:
        event.add("location", workshop.place)
    if workshop.organiser:
        event.add("organizer", icalendar.vCalAddress("invalid:nomail"), parameters={"cn": workshop.organiser})
    cal.add_component(event)
    return cal.to_ical()


# -- the personal link (owner organisations) ------------------------------------------


def _link(key: str) -> ReviewLink:
    link = None
    if 10 <= len(key) <= 64:
        link = db.session.execute(select(ReviewLink).where(ReviewLink.key == key)).scalar_one_or_none()
    if link is None:
        abort(404)
    return link


@link_bp.get("/r/<key>")
def page(key: str):
    """The organisation's actions, each with a status and progress-note form (read-only once closed)."""
    return _link_page(_link(key))


def _link_page(
    link: ReviewLink, error: str | None = None, status: int = 200, failed: str | None = None, form: dict | None = None
):
    workshop = db.session.get(Workshop, link.workshop_id)
    tables = {t.id: t for t in workshop.tables}
    rows = []
    for action in link_actions(link):
        rows.append(
            {
                "action": action_dict(action),
                "theme": tables[action.table_id].theme if action.table_id in tables else "",
                "source": _source_text(action),
            }
        )
    saved = request.args.get("saved")
    context = {
        "workshop": workshop,
        "link": link,
        "rows": rows,
        "statuses": STATUSES,
        "status_labels": status_labels(),
        "review_on": review_date(workshop),
        "open": workshop.review_open,
        "error": error,
        "failed": failed,
        "form": form or {},
        "saved": saved,
    }
    response = render_page("review/link.html", {}, status=status, **context)
    return response


def _source_text(action: Action) -> str:
    """The group's label or the idea's text the action came from ("" when written from scratch)."""
    if action.source_kind == "group":
        group = db.session.get(Group, action.source_id)
        return group.label if group else ""
    if action.source_kind == "idea":
        idea = db.session.get(Idea, action.source_id)
        return idea.text if idea else ""
    return ""


@link_bp.post("/r/<key>")
def update(key: str):
    """Save one action's status and progress note (only an action of this link's organisation)."""
    link = _link(key)
    lang = request_language()
    try:
        check_csrf()
    except BadRequest:  # missing or expired token (e.g. a page left open for days): say so, keep nothing
        return _link_page(link, CommandError("bad_form_token").message(lang), 400)
    ident = request.form.get("action_id") or ""
    payload = {
        "id": ident,
        "status": request.form.get("status"),
        "progress_note": request.form.get("progress_note") or "",
    }
    try:
        with events.transaction():
            run("update_review_action", Actor(REVIEWER, link.workshop_id, lang=lang, link_id=link.id), payload)
    except CommandError as exc:
        return _link_page(link, exc.message(lang), exc.status, failed=ident, form=payload)
    return redirect(
        url_for("review_link.page", key=link.key, saved=ident, lang=request.args.get("lang")) + f"#action-{ident}"
    )


@link_bp.after_request
def _private_link(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
