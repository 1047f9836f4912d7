"""Staff pages: the facilitator console and the projector, each behind its secret key."""

from __future__ import annotations

import hmac

from flask import Blueprint, request, url_for

from ..i18n import request_language, translate
from .common import render_page, workshop_or_404

bp = Blueprint("staff", __name__)


def _key_ok(expected: str) -> bool:
    return hmac.compare_digest(request.args.get("key", "").encode(), expected.encode())


def _refused():
    lang = request_language()
    return render_page("error.html", status=403, message=translate(lang, "page.error.bad_key"))


@bp.get("/w/<code>/console")
def console(code: str):
    """The facilitator console (needs the facilitator key)."""
    from ..sockets import staff_scope

    workshop = workshop_or_404(code)
    key = request.args.get("key", "")
    scope = staff_scope(workshop, key)
    if scope is False:
        return _refused()
    # A table facilitator's console (scope = their table id) acts on that table only.
    page = {
        "code": workshop.code,
        "key": key,
        "table_id": scope,
        "projector_url": url_for("staff.projector", code=workshop.code, key=workshop.projector_key),
    }
    return render_page("console.html", page, workshop={"code": workshop.code, "title": workshop.title})


@bp.get("/w/<code>/projector")
def projector(code: str):
    """The room screen (needs the projector key)."""
    workshop = workshop_or_404(code)
    if not _key_ok(workshop.projector_key):
        return _refused()
    page = {"code": workshop.code, "key": workshop.projector_key}
    return render_page("projector.html", page, workshop={"code": workshop.code, "title": workshop.title})
