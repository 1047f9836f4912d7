"""Hostile or unusual text never breaks the outcomes (facilitator/text.py, docs/security-text.md).

One control character in an organisation once made the XLSX and DOCX exports
of the whole workshop fail for good; a lone surrogate answered ``internal``;
a NUL reached PostgreSQL; a right-to-left override reversed the text after a
name. Each case here failed before the text rule.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from facilitator.exports import FORMATS, render
from facilitator.exports.importer import ImportProblem, check
from facilitator.extensions import db
from facilitator.models import Action, Idea, Participant, RoundTable, Workshop
from facilitator.retention import erase_expired
from tests.conftest import events_of, new_id

HOSTILE = "Cosmetic\x01 Valley\x07\x1b\x7f\x85\u202e\ufeff"
CLEANED = "Cosmetic Valley"


def read_back(content: bytes, fmt: str) -> str:
    """Every format opened with its real reader, as text."""
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
    if fmt == "docx":
        document = docx.Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if fmt == "json":
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode("utf-8-sig")


def test_control_characters_are_removed_where_text_enters(room):
    body, status = room.join("\u202eAnne\x00", HOSTILE)
    assert status == 201, body
    assert body["participant"]["first_name"] == "Anne"
    assert body["participant"]["organisation"] == CLEANED
    anne = room.participant("Bob", organisation="Area")
    ack = anne.emit(
        "post_idea", {"id": new_id(), "text": "Une idée\x07 avec\ud800 des \x00pièges\u202e"}, callback=True
    )
    assert ack["ok"], ack
    assert ack["idea"]["text"] == "Une idée avec\ufffd des pièges"
    facilitator = room.facilitator()
    group = facilitator.emit(
        "create_group", {"id": new_id(), "table_id": room.table_ids[0], "label": "Groupe\x0b un"}, callback=True
    )
    assert group["ok"] and group["group"]["label"] == "Groupe un", group
    action = facilitator.emit(
        "create_action",
        {"id": new_id(), "title": "Titre\x1b", "owner_org": HOSTILE, "description": "ligne 1\nligne\x08 2"},
        callback=True,
    )
    assert action["ok"], action
    assert (action["action"]["title"], action["action"]["owner_org"]) == ("Titre", CLEANED)
    assert action["action"]["description"] == "ligne 1\nligne 2"  # line breaks stay
    # A lone surrogate or a NUL in a key or a code is just not found, never a fault.
    assert room.connect(
        {"role": "facilitator", "workshop": "DEV\x00UP", "key": room.facilitator_key}, sync=False
    ).is_connected()
    assert room.http.get("/w/DEV%00UP/console").status_code in (302, 403, 404)
    assert room.http.get("/j/%ED%A0%80").status_code == 404


def test_every_format_exports_text_stored_before_the_rule(room):
    """A database written before the text rule (or by hand) still exports, in every format."""
    person = room.participant("Anne")
    ack = person.emit("post_idea", {"id": new_id(), "text": "Une idée"}, callback=True)
    assert ack["ok"]
    with room.app.app_context():
        participant = db.session.get(Participant, person.participant["id"])
        participant.organisation, participant.first_name = HOSTILE, "\u202eAnne\x01"
        db.session.get(Idea, ack["idea"]["id"]).text = "Texte\x01 stocké\x0c avant"
        db.session.add(
            Action(
                id=new_id(),
                workshop_id=room.workshop_id,
                title="Action\x02",
                description="Note\x03",
                progress_note="Avancement\x04",
                owner_org=HOSTILE,
            )
        )
        db.session.commit()
        for fmt in FORMATS:
            content, _, _ = render("DEVUP", fmt)
            text = read_back(content, fmt)
            assert "Texte stocké avant" in text, fmt
            assert "\x01" not in text and "\u202e" not in text, fmt


def test_every_field_at_its_maximum_exports_in_every_format(room):
    """Long review notes, long descriptions and a very large organisation used to break the PDF."""
    people = [room.join(f"Prénom{n:03d}" + "x" * 30, "O" * 80, table=n % 3)[0] for n in range(400)]
    assert all("token" in p for p in people)
    anne = room.participant("A" * 40, organisation="B" * 80)
    ack = anne.emit("post_idea", {"id": new_id(), "text": "mot " * 70}, callback=True)
    assert ack["ok"], ack
    facilitator = room.facilitator()
    long_word = "Anticonstitutionnellement" * 80  # 2,000 characters without a space
    action = facilitator.emit(
        "create_action",
        {
            "id": new_id(),
            "title": "T" * 200,
            "owner_org": "O" * 80,
            "contact": "C" * 120,
            "indicator": "I" * 300,
            "description": ("Une description longue. " * 100)[:2000],
            "due_on": "2027-06-30",
        },
        callback=True,
    )
    assert action["ok"], action
    with room.app.app_context():
        stored = db.session.get(Action, action["action"]["id"])
        stored.progress_note = long_word
        db.session.commit()
        for fmt in FORMATS:
            content, _, _ = render("DEVUP", fmt)
            assert content, fmt
            text = read_back(content, fmt)
            assert "mot mot" in text, fmt
            if fmt != "csv":  # the CSV holds the ideas only; the PDF wraps the long word anywhere
                assert "Anticonstitutionnellement" in (text.replace("\n", "") if fmt == "pdf" else text), fmt


def test_imports_are_checked_like_definitions(room):
    with room.app.app_context():
        content, _, _ = render("DEVUP", "json")
    data = json.loads(content)
    data["workshop"]["retention_days"] = 10**9
    with pytest.raises(ImportProblem, match="retention_days"):
        check(data)
    data["workshop"]["retention_days"] = 30
    data["workshop"]["title"] = "Titre\x01"
    assert check(data).workshop.title == "Titre"


def test_one_absurd_retention_period_does_not_stop_the_others(room):
    with room.app.app_context():
        devup = db.session.execute(db.select(Workshop).where(Workshop.code == "DEVUP")).scalar_one()
        other = db.session.execute(db.select(Workshop).where(Workshop.code == "TERRITOIRE")).scalar_one()
        devup.retention_days, other.retention_days = 10**9, 0  # the first stored before imports were bounded
        db.session.commit()
        room.participant("Anne")  # a name to erase... in DEVUP, which never expires
        done = erase_expired(today=dt.date(2100, 1, 1))
        assert [code for code, _ in done] == ["TERRITOIRE"]
    page_of_devup = room.http.get("/")  # and nothing else breaks on such a value
    assert page_of_devup.status_code == 200
    assert not events_of(room.facilitator())


def test_csv_defuses_formulas_in_every_text_column(room):
    person = room.participant("=cmd|' /C calc'!A0", organisation="+Org")
    assert person.emit("post_idea", {"id": new_id(), "text": "@SUM(1+1)"}, callback=True)["ok"]
    with room.app.app_context():
        db.session.get(RoundTable, room.table_ids[0]).theme = '=HYPERLINK("http://evil.example","clic")'
        db.session.commit()
        content, _, _ = render("DEVUP", "csv")
    import csv

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    mine = [r for r in rows if r[3].endswith("@SUM(1+1)")]
    assert mine, rows[:3]
    theme, _, idea, first_name, organisation = mine[0][1:6]
    assert theme.startswith("'=HYPERLINK") and idea == "'@SUM(1+1)"
    assert first_name.startswith("'=") and organisation == "'+Org"
