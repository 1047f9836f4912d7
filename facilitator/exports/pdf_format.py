"""The written report (compte rendu) as a PDF file, with fpdf2 (pure Python).

The content is ``report.report_context``, the same as the HTML and DOCX
reports, laid out on A4 pages: a title block, the agenda, participants by
organisation, one section per round table (starting on a new page) with its
groups, ideas and votes and its most-voted items, then the priorities, the
action plan and the review. PDF bookmarks (outline) follow the headings;
pages are numbered.

The text is set in DejaVu Sans, shipped in ``fonts/`` with its licence
(fpdf2's built-in fonts are Latin-1 only: no "œ", "’" or "€"); fpdf2 embeds
only the glyphs used. Nothing is downloaded at run time.
"""

from __future__ import annotations

from pathlib import Path

from .report import report_context

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
BLUE = (47, 85, 151)
GREY = (85, 85, 85)
SHADE = (232, 237, 246)


# Table rows: the line height and padding (mm), and the most wrapped lines one row may hold so that it
# fits on an A4 page with its repeated heading row.
LINE_HEIGHT, PADDING, MAX_ROW_LINES = 4.6, 1.2, 45


def _document(context: dict):
    from fpdf import FPDF

    words = context["words"]

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FAMILY, "", 8)
            self.set_text_color(*GREY)
            self.cell(0, 6, f"{words['report']} — {context['title']}"[:110], align="L")
            self.cell(0, 6, f"{self.page_no()}/{{nb}}", align="R")

    pdf = Report(orientation="P", unit="mm", format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font(FAMILY, "I", str(FONTS / "DejaVuSans-Oblique.ttf"))
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"{words['report']} — {context['title']}")
    pdf.set_author(context["organiser"] or "facilitator")
    pdf.set_creator("facilitator")
    pdf.set_lang(context["lang"])
    return pdf


class Writer:
    """Small layout helpers over an FPDF document."""

    def __init__(self, pdf):
        self.pdf = pdf

    def text(
        self, value: str, size: float = 10, style: str = "", color=(29, 29, 31), height: float = 5, indent: float = 0
    ) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, style, size)
        pdf.set_text_color(*color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, height, value, new_x="LMARGIN", new_y="NEXT")

    def heading(self, value: str, level: int = 0) -> None:
        pdf = self.pdf
        size = (16, 12.5, 11)[level]
        if pdf.get_y() > pdf.h - 45:  # never a heading alone at the bottom of a page
            pdf.add_page()
        pdf.ln(3 if level else 5)
        pdf.start_section(value[:120], level=level)
        self.text(value, size=size, style="B", color=BLUE if level else (29, 29, 31), height=size * 0.5)
        if level == 0:
            pdf.set_draw_color(*BLUE)
            pdf.set_line_width(0.5)
            pdf.line(pdf.l_margin, pdf.get_y() + 0.5, pdf.w - pdf.r_margin, pdf.get_y() + 0.5)
            pdf.ln(2.5)
        else:
            pdf.ln(1)

    def facts(self, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            if value:
                self.pdf.set_font(FAMILY, "B", 10)
                self.pdf.set_text_color(29, 29, 31)
                self.pdf.write(5, f"{label} : " if self.lang == "fr" else f"{label}: ")
                self.pdf.set_font(FAMILY, "", 10)
                self.pdf.write(5, value)
                self.pdf.ln(5.5)

    def table(self, headings: list[str], rows: list[list[str]], widths: tuple, align=None) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, "", 9)
        pdf.set_text_color(29, 29, 31)
        pdf.set_draw_color(200, 205, 214)
        pdf.set_line_width(0.2)
        from fpdf.fonts import FontFace

        with pdf.table(
            col_widths=widths,
            line_height=LINE_HEIGHT,
            text_align=align or "LEFT",
            padding=PADDING,
            headings_style=FontFace(emphasis="BOLD", fill_color=SHADE),
            first_row_as_headings=True,
            repeat_headings=1,
        ) as table:
            row = table.row()
            for heading in headings:
                row.cell(heading)
            for values in rows:
                for part in self._fitting_rows([str(value) for value in values], widths):
                    row = table.row()
                    for value in part:
                        row.cell(value)
        pdf.ln(2)

    def _fitting_rows(self, values: list[str], widths: tuple) -> list[list[str]]:
        """One table row as rows that each fit on a page (fpdf2 cannot break a row across pages).

        A 2,000-character progress note in a narrow column, or the names of 400
        people of one organisation, made one row taller than a page and the
        whole PDF export fail. Such a row continues on the next rows, cell by
        cell, MAX_ROW_LINES wrapped lines at a time.
        """
        pdf = self.pdf
        scale = pdf.epw / sum(widths)
        lines = [
            pdf.multi_cell(w * scale - 2 * PADDING, LINE_HEIGHT, value, dry_run=True, output="LINES")
            for w, value in zip(widths, values)
        ]
        tallest = max((len(cell) for cell in lines), default=0)
        if tallest <= MAX_ROW_LINES:
            return [values]
        return [
            ["\n".join(cell[start : start + MAX_ROW_LINES]) for cell in lines]
            for start in range(0, tallest, MAX_ROW_LINES)
        ]


