"""The organiser space (/organiser/...): login, the list of workshops, creating, editing and duplicating one.

Every page needs an organiser session (``organiser_required``, see
organiser_auth.py); every POST needs the session's CSRF token. The workshop
page, exports and personal-data controls are in organiser_workshop.py.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for

from ..extensions import db
from ..i18n import request_language, translate
from ..limits import RateLimiter
from ..models import Workshop
from .common import render_page, shared_limiter
from .organiser_auth import (
    AccountProblem,
    authenticate,
    create_organiser,
    current_organiser,
    log_in,
    log_out,
    organiser_count,
    organiser_required,
    protect_blueprint,
    safe_next,
    setup_token_ok,
)

bp = Blueprint("organiser", __name__, url_prefix="/organiser")
protect_blueprint(bp)


@bp.app_template_filter("local_date")
def local_date(value, fmt: str = "long") -> str:
    """A date (or an ISO date string, as in action dicts) in the page's language: "10 décembre 2026"."""
    import datetime as dt

    from flask_babel import format_date

    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return format_date(value, fmt) if value else ""


def _t(key: str, **params) -> str:
    return translate(request_language(), f"page.organiser.{key}", **params)


@bp.after_request
def _private(response):
    """Organiser pages hold keys and personal data: never cached, never sent as a referrer."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _login_limiters():
    """Failed logins per address+account (the setting) and per address (three times the setting:
    several organisers may share an office's address)."""
    pair = shared_limiter("organiser_login", "ORGANISER_LOGIN_RATE_LIMIT")
    key = "facilitator.limiter.organiser_login_address"
    if key not in current_app.extensions:
        current_app.extensions[key] = RateLimiter(pair.count * 3, pair.seconds, pair.clock)
    return pair, current_app.extensions[key]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """E-mail and password; failed attempts are throttled per client address and per address+account.

    Only failures count, and only the address that fails is held back: a stranger failing on an
    organiser's e-mail from elsewhere cannot lock that organiser out (ORGANISER_LOGIN_RATE_LIMIT).
    """
    error, email = None, ""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()[:200]
        by_pair, by_address = _login_limiters()
        address = request.remote_addr or "?"
        checks = ((by_pair, address + "|" + email.lower()), (by_address, address))
        if any(limiter.blocked(key) for limiter, key in checks):
            return render_page("organiser/login.html", status=429, error=_t("login.rate_limited"), email=email)
        organiser = authenticate(email, request.form.get("password") or "")
        if organiser is not None:
            log_in(organiser)
            return redirect(safe_next(request.args.get("next")))
        for limiter, key in checks:
            limiter.record(key)
        error = _t("login.wrong")
        return render_page("organiser/login.html", status=401, error=error, email=email)
    if current_organiser() is not None:
        return redirect(url_for("organiser.index"))
    return render_page("organiser/login.html", error=error, email=email, no_account=organiser_count() == 0)


@bp.post("/logout")
def logout():
    log_out()
    return redirect(url_for("organiser.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """The first organiser account, through the one-time link that ``serve`` prints."""
    token = request.args.get("token") or request.form.get("token") or ""
    if not setup_token_ok(token):
        return render_page("error.html", status=403, message=_t("setup.dead_link"))
    error, email, name = None, "", ""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()[:200]
        name = (request.form.get("name") or "").strip()[:120]
        password = request.form.get("password") or ""
        if password != (request.form.get("password2") or ""):
            error = _t("account.mismatch")
        else:
            try:
                organiser = create_organiser(email, password, name)
            except AccountProblem as exc:
                error = _t("account." + exc.code)
            else:
                db.session.commit()
                log_in(organiser)
                return redirect(url_for("organiser.index"))
    return render_page(
        "organiser/setup.html", status=400 if error else 200, error=error, token=token, email=email, name=name
    )


@bp.get("/")
@organiser_required
def index():
    """Every workshop with its status and figures."""
    from ..organiser_figures import figures_of_all

    workshops = (
        db.session.execute(db.select(Workshop).order_by(Workshop.archived, Workshop.starts_on.desc(), Workshop.code))
        .scalars()
        .all()
    )
    return render_page(
        "organiser/index.html", workshops=workshops, figures=figures_of_all(workshops), organiser=current_organiser()
    )


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def new():
    """Create a workshop: upload a definition file or fill in the form (organiser_create.py)."""
    from .organiser_create import new_workshop

    return new_workshop()


@bp.get("/w/<code>")
@organiser_required
def workshop(code: str):
    """One workshop: links to its screens, figures, exports, personal data (organiser_workshop.py)."""
    from .organiser_workshop import workshop_page

    return workshop_page(code)


@bp.route("/w/<code>/edit", methods=["GET", "POST"])
@organiser_required
def edit(code: str):
    """Edit a workshop's definition, before or during the morning: the live screens follow."""
    from .organiser_edit import edit_workshop

    return edit_workshop(code)


@bp.route("/w/<code>/duplicate", methods=["GET", "POST"])
@organiser_required
def duplicate(code: str):
    """Start a new workshop from a past one: its definition, a new code, no participants or ideas."""
    from .organiser_create import duplicate_workshop

    return duplicate_workshop(code)


@bp.post("/w/<code>/settings")
@organiser_required
def settings(code: str):
    from .organiser_workshop import save_settings

    return save_settings(code)


@bp.post("/w/<code>/participants/<int:participant_id>/erase")
@organiser_required
def erase(code: str, participant_id: int):
    """Erase one participant's name (GDPR request): their ideas stay, unattributed."""
    from .organiser_workshop import erase_participant

    return erase_participant(code, participant_id)


@bp.post("/w/<code>/exports")
@organiser_required
def create_export(code: str):
    from .organiser_workshop import create_export as start

    return start(code)


@bp.get("/api/exports/<job_id>")
@organiser_required
def export_status(job_id: str):
    from .organiser_workshop import export_status as status

    return status(job_id)


@bp.get("/exports/<job_id>/download")
@organiser_required
def export_download(job_id: str):
    from .organiser_workshop import export_download as download

    return download(job_id)
