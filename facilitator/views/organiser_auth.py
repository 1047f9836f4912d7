"""Organiser accounts: passwords, the login session, CSRF tokens and the first-account setup link.

The organiser space is reached with an organiser's session cookie only: the
facilitator and projector keys, table keys and participant tokens open the
live screens, never this space (``organiser_required`` looks at the session
and at nothing else).

* Passwords are hashed with werkzeug (scrypt by default); the login session
  is Flask's signed cookie holding the organiser id, a fingerprint of the
  password hash and the organiser's ``session_epoch`` (stored in the database).
  Logging out or changing the password bumps the epoch, so a copy of the cookie
  taken before stops working at once (not only when it expires).
* Every POST of the space carries a CSRF token (Flask-WTF's signed token,
  checked in ``check_csrf``; forms use ``{{ csrf_token() }}``, scripts send
  the ``X-CSRFToken`` header).
* Failed logins are throttled per client address+e-mail and per client address
  (``ORGANISER_LOGIN_RATE_LIMIT``, organiser.py); successful ones do not count.
* Passwords follow ``passwords.password_problem`` (length, common passwords, not the e-mail).
* While no organiser exists, ``serve`` prints a one-time setup link (signed,
  expires after ``SETUP_LINK_MAX_AGE``) that lets the first organiser create
  their account; once one exists, the link is dead. Other accounts are made
  with ``python -m facilitator organiser add EMAIL``.

Other blueprints of the space (e.g. the review) use ``organiser_required``
and ``current_organiser``; their POST routes get CSRF checking by calling
``check_csrf()`` (or by registering ``protect_blueprint(bp)``).
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, jsonify, redirect, request, session, url_for
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import ValidationError

from ..errors import CommandError
from ..extensions import db
from ..i18n import request_language, translate
from ..models import Organiser
from ..passwords import MIN_LENGTH, password_problem

SESSION_KEY = "organiser"
SETUP_SALT = "facilitator.organiser-setup"
SETUP_LINK_MAX_AGE = 24 * 3600
SESSION_LIFETIME = timedelta(hours=12)
PASSWORD_MIN = MIN_LENGTH
EMAIL_RE = re.compile(r"^[^@\s]{1,100}@[^@\s]{1,100}\.[^@\s]{1,40}$")
# A hash computed once, checked when the e-mail is unknown: a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH: list[str] = []


class AccountProblem(ValueError):
    """An organiser account cannot be created as asked; ``code`` names why (a locale key)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_organiser(email: str) -> Organiser | None:
    return db.session.execute(
        db.select(Organiser).where(Organiser.email == normalise_email(email))
    ).scalar_one_or_none()


def organiser_count() -> int:
    return db.session.execute(db.select(db.func.count(Organiser.id))).scalar_one()


