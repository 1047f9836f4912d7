"""The ideas as one CSV file for spreadsheets set to a French locale.

UTF-8 with a byte-order mark (so Excel reads the accents right), ``;`` as the
separator (the comma is the French decimal mark), CRLF line ends, every
field quoted when needed by the csv module. Times are ISO-8601 UTC text
("2026-12-10T09:41:07Z"), not local time: a file handed around must not
depend on the machine's time zone. Text a participant typed that starts like a
formula (= + - @) is prefixed with an apostrophe so no spreadsheet evaluates it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .rows import idea_rows, labels

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(text: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP "CSV injection")."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(snapshot: dict, lang: str | None = None) -> str:
    """The CSV text (without the BOM; ``write_csv`` adds it)."""
    words = labels(snapshot, lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            words["table"],
            words["theme"],
            words["group"],
            words["idea"],
            words["first_name"],
            words["organisation"],
            words["state"],
            words["votes"],
            words["created_at"],
        ]
    )
    for row in idea_rows(snapshot, lang):
        # Every text column is defused: the theme (set by an organiser, or imported) ran as a formula.
        writer.writerow(
            [
                safe(v) if isinstance(v, str) else v
                for v in (
                    row.table_number,
                    row.theme,
                    row.group,
                    row.text,
                    row.first_name,
                    row.organisation,
                    row.state,
                    row.votes,
                    row.created_iso,
                )
            ]
        )
    return out.getvalue()


def write_csv(snapshot: dict, path: Path | str, lang: str | None = None) -> None:
    Path(path).write_text(to_csv(snapshot, lang), encoding="utf-8-sig", newline="")
