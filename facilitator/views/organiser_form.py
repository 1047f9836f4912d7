"""The workshop form of the organiser space, shared by creation and editing.

The form is read into plain *values* (what the organiser typed, kept as text
so a refused form shows their input again), turned into a definition mapping
for ``workshops.WorkshopDef``, and validation problems are mapped back to
the form field they belong to, with a message in the page's language.

Field names: ``title``, ``date``, ``start_time``, ``place``, ``organiser``,
``language``, ``purpose``, ``organisations`` (one per line),
``retention_days``, ``voting-votes_per_person``, ``voting-votes_per_item``,
``voting-target``, ``voting-live``, ``version``, ``loaded`` (the voting rules and retention the form was
read with: ``settings_signature``); rows ``tables-<i>-<field>``
(``id``, ``theme``, ``question``, ``facilitator``, ``facilitator_org``,
``subtopics`` one per line, ``remove``) and ``agenda-<i>-<field>`` (``key``,
``kind``, ``minutes``, ``title``, ``description``, ``remove``). Rows are read
in the order of ``<i>``; a row left blank is skipped.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import ValidationError

from ..i18n import translate
from ..models import Workshop

# The agenda's step kinds and the keys of their labels, in the form's order.
KINDS = {
    kind: f"page.organiser.form.kind.{kind}"
    for kind in ("welcome", "talks", "round_tables", "break", "plenary", "voting", "closing")
}
TABLE_FIELDS = ("id", "theme", "question", "facilitator", "facilitator_org", "subtopics")
AGENDA_FIELDS = ("key", "kind", "minutes", "title", "description")
TOP_FIELDS = (
    "title",
    "code",
    "date",
    "start_time",
    "place",
    "organiser",
    "language",
    "purpose",
    "organisations",
    "retention_days",
)
ROW = re.compile(r"^(tables|agenda)-(\d{1,3})-([a-z_]+)$")
MAX_ROWS = 60


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def blank_table() -> dict:
    return {name: "" for name in TABLE_FIELDS}


def blank_step() -> dict:
    return {"key": "", "kind": "round_tables", "minutes": "", "title": "", "description": ""}


def values_from_definition(definition: dict, workshop: Workshop | None = None) -> dict:
    """Form values of a stored definition (editing), with the workshop's live settings when given."""
    voting = definition.get("voting") or {}
    values = {
        "title": definition.get("title", ""),
        "code": definition.get("code", ""),
        "date": definition.get("date") or "",
        "start_time": (definition.get("start_time") or "")[:5],
        "place": definition.get("place", ""),
        "organiser": definition.get("organiser", ""),
        "language": definition.get("language", "fr"),
        "purpose": definition.get("purpose", ""),
        "organisations": "\n".join(o["name"] for o in definition.get("organisations") or []),
        "retention_days": "",
        "voting-votes_per_person": str(voting.get("votes_per_person", 3)),
        "voting-votes_per_item": str(voting.get("votes_per_item", 1)),
        "voting-target": voting.get("target", "ideas"),
        "voting-live": bool(voting.get("live", False)),
        "version": "",
        "tables": [
            {
                "id": "",
                "theme": t["theme"],
                "question": t.get("question", ""),
                "facilitator": (t.get("facilitator") or {}).get("name", ""),
                "facilitator_org": (t.get("facilitator") or {}).get("organisation", ""),
                "subtopics": "\n".join(t.get("subtopics") or []),
            }
            for t in definition.get("tables") or []
        ],
        "agenda": [
            {
                "key": p["key"],
                "kind": p["kind"],
                "minutes": str(p["minutes"]),
                "title": p["title"],
                "description": p.get("description") or "",
            }
            for p in definition.get("agenda") or []
        ],
    }
    if workshop is not None:
        ids = {t.number: t.id for t in workshop.tables}
        for row, table in zip(values["tables"], definition.get("tables") or []):
            row["id"] = str(ids.get(table["number"], ""))
        values.update(
            {
                "voting-votes_per_person": str(workshop.votes_per_person),
                "voting-votes_per_item": str(workshop.votes_per_item),
                "voting-target": workshop.vote_target,
                "voting-live": bool(workshop.votes_live),
                "retention_days": "" if workshop.retention_days is None else str(workshop.retention_days),
                "version": str(workshop.version),
            }
        )
        values["loaded"] = settings_signature(values)
    return values


def settings_signature(values: dict) -> str:
    """The voting rules and retention as a form shows them: saved only when the organiser changed them,
    so a form left open never reverts what the lead changed from the console (or the workshop page) meanwhile."""
    return "|".join(
        str(values.get(name, "")).strip()
        for name in ("voting-votes_per_person", "voting-votes_per_item", "voting-target", "retention_days")
    ) + ("|1" if values.get("voting-live") else "|0")


def values_from_form(form) -> dict:
    """What was posted, as form values (rows in the order of their index, removed rows dropped)."""
    values = {
        name: (form.get(name) or "")
        for name in TOP_FIELDS
        + ("voting-votes_per_person", "voting-votes_per_item", "voting-target", "version", "loaded")
    }
    values["voting-live"] = form.get("voting-live") == "1"
    rows: dict[str, dict[int, dict]] = {"tables": {}, "agenda": {}}
    for name in form:
        match = ROW.match(name)
        if match and int(match.group(2)) < MAX_ROWS:
            rows[match.group(1)].setdefault(int(match.group(2)), {})[match.group(3)] = form.get(name) or ""
    for kind, fields in (("tables", TABLE_FIELDS), ("agenda", AGENDA_FIELDS)):
        values[kind] = [
            {f: row.get(f, "") for f in fields} for _, row in sorted(rows[kind].items()) if row.get("remove") != "1"
        ]
    return values