def build_pdf(snapshot: dict, lang: str | None = None):
    """The fpdf2 document (not yet output)."""
    context = report_context(snapshot, lang)
    words = context["words"]
    pdf = _document(context)
    out = Writer(pdf)
    out.lang = context["lang"]
    colon = " : " if context["lang"] == "fr" else ": "
    pdf.add_page()

    out.text(words["report"].upper(), size=9, color=BLUE)
    pdf.start_section(context["title"][:120])
    out.text(context["title"], size=18, style="B", height=8)
    pdf.ln(2)
    out.facts(
        [
            (words["date"], context["date"]),
            (words["place"], context["place"]),
            (words["organiser"], context["organiser"]),
        ]
    )
    if context["anonymised"]:
        pdf.ln(1)
        out.text(words["anonymised"], size=9, style="I", color=GREY)
    if context["purpose"]:
        out.heading(words["purpose"])
        out.text(context["purpose"])

    if context["agenda"]:
        out.heading(words["agenda"])
        timed = bool(context["agenda"][0]["time"])
        rows = [
            ([p["time"]] if timed else [])
            + [p["title"] + (f"\n{p['description']}" if p["description"] else ""), p["minutes"]]
            for p in context["agenda"]
        ]
        rows.append(([""] if timed else []) + [words["total"], context["agenda_total"]])
        out.table(
            ([words["time"]] if timed else []) + [words["phase"], words["duration"]],
            rows,
            (22, 128, 24) if timed else (150, 24),
        )

    out.heading(words["participants"])
    out.text(context["participants_total"])
    pdf.ln(1)
    if context["organisations"]:
        out.table(
            [words["organisation"], words["count"], words["pseudonyms" if context["anonymised"] else "names"]],
            [[o["name"], str(o["count"]), o["names"]] for o in context["organisations"]],
            (60, 18, 96),
        )

    for table in context["tables"]:
        pdf.add_page()
        out.heading(f"{table['heading']}{colon}{table['theme']}")
        out.facts(
            [
                (words["question"], table["question"]),
                (words["facilitator"], table["facilitator"]),
                (words["participants"], f"{table['participants']} · {table['visible_count']}"),
            ]
        )
        sections = [
            (g["label"] + (f" — {g['votes_text']}" if g["votes_text"] else ""), g["ideas"]) for g in table["groups"]
        ]
        if table["unsorted"] or not table["groups"]:
            sections.append((words["unsorted"], table["unsorted"]))
        for label, ideas in sections:
            out.heading(label, level=1)
            if not ideas:
                out.text(words["no_ideas"], style="I", color=GREY)
            for idea in ideas:
                _idea(out, idea, words)
        if table["hidden"]:
            out.text(table["hidden"], size=9, style="I", color=GREY)
        out.heading(words["top_items"], level=2)
        if table["top"]:
            out.text(table["voting"], size=9, style="I", color=GREY)
            pdf.ln(1)
            out.table(
                [words["rank"], words["item"], words["votes"]],
                [[_rank(r, words), f"{r['text']} ({r['kind']})", str(r["votes"])] for r in table["top"]],
                (22, 134, 18),
            )
        else:
            out.text(words["no_votes"], style="I", color=GREY)

    pdf.add_page()
    out.heading(words["priorities"])
    if context["priorities"]:
        out.text(words["priorities_intro"])
        pdf.ln(1)
        out.table(
            [words["rank"], words["theme"], words["item"], words["votes"]],
            [
                [_rank(r, words), r["table"], f"{r['text']} ({r['kind']})", str(r["votes"])]
                for r in context["priorities"]
            ],
            (22, 20, 114, 18),
        )
    else:
        out.text(words["no_votes"], style="I", color=GREY)

    out.heading(words["actions"])
    if context["actions"]:
        rows = []
        for a in context["actions"]:
            what = a["title"] + (f"\n{a['description']}" if a["description"] else "")
            what += f"\n{a['table']} · {words['source']}{colon}{a['source']}"
            owner = a["owner"] + (f"\n{words['contact']}{colon}{a['contact']}" if a["contact"] else "")
            status = a["status"] + (f"\n{a['progress']}" if a["progress"] else "")
            rows.append([what, owner, a["due"], a["indicator"], status])
        out.table(
            [words["action"], words["owner"], words["due"], words["indicator"], words["status"]],
            rows,
            (56, 36, 22, 32, 28),
        )
    else:
        out.text(words["no_actions"], style="I", color=GREY)

    review = context["review_section"]
    if review:
        out.heading(words["review_title"])
        out.facts([(words["review_date"], review["date"]), (words["review_state"], review["state"])])
        statuses = review["statuses"]
        for heading, rows in (
            (words["by_organisation"], review["by_organisation"]),
            (words["by_theme"], review["by_theme"]),
        ):
            if rows:
                out.heading(heading, level=1)
                out.table(
                    ["", words["total_actions"]] + [s["label"] for s in statuses],
                    [[r["name"], str(r["total"])] + [str(r[s["key"]]) for s in statuses] for r in rows],
                    (50, 16, 27, 27, 27, 27),
                )
    elif context["review"]:
        pdf.ln(3)
        out.text(context["review"])

    if context["generated"]:
        pdf.ln(4)
        out.text(context["generated"], size=8, color=GREY)
    return pdf


