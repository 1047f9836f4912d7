"""QR code images and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify
from sqlalchemy import text

from ..extensions import db
from ..qr import qr_svg
from ..urls import join_url
from .common import workshop_or_404

bp = Blueprint("misc", __name__)


@bp.get("/qr/<code>.svg")
@bp.get("/qr/<code>/<int:number>.svg")
def qr(code: str, number: int | None = None):
    """The QR code of the workshop's (or a table's) join address."""
    workshop = workshop_or_404(code)
    if number is not None and number not in {t.number for t in workshop.tables}:
        abort(404)
    response = Response(qr_svg(join_url(workshop.code, number)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/healthz")
def healthz():
    """200 when the database answers (for load balancers and the benchmark)."""
    db.session.execute(text("SELECT 1"))
    return jsonify({"ok": True})
