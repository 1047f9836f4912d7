"""The written report (compte rendu) as one standalone HTML file, printable.

Renders templates/reports/report.html with a plain Jinja2 environment (no
Flask app needed) with autoescaping on: every text a person typed is escaped,
none is marked safe. What the report shows is ``report.report_context``,
shared with the PDF and DOCX formats so the three say the same thing.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..config import ROOT
from .report import LABELS, long_date, plural, report_context  # noqa: F401 (re-exported)

TEMPLATES = ROOT / "templates" / "reports"
TEMPLATE = "report.html"


def _environment() -> Environment:
    return Environment(
        autoescape=True,
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def to_html(snapshot: dict, lang: str | None = None) -> str:
    """The report as an HTML document (text)."""
    return _environment().get_template(TEMPLATE).render(report_context(snapshot, lang))


def write_html(snapshot: dict, path: Path | str, lang: str | None = None) -> None:
    Path(path).write_text(to_html(snapshot, lang), encoding="utf-8")
