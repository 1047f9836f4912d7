"""Figures of the review dashboard: actions by status, per theme and per owner organisation.

Pure functions of plain dicts (``state.action_dict`` shapes and the tables'
``{"id", "number", "theme"}``), so the dashboard, the tests and a benchmark
read the same numbers. ``bars`` turns rows into the geometry of the
server-rendered SVG charts (no script, no inline style: the strict CSP holds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("not_started", "in_progress", "done", "dropped")


@dataclass
class Row:
    """One bar: a theme or an organisation and its actions counted by status."""

    key: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done_share(self) -> int:
        """Done actions out of those not dropped, in whole percent (0 when none)."""
        alive = self.total - self.counts["dropped"]
        return round(100 * self.counts["done"] / alive) if alive else 0


def figures(actions: list[dict], tables: list[dict], general_label: str) -> dict:
    """{"total": Row, "by_theme": [Row], "by_organisation": [Row]}.

    Themes follow the tables' order (then the workshop-wide actions, labelled
    ``general_label``); organisations are alphabetical, an action without an
    owner counted under "" (labelled by the caller).
    """
    total = Row("all", "")
    themes = {t["id"]: Row(str(t["id"]), f"{t['number']}. {t['theme']}") for t in tables}
    general = Row("general", general_label)
    organisations: dict[str, Row] = {}
    for action in actions:
        status = action["status"] if action["status"] in STATUSES else "not_started"
        total.counts[status] += 1
        themes.get(action.get("table_id"), general).counts[status] += 1
        owner = action.get("owner_org") or ""
        organisations.setdefault(owner, Row(owner, owner)).counts[status] += 1
    by_theme = [row for row in themes.values() if row.total] + ([general] if general.total else [])
    by_organisation = sorted(organisations.values(), key=lambda row: (row.key == "", row.key.casefold()))
    return {"total": total, "by_theme": by_theme, "by_organisation": by_organisation}


def bars(rows: list[Row], width: int = 600) -> list[dict]:
    """Segments of one stacked bar per row: [{"row", "segments": [{status, x, width, count}]}].

    Every bar is scaled to the largest row, so lengths compare across rows.
    """
    largest = max((row.total for row in rows), default=0) or 1
    result = []
    for row in rows:
        x, segments = 0.0, []
        for status in STATUSES:
            count = row.counts[status]
            if count:
                length = width * count / largest
                segments.append({"status": status, "x": round(x, 2), "width": round(length, 2), "count": count})
                x += length
        result.append({"row": row, "segments": segments, "length": round(x, 2)})
    return result
