"""The workshop as an Excel workbook (openpyxl): one sheet of ideas per table, then participants.

Each table's sheet ("Table 1", ...) has the theme in a title row, the column
titles (bold, shaded) on row 3, frozen panes below them and an autofilter;
times are real date-time cells in UTC. Text is always stored as text, even
when a participant typed something that starts with "=" (never a formula).
"""
from __future__ import annotations

import io
from pathlib import Path

from .rows import idea_rows, labels
from .snapshot import parse_moment

HEADER_FONT = {"bold": True, "color": "FFFFFF"}
HEADER_FILL = "2F5597"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
IDEA_COLUMNS = (("group", 32), ("idea", 70), ("organisation", 30), ("first_name", 16), ("state", 12),
                ("created_at", 20))
PARTICIPANT_COLUMNS = (("first_name", 20), ("organisation", 36), ("table", 10), ("ideas", 10),
                       ("joined_at", 20))


def build_workbook(snapshot: dict, lang: str | None = None):
    """The openpyxl Workbook (not saved)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    words = labels(snapshot, lang)
    header_font = Font(**HEADER_FONT)
    header_fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")

    def text(cell, value: str) -> None:
        cell.value = value
        cell.data_type = "s"  # openpyxl would take "=..." for a formula

    def header(sheet, row: int, columns) -> None:
        for index, (key, width) in enumerate(columns, start=1):
            cell = sheet.cell(row=row, column=index, value=words[key])
            cell.font, cell.fill = header_font, header_fill
            sheet.column_dimensions[get_column_letter(index)].width = width

    def finish(sheet, header_row: int, columns, last_row: int) -> None:
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(last_row, header_row)}"

    book = Workbook()
    book.remove(book.active)
    book.properties.title = snapshot["workshop"]["title"][:200]
    book.properties.creator = "facilitator"
    rows = idea_rows(snapshot, lang)
    for table in snapshot["tables"]:
        sheet = book.create_sheet(f"{words['table']} {table['number']}")
        title = sheet.cell(row=1, column=1)
        text(title, words["title"].format(table=words["table"], number=table["number"], theme=table["theme"]))
        title.font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(IDEA_COLUMNS))
        if table.get("question"):
            question = sheet.cell(row=2, column=1)
            text(question, table["question"])
            question.font = Font(italic=True)
            sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(IDEA_COLUMNS))
        header(sheet, 3, IDEA_COLUMNS)
        row_number = 3
        for row in (r for r in rows if r.table_id == table["id"]):
            row_number += 1
            values = (row.group, row.text, row.organisation, row.first_name, row.state)
            for column, value in enumerate(values, start=1):
                text(sheet.cell(row=row_number, column=column), value)
            sheet.cell(row=row_number, column=2).alignment = wrap
            when = sheet.cell(row=row_number, column=6, value=row.created_at)
            when.number_format = TIME_FORMAT
        finish(sheet, 3, IDEA_COLUMNS, row_number)

    sheet = book.create_sheet(words["participants"])
    header(sheet, 1, PARTICIPANT_COLUMNS)
    numbers = {t["id"]: t["number"] for t in snapshot["tables"]}
    counts: dict[int, int] = {}
    for idea in snapshot["ideas"]:
        if idea["state"] != "withdrawn":
            counts[idea["participant_id"]] = counts.get(idea["participant_id"], 0) + 1
    people = sorted(snapshot["participants"], key=lambda p: (p["organisation"].casefold(), p["id"]))
    for row_number, person in enumerate(people, start=2):
        text(sheet.cell(row=row_number, column=1), person["first_name"])
        text(sheet.cell(row=row_number, column=2), person["organisation"])
        sheet.cell(row=row_number, column=3, value=numbers.get(person["table_id"]))
        sheet.cell(row=row_number, column=4, value=counts.get(person["id"], 0))
        joined = parse_moment(person["created_at"])
        cell = sheet.cell(row=row_number, column=5, value=joined.replace(microsecond=0) if joined else None)
        cell.number_format = TIME_FORMAT
    finish(sheet, 1, PARTICIPANT_COLUMNS, len(people) + 1)
    return book


def to_xlsx(snapshot: dict, lang: str | None = None) -> bytes:
    buffer = io.BytesIO()
    build_workbook(snapshot, lang).save(buffer)
    return buffer.getvalue()


def write_xlsx(snapshot: dict, path: Path | str, lang: str | None = None) -> None:
    Path(path).write_bytes(to_xlsx(snapshot, lang))
