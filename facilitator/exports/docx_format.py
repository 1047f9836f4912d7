"""The written report (compte rendu) as a Word document (.docx), with python-docx, for the organiser to edit.

The content is ``report.report_context``, the same as the HTML and PDF
reports. Built from Word's own styles so that it stays editable: real
headings (Title, Heading 1-3: the navigation pane and a table of contents
work), bulleted lists for the ideas, tables in the "Table Grid" style with a
repeated header row, the document's language set to the report's (French
spell-checking). Each round table starts on a new page.
"""

from __future__ import annotations

import io
from pathlib import Path

from .report import report_context

GREY = (0x55, 0x55, 0x55)


def build_docx(snapshot: dict, lang: str | None = None):
    """The python-docx Document (not saved)."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    context = report_context(snapshot, lang)
    words = context["words"]
    colon = " : " if context["lang"] == "fr" else ": "
    document = Document()
    properties = document.core_properties
    properties.title = f"{words['report']} — {context['title']}"[:250]
    properties.author = (context["organiser"] or "facilitator")[:250]
    properties.language = context["lang"]
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    language = normal.element.get_or_add_rPr()
    lang_element = language.find(qn("w:lang"))
    if lang_element is None:
        lang_element = language.makeelement(qn("w:lang"), {})
        language.append(lang_element)
    lang_element.set(qn("w:val"), "fr-FR" if context["lang"] == "fr" else "en-GB")

    def note(text: str, italic: bool = True, size: float = 9):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.italic, run.font.size = italic, Pt(size)
        run.font.color.rgb = RGBColor(*GREY)
        return paragraph

    def facts(rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            if value:
                paragraph = document.add_paragraph()
                paragraph.add_run(label + colon).bold = True
                paragraph.add_run(value)
                paragraph.paragraph_format.space_after = Pt(2)

    def table(headings: list[str], rows: list[list[str]]) -> None:
        grid = document.add_table(rows=1, cols=len(headings))
        grid.style = "Table Grid"
        header = grid.rows[0]
        for cell, heading in zip(header.cells, headings):
            cell.text = ""
            cell.paragraphs[0].add_run(heading).bold = True
        # Repeat the header row on each page.
        header._tr.get_or_add_trPr().append(header._tr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
        for values in rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, values):
                lines = str(value).split("\n")
                cell.text = lines[0]
                for extra in lines[1:]:
                    run = cell.add_paragraph().add_run(extra)
                    run.font.size = Pt(9)
                    run.font.color.rgb = RGBColor(*GREY)
        document.add_paragraph()

    document.add_paragraph(words["report"].upper(), style="Subtitle")
    document.add_heading(context["title"], level=0)
    facts(
        [
            (words["date"], context["date"]),
            (words["place"], context["place"]),
            (words["organiser"], context["organiser"]),
        ]
    )
    if context["anonymised"]:
        note(words["anonymised"])
    if context["purpose"]:
        document.add_heading(words["purpose"], level=1)
        document.add_paragraph(context["purpose"])
    if context["agenda"]:
        document.add_heading(words["agenda"], level=1)
        timed = bool(context["agenda"][0]["time"])
        rows = [
            ([p["time"]] if timed else [])
            + [p["title"] + (f"\n{p['description']}" if p["description"] else ""), p["minutes"]]
            for p in context["agenda"]
        ]
        rows.append(([""] if timed else []) + [words["total"], context["agenda_total"]])
        table(([words["time"]] if timed else []) + [words["phase"], words["duration"]], rows)

    document.add_heading(words["participants"], level=1)
    document.add_paragraph(context["participants_total"])
    if context["organisations"]:
        table(
            [words["organisation"], words["count"], words["pseudonyms" if context["anonymised"] else "names"]],
            [[o["name"], str(o["count"]), o["names"]] for o in context["organisations"]],
        )

    for round_table in context["tables"]:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(f"{round_table['heading']}{colon}{round_table['theme']}", level=1)
        facts(
            [
                (words["question"], round_table["question"]),
                (words["facilitator"], round_table["facilitator"]),
                (words["participants"], f"{round_table['participants']} · {round_table['visible_count']}"),
            ]
        )
        sections = [
            (g["label"] + (f" — {g['votes_text']}" if g["votes_text"] else ""), g["ideas"])
            for g in round_table["groups"]
        ]
        if round_table["unsorted"] or not round_table["groups"]:
            sections.append((words["unsorted"], round_table["unsorted"]))
        for label, ideas in sections:
            document.add_heading(label, level=2)
            if not ideas:
                note(words["no_ideas"])
            for idea in ideas:
                item = document.add_paragraph(style="List Bullet")
                item.add_run(idea["text"])
                if idea["votes_text"]:
                    item.add_run(f" — {idea['votes_text']}").bold = True
                author = idea["author"]["name"] + (
                    f" ({idea['author']['organisation']})" if idea["author"]["organisation"] else ""
                )
                if idea["co_authors"]:
                    author += f", {words['with']} " + ", ".join(
                        p["name"] + (f" ({p['organisation']})" if p["organisation"] else "") for p in idea["co_authors"]
                    )
                item.add_run("\n")
                run = item.add_run(author)
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(*GREY)
        if round_table["hidden"]:
            note(round_table["hidden"])
        document.add_heading(words["top_items"], level=3)
        if round_table["top"]:
            note(round_table["voting"])
            table(
                [words["rank"], words["item"], words["votes"]],
                [[_rank(r, words), f"{r['text']} ({r['kind']})", str(r["votes"])] for r in round_table["top"]],
            )
        else:
            note(words["no_votes"])

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(words["priorities"], level=1)
    if context["priorities"]:
        document.add_paragraph(words["priorities_intro"])
        table(
            [words["rank"], words["theme"], words["item"], words["votes"]],
            [
                [_rank(r, words), r["table"], f"{r['text']} ({r['kind']})", str(r["votes"])]
                for r in context["priorities"]
            ],
        )
    else:
        note(words["no_votes"])

    document.add_heading(words["actions"], level=1)
    if context["actions"]:
        rows = []
        for a in context["actions"]:
            what = a["title"] + (f"\n{a['description']}" if a["description"] else "")
            what += f"\n{a['table']} · {words['source']}{colon}{a['source']}"
            owner = a["owner"] + (f"\n{words['contact']}{colon}{a['contact']}" if a["contact"] else "")
            rows.append(
                [what, owner, a["due"], a["indicator"], a["status"] + (f"\n{a['progress']}" if a["progress"] else "")]
            )
        table([words["action"], words["owner"], words["due"], words["indicator"], words["status"]], rows)
    else:
        note(words["no_actions"])

    review = context["review_section"]
    if review:
        document.add_heading(words["review_title"], level=1)
        facts([(words["review_date"], review["date"]), (words["review_state"], review["state"])])
        statuses = review["statuses"]
        for heading, rows in (
            (words["by_organisation"], review["by_organisation"]),
            (words["by_theme"], review["by_theme"]),
        ):
            if rows:
                document.add_heading(heading, level=2)
                table(
                    ["", words["total_actions"]] + [s["label"] for s in statuses],
                    [[r["name"], str(r["total"])] + [str(r[s["key"]]) for s in statuses] for r in rows],
                )
    elif context["review"]:
        document.add_paragraph(context["review"])
    if context["generated"]:
        note(context["generated"], italic=False, size=8)
    return document


def _rank(row: dict, words: dict) -> str:
    return f"{row['rank']}" + (f" ({words['tied']})" if row["tied"] else "")


def to_docx(snapshot: dict, lang: str | None = None) -> bytes:
    buffer = io.BytesIO()
    build_docx(snapshot, lang).save(buffer)
    return buffer.getvalue()


def write_docx(snapshot: dict, path: Path | str, lang: str | None = None) -> None:
    Path(path).write_bytes(to_docx(snapshot, lang))
