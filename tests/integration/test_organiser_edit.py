"""Editing a workshop from the organiser space (docs/organisers.md, "Editing"): every field of the form,
valid and invalid (the message next to its field, French and English), live propagation to the screens
through real Socket.IO clients, tables that cannot go, the current step's timer, the version check, and
the export -> check -> load round trip. Both databases."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from facilitator.extensions import db
from facilitator.models import Group, Workshop
from tests.conftest import events_of, new_id
from tests.form_reader import form_of
from tests.integration import test_organiser
from tests.integration.test_organiser import post
from tests.reference_client import apply_staff, comparable

organiser = test_organiser.organiser  # the logged-in organiser's client (a fixture)


def edit_page(client, code="DEVUP", lang="fr"):
    response = client.get(f"/organiser/w/{code}/edit?lang={lang}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def workshop(code="DEVUP") -> Workshop:
    return db.session.execute(db.select(Workshop).where(Workshop.code == code)).scalar_one()


def test_edit_page_shows_the_definition_with_its_version(app, organiser):
    page = edit_page(organiser)
    data = form_of(page)
    with app.app_context():
        w = workshop()
        assert data["title"] == w.title and data["version"] == str(w.version) == "1"
        assert [data[f"tables-{i}-theme"] for i in range(len(w.tables))] == [t.theme for t in w.tables]
        assert data[f"tables-{len(w.tables)}-theme"] == ""  # a blank row to add a table without scripts
        assert data["agenda-0-key"] == w.definition["agenda"][0]["key"]
    assert 'id="f-tables-0-theme"' in page and "docs/workshops.md" not in page


def test_saving_unchanged_logs_nothing_and_bumps_the_version(app, organiser):
    with app.app_context():
        before = workshop().last_seq
    response = post(organiser, "/organiser/w/DEVUP/edit", form_of(edit_page(organiser)))
    assert response.status_code == 302 and "edited=1" in response.headers["Location"]
    with app.app_context():
        assert workshop().last_seq == before and workshop().version == 2


def staff_converges(sock, fresh_role="facilitator"):
    """Applying what ``sock`` received to its snapshot gives a fresh snapshot (the reference reducer)."""
    state = sock.snapshot
    for envelope in events_of(sock):
        assert envelope["prev"] == sock.last, envelope
        state, sock.last = apply_staff(state, envelope), envelope["seq"]
    ack = sock.emit("sync", {"since": 0}, callback=True)
    assert comparable(state) == comparable(ack["snapshot"])
    return state


def test_live_edit_reaches_projector_phones_and_consoles(app, organiser, room):
    lead, projector = room.facilitator(), room.projector()
    anne = room.participant("Anne", table=0)
    bruno = room.participant("Bruno", table=1)
    data = form_of(edit_page(organiser))
    old_theme_2 = data["tables-1-theme"]
    data.update(
        {
            "title": "Dev'Up 2026 (salle B)",
            "place": "Salle B",
            "date": "2026-12-11",
            "start_time": "09:15",
            "organiser": "Les clusters",
            "purpose": "Agir ensemble",
            "tables-0-theme": "Recruter et garder les talents",
            "tables-0-question": "Quelle première action ?",
            "tables-0-facilitator": "Nadia",
            "tables-0-facilitator_org": "Polepharma",
            "tables-0-subtopics": data["tables-0-subtopics"] + "\nAlternance",
            "agenda-1-title": "Témoignages",
            "agenda-1-description": "Trois entreprises racontent",
            "organisations": data["organisations"] + "\nNouvelle Asso",
        }
    )
    n = len([k for k in data if k.endswith("-theme") and data[k]])
    data[f"tables-{n}-theme"] = "Énergie"  # the blank row: a new table
    data[f"tables-{n}-subtopics"] = "Solaire"
    response = post(organiser, "/organiser/w/DEVUP/edit", data)
    assert response.status_code == 302, response.get_data(as_text=True)

    seen = {e["type"] for e in events_of(projector)}
    assert {"workshop_updated", "table_updated", "group_created"} <= seen
    staff = staff_converges(lead)
    table_1 = staff["tables"][0]
    assert table_1["theme"] == "Recruter et garder les talents" and table_1["facilitator"]["name"] == "Nadia"
    assert staff["workshop"]["title"] == "Dev'Up 2026 (salle B)" and staff["workshop"]["date"] == "2026-12-11"
    assert staff["tables"][-1]["theme"] == "Énergie"
    assert {"Alternance", "Solaire"} <= {g["label"] for g in staff["groups"]}
    assert staff["agenda"][1]["title"] == "Témoignages"

    anne_events = events_of(anne)
    updated = [e["data"]["table"] for e in anne_events if e["type"] == "table_updated"]
    assert any(t["theme"] == "Recruter et garder les talents" for t in updated)
    assert "group_created" not in {e["type"] for e in anne_events}  # groups are for staff screens
    assert any(e["type"] == "workshop_updated" for e in events_of(bruno))
    with app.app_context():
        w = workshop()
        assert w.tables[1].theme == old_theme_2 and w.place == "Salle B" and w.starts_on == dt.date(2026, 12, 11)
        assert w.definition["start_time"] == "09:15:00" and w.organiser == "Les clusters"
        assert "Nouvelle Asso" in [o["name"] for o in w.definition["organisations"]]
        new_table = w.tables[-1]
    # The new table can be joined at once.
    join = room.http.post(
        "/api/w/DEVUP/join", json={"first_name": "Chloé", "organisation": "X", "table_id": new_table.id}
    )
    assert join.status_code == 201
    join_page = room.http.get("/j/DEVUP").get_data(as_text=True)
    assert "Nouvelle Asso" in join_page and "Énergie" in join_page


def test_current_step_duration_moves_its_timer(app, organiser, room):
    lead = room.facilitator()
    assert lead.emit("set_phase", {"key": "tables"}, callback=True)["ok"]
    before = lead.emit("sync", {"since": 0}, callback=True)["snapshot"]["phase"]
    lead.get_received()
    lead.last = lead.emit("sync", {"since": 0}, callback=True)["seq"]
    lead.snapshot = lead.emit("sync", {"since": 0}, callback=True)["snapshot"]
    data = form_of(edit_page(organiser))
    row = next(k for k, v in data.items() if k.endswith("-key") and v == "tables").split("-")[1]
    data[f"agenda-{row}-minutes"] = str(int(data[f"agenda-{row}-minutes"]) + 10)
    assert post(organiser, "/organiser/w/DEVUP/edit", data).status_code == 302
    timer = [e for e in events_of(lead) if e["type"] == "timer_changed"]
    assert len(timer) == 1
    after = timer[0]["data"]["phase"]
    moved = dt.datetime.fromisoformat(after["ends_at"][:-1]) - dt.datetime.fromisoformat(before["ends_at"][:-1])
    assert moved == dt.timedelta(minutes=10)
    # The current step cannot be removed.
    data = form_of(edit_page(organiser))
    data[f"agenda-{row}-remove"] = "1"
    refused = post(organiser, "/organiser/w/DEVUP/edit", data)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "étape en cours" in body
    assert 'value="tables"' in body  # the step is back in the form


def test_a_table_with_ideas_cannot_be_removed_an_empty_one_can(app, organiser, room):
    lead = room.facilitator()
    anne = room.participant("Anne", table=0)
    assert anne.emit("post_idea", {"id": new_id(), "text": "Une idée"}, callback=True)["ok"]
    bruno = room.participant("Bruno", table=1)
    lead.get_received()
    data = form_of(edit_page(organiser))
    data["tables-0-remove"] = "1"
    data["title"] = "Titre changé"
    refused = post(organiser, "/organiser/w/DEVUP/edit", data)
    body = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409 and "La table 1 ne peut pas être retirée" in body and "1 idée" in body
    assert 'value="Titre changé"' in body  # the organiser's input is kept
    assert form_of(body)["tables-0-theme"]  # the refused table is back in the form
    assert events_of(lead) == []
    with app.app_context():
        assert workshop().title != "Titre changé"
    data = form_of(edit_page(organiser))
    data["tables-1-remove"] = "1"
    assert post(organiser, "/organiser/w/DEVUP/edit", data).status_code == 302
    removed = [e for e in events_of(bruno) if e["type"] == "table_removed"]
    assert removed and removed[0]["data"]["moves"][0]["participant_id"] == bruno.participant["id"]
    lead.snapshot, lead.last = lead.snapshot, lead.last
    with app.app_context():
        w = workshop()
        assert [t.number for t in w.tables] == list(range(1, len(w.tables) + 1))
    again = bruno.emit("sync", {"since": 0}, callback=True)
    assert again["ok"] and again["snapshot"]["me"]["table_id"] is None


def test_reordering_tables_keeps_their_ideas(app, organiser, room):
    lead = room.facilitator()
    anne = room.participant("Anne", table=0)
    assert anne.emit("post_idea", {"id": new_id(), "text": "Une idée"}, callback=True)["ok"]
    lead.get_received()
    lead.snapshot = lead.emit("sync", {"since": 0}, callback=True)["snapshot"]
    lead.last = lead.emit("sync", {"since": 0}, callback=True)["seq"]
    data = form_of(edit_page(organiser))
    first = {k.split("-", 2)[2]: v for k, v in data.items() if k.startswith("tables-0-")}
    second = {k.split("-", 2)[2]: v for k, v in data.items() if k.startswith("tables-1-")}
    data.update({f"tables-0-{k}": v for k, v in second.items()})
    data.update({f"tables-1-{k}": v for k, v in first.items()})
    assert post(organiser, "/organiser/w/DEVUP/edit", data).status_code == 302
    staff = staff_converges(lead)
    assert staff["tables"][1]["id"] == room.table_ids[0] and staff["tables"][1]["number"] == 2
    assert staff["ideas"][0]["table_id"] == room.table_ids[0]


def test_a_stale_form_is_refused_and_keeps_the_input(app, organiser):
    first, second = form_of(edit_page(organiser)), form_of(edit_page(organiser))
    first["title"] = "Version de Claire"
    assert post(organiser, "/organiser/w/DEVUP/edit", first).status_code == 302
    second["place"] = "Salle de Marc"
    stale = post(organiser, "/organiser/w/DEVUP/edit", second)
    body = html.unescape(stale.get_data(as_text=True))
    assert stale.status_code == 409 and "Quelqu'un d'autre a enregistré" in body
    assert 'value="Salle de Marc"' in body
    with app.app_context():
        assert workshop().title == "Version de Claire" and workshop().place != "Salle de Marc"
    # Saving the kept input again applies it, knowingly (the form now carries the current version).
    assert post(organiser, "/organiser/w/DEVUP/edit", form_of(body)).status_code == 302
    with app.app_context():
        assert workshop().place == "Salle de Marc" and workshop().version == 3


def test_voting_rules_follow_the_consoles_rule_once_dots_are_cast(app, organiser, room):
    lead = room.facilitator()
    data = form_of(edit_page(organiser))
    data.update({"voting-votes_per_person": "5", "voting-votes_per_item": "2", "voting-target": "ideas"})
    assert post(organiser, "/organiser/w/DEVUP/edit", data).status_code == 302
    changed = [e for e in events_of(lead) if e["type"] == "voting_settings_changed"]
    assert changed[0]["data"]["settings"]["votes_per_person"] == 5
    anne = room.participant("Anne", table=0)
    idea = new_id()
    assert anne.emit("post_idea", {"id": idea, "text": "Une idée"}, callback=True)["ok"]
    assert lead.emit("set_voting", {"table_id": room.table_ids[0], "open": True}, callback=True)["ok"]
    assert anne.emit("cast_vote", {"target_kind": "idea", "target_id": idea}, callback=True)["ok"]
    data = form_of(edit_page(organiser))
    data["voting-votes_per_person"] = "3"
    refused = post(organiser, "/organiser/w/DEVUP/edit", data)
    body = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409 and 'id="err-voting-votes_per_person"' in body
    assert "Des gommettes ont déjà été posées" in body


INVALID = [  # (field, value, French message, English message): each shown next to its field
    ("title", "", "À remplir.", "Required."),
    ("date", "2026-13-45", "Une date", "A date"),
    ("start_time", "25:99", "Une heure", "A time"),
    ("place", "x" * 201, "Trop long : 200", "Too long: 200"),
    ("organiser", "x" * 201, "Trop long : 200", "Too long: 200"),
    ("purpose", "x" * 4001, "Trop long : 4000", "Too long: 4000"),
    ("retention_days", "trois", "Un nombre entier", "A whole number"),
    ("tables-0-theme", "", "À remplir.", "Required."),
    ("tables-0-question", "x" * 1001, "Trop long : 1000", "Too long: 1000"),
    ("tables-0-facilitator", "x" * 121, "Trop long : 120", "Too long: 120"),
    ("tables-0-facilitator_org", "x" * 201, "Trop long : 200", "Too long: 200"),
    ("tables-0-subtopics", "y" * 81, "Trop long : 80", "Too long: 80"),
    ("agenda-0-title", "", "À remplir.", "Required."),
    ("agenda-0-minutes", "0", "Au moins 1.", "At least 1."),
    ("agenda-0-minutes", "vingt", "Un nombre entier", "A whole number"),
    ("agenda-0-kind", "party", "Choisissez une valeur", "Choose a value"),
    ("agenda-0-description", "x" * 1001, "Trop long : 1000", "Too long: 1000"),
    ("voting-votes_per_person", "21", "Au plus 20.", "At most 20."),
    ("voting-votes_per_item", "4", "Pas plus que le nombre de gommettes", "No more than the dots per person"),
    ("voting-target", "people", "Choisissez une valeur", "Choose a value"),
    ("organisations", "x" * 81, "Trop long : 80", "Too long: 80"),
]


@pytest.mark.parametrize("field, value, french, english", INVALID, ids=[f"{c[0]}={c[1][:6]}" for c in INVALID])
def test_an_invalid_field_is_refused_with_its_message_next_to_it(app, organiser, field, value, french, english):
    data = form_of(edit_page(organiser))
    data.update({"voting-votes_per_person": "3", field: value})
    for lang, message in (("fr", french), ("en", english)):
        response = post(organiser, f"/organiser/w/DEVUP/edit?lang={lang}", data)
        body = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400, body[:500]
        error = re.search(rf'<p class="field-error" id="err-{re.escape(field)}">([^<]*)</p>', body)
        assert error and message in error.group(1), (lang, error and error.group(1))
        control = re.search(rf'<(?:input|textarea|select)[^>]*name="{re.escape(field)}"[^>]*>', body).group(0)
        assert f'aria-describedby="err-{field}"' in control and 'aria-invalid="true"' in control
        if len(value) < 50 and field not in ("voting-votes_per_item", "agenda-0-kind", "voting-target"):
            assert value in body  # the organiser's input is shown again
    with app.app_context():
        assert workshop().version == 1


def test_the_creation_form_takes_every_field(app, organiser):
    data = {
        "mode": "form",
        "title": "Matinée mobilité",
        "code": "mobil27",
        "date": "2027-05-20",
        "start_time": "08:45",
        "place": "Tours",
        "organiser": "Région",
        "language": "en",
        "purpose": "Partager",
        "retention_days": "90",
        "organisations": "Région\nCCI\nrégion",
        "tables-0-theme": "Covoiturage",
        "tables-0-question": "Comment ?",
        "tables-0-facilitator": "Karim",
        "tables-0-facilitator_org": "CCI",
        "tables-0-subtopics": "Zones\n\nHoraires",
        "tables-1-theme": "",
        "tables-2-theme": "Vélo",
        "agenda-0-title": "Welcome",
        "agenda-0-kind": "welcome",
        "agenda-0-minutes": "10",
        "agenda-1-title": "Tables",
        "agenda-1-kind": "round_tables",
        "agenda-1-minutes": "60",
        "agenda-1-description": "Deux tours",
        "agenda-2-title": "",
        "agenda-2-minutes": "",
        "voting-votes_per_person": "4",
        "voting-votes_per_item": "2",
        "voting-target": "groups",
        "voting-live": "1",
    }
    response = post(organiser, "/organiser/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        w = workshop("MOBIL27")
        assert (w.title, w.starts_on, w.place, w.organiser, w.purpose, w.retention_days) == (
            "Matinée mobilité",
            dt.date(2027, 5, 20),
            "Tours",
            "Région",
            "Partager",
            90,
        )
        assert w.definition["start_time"] == "08:45:00" and w.definition["language"] == "en"
        assert [(t.number, t.theme, t.subtopics) for t in w.tables] == [
            (1, "Covoiturage", ["Zones", "Horaires"]),
            (2, "Vélo", []),
        ]
        assert (w.tables[0].question, w.tables[0].facilitator_name, w.tables[0].facilitator_org) == (
            "Comment ?",
            "Karim",
            "CCI",
        )
        assert [(p["key"], p["kind"], p["minutes"]) for p in w.definition["agenda"]] == [
            ("welcome", "welcome", 10),
            ("tables", "round_tables", 60),
        ]
        assert w.definition["agenda"][1]["description"] == "Deux tours"
        assert (w.votes_per_person, w.votes_per_item, w.vote_target, w.votes_live) == (4, 2, "groups", True)
        assert [o["name"] for o in w.definition["organisations"]] == ["Région", "CCI"]
        assert {
            g.label for g in db.session.execute(db.select(Group).where(Group.table_id == w.tables[0].id)).scalars()
        } == {"Zones", "Horaires"}
    taken = post(organiser, "/organiser/new", {**data, "code": "DEVUP"})
    assert taken.status_code == 400 and 'id="err-code"' in taken.get_data(as_text=True)
    bad = post(organiser, "/organiser/new", {**data, "code": "a b"})
    assert bad.status_code == 400 and "3 à 12 lettres" in html.unescape(bad.get_data(as_text=True))
    empty = post(organiser, "/organiser/new", {"mode": "form", "title": "Sans table"})
    assert empty.status_code == 400 and "au moins une table" in html.unescape(empty.get_data(as_text=True))


def test_export_check_load_round_trip(app, organiser, tmp_path, monkeypatch, capsys, database_url):
    """An edited workshop exported as YAML passes `check`, and loading the file gives the same workshop."""
    from facilitator import create_app
    from facilitator.__main__ import main
    from facilitator.config import make_test_config
    from facilitator.database import prepare
    from facilitator.workshops import current_definition

    data = form_of(edit_page(organiser))
    data.update(
        {
            "title": "Dev'Up (édité)",
            "start_time": "08:30",
            "tables-0-subtopics": "Alternance\nMentorat",
            "agenda-0-minutes": "20",
            "voting-votes_per_person": "4",
            "tables-1-theme": "Thème « deux »",
        }
    )
    assert post(organiser, "/organiser/w/DEVUP/edit", data).status_code == 302
    with app.app_context():
        expected = current_definition(workshop())
        db.session.remove()
        db.engine.dispose()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    folder = tmp_path / "sessions"
    folder.mkdir()
    assert main(["export", "devup", "--format", "yaml", "--output", str(folder / "devup.yaml")]) == 0
    assert main(["export", "NOPE", "--format", "yaml"]) == 2
    capsys.readouterr()
    assert main(["check", str(folder)]) == 0
    assert "[DEVUP] Dev'Up (édité)" in capsys.readouterr().out
    assert main(["export", "DEVUP", "--format", "yaml"]) == 0  # to standard output
    assert "title: Dev'Up (édité)" in capsys.readouterr().out
    # Loaded into another database, the file gives the same workshop.
    other = create_app(make_test_config(tmp_path / "other", f"sqlite:///{tmp_path / 'other.db'}", SESSIONS_DIR=folder))
    prepare(other)
    with other.app_context():
        loaded = workshop()
        assert current_definition(loaded) == expected
        assert loaded.tables[0].subtopics == ["Alternance", "Mentorat"]
        assert loaded.votes_per_person == 4 and loaded.definition["start_time"] == "08:30:00"
        db.session.remove()
        db.engine.dispose()
    # A restart with the old sessions/ file does not undo the organiser's edit.
    with app.app_context():
        prepare(app)
        assert workshop().title == "Dev'Up (édité)"


def test_a_form_left_open_does_not_revert_the_consoles_voting_rules(app, organiser, room):
    lead = room.facilitator()
    data = form_of(edit_page(organiser))  # read with 3 dots per person
    ack = lead.emit("set_voting_settings", {"votes_per_person": 6}, callback=True)
    assert ack["ok"], ack
    data["title"] = "Nouveau titre"
    assert post(organiser, "/organiser/w/DEVUP/edit", data).status_code == 302
    with app.app_context():
        w = workshop()
        assert (w.title, w.votes_per_person) == ("Nouveau titre", 6)
    # Changing the rules in the form does apply them.
    data = form_of(edit_page(organiser))
    assert data["voting-votes_per_person"] == "6"
    data["voting-votes_per_person"] = "4"
    assert post(organiser, "/organiser/w/DEVUP/edit", data).status_code == 302
    with app.app_context():
        assert workshop().votes_per_person == 4


def test_dates_are_written_in_the_pages_language_never_iso(app, organiser):
    """docs/organisers.md, "Dates": Babel's formats, kept on one line (class "date": white-space nowrap)."""
    with app.app_context():
        day = workshop().starts_on
    assert day is not None
    for lang, index_text, page_text in (
        ("fr", "10 déc. 2026", "jeudi 10 décembre 2026"),
        ("en", "Dec 10, 2026", "Thursday, December 10, 2026"),
    ):
        index = html.unescape(organiser.get(f"/organiser/?lang={lang}").get_data(as_text=True))
        page = html.unescape(organiser.get(f"/organiser/w/DEVUP?lang={lang}").get_data(as_text=True))
        assert f'<td class="date">{index_text}</td>' in index
        assert f'<span class="date" id="workshop-date">{page_text}</span>' in page
        assert day.isoformat() not in index and day.isoformat() not in page


