"""Exports (docs/exports.md): a workshop built through the real commands, exported and read back.

JSON round trip through a second, fresh database; CSV with the csv module;
XLSX with openpyxl; the HTML report with html.parser; the anonymised variant;
the command line.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from html.parser import HTMLParser

import pytest

from facilitator import create_app
from facilitator.__main__ import main
from facilitator.config import make_test_config
from facilitator.database import prepare
from facilitator.exports.anonymise import anonymise
from facilitator.exports.csv_format import to_csv, write_csv
from facilitator.exports.html_format import to_html, write_html
from facilitator.exports.importer import IdMap, ImportProblem, import_snapshot
from facilitator.exports.json_format import read_json, write_json
from facilitator.exports.snapshot import export_snapshot
from facilitator.exports.xlsx_format import write_xlsx
from facilitator.extensions import db
from facilitator.models import Participant, Workshop
from facilitator.tokens import participant_token
from tests.conftest import Room, _reset_postgres, new_id

SCRIPT = "<script>alert('pôle')</script> & <b>gras</b>"
PEOPLE = [  # first name, organisation, table index
    ("Gwenaëlle", "Cosmetic Valley", 0),
    ("Baptiste", "Elastopôle", 0),
    ("Solène", "S2E2", 1),
    ("Thibault", "Polepharma", 1),
    ("Maëlys", "Aérocentre", 2),
    ("Yannick", "Nékoé", 2),
]
IDEAS = [
    [
        "Créer une cotisation modulée selon la taille de l'entreprise",
        "Offrir un premier rendez-vous d'affaires gratuit aux nouveaux adhérents",
        "=SOMME(A1:A9) proposer des adhésions groupées",
    ],  # a formula-looking text stays text
    [
        "Relancer les adhérents un mois avant le renouvellement",
        "Valoriser les avantages réservés aux adhérents dans une newsletter",
    ],
    [
        "Organiser des rendez-vous acheteurs sur les salons professionnels",
        "Mutualiser les achats d'énergie entre adhérents",
    ],
    ["Mission collective à l'export vers l'Allemagne", "Veille marché partagée par filière"],
    ["Diagnostic de croissance individuel pour chaque PME", "Mentorat entre dirigeants de PME"],
    [
        "Aider à la levée de fonds avec des investisseurs régionaux",
        "Mentorat entre dirigeants de PME et ETI",
        SCRIPT,
    ],  # markup typed by a participant is text in every export
]


def build_workshop(room: Room) -> dict:
    """A morning in miniature through the real commands; returns what the test needs to know."""
    people = [room.participant(name, table=table, organisation=org) for name, org, table in PEOPLE]
    late, status = room.join("Ophélie", "Area", table=None)  # joined, never chose a table
    assert status == 201
    ideas = []
    for person, texts in zip(people, IDEAS):
        for text in texts:
            ident = new_id()
            assert person.emit("post_idea", {"id": ident, "text": text}, callback=True)["ok"]
            ideas.append(ident)
    facilitator = room.facilitator()
    t0 = room.table_ids[0]
    group = new_id()
    assert facilitator.emit("create_group", {"id": group, "table_id": t0, "label": "Tarifs"}, callback=True)["ok"]
    for ident in ideas[:2]:
        assert facilitator.emit("move_idea", {"id": ident, "group_id": group}, callback=True)["ok"]
    assert facilitator.emit("rename_group", {"id": group, "label": "Cotisations et tarifs"}, callback=True)["ok"]
    removed = new_id()
    facilitator.emit("create_group", {"id": removed, "table_id": t0, "label": "Divers"}, callback=True)
    facilitator.emit("move_idea", {"id": ideas[3], "group_id": removed}, callback=True)
    assert facilitator.emit("remove_group", {"id": removed}, callback=True)["ok"]  # inactive, kept
    assert facilitator.emit("hide_idea", {"id": ideas[2]}, callback=True)["ok"]
    # Two near-identical ideas on table 3: the second is merged into the first.
    assert facilitator.emit("merge_ideas", {"id": ideas[11], "into": ideas[9]}, callback=True)["ok"]
    assert people[1].emit("withdraw_idea", {"id": ideas[4]}, callback=True) == {"ok": True}
    assert people[3].emit("join_table", {"table_id": room.table_ids[2]}, callback=True)["ok"]
    facilitator.emit("set_projector_view", {"view": room.table_ids[1]}, callback=True)
    facilitator.emit("set_posting", {"table_id": room.table_ids[2], "open": False}, callback=True)
    return {
        "ideas": ideas,
        "hidden": ideas[2],
        "withdrawn": ideas[4],
        "merged": ideas[11],
        "group": group,
        "removed": removed,
        "late": late,
    }


def snapshot_of(app, code="DEVUP") -> dict:
    with app.app_context():
        return export_snapshot(db.session.execute(db.select(Workshop.id).where(Workshop.code == code)).scalar_one())


def normalise(snapshot: dict) -> dict:
    """The snapshot with database-given ids replaced by stable names, exported_at dropped."""
    s = json.loads(json.dumps(snapshot))
    tables = {t["id"]: f"table {t['number']}" for t in s["tables"]}
    people = {p["id"]: f"person {n}" for n, p in enumerate(s["participants"])}
    mapping = IdMap(tables, people)
    s.pop("exported_at")
    view = s["workshop"]["projector_view"]
    s["workshop"]["projector_view"] = tables[view] if view != "all" else view
    for t in s["tables"]:
        t["id"] = tables[t["id"]]
    for p in s["participants"]:
        p["id"], p["table_id"] = people[p["id"]], tables.get(p["table_id"])
    for item in s["groups"] + s["ideas"]:
        item["table_id"] = tables[item["table_id"]]
    for i in s["ideas"]:
        i["participant_id"] = people[i["participant_id"]]
    for e in s["events"]:
        e["table_id"] = tables.get(e["table_id"])
        e["table_prev"] = {tables[int(k)]: v for k, v in e["table_prev"].items()}
        e["data"] = mapping.data(e["data"], f"event {e['seq']}")
    return s


def integers(value, key=None):
    """(key, integer) pairs anywhere in JSON data."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from integers(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from integers(v, key)
    elif isinstance(value, int) and not isinstance(value, bool):
        yield key, value


