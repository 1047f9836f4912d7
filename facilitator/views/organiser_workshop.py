"""The organiser's page of one workshop: screens and keys, figures, exports, personal data.

The organiser may see the staff keys (they created the workshop); the keys do
not open this page. Data changes go through actions (AUTHORISE as an
organiser, events logged), like every other change.
"""

from __future__ import annotations

from flask import abort, jsonify, redirect, request, send_file, url_for

from .. import events, export_jobs
from ..actions import run
from ..actions.base import ORGANISER, Actor
from ..errors import CommandError
from ..extensions import db
from ..i18n import request_language, translate
from ..models import Idea, Participant
from ..organiser_figures import figures_of
from ..retention import expiry_date
from ..urls import join_url, staff_urls
from .common import render_page, workshop_or_404
from .organiser_auth import current_organiser

# Formats offered, in this order, when the exports package provides them.
FORMAT_ORDER = ("html", "pdf", "docx", "xlsx", "csv", "json")


def _t(key: str, **params) -> str:
    return translate(request_language(), f"page.organiser.{key}", **params)


def available_formats() -> list[str]:
    from ..exports import FORMATS

    return [f for f in FORMAT_ORDER if f in FORMATS] + [f for f in FORMATS if f not in FORMAT_ORDER]


def organiser_actor(workshop) -> Actor:
    return Actor(role=ORGANISER, workshop_id=workshop.id, lang=request_language())


def workshop_page(code: str, error: str | None = None, status: int = 200):
    workshop = workshop_or_404(code)
    participants = db.session.execute(
        db.select(Participant, db.func.count(Idea.id))
        .outerjoin(Idea, (Idea.participant_id == Participant.id) & Idea.state.in_((Idea.VISIBLE, Idea.HIDDEN)))
        .where(Participant.workshop_id == workshop.id)
        .group_by(Participant.id)
        .order_by(Participant.id)
    ).all()
    tables = {t.id: t.number for t in workshop.tables}
    links = {
        **staff_urls(workshop.code, workshop.facilitator_key, workshop.projector_key),
        "tables": [
            {
                "number": t.number,
                "theme": t.theme,
                "join_url": join_url(workshop.code, t.number),
                "facilitator_url": staff_urls(workshop.code, t.facilitator_key, "")["facilitator_url"],
            }
            for t in workshop.tables
        ],
    }
    page = {
        "code": workshop.code,
        "exports_url": url_for("organiser.create_export", code=workshop.code),
        "jobs": [j.public() | _job_urls(j) for j in export_jobs.of_workshop(workshop.id)],
    }
    return render_page(
        "organiser/workshop.html",
        page,
        status=status,
        w=workshop,
        figures=figures_of(workshop),
        links=links,
        participants=participants,
        tables=tables,
        formats=available_formats(),
        expiry=expiry_date(workshop),
        error=error,
        created=request.args.get("created"),
        saved_edit=request.args.get("edited"),
        organiser=current_organiser(),
    )


def _job_urls(job) -> dict:
    return {
        "status_url": url_for("organiser.export_status", job_id=job.id),
        "download_url": url_for("organiser.export_download", job_id=job.id),
    }


def save_settings(code: str):
    """Retention (days after the workshop date; blank: kept until erased by hand) and archived."""
    workshop = workshop_or_404(code)
    raw = (request.form.get("retention_days") or "").strip()
    actor = organiser_actor(workshop)
    try:
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 6):  # "²" passes isdigit()
            raise CommandError("invalid_payload", detail="'retention_days' must be a whole number of days")
        with events.transaction():
            run("set_retention", actor, {"retention_days": int(raw) if raw else None})
            run("set_archived", actor, {"archived": request.form.get("archived") == "1"})
    except CommandError as exc:
        return workshop_page(code, error=exc.as_ack(request_language())["message"], status=exc.status)
    return redirect(url_for("organiser.workshop", code=workshop.code, saved=1) + "#settings")


def erase_participant(code: str, participant_id: int):
    workshop = workshop_or_404(code)
    try:
        with events.transaction():
            run("erase_participant", organiser_actor(workshop), {"participant_id": participant_id})
    except CommandError as exc:
        return workshop_page(code, error=exc.as_ack(request_language())["message"], status=exc.status)
    return redirect(url_for("organiser.workshop", code=workshop.code) + "#participants")


def create_export(code: str):
    """Start an export job; JSON callers get its status URL (202), forms go back to the page."""
    workshop = workshop_or_404(code)
    fmt = request.form.get("format", "")
    if fmt not in available_formats():
        if request.accept_mimetypes.best == "application/json":
            return jsonify({"ok": False, "error": "invalid_payload", "message": _t("exports.bad_format")}), 400
        abort(400)
    lang = request.form.get("lang") if request.form.get("lang") in ("fr", "en") else None
    job = export_jobs.start(
        workshop.id, workshop.code, fmt, request.form.get("anonymise") == "1", lang, current_organiser().id
    )
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"ok": True, "job": job.public() | _job_urls(job)}), 202
    return redirect(url_for("organiser.workshop", code=workshop.code) + "#exports")


def export_status(job_id: str):
    job = export_jobs.get(job_id)
    if job is None:
        return jsonify(CommandError("not_found", what="export").as_ack(request_language())), 404
    return jsonify({"ok": True, "job": job.public() | _job_urls(job)})


def export_download(job_id: str):
    import io

    job = export_jobs.get(job_id)
    if job is None or job.status != "done" or job.content is None:
        abort(404)
    return send_file(
        io.BytesIO(job.content), mimetype=job.mimetype, as_attachment=True, download_name=job.filename, max_age=0
    )
