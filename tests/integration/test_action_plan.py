"""The action plan: facilitators turn groups and ideas into actions (commands, events, limits)."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.models import Action, Event, RoundTable
from tests.conftest import events_of, new_id
from tests.reference_client import apply_staff, comparable


def table_facilitator(room, table=0):
    with room.app.app_context():
        key = db.session.get(RoundTable, room.table_ids[table]).facilitator_key
    return room.connect({"role": "facilitator", "workshop": room.code, "key": key, "lang": "fr"})


def post(room, table=0, text="Créer un parcours d'accueil des nouveaux adhérents"):
    anne = room.participant(table=table)
    ident = new_id()
    assert anne.emit("post_idea", {"id": ident, "text": text}, callback=True)["ok"]
    return anne, ident


def group_of(room, facilitator, table=0, label="Accueil"):
    ident = new_id()
    ack = facilitator.emit(
        "create_group", {"id": ident, "table_id": room.table_ids[table], "label": label}, callback=True
    )
    assert ack["ok"], ack
    return ident


FULL = {
    "title": "  Parcours   d'accueil ",
    "owner_org": "Cosmetic Valley",
    "contact": "Marie Dupont",
    "due_on": "2027-06-30",
    "indicator": "20 nouveaux adhérents accueillis",
    "description": "Un binôme par nouvel adhérent.\nPremier contact sous 15 jours.",
}


def test_create_from_an_idea_links_back_and_is_idempotent(room):
    anne, idea = post(room)
    facilitator, projector = room.facilitator(), room.projector()
    anne.get_received()
    ident = new_id()
    payload = {"id": ident, "source": {"kind": "idea", "id": idea}, **FULL}
    ack = facilitator.emit("create_action", payload, callback=True)
    assert ack["ok"], ack
    action = ack["action"]
    assert action["title"] == "Parcours d'accueil"  # whitespace tidied
    assert action["source"] == {"kind": "idea", "id": idea}
    assert action["table_id"] == room.table_ids[0]
    assert (action["owner_org"], action["contact"], action["due_on"]) == (
        "Cosmetic Valley",
        "Marie Dupont",
        "2027-06-30",
    )
    assert action["description"].splitlines() == ["Un binôme par nouvel adhérent.", "Premier contact sous 15 jours."]
    assert action["status"] == "not_started" and action["progress_note"] == ""
    # A retry after a lost ack answers the same action and logs nothing more.
    again = facilitator.emit("create_action", payload, callback=True)
    assert again["ok"] and again["action"] == action
    received = events_of(projector)
    assert [e["type"] for e in received] == ["action_created"]
    assert received[0]["data"]["action"] == action
    assert events_of(anne) == []  # staff only
    with room.app.app_context():
        assert db.session.query(Action).count() == 1


def test_create_from_a_group_and_from_scratch(room):
    facilitator = room.facilitator()
    group = group_of(room, facilitator, table=1)
    ack = facilitator.emit(
        "create_action",
        {"id": new_id(), "source": {"kind": "group", "id": group}, "title": "Charte commune"},
        callback=True,
    )
    assert ack["ok"] and ack["action"]["source"] == {"kind": "group", "id": group}
    assert ack["action"]["table_id"] == room.table_ids[1] and ack["action"]["due_on"] is None
    scratch = facilitator.emit(
        "create_action", {"id": new_id(), "title": "Bilan commun", "source": None}, callback=True
    )
    assert scratch["ok"] and scratch["action"]["source"] is None and scratch["action"]["table_id"] is None
    on_table = facilitator.emit(
        "create_action", {"id": new_id(), "title": "Atelier", "table_id": room.table_ids[2]}, callback=True
    )
    assert on_table["ok"] and on_table["action"]["table_id"] == room.table_ids[2]


def test_validation_errors_are_clear_in_french_and_english(room):
    facilitator, english = room.facilitator(), room.facilitator(lang="en")
    cases = [
        ({"id": new_id()}, "action_title_required", "Donnez un titre à l'action."),
        ({"id": new_id(), "title": "   "}, "action_title_required", None),
        ({"id": new_id(), "title": "x" * 201}, "action_field_too_long", "Le champ « titre » est trop long"),
        ({"id": new_id(), "title": "A", "owner_org": "o" * 81}, "action_field_too_long", "organisation porteuse"),
        ({"id": new_id(), "title": "A", "due_on": "30/06/2027"}, "invalid_date", "AAAA-MM-JJ"),
        ({"id": new_id(), "title": "A", "due_on": "2027-02-30"}, "invalid_date", None),
        ({"id": "not-a-uuid", "title": "A"}, "invalid_id", None),
        ({"id": new_id(), "title": 5}, "invalid_payload", None),
        ({"id": new_id(), "title": "A", "source": {"kind": "vote", "id": new_id()}}, "invalid_payload", None),
        ({"id": new_id(), "title": "A", "source": {"kind": "idea", "id": new_id()}}, "not_found", "idée"),
        ({"id": new_id(), "title": "A", "table_id": 999999}, "not_found", None),
    ]
    for payload, code, text in cases:
        ack = facilitator.emit("create_action", payload, callback=True)
        assert not ack["ok"] and ack["error"] == code, (payload, ack)
        if text:
            assert text in ack["message"], ack
    ack = english.emit("create_action", {"id": new_id(), "title": "A", "due_on": "tomorrow"}, callback=True)
    assert ack["error"] == "invalid_date" and "YYYY-MM-DD" in ack["message"]
    created = facilitator.emit("create_action", {"id": new_id(), "title": "A"}, callback=True)["action"]
    ack = english.emit("update_action", {"id": created["id"], "status": "finished"}, callback=True)
    assert ack["error"] == "invalid_status" and "in progress" in ack["message"]
    with room.app.app_context():
        assert db.session.query(Action).count() == 1


def test_update_and_delete_keep_the_history_in_the_event_log(room):
    facilitator = room.facilitator()
    ident = new_id()
    facilitator.emit("create_action", {"id": ident, "title": "Parrainage", "owner_org": "Dev'Up"}, callback=True)
    facilitator.get_received()
    ack = facilitator.emit(
        "update_action",
        {
            "id": ident,
            "status": "in_progress",
            "progress_note": "Lancé",
            "due_on": "2027-03-01",
            "owner_org": " Cosmetic  Valley ",
        },
        callback=True,
    )
    assert ack["ok"] and ack["action"]["status"] == "in_progress" and ack["action"]["owner_org"] == "Cosmetic Valley"
    event = events_of(facilitator)[0]
    assert event["type"] == "action_updated" and event["data"]["by"] == "staff"
    assert sorted(event["data"]["fields"]) == ["due_on", "owner_org", "progress_note", "status"]
    # The same values again: nothing changes, nothing is logged.
    assert facilitator.emit("update_action", {"id": ident, "status": "in_progress"}, callback=True)["ok"]
    assert events_of(facilitator) == []
    assert facilitator.emit("update_action", {"id": ident, "due_on": None}, callback=True)["action"]["due_on"] is None
    facilitator.get_received()
    deleted = facilitator.emit("delete_action", {"id": ident}, callback=True)
    assert deleted == {"ok": True, "id": ident, "deleted": True}
    event = events_of(facilitator)[0]
    assert event["type"] == "action_deleted" and event["data"]["action"]["title"] == "Parrainage"
    assert facilitator.emit("delete_action", {"id": ident}, callback=True)["deleted"] is False  # a retry
    missing = facilitator.emit("update_action", {"id": ident, "title": "x"}, callback=True)
    assert missing["error"] == "not_found"
    with room.app.app_context():
        types = [
            e.type for e in db.session.query(Event).filter(Event.workshop_id == room.workshop_id).order_by(Event.seq)
        ]
        assert types[-4:] == ["action_created", "action_updated", "action_updated", "action_deleted"]


def test_a_table_facilitator_acts_on_their_own_table_only(room):
    lead = room.facilitator()
    _, idea_0 = post(room, table=0)
    _, idea_1 = post(room, table=1)
    group_1 = group_of(room, lead, table=1)
    mine = table_facilitator(room, table=0)
    ok = mine.emit(
        "create_action", {"id": new_id(), "title": "Mine", "source": {"kind": "idea", "id": idea_0}}, callback=True
    )
    assert ok["ok"], ok
    for source in ({"kind": "idea", "id": idea_1}, {"kind": "group", "id": group_1}):
        ack = mine.emit("create_action", {"id": new_id(), "title": "Other", "source": source}, callback=True)
        assert ack["error"] == "other_table_forbidden", ack
    # From scratch: only on their own table (a workshop-wide action is the lead's).
    assert mine.emit("create_action", {"id": new_id(), "title": "X"}, callback=True)["error"] == "other_table_forbidden"
    assert mine.emit("create_action", {"id": new_id(), "title": "X", "table_id": room.table_ids[0]}, callback=True)[
        "ok"
    ]
    other = lead.emit(
        "create_action", {"id": new_id(), "title": "Lead's", "source": {"kind": "idea", "id": idea_1}}, callback=True
    )["action"]
    for name, payload in (
        ("update_action", {"id": other["id"], "status": "done"}),
        ("delete_action", {"id": other["id"]}),
    ):
        assert mine.emit(name, payload, callback=True)["error"] == "other_table_forbidden"
    assert lead.emit("update_action", {"id": ok["action"]["id"], "status": "done"}, callback=True)["ok"]


def test_participants_and_projectors_cannot_touch_the_plan(room):
    anne, idea = post(room)
    projector = room.projector()
    for sock in (anne, projector):
        ack = sock.emit(
            "create_action", {"id": new_id(), "title": "X", "source": {"kind": "idea", "id": idea}}, callback=True
        )
        assert ack["error"] == "forbidden"
    created = room.facilitator().emit("create_action", {"id": new_id(), "title": "Y"}, callback=True)["action"]
    for sock in (anne, projector):
        assert (
            sock.emit("update_action", {"id": created["id"], "status": "done"}, callback=True)["error"] == "forbidden"
        )
        assert sock.emit("delete_action", {"id": created["id"]}, callback=True)["error"] == "forbidden"


def test_snapshot_plus_action_events_equals_a_fresh_snapshot(room):
    room.participant("Zoé", table=2)  # so the old snapshot is at seq > 0 ("since 0" means "never synced")
    facilitator = room.facilitator()
    old, since = facilitator.snapshot, facilitator.last
    _, idea = post(room)
    a, b = new_id(), new_id()
    facilitator.emit("create_action", {"id": a, "title": "A", "source": {"kind": "idea", "id": idea}}, callback=True)
    facilitator.emit("create_action", {"id": b, "title": "B", "owner_org": "Dev'Up"}, callback=True)
    facilitator.emit("update_action", {"id": a, "status": "done", "progress_note": "Fait"}, callback=True)
    facilitator.emit("delete_action", {"id": b}, callback=True)
    replay = facilitator.emit("sync", {"since": since}, callback=True)
    assert replay["mode"] == "events"
    state = old
    for envelope in replay["events"]:
        state = apply_staff(state, envelope)
    fresh = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert comparable(state) == comparable(fresh)
    assert [x["id"] for x in fresh["actions"]] == [a] and fresh["actions"][0]["status"] == "done"
    assert fresh["review"] == {"on": "2027-09-09", "open": False}