def test_a_forged_form_cannot_name_another_workshops_table_or_one_table_twice(app, organiser, room):
    with app.app_context():
        other = workshop("TERRITOIRE").tables[0].id
    data = form_of(edit_page(organiser))
    for forged in (str(other), data["tables-0-id"]):
        data["tables-1-id"] = forged
        refused = post(organiser, "/organiser/w/DEVUP/edit", data)
        assert refused.status_code == 409 and 'id="err-tables-1-theme"' in refused.get_data(as_text=True)
    with app.app_context():
        assert workshop().version == 1 and workshop("TERRITOIRE").tables[0].workshop_id != workshop().id


def test_two_organisers_saving_at_once_one_wins_the_other_is_told(app, organiser):
    """Two saves of the same version at the same moment: the version row decides, never both."""
    import threading

    from tests.integration.test_organiser import csrf, login, make_account

    make_account(app, "marc@devup.fr")
    other = app.test_client()
    assert login(other, "marc@devup.fr").status_code == 302
    other.token = csrf(other, "/organiser/")
    forms = [form_of(edit_page(organiser)), form_of(edit_page(other))]
    forms[0]["place"], forms[1]["place"] = "Salle de Claire", "Salle de Marc"
    barrier, answers = threading.Barrier(2), {}

    def save(index, client):
        with app.app_context():
            barrier.wait()
            answers[index] = post(client, "/organiser/w/DEVUP/edit", forms[index]).status_code

    threads = [threading.Thread(target=save, args=(i, c)) for i, c in enumerate((organiser, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers.values()) == [302, 409], answers
    winner = forms[next(i for i, code in answers.items() if code == 302)]["place"]
    with app.app_context():
        assert workshop().place == winner and workshop().version == 2
