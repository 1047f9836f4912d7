"""Every export format of a finished workshop, read back with a real parser (docs/exports.md).

The workshop is the seed DEVUP morning filled by ``facilitator.demo.fill_workshop``
(30 participants from its organisations, 90 ideas over 3 tables in the
subtopic groups, dot votes, 7 actions, review links, one erased participant);
the round trip adds the real commands' event history (test_exports.build_workshop).
Parsers: csv, openpyxl, html.parser, pypdf, python-docx.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest

from facilitator.demo import FIRST_NAMES, fill_workshop
from facilitator.exports import FORMATS, UnknownFormat, render
from facilitator.exports.importer import import_snapshot
from facilitator.exports.report import report_context
from facilitator.exports.snapshot import UnknownWorkshop, export_snapshot
from facilitator.extensions import db
from facilitator.models import Participant, Workshop, utcnow
from tests.integration.test_exports import build_workshop, fresh_app, normalise, read_report, snapshot_of


@pytest.fixture
def finished(app, room):
    """(snapshot, summary) of the seed workshop after a full demo morning."""
    with app.app_context():
        summary = fill_workshop(room.workshop_id)
        return export_snapshot(room.workshop_id), summary


def facts(snapshot: dict) -> dict:
    """What the assertions look for: the top idea of table 1, an action, its owner."""
    table = snapshot["tables"][0]
    top = table["results"]["tally"][0]
    idea = next(i for i in snapshot["ideas"] if i["id"] == top["id"])
    group = next((g for g in snapshot["groups"] if g["id"] == idea["group_id"]), None)
    action = next(a for a in snapshot["actions"] if a["source_kind"] == "idea")
    return {
        "idea": idea,
        "votes": top["votes"],
        "group": group["label"] if group else "À classer",
        "action": action,
        "table": table,
    }


def flat(text: str) -> str:
    return " ".join(text.split())


def names_in(text: str) -> list[str]:
    return [name for name in FIRST_NAMES if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)]


def test_snapshot_carries_votes_actions_and_review(finished):
    snapshot, summary = finished
    assert snapshot["version"] == 2
    assert len(snapshot["participants"]) == 30 and len(snapshot["ideas"]) == 90
    assert len(snapshot["votes"]) == summary["votes"] == 90 and len(snapshot["actions"]) == 7
    assert {r["organisation"] for r in snapshot["review_links"]} == {a["owner_org"] for a in snapshot["actions"]}
    assert "key" not in json.dumps(snapshot["review_links"])  # review link keys are secrets
    assert snapshot["workshop"]["review_on"] == "2027-09-09" and snapshot["workshop"]["vote_target"] == "ideas"
    for table in snapshot["tables"]:
        tally = table["results"]["tally"]
        assert table["results"]["dots"] == sum(v["table_id"] == table["id"] for v in snapshot["votes"])
        assert [r["votes"] for r in tally] == sorted((r["votes"] for r in tally), reverse=True)
        for before, after in zip(tally, tally[1:]):  # competition ranking, ties flagged
            assert after["rank"] == (before["rank"] if after["votes"] == before["votes"] else tally.index(after) + 1)
            assert (before["votes"] == after["votes"]) <= (before["tied"] and after["tied"])
    erased = [p for p in snapshot["participants"] if p["erased_at"]]
    assert len(erased) == 1 and erased[0]["first_name"] == ""


def test_csv_and_xlsx(finished, tmp_path):
    from openpyxl import load_workbook

    snapshot, _ = finished
    f = facts(snapshot)
    content, mimetype, name = render(snapshot, "csv")
    assert mimetype.startswith("text/csv") and name == "DEVUP-2026-12-10.csv" and content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][7] == "Votes"
    row = next(r for r in rows[1:] if r[3] == f["idea"]["text"])
    assert row[2] == f["group"] and int(row[7]) == f["votes"] > 0
    assert sum(int(r[7]) for r in rows[1:]) == sum(t["results"]["dots"] for t in snapshot["tables"])

    content, mimetype, _ = render(snapshot, "xlsx")
    assert mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Table 1", "Table 2", "Table 3", "Participants", "Votes", "Actions"]
    ideas = list(book["Table 1"].iter_rows(min_row=4, values_only=True))
    mine = next(r for r in ideas if r[1] == f["idea"]["text"])
    assert mine[0] == f["group"] and mine[5] == f["votes"] and isinstance(mine[6], datetime)
    votes = book["Votes"]
    assert [c.value for c in votes[1]] == [
        "Table",
        "Thème",
        "Rang",
        "Ex æquo",
        "Type",
        "Proposition",
        "Groupe",
        "Votes",
    ]
    first = [c.value for c in votes[2]]
    assert first[0] == 1 and first[2] == 1 and first[5] == f["idea"]["text"] and first[7] == f["votes"]
    assert votes.column_dimensions["F"].width == 70 and votes.freeze_panes == "A2"
    actions = book["Actions"]
    header = [c.value for c in actions[1]]
    assert header[:3] == ["Table", "Thème", "Action"] and "Organisation porteuse" in header
    rows = [dict(zip(header, r)) for r in actions.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 7
    action = next(r for r in rows if r["Action"] == f["action"]["title"])
    assert action["Organisation porteuse"] == f["action"]["owner_org"]
    assert isinstance(action["Échéance"], datetime) and action["Échéance"].date().isoformat() == f["action"]["due_on"]
    assert action["Origine"].startswith("idée : ")
    people = list(book["Participants"].iter_rows(min_row=2, values_only=True))
    assert sum(p[4] for p in people) == 90 and all(isinstance(p[3], int) for p in people)
    assert "(nom effacé)" in {p[0] for p in people}


def test_html_report_with_outcomes(finished):
    snapshot, _ = finished
    f = facts(snapshot)
    content, mimetype, _ = render(snapshot, "html")
    assert mimetype.startswith("text/html")
    html = content.decode("utf-8")
    report = read_report(html)
    text = flat(" ".join(report.text))
    first = flat("".join(report.sections[0]["text"]))
    assert f["idea"]["text"] in first and f"{f['votes']} votes" in first and "Les plus soutenues" in first
    assert (
        report.sections[0]["groups"][:4]
        == [g["label"] for g in snapshot["groups"] if g["table_id"] == f["table"]["id"]][:4]
    )
    assert "Priorités" in text and "Plan d'actions" in text and "Bilan" in text
    assert f["action"]["title"] in text and f["action"]["owner_org"] in text and "9 septembre 2027" in text
    assert "ex æquo" in text and "(nom effacé)" in text
    priorities = html.split('id="priorities"')[1].split("</section>")[0]
    assert f["idea"]["text"] in flat(" ".join(read_report("<div " + priorities).text))
    english = flat(" ".join(read_report(render(snapshot, "html", lang="en")[0].decode()).text))
    assert "Priorities" in english and "Action plan" in english and "Most supported" in english


def pdf_text(content: bytes) -> tuple[str, object]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return flat(" ".join(page.extract_text() for page in reader.pages)), reader


def test_pdf_report(finished):
    snapshot, _ = finished
    f = facts(snapshot)
    content, mimetype, name = render(snapshot, "pdf")
    assert mimetype == "application/pdf" and name.endswith(".pdf") and content.startswith(b"%PDF-")
    text, reader = pdf_text(content)
    assert len(reader.pages) >= 6 and reader.metadata.title.startswith("Compte rendu")
    assert snapshot["workshop"]["title"] in text
    # Accents, œ, the typographic apostrophe and € come out as typed.
    for typed in ("Mettre en œuvre", "taille de l’entreprise", "500 €", "Développer", "Élodie", "ex æquo"):
        assert typed in text, typed
    assert f["idea"]["text"] in text and f["group"] in text and f"[{f['votes']} votes]" in text
    assert "Priorités" in text and "Plan d'actions" in text and f["action"]["owner_org"] in text
    assert f["action"]["indicator"] in text and "(nom effacé)" in text
    outline = [item["/Title"] for item in reader.outline if isinstance(item, dict)]
    assert "Programme" in outline and "Priorités" in outline and any(t.startswith("Table 1") for t in outline)
    english, _ = pdf_text(render(snapshot, "pdf", lang="en")[0])
    assert "Action plan" in english and "Workshop report" in english and "tied" in english


def test_docx_report(finished):
    from docx import Document

    snapshot, _ = finished
    f = facts(snapshot)
    content, mimetype, _ = render(snapshot, "docx")
    assert mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(content))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", snapshot["workshop"]["title"])
    assert ("Heading 1", "Priorités") in headings and ("Heading 1", "Plan d'actions") in headings
    assert [h for s, h in headings if s == "Heading 1" and h.startswith("Table ")] == [
        f"Table {t['number']} : {t['theme']}" for t in snapshot["tables"]
    ]
    assert ("Heading 2", f["group"]) in headings or any(h.startswith(f["group"]) for _, h in headings)
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == sum(1 for i in snapshot["ideas"] if i["state"] == "visible")
    assert any(b.startswith(f"{f['idea']['text']} — {f['votes']} votes") for b in bullets)
    actions = next(t for t in document.tables if t.rows[0].cells[0].text == "Action")
    assert len(actions.rows) == 1 + 7
    row = next(r for r in actions.rows if r.cells[0].text.startswith(f["action"]["title"]))
    assert row.cells[1].text.startswith(f["action"]["owner_org"]) and "Origine : Idée « " in row.cells[0].text
    language = document.styles["Normal"].element.rPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}lang"
    )
    assert language.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "fr-FR"


def test_anonymised_variants(finished):
    from docx import Document
    from openpyxl import load_workbook

    snapshot, _ = finished
    assert names_in(json.dumps(snapshot, ensure_ascii=False))  # the plain export has the names
    texts = {}
    for fmt in FORMATS:
        content, _, name = render(snapshot, fmt, anonymise=True)
        assert name == f"DEVUP-2026-12-10-anonymised.{fmt}"
        if fmt == "xlsx":
            book = load_workbook(io.BytesIO(content))
            texts[fmt] = json.dumps(
                [list(s.iter_rows(values_only=True)) for s in book.worksheets], default=str, ensure_ascii=False
            )
        elif fmt == "pdf":
            texts[fmt] = pdf_text(content)[0]
        elif fmt == "docx":
            document = Document(io.BytesIO(content))
            texts[fmt] = " ".join(
                [p.text for p in document.paragraphs]
                + [c.text for t in document.tables for r in t.rows for c in r.cells]
            )
        else:
            texts[fmt] = content.decode("utf-8-sig")
    for fmt, text in texts.items():
        assert names_in(text) == [], fmt
        assert "Cosmetic Valley" in text and "Elastopôle" in text, fmt
    assert "Participant 1" in texts["html"] and "Contact 1" in texts["pdf"] and "Contact 1" in texts["xlsx"]


def test_render_entry_point(app, room, finished):
    with app.app_context():
        content, mimetype, name = render("devup", "json")
        assert json.loads(content)["workshop"]["code"] == "DEVUP" and mimetype == "application/json"
        assert render(room.workshop_id, "csv")[2] == "DEVUP-2026-12-10.csv"
        with pytest.raises(UnknownWorkshop):
            render("NOPE", "pdf")
    with pytest.raises(UnknownFormat):
        render(finished[0], "odt")


def test_erased_names_stay_erased(app, room):
    """A name erased from a participant's row is erased from the event log's copies in every export."""
    build_workshop(room)
    with app.app_context():
        person = db.session.execute(db.select(Participant).where(Participant.first_name == "Gwenaëlle")).scalar_one()
        person.first_name, person.erased_at = "", utcnow()
        db.session.commit()
    snapshot = snapshot_of(app)
    assert "Gwenaëlle" not in json.dumps(snapshot, ensure_ascii=False)
    for fmt in FORMATS:
        content = render(snapshot, fmt)[0]
        text = pdf_text(content)[0] if fmt == "pdf" else content.decode("utf-8", "replace")
        assert "Gwenaëlle" not in text, fmt
    assert any(o["names"] == "(nom effacé)" for o in report_context(snapshot)["organisations"])


def normalise_v2(snapshot: dict) -> dict:
    """``normalise`` plus the version 2 lists, whose integer ids are database-given too."""
    tables = {t["id"]: f"table {t['number']}" for t in snapshot["tables"]}
    people = {p["id"]: f"person {n}" for n, p in enumerate(snapshot["participants"])}
    s = normalise(snapshot)
    for vote in s["votes"]:
        vote["table_id"], vote["participant_id"] = tables[vote["table_id"]], people[vote["participant_id"]]
    for action in s["actions"]:
        action["table_id"] = tables.get(action["table_id"])
    if s["workshop"]["restitution"]:
        s["workshop"]["restitution"]["table_id"] = tables[s["workshop"]["restitution"]["table_id"]]
    return s


def test_round_trip_with_votes_actions_and_history(app, room, tmp_path, database_url):
    built = build_workshop(room)  # real commands: an event history
    with app.app_context():
        fill_workshop(room.workshop_id, participants=12, ideas=30, seed=7)
        workshop = db.session.get(Workshop, room.workshop_id)
        workshop.restitution = {"table_id": room.table_ids[1], "step": 2}
        workshop.phase_key, workshop.retention_days, workshop.show_authors = "tables", 90, False
        db.session.commit()
    before = snapshot_of(app)
    assert before["events"] and before["votes"] and before["actions"] and before["review_links"]
    content = render(before, "json")[0]

    second = fresh_app(tmp_path, database_url, app)
    with second.app_context():
        import_snapshot(json.loads(content))
    after = snapshot_of(second)
    assert normalise_v2(after) == normalise_v2(before)
    assert {i["id"] for i in after["ideas"]} >= set(built["ideas"])
    # Derived results are recomputed from the imported votes and equal the exported ones.
    assert [t["results"] for t in after["tables"]] == [t["results"] for t in before["tables"]]
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def test_version_1_files_still_import(app, room, tmp_path, database_url):
    build_workshop(room)
    snapshot = snapshot_of(app)
    old = json.loads(json.dumps(snapshot))
    old["version"] = 1
    for key in ("votes", "actions", "review_links"):
        del old[key]
    for key in (
        "phase_key",
        "phase_started_at",
        "phase_ends_at",
        "phase_remaining_s",
        "show_authors",
        "votes_per_person",
        "votes_per_item",
        "vote_target",
        "votes_live",
        "rotation_round",
        "restitution",
        "spotlight",
        "review_on",
        "review_open",
        "retention_days",
        "names_erased_at",
        "archived",
    ):
        del old["workshop"][key]
    for table in old["tables"]:
        for key in ("voting_open", "votes_revealed", "results"):
            del table[key]
    for key, items in (("erased_at", old["participants"]), ("edited_by_facilitator_at", old["ideas"])):
        for item in items:
            del item[key]
    second = fresh_app(tmp_path, database_url, app)
    with second.app_context():
        import_snapshot(old)
    after = snapshot_of(second)
    assert after["version"] == 2 and after["votes"] == [] and after["actions"] == []
    assert after["workshop"]["votes_per_person"] == 3 and after["workshop"]["show_authors"] is True
    assert normalise(after)["ideas"] == normalise(snapshot)["ideas"]
    with second.app_context():
        db.session.remove()
        db.engine.dispose()