OTHER_WORKSHOP = """code: AUTRE
title: "Another workshop, loaded first so that the imported ids differ"
tables:
""" + "".join(f'  - {{number: {n}, theme: "Theme {n}"}}\n' for n in range(1, 9))


def fresh_app(tmp_path, database_url, app):
    """A second app on an empty database holding only another workshop (ids taken first)."""
    sessions = tmp_path / "sessions2"
    sessions.mkdir()
    (sessions / "autre.yaml").write_text(OTHER_WORKSHOP, encoding="utf-8")
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'imported.db'}"
    else:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _reset_postgres(database_url)
        url = database_url
    second = create_app(make_test_config(tmp_path / "instance2", url, SESSIONS_DIR=str(sessions)))
    prepare(second)
    with second.app_context():
        other = db.session.execute(db.select(Workshop).where(Workshop.code == "AUTRE")).scalar_one()
        db.session.add_all(Participant(workshop_id=other.id, first_name=f"P{n}", organisation="X") for n in range(20))
        db.session.commit()
    return second


def test_json_round_trip_through_a_fresh_database(app, room, tmp_path, database_url):
    built = build_workshop(room)
    before = snapshot_of(app)
    ideas = {i["id"]: i for i in before["ideas"]}
    assert {ideas[built["hidden"]]["state"], ideas[built["withdrawn"]]["state"], ideas[built["merged"]]["state"]} == {
        "hidden",
        "withdrawn",
        "merged",
    }
    assert {g["id"]: g["active"] for g in before["groups"] if g["id"] in (built["group"], built["removed"])} == {
        built["group"]: True,
        built["removed"]: False,
    }
    assert [e["seq"] for e in before["events"]] == list(range(1, before["workshop"]["last_seq"] + 1))
    text = json.dumps(before)
    assert room.facilitator_key not in text and room.projector_key not in text
    assert "facilitator_key" not in text and "projector_key" not in text
    path = tmp_path / "devup.json"
    write_json(before, path)

    second = fresh_app(tmp_path, database_url, app)
    with second.app_context():
        workshop = import_snapshot(read_json(path))
        new_keys = (workshop.facilitator_key, workshop.projector_key)
        with pytest.raises(ImportProblem, match="already exists"):
            import_snapshot(read_json(path))
    after = snapshot_of(second)

    old_ids = {t["id"] for t in before["tables"]} | {p["id"] for p in before["participants"]}
    new_ids = {t["id"] for t in after["tables"]} | {p["id"] for p in after["participants"]}
    assert not old_ids & new_ids  # the ids were really re-assigned...
    # ...and every integer in the imported event data (group positions aside) is an id of
    # the new database: none was left unmapped, whatever key holds it.
    assert not [(k, v) for e in after["events"] for k, v in integers(e["data"]) if k != "position" and v not in new_ids]
    assert normalise(after) == normalise(before)
    assert new_keys != (room.facilitator_key, room.projector_key)

    # The imported workshop works: staff get in with the new key only; a participant's
    # missed events replay with the new ids.
    imported = Room(second)
    assert imported.facilitator_key == new_keys[0]
    staff = imported.facilitator().snapshot
    assert {i["id"] for i in staff["ideas"]} == {
        i for i in built["ideas"] if i not in (built["withdrawn"], built["merged"])
    }
    with second.app_context():
        solene = db.session.execute(
            db.select(Participant).where(Participant.first_name == "Solène", Participant.workshop_id == workshop.id)
        ).scalar_one()
        token, table_id = participant_token(workshop.id, solene.id, solene.secret), solene.table_id
    phone = imported.connect({"role": "participant", "token": token}, sync=False)
    replay = phone.emit("sync", {"since": 1}, callback=True)
    assert replay["mode"] == "events" and replay["events"]
    assert all(
        e["data"].get("table_id", e["data"].get("idea", {}).get("table_id")) == table_id
        for e in replay["events"]
        if e["type"] != "joining_changed"
    )
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def test_csv_xlsx_and_anonymised(app, room, tmp_path):
    from openpyxl import load_workbook

    built = build_workshop(room)
    snapshot = snapshot_of(app)
    shown = [i for i in snapshot["ideas"] if i["state"] != "withdrawn"]

    path = tmp_path / "ideas.csv"
    write_csv(snapshot, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Table", "Thème", "Groupe", "Idée", "Prénom", "Organisation", "État", "Votes", "Créée le (UTC)"]
    assert len(rows) == 1 + len(shown)
    by_text = {r[3]: r for r in rows[1:]}
    first = by_text[IDEAS[0][0]]
    assert first[:3] == ["1", snapshot["tables"][0]["theme"], "Cotisations et tarifs"]
    assert first[4:8] == ["Gwenaëlle", "Cosmetic Valley", "visible", "0"]
    assert datetime.fromisoformat(first[8].replace("Z", "+00:00")).tzinfo is not None
    assert by_text["'" + IDEAS[0][2]][6] == "masquée"
    assert IDEAS[1][1] not in by_text  # withdrawn
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])

    path = tmp_path / "ideas.xlsx"
    write_xlsx(snapshot, path)
    book = load_workbook(path)
    assert book.sheetnames == ["Table 1", "Table 2", "Table 3", "Participants", "Votes", "Actions"]
    sheet = book["Table 1"]
    assert sheet["A1"].value.startswith("Table 1 : Développer une politique")
    assert [c.value for c in sheet[3]] == [
        "Groupe",
        "Idée",
        "Organisation",
        "Prénom",
        "État",
        "Votes",
        "Créée le (UTC)",
    ]
    assert sheet["A3"].font.bold and sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:G")
    data = list(sheet.iter_rows(min_row=4, values_only=True))
    table_one = [i for i in shown if i["table_id"] == room.table_ids[0]]
    assert len(data) == len(table_one) == 4
    assert isinstance(data[0][6], datetime) and data[0][5] == 0 and sheet.column_dimensions["B"].width == 70
    formula = next(r for r in sheet.iter_rows(min_row=4) if r[1].value.startswith("="))
    assert formula[1].data_type == "s" and formula[4].value == "masquée"
    assert sum(book[f"Table {n}"].max_row - 3 for n in (1, 2, 3)) == len(shown)
    people = list(book["Participants"].iter_rows(min_row=2, values_only=True))
    assert len(people) == len(PEOPLE) + 1
    assert ("Ophélie", "Area", None, 0) == people[0][:4]

    hidden = anonymise(snapshot)
    assert snapshot["participants"][0]["first_name"] == "Gwenaëlle"  # the original is untouched
    names = [p[0] for p in PEOPLE] + ["Ophélie"]
    outputs = {"json": json.dumps(hidden, ensure_ascii=False), "csv": to_csv(hidden)}
    write_xlsx(hidden, tmp_path / "anonymous.xlsx")
    anonymous = load_workbook(tmp_path / "anonymous.xlsx")
    outputs["xlsx"] = json.dumps(
        [list(s.iter_rows(values_only=True)) for s in anonymous.worksheets], default=str, ensure_ascii=False
    )
    for kind, text in outputs.items():
        for name in names:
            assert name not in text, (kind, name)
        for _, organisation, _ in PEOPLE:
            assert organisation in text, (kind, organisation)
    assert hidden["anonymised"] is True
    assert [p["first_name"] for p in hidden["participants"]] == [f"Participant {n}" for n in range(1, 8)]
    # The same person has the same pseudonym in the list and inside the event log.
    posted = next(e for e in hidden["events"] if e["type"] == "idea_posted")["data"]["idea"]["author"]
    assert posted["first_name"] == next(p["first_name"] for p in hidden["participants"] if p["id"] == posted["id"])
    merged = next(e for e in hidden["events"] if e["type"] == "idea_merged")["data"]["into"]["merged"]
    assert merged and merged[0]["author"]["first_name"].startswith("Participant ")
    assert built["late"]["participant"]["first_name"] == "Ophélie"