def _is_blank(row: dict, fields: tuple[str, ...]) -> bool:
    return not any((row.get(f) or "").strip() for f in fields)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:32] or "step"


def to_definition(values: dict, code: str) -> tuple[dict, list[int | None], dict]:
    """(definition mapping, existing table id per table, index maps back to form rows)."""
    raw: dict = {
        "code": code,
        "title": values["title"],
        "purpose": values["purpose"],
        "place": values["place"],
        "organiser": values["organiser"],
        "language": values["language"] if values["language"] in ("fr", "en") else "fr",
    }
    for name in ("date", "start_time"):
        if values[name].strip():
            raw[name] = values[name].strip()
    table_rows, table_ids, tables = [], [], []
    for row_index, row in enumerate(values["tables"]):
        if _is_blank(row, TABLE_FIELDS):
            continue
        ident = row.get("id", "").strip()
        table_ids.append(int(ident) if ident.isascii() and ident.isdigit() else None)
        table_rows.append(row_index)
        tables.append(
            {
                "number": len(tables) + 1,
                "theme": row["theme"],
                "question": row["question"],
                "facilitator": {"name": row["facilitator"], "organisation": row["facilitator_org"]},
                "subtopics": list(dict.fromkeys(_lines(row["subtopics"]))),
            }
        )
    raw["tables"] = tables
    agenda_rows, agenda, keys = [], [], set()
    for row_index, row in enumerate(values["agenda"]):
        if _is_blank(row, ("minutes", "title", "description")):
            continue
        key = row.get("key", "").strip()
        if not re.fullmatch(r"[a-z0-9_-]{1,40}", key) or key in keys:
            base = _slug(row["title"])
            key, n = base, 2
            while key in keys:
                key, n = f"{base}-{n}", n + 1
        keys.add(key)
        step = {"key": key, "kind": row["kind"], "title": row["title"], "description": row["description"]}
        if row["minutes"].strip():
            step["minutes"] = row["minutes"].strip()
        agenda.append(step)
        agenda_rows.append(row_index)
    raw["agenda"] = agenda
    seen: set[str] = set()
    raw["organisations"] = []
    for name in _lines(values["organisations"]):
        if name.casefold() not in seen:
            seen.add(name.casefold())
            raw["organisations"].append({"name": name})
    raw["voting"] = {
        "votes_per_person": values["voting-votes_per_person"].strip() or 3,
        "votes_per_item": values["voting-votes_per_item"].strip() or 1,
        "target": values["voting-target"] or "ideas",
        "live": bool(values["voting-live"]),
    }
    return raw, table_ids, {"tables": table_rows, "agenda": agenda_rows}


# pydantic error type -> message key of page.organiser.form.err.*
ERROR_KEYS = {
    "missing": "required",
    "string_too_short": "required",
    "too_short": "required",
    "string_too_long": "too_long",
    "greater_than_equal": "too_small",
    "less_than_equal": "too_big",
    "int_parsing": "not_number",
    "int_type": "not_number",
    "int_from_float": "not_number",
    "date_parsing": "bad_date",
    "date_from_datetime_parsing": "bad_date",
    "date_type": "bad_date",
    "time_parsing": "bad_time",
    "time_type": "bad_time",
    "literal_error": "bad_choice",
    "string_pattern_mismatch": "bad_code",
}


def field_of(loc: tuple, rows: dict) -> str:
    """The form field a validation location belongs to, e.g. ('tables', 2, 'facilitator', 'name')."""
    head = loc[0] if loc else ""
    if head in ("tables", "agenda") and len(loc) >= 3 and isinstance(loc[1], int) and loc[1] < len(rows[head]):
        row = rows[head][loc[1]]
        name = loc[2]
        if head == "tables" and name == "facilitator":
            name = "facilitator_org" if loc[3:4] == ("organisation",) else "facilitator"
        if head == "agenda" and name == "key":
            name = "title"
        return f"{head}-{row}-{name}"
    if head == "tables":
        return "tables"
    if head == "agenda":
        return "agenda"
    if head == "organisations":
        return "organisations"
    if head == "voting":
        return f"voting-{loc[1]}" if len(loc) > 1 else "voting-votes_per_item"
    return str(head) if head in TOP_FIELDS else ""


def field_errors(exc: ValidationError, rows: dict, lang: str) -> dict[str, str]:
    """Validation problems by form field, one message each, in ``lang``."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = field_of(tuple(error["loc"]), rows)
        ctx = error.get("ctx") or {}
        key = ERROR_KEYS.get(error["type"], "invalid")
        if name == "voting-votes_per_item" and error["type"] == "value_error":
            key = "per_item"
        elif name == "tables" and error["type"] in ("too_short", "missing"):
            key = "no_table"
        params = {"max": ctx.get("max_length", ctx.get("le", "")), "min": ctx.get("min_length", ctx.get("ge", ""))}
        errors.setdefault(name, translate(lang, f"page.organiser.form.err.{key}", **params))
    return errors


def with_blank_rows(values: dict, tables: int = 1, steps: int = 1) -> dict:
    """Values with a few empty rows to fill in (the form works without JavaScript)."""
    return {
        **values,
        "tables": values["tables"] + [blank_table() for _ in range(tables)],
        "agenda": values["agenda"] + [blank_step() for _ in range(steps)],
    }
