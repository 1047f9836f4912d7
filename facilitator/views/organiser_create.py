"""Creating workshops in the organiser space: upload a definition file, fill in a form, duplicate one.

Every path ends in the same validation as the files of sessions/
(``workshops.WorkshopDef``), so a workshop made on the web is exactly what
the equivalent YAML file would give; problems are listed field by field.
The new workshop lives in the database only (the source of truth), with
fresh keys; its ``source_file`` says where it came from.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import yaml
from flask import redirect, request, url_for
from pydantic import ValidationError

from ..extensions import db
from ..i18n import request_language, translate
from ..models import Workshop
from ..workshops import WorkshopDef, _location, load_yaml, upsert_workshop
from .common import render_page, workshop_or_404
from .organiser_auth import current_organiser
from .organiser_form import (
    KINDS,
    field_errors,
    to_definition,
    values_from_definition,
    values_from_form,
    with_blank_rows,
)

UPLOAD_MAX = 256 * 1024
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I

# The agenda a web-form workshop starts with (the seed morning's shape), per language.
DEFAULT_AGENDA = {
    "fr": [
        ("accueil", "welcome", "Accueil et ouverture", 15),
        ("partage", "talks", "Partage d'expériences", 45),
        ("tables", "round_tables", "Tables rondes", 75),
        ("pause", "break", "Pause", 10),
        ("restitution", "plenary", "Restitution en plénière", 30),
        ("priorites", "voting", "Priorités", 15),
        ("cloture", "closing", "Clôture", 10),
    ],
    "en": [
        ("welcome", "welcome", "Welcome", 15),
        ("talks", "talks", "Experience sharing", 45),
        ("tables", "round_tables", "Round tables", 75),
        ("break", "break", "Break", 10),
        ("plenary", "plenary", "Plenary restitution", 30),
        ("priorities", "voting", "Priorities", 15),
        ("closing", "closing", "Closing", 10),
    ],
}


def _t(key: str, **params) -> str:
    return translate(request_language(), f"page.organiser.{key}", **params)


def new_code() -> str:
    """A fresh join code no workshop uses."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if db.session.execute(db.select(Workshop.id).where(Workshop.code == code)).first() is None:
            return code


def validate(raw: object) -> tuple[WorkshopDef | None, list[str]]:
    """(definition, []) or (None, ["field: problem", ...]); also refuses a code already in use."""
    if not isinstance(raw, dict):
        return None, [_t("create.not_mapping")]
    try:
        definition = WorkshopDef.model_validate(raw)
    except ValidationError as exc:
        return None, [f"{_location(e['loc'])}: {e['msg']}" for e in exc.errors()]
    if db.session.execute(db.select(Workshop.id).where(Workshop.code == definition.code)).first():
        return None, [f"code: {_t('create.code_taken', code=definition.code)}"]
    return definition, []


def create(definition: WorkshopDef, source: str, retention_days: int | None = None) -> Workshop:
    """Insert and commit a validated definition as a new workshop (no one is connected yet: no events)."""
    workshop = upsert_workshop(Path(source), definition)
    workshop.retention_days = retention_days
    db.session.commit()
    return workshop


def new_workshop():
    """GET: the two ways to create; POST: the upload (``definition`` file) or the form (``mode=form``)."""
    problems: list[str] = []
    errors: dict[str, str] = {}
    form = request.form
    values = with_blank_rows(blank_values(request_language()), tables=3)
    if request.method == "POST":
        if form.get("mode") == "upload":
            workshop, problems = _create_from_upload(request.files.get("definition"))
            if workshop is not None:
                return redirect(url_for("organiser.workshop", code=workshop.code, created=1))
        else:
            values = values_from_form(form)
            code = values["code"].strip().upper() or new_code()
            raw, _, rows = to_definition(values, code)
            retention = values["retention_days"].strip()
            bad_retention = bool(retention) and not (
                retention.isascii() and retention.isdigit() and len(retention) <= 5
            )
            try:
                definition = WorkshopDef.model_validate(raw)
            except ValidationError as exc:
                errors = field_errors(exc, rows, request_language())
            if bad_retention:
                errors["retention_days"] = _t("form.err.not_number")
            if not errors:
                if db.session.execute(db.select(Workshop.id).where(Workshop.code == definition.code)).first():
                    errors = {"code": _t("create.code_taken", code=definition.code)}
                else:
                    workshop = create(definition, "organiser-form", int(retention) if retention else None)
                    return redirect(url_for("organiser.workshop", code=workshop.code, created=1))
            values = with_blank_rows(values, tables=0 if values["tables"] else 1, steps=0)
    return render_page(
        "organiser/new.html",
        status=400 if problems or errors else 200,
        problems=problems,
        errors=errors,
        values=values,
        kinds=KINDS,
        organiser=current_organiser(),
    )


def _create_from_upload(upload) -> tuple[Workshop | None, list[str]]:
    content = upload.read(UPLOAD_MAX + 1) if upload else b""
    if not content:
        return None, [_t("create.no_file")]
    if len(content) > UPLOAD_MAX:
        return None, [_t("create.too_big")]
    try:
        raw = load_yaml(content.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [_t("create.bad_yaml", detail=str(exc).splitlines()[0][:200])]
    if isinstance(raw, dict) and not raw.get("code"):
        raw["code"] = new_code()
    definition, problems = validate(raw)
    if definition is None:
        return None, problems
    name = Path(upload.filename or "upload.yaml").name[:200]
    return create(definition, f"upload:{name}"), []


def blank_values(lang: str) -> dict:
    """A new workshop's form: the agenda of a morning in the page's language, no table yet."""
    agenda = [
        {"key": k, "kind": kind, "title": title, "minutes": m}
        for k, kind, title, m in DEFAULT_AGENDA[lang if lang in DEFAULT_AGENDA else "fr"]
    ]
    return values_from_definition({"language": lang, "agenda": agenda, "tables": []})


def duplicate_workshop(code: str):
    """GET: a form prefilled from a past workshop; POST: a new workshop with its definition, a new code."""
    source = workshop_or_404(code)
    problems: list[str] = []
    if request.method == "POST":
        raw = dict(source.definition or {})
        raw["code"] = new_code()
        raw["title"] = request.form.get("title", raw.get("title", ""))
        raw["place"] = request.form.get("place", raw.get("place", ""))
        raw.pop("date", None)
        if (request.form.get("date") or "").strip():
            raw["date"] = request.form["date"].strip()
        review = raw.get("review")
        if isinstance(review, dict):
            raw["review"] = {**review, "planned_on": None}
        definition, problems = validate(raw)
        if definition is not None:
            workshop = create(definition, f"copy-of:{source.code}")
            workshop.retention_days = source.retention_days
            db.session.commit()
            return redirect(url_for("organiser.workshop", code=workshop.code, created=1))
    return render_page(
        "organiser/duplicate.html",
        status=400 if problems else 200,
        problems=problems,
        source=source,
        organiser=current_organiser(),
    )