class ReportParser(HTMLParser):
    """What a reader sees in the HTML report: title, the tables' sections, every element seen."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.title = ""
        self.sections: list[dict] = []  # one per round table: theme, group labels, text
        self.text: list[str] = []
        self._open: list[tuple[str, str]] = []  # (tag, class) of the open elements
        self._depth = 0  # open <section> elements inside the current round table

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        self.tags.append(tag)
        if tag == "section" and "round-table" in classes.split():
            self.sections.append({"id": dict(attrs).get("id"), "theme": "", "groups": [], "text": []})
            self._depth = 1
        elif tag == "section" and self._depth:
            self._depth += 1
        if tag not in ("meta", "br", "link"):
            self._open.append((tag, classes))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break
        if tag == "section" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        self.text.append(data)
        tag, classes = self._open[-1] if self._open else ("", "")
        if tag == "title":
            self.title += data
        if self._depth:
            section = self.sections[-1]
            section["text"].append(data)
            if tag == "p" and classes == "theme":
                section["theme"] += data
            if tag == "h3" and "group" in classes.split():
                section["groups"].append(data.strip())


def read_report(html: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(html)
    parser.close()
    return parser


def test_html_report(app, room, tmp_path):
    built = build_workshop(room)
    snapshot = snapshot_of(app)
    ideas = {i["id"]: i for i in snapshot["ideas"]}
    path = tmp_path / "report.html"
    write_html(snapshot, path)
    html = path.read_text(encoding="utf-8")
    report = read_report(html)

    title = snapshot["workshop"]["title"]
    assert title in report.title and html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html
    text = " ".join(report.text)
    assert "Programme" in text and "Animation" in text
    assert "Orléans" in text and "10 décembre 2026" in text and "09:00–09:15" in text
    assert "Aucun vote enregistré." in text and "Aucune action enregistrée." in text  # none in this workshop
    # Participants by organisation, with their first names.
    assert "Cosmetic Valley" in text and "Gwenaëlle" in text and "7 participants" in text

    # One section per table, each with its theme, in order.
    assert [s["id"] for s in report.sections] == [f"table-{t['number']}" for t in snapshot["tables"]]
    assert [s["theme"] for s in report.sections] == [t["theme"] for t in snapshot["tables"]]
    first, _, third = ("".join(s["text"]) for s in report.sections)
    assert report.sections[0]["groups"] == ["Cotisations et tarifs", "À classer"]  # "Divers" was removed
    assert IDEAS[0][0] in first and IDEAS[0][1] in first and "Réseau Mesure" in first
    # The hidden idea is counted, not shown; the withdrawn and merged ones are not shown either.
    assert ideas[built["hidden"]]["text"] not in text and "1 idée masquée par la modération" in first
    assert IDEAS[1][1] not in text  # withdrawn
    assert ideas[built["merged"]]["text"] not in text  # (it extends the text it was merged into)
    assert "avec Yannick (Nékoé)" in third  # the merged idea's author is credited
    # Markup typed in an idea is text: escaped, never an element.
    assert SCRIPT in third
    assert "&lt;script&gt;alert(" in html and "<script" not in html and "<b>gras" not in html
    assert "script" not in report.tags and "b" not in report.tags

    english = json.loads(json.dumps(snapshot))
    english["workshop"]["definition"]["language"] = "en"
    report = read_report(to_html(english))
    assert "Agenda" in report.text and "10 December 2026" in " ".join(report.text)
    assert report.sections[0]["groups"] == ["Cotisations et tarifs", "Unsorted"]

    anonymous = to_html(anonymise(snapshot))
    for name in [p[0] for p in PEOPLE] + ["Ophélie"]:
        assert name not in anonymous, name
    assert "Participant 1" in anonymous and "Cosmetic Valley" in anonymous and "anonymisée" in anonymous


def test_import_refusals(app, room):
    with app.app_context():
        snapshot = export_snapshot(room.workshop_id)
    cases = [
        ({**snapshot, "version": 99}, "unknown export version 99"),
        ({**snapshot, "format": "other"}, "not a facilitator export"),
        ({**snapshot, "ideas": [{"id": "x"}]}, r"invalid export: ideas\[0\]"),
        (snapshot, "already exists"),
    ]
    with app.app_context():
        for data, message in cases:
            with pytest.raises(ImportProblem, match=message):
                import_snapshot(data)


def test_command_line(app, room, tmp_path, monkeypatch, capsys, database_url):
    build_workshop(room)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("PUBLIC_URL", "http://testserver.local")
    for kind in ("json", "csv", "xlsx", "html", "pdf", "docx"):
        output = tmp_path / f"out.{kind}"
        assert main(["export", "devup", "--format", kind, "--output", str(output), "--anonymise"]) == 0
        assert output.stat().st_size > 1000
    assert "Gwenaëlle" not in (tmp_path / "out.json").read_text(encoding="utf-8")
    assert "Gwenaëlle" not in (tmp_path / "out.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["export", "NOPE", "--format", "json", "--output", str(tmp_path / "x")]) == 2
    assert "No workshop with code 'NOPE'" in capsys.readouterr().err
    assert main(["export", "DEVUP", "--format", "odt", "--output", str(tmp_path / "x")]) == 2
    assert "Unknown format 'odt'" in capsys.readouterr().err
    assert main(["export", "DEVUP", "--format", "json", "--output", str(tmp_path / "no" / "x.json")]) == 2
    assert main(["import", str(tmp_path / "missing.json")]) == 2
    assert "Cannot read" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert main(["import", str(tmp_path / "bad.json")]) == 2
    assert main(["import", str(tmp_path / "out.json")]) == 2
    assert "already exists" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["export", "DEVUP"])  # --format and --output are required
    assert exit_.value.code == 2
