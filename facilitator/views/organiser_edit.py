"""Editing a workshop from the organiser space, before or during the morning.

GET shows the workshop's definition in the shared form (organiser_form.py)
with its version; POST validates it like a new workshop, then
``workshop_edit.apply_edit`` changes the database and publishes the events
that update the live screens, all in one ``events.transaction()``. A refused save (invalid field, a table that holds
ideas, a stale version) shows the form again with the organiser's input and
each message next to its field.
"""

from __future__ import annotations

from flask import redirect, request, url_for
from pydantic import ValidationError

from .. import events
from ..extensions import db
from ..i18n import request_language, translate
from ..workshop_edit import EditRefused, StaleVersion, apply_edit
from ..workshops import WorkshopDef
from .common import render_page, workshop_or_404
from .organiser_auth import current_organiser
from .organiser_form import (
    KINDS,
    field_errors,
    settings_signature,
    to_definition,
    values_from_definition,
    values_from_form,
    with_blank_rows,
)


def _t(key: str, **params) -> str:
    return translate(request_language(), f"page.organiser.{key}", **params)


def edit_workshop(code: str):
    workshop = workshop_or_404(code)
    errors: dict[str, str] = {}
    problems: list[str] = []
    status = 200
    if request.method == "GET":
        values = values_from_definition(workshop.definition or {}, workshop)
    else:
        values = values_from_form(request.form)
        values["code"] = workshop.code
        errors, problems, status = _save(workshop, values)
        if status == 302:
            return redirect(url_for("organiser.workshop", code=workshop.code, edited=1))
    return render_page(
        "organiser/edit.html",
        status=status,
        w=workshop,
        values=with_blank_rows(values),
        errors=errors,
        problems=problems,
        kinds=KINDS,
        organiser=current_organiser(),
        running=workshop.phase_key is not None,
    )


def _save(workshop, values: dict) -> tuple[dict, list[str], int]:
    """(field errors, general problems, HTTP status): 302 when saved."""
    lang = request_language()
    raw, table_ids, rows = to_definition(values, workshop.code)
    raw = {
        **raw,
        **{
            k: v for k, v in (workshop.definition or {}).items() if k in ("review", "rotation", "expected_participants")
        },
    }
    retention = values["retention_days"].strip()
    errors: dict[str, str] = {}
    if retention and not (retention.isascii() and retention.isdigit() and len(retention) <= 5):
        errors["retention_days"] = _t("form.err.not_number")
    try:
        definition = WorkshopDef.model_validate(raw)
    except ValidationError as exc:
        errors = {**field_errors(exc, rows, lang), **errors}
    version = values["version"].strip()
    if not (version.isascii() and version.isdigit()):
        return errors, [_t("edit.no_version")], 400
    if errors:
        return errors, [], 400
    settings_changed = values.get("loaded") != settings_signature(values)
    try:
        with events.transaction():
            apply_edit(
                workshop,
                definition,
                table_ids,
                int(version),
                int(retention) if retention else None,
                lang,
                settings=settings_changed,
            )
    except StaleVersion as exc:
        values["version"] = str(exc.current)  # saving again now overwrites, knowingly
        return {}, [_t("edit.stale")], 409
    except EditRefused as exc:
        db.session.refresh(workshop)
        _restore_refused_rows(workshop, values, exc)
        errors, problems = {}, []
        for field, key, params in exc.problems:
            message = _t(key, **params)
            if field in ("tables", "agenda", ""):
                problems.append(message)
            else:
                errors[field] = message
        return errors, problems, 409
    return {}, [], 302


def _restore_refused_rows(workshop, values: dict, exc: EditRefused) -> None:
    """Tables the organiser removed but that cannot go come back into the form, at their place."""
    present = {row.get("id") for row in values["tables"]}
    stored = values_from_definition(workshop.definition or {}, workshop)
    for position, row in enumerate(stored["tables"]):
        if row["id"] and row["id"] not in present:
            values["tables"].insert(min(position, len(values["tables"])), row)
    keys = {row.get("key") for row in values["agenda"]}
    for position, row in enumerate(stored["agenda"]):
        if row["key"] == workshop.phase_key and row["key"] not in keys:
            values["agenda"].insert(min(position, len(values["agenda"])), row)
