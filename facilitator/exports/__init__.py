"""Exports of a workshop: a plain-data snapshot, then one module per file format.

``snapshot.export_snapshot`` reads a workshop from the database into plain
data (dicts, lists, strings, numbers); every format (``json_format``,
``csv_format``, ``xlsx_format``, ``html_format``, ...) and ``anonymise`` are
pure functions of that snapshot, testable without a server.
``importer.import_snapshot`` writes a JSON snapshot back into a database. The
formats are described in docs/exports.md.

``render`` is the one entry point for callers (CLI, organiser web space):
snapshot or workshop code in, file bytes + MIME type + file name out.

This package imports nothing heavy at import time: ``render`` imports the
module of the format it needs.
"""

from __future__ import annotations

from importlib import import_module

FORMAT = "facilitator-export"
VERSION = 2
FORMATS = ("json", "csv", "xlsx", "html", "pdf", "docx")

MIMETYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class UnknownFormat(ValueError):
    """A format name that is not in FORMATS."""


def render(workshop, fmt: str, anonymise: bool = False, lang: str | None = None) -> tuple[bytes, str, str]:
    """One workshop as a file: ``(content bytes, MIME type, suggested file name)``.

    ``workshop`` is a snapshot dict (from ``snapshot.export_snapshot``), a join
    code (str) or a workshop id (int); the last two read the database and so
    need an application context. ``fmt`` is one of FORMATS (UnknownFormat
    otherwise); an unknown code or id raises ``snapshot.UnknownWorkshop``.
    ``anonymise`` replaces people's names (organisations kept); ``lang`` ("fr"
    or "en") overrides the workshop's language for the human-readable formats.
    CPU-bound for large workshops: call it off the real-time loop.
    """
    if fmt not in FORMATS:
        raise UnknownFormat(fmt)
    if isinstance(workshop, dict):
        snapshot = workshop
    else:
        from .snapshot import export_snapshot, workshop_id_of

        ident = workshop_id_of(workshop) if isinstance(workshop, str) else int(workshop)
        snapshot = export_snapshot(ident)
    # Whatever is stored (text from before facilitator/text.py, or a hostile import),
    # every writer gets text it can write: XML-illegal characters broke XLSX and DOCX.
    from ..text import deep_clean

    snapshot = deep_clean(snapshot)
    if anonymise and not snapshot.get("anonymised"):
        from .anonymise import anonymise as anonymised

        snapshot = anonymised(snapshot)
    module = import_module(f".{fmt}_format", __name__)
    if fmt == "json":
        content = module.to_json(snapshot).encode("utf-8")
    else:
        content = getattr(module, f"to_{fmt}")(snapshot, lang)
        if isinstance(content, str):
            # CSV: UTF-8 with a byte-order mark, as write_csv does (Excel reads the accents right).
            content = content.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    return content, MIMETYPES[fmt], filename(snapshot, fmt)


def filename(snapshot: dict, fmt: str) -> str:
    """ "DEVUP-2026-12-10.pdf", "DEVUP-2026-12-10-anonymised.pdf" (no date: "DEVUP.pdf")."""
    workshop = snapshot["workshop"]
    parts = [workshop["code"]] + ([workshop["date"]] if workshop.get("date") else [])
    if snapshot.get("anonymised"):
        parts.append("anonymised")
    return "-".join(parts) + f".{fmt}"
