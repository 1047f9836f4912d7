"""Organiser space (docs/organisers.md): accounts, login, CSRF, the workshop list, creating workshops,
export jobs and personal data (erasure, retention). Both databases, real HTTP and Socket.IO clients."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import time

import openpyxl
import pytest

from facilitator.__main__ import main
from facilitator.extensions import db
from facilitator.models import Event, Idea, Participant, Workshop
from facilitator.views.organiser_auth import create_organiser, setup_token
from tests.conftest import events_of, new_id
from tests.reference_client import apply_staff, comparable

EMAIL, PASSWORD = "orga@devup.fr", "correct horse battery"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client, path="/organiser/login") -> str:
    return TOKEN_RE.search(client.get(path).get_data(as_text=True)).group(1)


def make_account(app, email=EMAIL, password=PASSWORD):
    with app.app_context():
        create_organiser(email, password, "Orga")
        db.session.commit()


def login(client, email=EMAIL, password=PASSWORD):
    return client.post("/organiser/login", data={"email": email, "password": password, "csrf_token": csrf(client)})


@pytest.fixture
def organiser(app):
    """A logged-in organiser's HTTP client; ``.token`` is its CSRF token."""
    make_account(app)
    client = app.test_client()
    assert login(client).status_code == 302
    client.token = csrf(client, "/organiser/")
    return client


def post(client, path, data=None, **kwargs):
    return client.post(path, data={"csrf_token": client.token, **(data or {})}, **kwargs)


# --- accounts, login, CSRF, refusal of other keys -------------------------------------------------------


def test_login_logout_and_wrong_password(app):
    make_account(app)
    client = app.test_client()
    assert client.get("/organiser/").status_code == 302
    wrong = login(client, password="not the password")
    assert wrong.status_code == 401 and "incorrect" in wrong.get_data(as_text=True)
    unknown = login(client, email="nobody@x.fr")
    assert unknown.status_code == 401
    assert client.get("/organiser/").status_code == 302
    ok = login(client)
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/organiser/")
    page = client.get("/organiser/")
    assert page.status_code == 200 and "DEVUP" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    token = csrf(client, "/organiser/")
    assert client.post("/organiser/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/organiser/").status_code == 302