def create_organiser(email: str, password: str, name: str = "") -> Organiser:
    """A new organiser (flushed, not committed); AccountProblem when the input is refused."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise AccountProblem("bad_email")
    problem = password_problem(password, email)
    if problem:
        raise AccountProblem(problem)
    if find_organiser(email) is not None:
        raise AccountProblem("email_taken")
    organiser = Organiser(
        email=email, name=" ".join((name or "").split())[:120], password_hash=generate_password_hash(password)
    )
    db.session.add(organiser)
    db.session.flush()
    return organiser


def set_password(organiser: Organiser, password: str) -> None:
    problem = password_problem(password, organiser.email)
    if problem:
        raise AccountProblem(problem)
    organiser.password_hash = generate_password_hash(password)
    organiser.session_epoch = (organiser.session_epoch or 0) + 1


def authenticate(email: str, password: str) -> Organiser | None:
    """The organiser with this e-mail and password, else None (same cost either way)."""
    organiser = find_organiser(email)
    if organiser is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(generate_password_hash("not a password"))
        check_password_hash(_DUMMY_HASH[0], password or "")
        return None
    return organiser if check_password_hash(organiser.password_hash, password or "") else None


def _fingerprint(organiser: Organiser) -> str:
    return hashlib.sha256(organiser.password_hash.encode()).hexdigest()[:20]


def log_in(organiser: Organiser) -> None:
    """Start a fresh session for this organiser (nothing of the previous session is kept)."""
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = {"id": organiser.id, "fp": _fingerprint(organiser), "epoch": organiser.session_epoch or 0}


def log_out() -> None:
    """End the session on the server too: bumping the epoch kills every copy of the cookie
    (the organiser's sessions on other devices end as well)."""
    organiser = current_organiser()
    if organiser is not None:
        organiser.session_epoch = (organiser.session_epoch or 0) + 1
        db.session.commit()
    session.clear()


def current_organiser() -> Organiser | None:
    """The organiser of this request's session, or None (cached on ``g``)."""
    if "organiser" in g:
        return g.organiser
    organiser = None
    data = session.get(SESSION_KEY)
    if isinstance(data, dict) and isinstance(data.get("id"), int):
        candidate = db.session.get(Organiser, data["id"])
        if (
            candidate is not None
            and data.get("fp") == _fingerprint(candidate)
            and data.get("epoch") == (candidate.session_epoch or 0)
        ):
            organiser = candidate
    g.organiser = organiser
    return organiser


def _wants_json() -> bool:
    return (
        request.path.startswith("/organiser/api/")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def organiser_required(view):
    """Only a logged-in organiser gets through; others go to the login page (JSON callers get 401)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_organiser() is None:
            return _refuse_anonymous()
        return view(*args, **kwargs)

    wrapped.organiser_only = True  # seen by the CSRF check: a logged-out POST is told so, not "bad token"
    return wrapped


def _refuse_anonymous():
    if _wants_json() or request.method != "GET":
        lang = request_language()
        return jsonify(
            {"ok": False, "error": "unauthorized", "message": translate(lang, "page.organiser.login.required")}
        ), 401
    return redirect(url_for("organiser.login", next=request.full_path.rstrip("?")))


def csrf_token() -> str:
    """The token to put in every POST form of the space (``name="csrf_token"``)."""
    return generate_csrf()


def check_csrf() -> None:
    """Abort with 400 unless the request carries this session's CSRF token (form field or header).

    The token is valid as long as the organiser's session (``WTF_CSRF_TIME_LIMIT = None``, set in
    ``configure``): a page left open during a whole morning still exports. A script gets
    ``{"ok": false, "error": "bad_form_token", "message": ...}`` (the page is older than the session:
    reload it).
    """
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken") or ""
    try:
        validate_csrf(token)
    except (CSRFError, ValidationError):  # missing, expired or forged token
        if _wants_json():
            response = jsonify(CommandError("bad_form_token").as_ack(request_language()))
            response.status_code = 400
            abort(response)
        abort(400, description="csrf")


def protect_blueprint(bp) -> None:
    """Check the CSRF token on every POST/PUT/PATCH/DELETE of a blueprint, and prepare the session cookie."""

    @bp.before_request
    def _csrf():
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            view = current_app.view_functions.get(request.endpoint)
            if getattr(view, "organiser_only", False) and current_organiser() is None:
                return _refuse_anonymous()  # logged out meanwhile: say that (401), not "bad token"
            check_csrf()
        return None

    @bp.record_once
    def _setup(state):
        configure(state.app)


def configure(app) -> None:
    """Session cookie settings for the organiser session (HttpOnly, SameSite=Lax, Secure behind https)."""
    app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_LIFETIME
    # CSRF tokens last as long as the session (Flask-WTF's default is 1 h: an organiser page opened
    # at 9:00 could no longer export at 10:30).
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    public = app.config.get("PUBLIC_URL") or ""
    if public.startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.jinja_env.globals.setdefault("csrf_token", csrf_token)


def _setup_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SETUP_SALT)


def setup_token() -> str:
    """A signed token for the first-account page (works only while no organiser exists)."""
    return _setup_serializer().dumps({"first": True})


def setup_token_ok(token: str) -> bool:
    """True for a valid, unexpired setup token while no organiser account exists yet."""
    if not token or len(token) > 300:
        return False
    try:
        data = _setup_serializer().loads(token, max_age=SETUP_LINK_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return False
    return isinstance(data, dict) and data.get("first") is True and organiser_count() == 0


def safe_next(target: str | None) -> str:
    """A redirect target inside the organiser space only: a same-site relative path, no open redirect.

    Anything else (another site, ``//host``, a backslash, a line break or any control or non-ASCII
    character, which would also break the Location header) falls back to the workshop list.
    """
    if (
        target
        and len(target) <= 500
        and target.isascii()
        and target.isprintable()
        and "\\" not in target
        and not target.startswith("//")
        and (target == "/organiser" or target.startswith(("/organiser/", "/organiser?")))
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("organiser.index")
