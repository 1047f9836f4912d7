"""The workshop as an Excel workbook (openpyxl): one sheet of ideas per table, then participants, votes, actions.

Each table's sheet ("Table 1", ...) has the theme in a title row, the column
titles (bold, shaded) on row 3, frozen panes below them and an autofilter;
times are real date-time cells in UTC. Text is always stored as text, even
when a participant typed something that starts with "=" (never a formula);
counts are numbers, due dates real date cells.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from .rows import idea_rows, labels, person_name, vote_counts
from .snapshot import parse_moment

HEADER_FONT = {"bold": True, "color": "FFFFFF"}
HEADER_FILL = "2F5597"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
IDEA_COLUMNS = (
    ("group", 32),
    ("idea", 70),
    ("organisation", 30),
    ("first_name", 16),
    ("state", 12),
    ("votes", 9),
    ("created_at", 20),
)
PARTICIPANT_COLUMNS = (
    ("first_name", 20),
    ("organisation", 36),
    ("table", 10),
    ("ideas", 10),
    ("votes_cast", 13),
    ("joined_at", 20),
)
VOTE_COLUMNS = (
    ("table", 8),
    ("theme", 40),
    ("rank", 8),
    ("tied", 9),
    ("kind", 10),
    ("item", 70),
    ("group", 32),
    ("votes", 9),
)
ACTION_COLUMNS = (
    ("table", 8),
    ("theme", 32),
    ("action", 40),
    ("description", 40),
    ("source", 50),
    ("owner", 28),
    ("contact", 26),
    ("due", 12),
    ("indicator", 36),
    ("status", 15),
    ("progress", 40),
    ("created_at", 20),
    ("updated_at", 20),
)


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
            sheet.cell(row=row_number, column=6, value=row.votes)
            when = sheet.cell(row=row_number, column=7, value=row.created_at)
            when.number_format = TIME_FORMAT
        finish(sheet, 3, IDEA_COLUMNS, row_number)

    sheet = book.create_sheet(words["participants"])
    header(sheet, 1, PARTICIPANT_COLUMNS)
    numbers = {t["id"]: t["number"] for t in snapshot["tables"]}
    counts: dict[int, int] = {}
    for idea in snapshot["ideas"]:
        if idea["state"] != "withdrawn":
            counts[idea["participant_id"]] = counts.get(idea["participant_id"], 0) + 1
    cast: dict[int, int] = {}
    for vote in snapshot.get("votes", []):
        cast[vote["participant_id"]] = cast.get(vote["participant_id"], 0) + 1
    people = sorted(snapshot["participants"], key=lambda p: (p["organisation"].casefold(), p["id"]))
    for row_number, person in enumerate(people, start=2):
        text(sheet.cell(row=row_number, column=1), person_name(person, words))
        text(sheet.cell(row=row_number, column=2), person["organisation"])
        sheet.cell(row=row_number, column=3, value=numbers.get(person["table_id"]))
        sheet.cell(row=row_number, column=4, value=counts.get(person["id"], 0))
        sheet.cell(row=row_number, column=5, value=cast.get(person["id"], 0))
        joined = parse_moment(person["created_at"])
        cell = sheet.cell(row=row_number, column=6, value=joined.replace(microsecond=0) if joined else None)
        cell.number_format = TIME_FORMAT
    finish(sheet, 1, PARTICIPANT_COLUMNS, len(people) + 1)

    # Votes: each table's ranked results (same dots, same rank), as the report shows them.
    sheet = book.create_sheet(words["votes"])
    header(sheet, 1, VOTE_COLUMNS)
    ideas = {i["id"]: i for i in snapshot["ideas"]}
    groups = {g["id"]: g for g in snapshot["groups"]}
    row_number = 1
    for table in sorted(snapshot["tables"], key=lambda t: t["number"]):
        for result in (table.get("results") or {}).get("tally") or []:
            row_number += 1
            item = ideas.get(result["id"]) if result["kind"] == "idea" else groups.get(result["id"])
            group = groups.get(item.get("group_id")) if result["kind"] == "idea" and item else None
            sheet.cell(row=row_number, column=1, value=table["number"])
            text(sheet.cell(row=row_number, column=2), table["theme"])
            sheet.cell(row=row_number, column=3, value=result["rank"])
            text(sheet.cell(row=row_number, column=4), words["yes"] if result["tied"] else words["no"])
            text(sheet.cell(row=row_number, column=5), words["kind_" + result["kind"]])
            label = (item["text"] if result["kind"] == "idea" else item["label"]) if item else result["id"]
            text(sheet.cell(row=row_number, column=6), label)
            sheet.cell(row=row_number, column=6).alignment = wrap
            text(sheet.cell(row=row_number, column=7), group["label"] if group else "")
            sheet.cell(row=row_number, column=8, value=result["votes"])
    finish(sheet, 1, VOTE_COLUMNS, row_number)

    # Actions: the action plan, each with where it came from.
    sheet = book.create_sheet(words["actions"])
    header(sheet, 1, ACTION_COLUMNS)
    tables = {t["id"]: t for t in snapshot["tables"]}
    votes = vote_counts(snapshot)
    actions = sorted(
        snapshot.get("actions", []),
        key=lambda a: (
            tables[a["table_id"]]["number"] if a.get("table_id") in tables else 10**6,
            a["created_at"],
            a["id"],
        ),
    )
    for row_number, action in enumerate(actions, start=2):
        table = tables.get(action.get("table_id"))
        kind, ident = action.get("source_kind"), action.get("source_id")
        source = ""
        if kind == "idea" and ident in ideas:
            source = f"{words['kind_idea']} : {ideas[ident]['text']}"
        elif kind == "group" and ident in groups:
            source = f"{words['kind_group']} : {groups[ident]['label']}"
        if source and votes.get((kind, ident)):
            source += f" — {words['votes']} {votes[(kind, ident)]}"
        sheet.cell(row=row_number, column=1, value=table["number"] if table else None)
        values = (
            table["theme"] if table else "",
            action["title"],
            action.get("description") or "",
            source,
            action.get("owner_org") or "",
            action.get("contact") or "",
        )
        for column, value in enumerate(values, start=2):
            text(sheet.cell(row=row_number, column=column), value)
        due = sheet.cell(
            row=row_number, column=8, value=date.fromisoformat(action["due_on"]) if action.get("due_on") else None
        )
        due.number_format = DATE_FORMAT
        text(sheet.cell(row=row_number, column=9), action.get("indicator") or "")
        text(sheet.cell(row=row_number, column=10), words.get(action["status"], action["status"]))
        text(sheet.cell(row=row_number, column=11), action.get("progress_note") or "")
        for column, key in ((12, "created_at"), (13, "updated_at")):
            moment = parse_moment(action.get(key))
            cell = sheet.cell(row=row_number, column=column, value=moment.replace(microsecond=0) if moment else None)
            cell.number_format = TIME_FORMAT
        for column in (3, 4, 5, 9, 11):
            sheet.cell(row=row_number, column=column).alignment = wrap
    finish(sheet, 1, ACTION_COLUMNS, len(actions) + 1)
    return book


def to_xlsx(snapshot: dict, lang: str | None = None) -> bytes:
    buffer = io.BytesIO()
    build_workbook(snapshot, lang).save(buffer)
    return buffer.getvalue()


def write_xlsx(snapshot: dict, path: Path | str, lang: str | None = None) -> None:
    Path(path).write_bytes(to_xlsx(snapshot, lang))