def test_a_page_left_open_for_hours_still_posts_and_a_logged_out_one_is_told_so(app, organiser, monkeypatch):
    """CSRF tokens last as long as the session (Flask-WTF's default would refuse them after 1 h), and a
    POST after logging out answers 401 "unauthorized" (what the page explains), not 400 "bad token"."""
    import itsdangerous.timed

    later = time.time() + 3 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)  # the page was loaded 3 h ago
    accepted = post(
        organiser,
        "/organiser/w/DEVUP/exports",
        {"format": "csv", "anonymise": "0"},
        headers={"Accept": "application/json"},
    )
    assert accepted.status_code == 202, accepted.get_data(as_text=True)
    # (the clock stays 3 h ahead: the session cookie was re-signed at that time)
    stale = organiser.post(
        "/organiser/w/DEVUP/exports",
        data={"format": "csv", "csrf_token": "forged"},
        headers={"Accept": "application/json"},
    )
    assert stale.status_code == 400 and stale.get_json()["error"] == "bad_form_token"
    assert "rechargez" in stale.get_json()["message"]
    assert post(organiser, "/organiser/logout").status_code == 302
    gone = post(organiser, "/organiser/w/DEVUP/exports", {"format": "csv"}, headers={"Accept": "application/json"})
    assert gone.status_code == 401 and gone.get_json()["error"] == "unauthorized"
    assert "Connectez-vous" in gone.get_json()["message"]
    # A form (no script) goes to the login page, and public forms still need their token.
    assert post(organiser, "/organiser/w/DEVUP/settings", {"retention_days": "5"}).status_code == 401
    assert app.test_client().post("/organiser/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 400


def test_password_is_hashed_and_next_stays_inside(app):
    make_account(app)
    with app.app_context():
        stored = db.session.execute(db.text("SELECT password_hash FROM organiser")).scalar_one()
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    client = app.test_client()
    token = csrf(client)
    response = client.post(
        "/organiser/login?next=https://evil.example/", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/organiser/")


def test_csrf_refused(app, organiser):
    assert organiser.post("/organiser/w/DEVUP/settings", data={"retention_days": "5"}).status_code == 400
    assert (
        organiser.post("/organiser/w/DEVUP/settings", data={"retention_days": "5", "csrf_token": "forged"}).status_code
        == 400
    )
    # A token of another session does not work either.
    other = app.test_client()
    foreign = csrf(other)
    assert (
        organiser.post("/organiser/w/DEVUP/settings", data={"retention_days": "5", "csrf_token": foreign}).status_code
        == 400
    )
    # And the login form itself needs it.
    assert app.test_client().post("/organiser/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 400
    with app.app_context():
        assert db.session.execute(db.select(Workshop.retention_days).where(Workshop.code == "DEVUP")).scalar() is None
    assert post(organiser, "/organiser/w/DEVUP/settings", {"retention_days": "5"}).status_code == 302


def test_login_rate_limit(make_app):
    app = make_app(ORGANISER_LOGIN_RATE_LIMIT="3/300")
    make_account(app)
    client = app.test_client()
    codes = [login(client, password=f"wrong {n}").status_code for n in range(4)]
    assert codes == [401, 401, 401, 429]
    assert login(client).status_code == 429  # the right password too, until the window passes


def test_staff_keys_and_participant_token_do_not_open_the_space(app, room):
    body, _ = room.join("Anne")
    with app.app_context():
        table_key = db.session.execute(db.text("SELECT facilitator_key FROM round_table LIMIT 1")).scalar_one()
    client = app.test_client()
    for key in (room.facilitator_key, room.projector_key, table_key, body["token"]):
        for path in ("/organiser/", "/organiser/w/DEVUP", "/organiser/new"):
            response = client.get(f"{path}?key={key}&token={key}", headers={"Authorization": f"Bearer {key}"})
            assert response.status_code == 302 and "/organiser/login" in response.headers["Location"]
        response = client.post(
            "/organiser/w/DEVUP/participants/1/erase", data={"key": key}, headers={"Authorization": f"Bearer {key}"}
        )
        assert response.status_code in (400, 401)
        status = client.get(f"/organiser/api/exports/x?key={key}", headers={"Accept": "application/json"})
        assert status.status_code == 401
    # The staff socket keys give no organiser power either: an organiser-only action refused.
    console = room.facilitator()
    ack = console.emit("erase_participant", {"participant_id": body["participant"]["id"]}, callback=True)
    assert ack is None or ack.get("ok") is not True


def test_setup_link_creates_the_first_account_once(app):
    with app.test_request_context():
        token = setup_token()
    client = app.test_client()
    page = client.get(f"/organiser/setup?token={token}")
    assert page.status_code == 200
    data = {
        "token": token,
        "csrf_token": TOKEN_RE.search(page.get_data(as_text=True)).group(1),
        "email": "first@x.fr",
        "name": "First",
        "password": "0123456789ab",
        "password2": "0123456789ab",
    }
    short = client.post("/organiser/setup", data={**data, "password": "short", "password2": "short"})
    assert short.status_code == 400
    assert client.post("/organiser/setup", data=data).status_code == 302
    assert client.get("/organiser/").status_code == 200  # logged in
    # The link is dead once an account exists, and a forged one never worked.
    assert app.test_client().get(f"/organiser/setup?token={token}").status_code == 403
    assert app.test_client().get("/organiser/setup?token=forged").status_code == 403


def test_cli_organiser_add(app, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("INSTANCE_PATH", str(app.instance_path))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("ORGANISER_PASSWORD", "a long enough one")
    assert main(["organiser", "add", "cli@x.fr", "--name", "Cli"]) == 0
    assert main(["organiser", "add", "cli@x.fr"]) == 2  # taken
    monkeypatch.setenv("ORGANISER_PASSWORD", "short")
    assert main(["organiser", "add", "other@x.fr"]) == 2
    client = app.test_client()
    assert login(client, "cli@x.fr", "a long enough one").status_code == 302


# --- the list, creating and duplicating ------------------------------------------------------------------


def test_workshop_list_figures(app, organiser, room):
    anne = room.participant("Anne", table=0, organisation="Cosmetic Valley")
    bob = room.participant("Bob", table=0, organisation="cosmetic valley")  # same organisation
    cat = room.participant("Cat", table=1, organisation="Elastopôle")
    for sock, text in ((anne, "Une idée"), (bob, "Deux idées"), (cat, "Trois")):
        assert sock.emit("post_idea", {"id": new_id(), "text": text}, callback=True)["ok"]
    html = organiser.get("/organiser/").get_data(as_text=True)
    row = html[html.index('data-code="DEVUP"') :]
    row = row[: row.index("</tr>")]
    assert 'data-figure="participants">3<' in row
    assert 'data-figure="organisations">2<' in row
    assert "Table 1 : 2" in row and "Table 2 : 1" in row and "Table 3 : 0" in row
    assert 'data-figure="votes">0<' in row
    page = organiser.get("/organiser/w/DEVUP").get_data(as_text=True)
    # The organiser sees the screens' addresses with their keys.
    assert room.facilitator_key in page and room.projector_key in page


VALID = """
code: NEWONE
title: "Atelier test"
date: 2027-03-01
tables:
  - number: 1
    theme: "Attirer les talents"
    subtopics: ["Logement", "Mobilité"]
"""


def test_upload_valid_and_invalid_definitions(app, organiser):
    response = post(
        organiser,
        "/organiser/new",
        {"mode": "upload", "definition": (io.BytesIO(VALID.encode()), "atelier.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and "/organiser/w/NEWONE" in response.headers["Location"]
    with app.app_context():
        workshop = db.session.execute(db.select(Workshop).where(Workshop.code == "NEWONE")).scalar_one()
        assert workshop.title == "Atelier test" and workshop.source_file == "upload:atelier.yaml"
        assert [t.subtopics for t in workshop.tables] == [["Logement", "Mobilité"]]
    assert organiser.get("/organiser/w/NEWONE").status_code == 200
    bad = (
        VALID.replace("NEWONE", "OTHER1")
        .replace("number: 1", "number: 0")
        .replace('title: "Atelier test"', "title: ''")
    )
    response = post(
        organiser,
        "/organiser/new",
        {"mode": "upload", "definition": (io.BytesIO(bad.encode()), "bad.yaml")},
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "tables[0].number" in text and "title" in text
    taken = post(
        organiser,
        "/organiser/new",
        {"mode": "upload", "definition": (io.BytesIO(VALID.encode()), "again.yaml")},
        content_type="multipart/form-data",
    )
    assert taken.status_code == 400 and "NEWONE" in taken.get_data(as_text=True)
    broken = post(
        organiser,
        "/organiser/new",
        {"mode": "upload", "definition": (io.BytesIO(b"code: [unclosed"), "x.yaml")},
        content_type="multipart/form-data",
    )
    assert broken.status_code == 400 and "YAML" in broken.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Workshop.id))).scalar() == 3  # 2 seed + NEWONE


def test_web_form_creates_a_workshop(app, organiser):
    response = post(
        organiser,
        "/organiser/new",
        {
            "mode": "form",
            "title": "Matinée mobilité",
            "date": "2027-05-20",
            "place": "Tours",
            "language": "en",
            "organisations": "Région\nCCI\nRégion",
            "tables-0-theme": "Covoiturage",
            "tables-0-question": "Comment ?",
            "tables-0-subtopics": "Zones\n\nHoraires",
            "tables-1-theme": "",
            "tables-2-theme": "Vélo",
            "tables-2-facilitator": "Karim",
            "agenda-0-title": "Welcome",
            "agenda-0-kind": "welcome",
            "agenda-0-minutes": "15",
        },
    )
    assert response.status_code == 302
    code = response.headers["Location"].split("/organiser/w/")[1].split("?")[0]
    with app.app_context():
        workshop = db.session.execute(db.select(Workshop).where(Workshop.code == code)).scalar_one()
        assert workshop.starts_on == dt.date(2027, 5, 20) and workshop.place == "Tours"
        assert [(t.number, t.theme, t.subtopics) for t in workshop.tables] == [
            (1, "Covoiturage", ["Zones", "Horaires"]),
            (2, "Vélo", []),
        ]
        assert workshop.tables[1].facilitator_name == "Karim"
        assert [p["kind"] for p in workshop.definition["agenda"]][0] == "welcome"
        assert workshop.definition["language"] == "en"
        assert [o["name"] for o in workshop.definition["organisations"]] == ["Région", "CCI"]
    missing = post(organiser, "/organiser/new", {"mode": "form", "title": "", "tables-0-theme": ""})
    assert missing.status_code == 400 and 'id="err-tables"' in missing.get_data(as_text=True)


def test_duplicate_a_past_workshop(app, organiser, room):
    anne = room.participant("Anne")
    assert anne.emit("post_idea", {"id": new_id(), "text": "Une idée"}, callback=True)["ok"]
    response = post(organiser, "/organiser/w/DEVUP/duplicate", {"title": "Dev'Up 2027", "date": "2027-12-09"})
    assert response.status_code == 302
    code = response.headers["Location"].split("/organiser/w/")[1].split("?")[0]
    assert code != "DEVUP"
    with app.app_context():
        source = db.session.execute(db.select(Workshop).where(Workshop.code == "DEVUP")).scalar_one()
        copy = db.session.execute(db.select(Workshop).where(Workshop.code == code)).scalar_one()
        assert copy.title == "Dev'Up 2027" and copy.starts_on == dt.date(2027, 12, 9)
        assert [t.theme for t in copy.tables] == [t.theme for t in source.tables]
        assert copy.definition["agenda"] == source.definition["agenda"]
        assert copy.facilitator_key != source.facilitator_key
        assert (
            db.session.execute(
                db.select(db.func.count(Participant.id)).where(Participant.workshop_id == copy.id)
            ).scalar()
            == 0
        )
        assert db.session.execute(db.select(db.func.count(Idea.id)).where(Idea.workshop_id == copy.id)).scalar() == 0


# --- exports --------------------------------------------------------------------------------------------


def run_export(client, fmt, anonymise=False, code="DEVUP"):
    response = post(
        client,
        f"/organiser/w/{code}/exports",
        {"format": fmt, "anonymise": "1" if anonymise else "0"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 202, response.get_data(as_text=True)
    job = response.get_json()["job"]
    deadline = time.monotonic() + 30
    while job["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
        job = client.get(job["status_url"], headers={"Accept": "application/json"}).get_json()["job"]
    assert job["status"] == "done", job
    download = client.get(job["download_url"])
    assert download.status_code == 200
    return job, download


def test_export_jobs_produce_readable_files(app, organiser, room):
    anne = room.participant("Anne", organisation="Cosmetic Valley")
    assert anne.emit("post_idea", {"id": new_id(), "text": "Mutualiser les achats"}, callback=True)["ok"]
    from facilitator.views.organiser_workshop import available_formats

    formats = available_formats()
    assert {"json", "csv", "xlsx", "html"} <= set(formats)
    page = organiser.get("/organiser/w/DEVUP").get_data(as_text=True)
    for fmt in formats:
        assert f'data-export="{fmt}"' in page and f'data-export="{fmt}-anonymised"' in page
    job, xlsx = run_export(organiser, "xlsx")
    assert job["filename"].endswith(".xlsx") and job["size"] == len(xlsx.data)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert "Mutualiser les achats" in cells and "Anne" in cells
    _, data = run_export(organiser, "json")
    assert json.loads(data.data)["ideas"][0]["text"] == "Mutualiser les achats"
    _, data = run_export(organiser, "csv", anonymise=True)
    rows = list(csv.reader(io.StringIO(data.data.decode("utf-8-sig")), delimiter=";"))
    flat = " ".join(" ".join(r) for r in rows)
    assert "Mutualiser les achats" in flat and "Anne" not in flat and "Cosmetic Valley" in flat
    _, data = run_export(organiser, "html")
    assert "Mutualiser les achats" in data.data.decode("utf-8")
    # The final set of formats: all six, each read back with its parser.
    assert set(formats) == {"json", "csv", "xlsx", "html", "pdf", "docx"}
    import docx
    import pypdf

    job, data = run_export(organiser, "pdf")
    assert data.data.startswith(b"%PDF") and job["filename"].endswith(".pdf")
    pdf_text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data.data)).pages)
    assert "Mutualiser les achats" in pdf_text
    _, data = run_export(organiser, "docx", anonymise=True)
    document = docx.Document(io.BytesIO(data.data))
    doc_text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "Mutualiser les achats" in doc_text and "Anne" not in doc_text
    bad = post(organiser, "/organiser/w/DEVUP/exports", {"format": "exe"}, headers={"Accept": "application/json"})
    assert bad.status_code == 400
    assert organiser.get("/organiser/api/exports/nope", headers={"Accept": "application/json"}).status_code == 404


# --- personal data --------------------------------------------------------------------------------------


def participant_id_of(body) -> int:
    return body["participant"]["id"]


def test_erase_one_participant(app, organiser, room):
    anne = room.participant("Annabelle", organisation="Cosmetic Valley")
    bob = room.participant("Bob", organisation="S2E2")
    idea = new_id()
    assert anne.emit("post_idea", {"id": idea, "text": "Mutualiser l'énergie"}, callback=True)["ok"]
    assert bob.emit("post_idea", {"id": new_id(), "text": "Idée de Bob"}, callback=True)["ok"]
    console = room.facilitator()
    before = console.emit("sync", {"since": 0}, callback=True)
    response = post(organiser, f"/organiser/w/DEVUP/participants/{anne.participant['id']}/erase")
    assert response.status_code == 302
    # Live: the console receives participant_erased and, applied to its old state, equals a fresh snapshot.
    received = [e for e in events_of(console) if e["type"] == "participant_erased"]
    assert len(received) == 1 and received[0]["data"]["participants"][0]["first_name"] == "Participant effacé"
    fresh = console.emit("sync", {"since": 0}, callback=True)["snapshot"]
    replayed = apply_staff(before["snapshot"], received[0])
    assert comparable(replayed) == comparable(fresh)
    ideas = {i["id"]: i for i in fresh["ideas"]}
    assert ideas[idea]["text"] == "Mutualiser l'énergie" and ideas[idea]["author"]["first_name"] == "Participant effacé"
    assert "Annabelle" not in json.dumps(fresh)
    assert "Bob" in json.dumps(fresh)
    with app.app_context():
        row = db.session.get(Participant, anne.participant["id"])
        assert row.erased_at is not None and row.organisation == "Cosmetic Valley"
        log = json.dumps([e.data for e in db.session.execute(db.select(Event)).scalars()])
        assert "Annabelle" not in log  # the event log's copies are scrubbed too
    # Exports: no trace of the name.
    for fmt in ("json", "csv", "xlsx", "html"):
        _, data = run_export(organiser, fmt)
        if fmt == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(data.data))
            text = " ".join(str(c.value) for ws in book.worksheets for r in ws.iter_rows() for c in r if c.value)
        else:
            text = data.data.decode("utf-8-sig")
        assert "Annabelle" not in text, fmt
        assert "Mutualiser l" in text and "Bob" in text, fmt  # the idea stays; others keep their names
    # Idempotent; an unknown participant is refused cleanly.
    assert post(organiser, f"/organiser/w/DEVUP/participants/{anne.participant['id']}/erase").status_code == 302
    assert post(organiser, "/organiser/w/DEVUP/participants/999999/erase").status_code == 404


def test_cli_erase_participant(app, room, monkeypatch, capsys):
    body, _ = room.join("Capucine")
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("INSTANCE_PATH", str(app.instance_path))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    assert main(["erase", "DEVUP", "--participant", str(participant_id_of(body))]) == 0
    assert main(["erase", "DEVUP", "--participant", "999999"]) == 2
    assert main(["erase", "NOPE", "--participant", "1"]) == 2
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(Participant, participant_id_of(body)).first_name == "Participant effacé"


def test_retention_expiry_erases_names(app, organiser, room, monkeypatch):
    anne = room.participant("Annabelle")
    assert anne.emit("post_idea", {"id": new_id(), "text": "Reste là"}, callback=True)["ok"]
    assert post(organiser, "/organiser/w/DEVUP/settings", {"retention_days": "30"}).status_code == 302
    join_page = html.unescape(app.test_client().get("/j/DEVUP").get_data(as_text=True))
    assert "conservé 30 jours après l'atelier, puis effacé" in join_page
    assert "kept 30 days" in app.test_client().get("/j/DEVUP?lang=en").get_data(as_text=True)
    bad = post(organiser, "/organiser/w/DEVUP/settings", {"retention_days": "-3"})
    assert bad.status_code == 400
    from facilitator.retention import erase_expired, expiry_date

    with app.app_context():
        workshop = db.session.execute(db.select(Workshop).where(Workshop.code == "DEVUP")).scalar_one()
        day = expiry_date(workshop)
        assert day == workshop.starts_on + dt.timedelta(days=30)
        assert erase_expired(today=day - dt.timedelta(days=1)) == []
        console = room.facilitator()
        assert erase_expired(today=day) == [("DEVUP", 1)]
        assert erase_expired(today=day) == []  # once
        assert any(e["type"] == "participant_erased" for e in events_of(console))
        db.session.expire_all()
        workshop = db.session.execute(db.select(Workshop).where(Workshop.code == "DEVUP")).scalar_one()
        assert workshop.names_erased_at is not None
        names = (
            db.session.execute(db.select(Participant.first_name).where(Participant.workshop_id == workshop.id))
            .scalars()
            .all()
        )
        assert names == ["Participant effacé"]
        assert db.session.execute(db.select(Idea.text)).scalars().all() == ["Reste là"]
    # The command line does the same for every workshop past its date (none left here).
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("INSTANCE_PATH", str(app.instance_path))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    assert main(["erase", "--expired"]) == 0
    text = organiser.get("/organiser/").get_data(as_text=True)
    assert "Prénoms effacés" in text


def test_refusals_to_scripts_carry_a_known_code_and_a_message(app, organiser):
    """Found by the fuzz test: the space's JSON refusals said {"error": "csrf"} (no such code) or gave no
    message at all. Every one now names an errors.py code and says why, in the request's language."""
    from facilitator.errors import MESSAGES

    json_accept = {"Accept": "application/json"}
    answers = [
        organiser.post(
            "/organiser/w/DEVUP/exports", data={"format": "csv", "csrf_token": "forged"}, headers=json_accept
        ),
        organiser.get("/organiser/api/exports/no-such-job?lang=en", headers=json_accept),
        app.test_client().get("/organiser/api/exports/no-such-job", headers=json_accept),
    ]
    assert [a.status_code for a in answers] == [400, 404, 401]
    for answer in answers:
        body = answer.get_json()
        assert body["ok"] is False and body["error"] in MESSAGES and body["message"].strip(), body
    assert answers[1].get_json()["message"] == "Not found: export."
