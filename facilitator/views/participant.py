"""Participant side: the home page, joining (page + JSON API) and the phone page."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, url_for

from .. import events
from ..actions import run
from ..actions.base import VISITOR, Actor
from ..errors import CommandError
from ..i18n import normalise, request_language, translate
from ..state import participant_dict
from ..tokens import participant_token
from .common import find_workshop, render_page, shared_limiter, workshop_or_404

bp = Blueprint("participant", __name__)


@bp.get("/")
def home():
    """Type a join code."""
    return render_page("home.html", error=None)


@bp.get("/join")
def join_by_code():
    """The home page's form: go to the workshop whose code was typed."""
    workshop = find_workshop(request.args.get("code") or "")
    if workshop is not None:
        return redirect(url_for("participant.join", code=workshop.code))
    return render_page("home.html", status=404, error=translate(request_language(), "page.home.unknown_code"))


@bp.get("/j/<code>")
@bp.get("/j/<code>/<int:number>")
def join(code: str, number: int | None = None):
    """The join page (a QR code leads here): first name, organisation, table."""
    workshop = workshop_or_404(code)
    tables = [
        {
            "id": t.id,
            "number": t.number,
            "theme": t.theme,
            "question": t.question,
            "facilitator_name": t.facilitator_name,
            "facilitator_org": t.facilitator_org,
        }
        for t in workshop.tables
    ]
    preselected = next((t for t in tables if t["number"] == number), None)
    organisations = [o["name"] for o in workshop.definition.get("organisations", [])]
    page = {
        "code": workshop.code,
        "api_join": url_for("participant.api_join", code=workshop.code),
        "participant_url": url_for("participant.board", code=workshop.code),
        "tables": tables,
        "preselected_table_id": preselected["id"] if preselected else None,
        "max_name_len": 40,
        "max_org_len": 80,
    }
    info = {
        "code": workshop.code,
        "title": workshop.title,
        "purpose": workshop.purpose,
        "date": workshop.starts_on,
        "place": workshop.place,
        "joining_open": workshop.joining_open,
        "retention_days": workshop.retention_days,
    }  # the privacy notice says how long names are kept
    return render_page(
        "join.html", page, workshop=info, tables=tables, organisations=organisations, preselected=preselected
    )


@bp.post("/api/w/<code>/join")
def api_join(code: str):
    """Create a participant; answers the token the phone keeps (docs/protocol.md, HTTP)."""
    payload = request.get_json(silent=True)
    lang = (isinstance(payload, dict) and normalise(str(payload.get("lang")))) or request_language()
    try:
        if not shared_limiter("join", "JOIN_RATE_LIMIT").allow(request.remote_addr or "?"):
            raise CommandError("rate_limited", status=429)
        workshop = find_workshop(code)
        if workshop is None:
            raise CommandError("not_found", status=404, what="workshop")
        if not isinstance(payload, dict):
            raise CommandError("invalid_payload", detail="not_an_object")
        with events.transaction():
            participant = run("join_workshop", Actor(VISITOR, workshop.id, lang=lang), payload)["participant"]
    except CommandError as exc:
        return jsonify(exc.as_ack(lang)), exc.status
    return jsonify(
        {
            "ok": True,
            "token": participant_token(participant.workshop_id, participant.id, participant.secret),
            "participant": participant_dict(participant),
            "participant_url": url_for("participant.board", code=workshop.code),
        }
    ), 201


@bp.get("/w/<code>")
def board(code: str):
    """The phone page; its script finds the participant's token in localStorage."""
    workshop = workshop_or_404(code)
    page = {"code": workshop.code, "join_url": url_for("participant.join", code=workshop.code)}
    return render_page("participant.html", page, workshop={"code": workshop.code, "title": workshop.title})