def _rank(row: dict, words: dict) -> str:
    return f"{row['rank']}" + (f" ({words['tied']})" if row["tied"] else "")


def _idea(out: Writer, idea: dict, words: dict) -> None:
    pdf = out.pdf
    author = idea["author"]["name"] + (f" ({idea['author']['organisation']})" if idea["author"]["organisation"] else "")
    if idea["co_authors"]:
        author += f", {words['with']} " + ", ".join(
            p["name"] + (f" ({p['organisation']})" if p["organisation"] else "") for p in idea["co_authors"]
        )
    top = pdf.get_y()
    if top > pdf.h - 30:
        pdf.add_page()
        top = pdf.get_y()
    text = idea["text"] + (f"  [{idea['votes_text']}]" if idea["votes_text"] else "")
    out.text(text, size=10, indent=4, height=5)
    out.text(author, size=8, color=GREY, indent=4, height=4)
    bottom = pdf.get_y()
    if bottom > top:  # the bar on the left, as in the HTML report (not across a page break)
        pdf.set_draw_color(*BLUE)
        pdf.set_line_width(0.8)
        pdf.line(pdf.l_margin + 1, top + 0.5, pdf.l_margin + 1, bottom - 0.5)
    pdf.ln(1.5)


def to_pdf(snapshot: dict, lang: str | None = None) -> bytes:
    return bytes(build_pdf(snapshot, lang).output())


def write_pdf(snapshot: dict, path: Path | str, lang: str | None = None) -> None:
    Path(path).write_bytes(to_pdf(snapshot, lang))
