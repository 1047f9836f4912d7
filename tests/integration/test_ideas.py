"""Posting, editing and withdrawing ideas: acks, validation, idempotency, limits."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.models import Event, Idea
from tests.conftest import events_of, new_id


def count(app, model):
    with app.app_context():
        return db.session.query(model).count()


def test_post_idea_is_acked_and_stored(room, app):
    anne = room.participant()
    ident = new_id()
    ack = anne.emit("post_idea", {"id": ident, "text": "  Créer une offre d'adhésion à deux niveaux \n"}, callback=True)
    assert ack["ok"] is True and ack["duplicate"] is False
    assert ack["idea"]["id"] == ident
    assert ack["idea"]["text"] == "Créer une offre d'adhésion à deux niveaux"
    assert ack["idea"]["state"] == "visible"
    assert ack["idea"]["author"]["first_name"] == "Anne"
    assert ack["idea"]["table_id"] == room.table_ids[0]
    with app.app_context():
        assert db.session.get(Idea, ident).text == "Créer une offre d'adhésion à deux niveaux"


def test_retried_post_is_stored_once(room, app):
    anne = room.participant()
    ident = new_id()
    first = anne.emit("post_idea", {"id": ident, "text": "Idée"}, callback=True)
    events_before = count(app, Event)
    again = anne.emit("post_idea", {"id": ident, "text": "Idée"}, callback=True)
    assert again["ok"] and again["duplicate"] is True and again["idea"] == first["idea"]
    assert count(app, Idea) == 1
    assert count(app, Event) == events_before
    # Uppercase spelling of the same UUID is the same idea.
    assert anne.emit("post_idea", {"id": ident.upper(), "text": "Idée"}, callback=True)["duplicate"]


def test_same_id_from_another_participant_conflicts(room):
    anne, bob = room.participant("Anne"), room.participant("Bob")
    ident = new_id()
    assert anne.emit("post_idea", {"id": ident, "text": "A"}, callback=True)["ok"]
    ack = bob.emit("post_idea", {"id": ident, "text": "B"}, callback=True)
    assert ack["ok"] is False and ack["error"] == "id_conflict"


def test_invalid_posts_are_refused_with_a_message(room, app):
    anne = room.participant()
    cases = [
        ({"id": new_id(), "text": "   "}, "empty_text"),
        ({"id": new_id(), "text": "x" * 281}, "text_too_long"),
        ({"id": "not-a-uuid", "text": "x"}, "invalid_id"),
        ({"id": 5, "text": "x"}, "invalid_payload"),
        ({"text": "x"}, "invalid_payload"),
        ({"id": new_id()}, "invalid_payload"),
        ({"id": new_id(), "text": ["x"]}, "invalid_payload"),
    ]
    for payload, code in cases:
        ack = anne.emit("post_idea", payload, callback=True)
        assert ack["ok"] is False and ack["error"] == code, (payload, ack)
        assert ack["message"]
    for payload in ("text", 12, None, ["a"]):
        ack = anne.emit("post_idea", payload, callback=True)
        assert ack["error"] == "invalid_payload"
    too_long = anne.emit("post_idea", {"id": new_id(), "text": "x" * 281}, callback=True)
    assert too_long["message"] == "L'idée est trop longue (281 caractères, 280 au maximum)."
    assert anne.emit("post_idea", {"id": new_id(), "text": "x" * 280}, callback=True)["ok"]
    assert count(app, Idea) == 1


def test_posting_closed_then_reopened(room):
    anne, facilitator = room.participant(), room.facilitator()
    table = room.table_ids[0]
    assert facilitator.emit("set_posting", {"table_id": table, "open": False}, callback=True)["ok"]
    ack = anne.emit("post_idea", {"id": new_id(), "text": "Trop tard"}, callback=True)
    assert ack["error"] == "posting_closed"
    assert ack["message"] == "Les contributions sont fermées pour cette table."
    assert facilitator.emit("set_posting", {"table_id": table, "open": True}, callback=True)["ok"]
    assert anne.emit("post_idea", {"id": new_id(), "text": "À temps"}, callback=True)["ok"]


def test_retry_of_accepted_idea_after_posting_closed_still_acks(room):
    anne, facilitator = room.participant(), room.facilitator()
    ident = new_id()
    assert anne.emit("post_idea", {"id": ident, "text": "Avant"}, callback=True)["ok"]
    facilitator.emit("set_posting", {"table_id": room.table_ids[0], "open": False}, callback=True)
    assert anne.emit("post_idea", {"id": ident, "text": "Avant"}, callback=True)["duplicate"] is True


def test_idea_rate_limit(make_app):
    from tests.conftest import Room

    room = Room(make_app(IDEA_RATE_LIMIT="3/60"))
    anne = room.participant()
    acks = [anne.emit("post_idea", {"id": new_id(), "text": f"Idée {i}"}, callback=True) for i in range(4)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[3]["error"] == "rate_limited"


def test_command_rate_limit_per_connection(make_app):
    from tests.conftest import Room

    room = Room(make_app(COMMAND_RATE_LIMIT="5/60"))
    anne = room.participant()  # its sync used one command
    acks = [anne.emit("sync", {"since": 0}, callback=True) for _ in range(5)]
    assert [a["ok"] for a in acks] == [True, True, True, True, False]
    assert acks[-1]["error"] == "rate_limited"


def test_edit_and_withdraw_own_idea(room):
    anne, bob, facilitator = room.participant("Anne"), room.participant("Bob"), room.facilitator()
    ident = new_id()
    anne.emit("post_idea", {"id": ident, "text": "Premier jet"}, callback=True)
    facilitator.get_received()
    ack = anne.emit("edit_idea", {"id": ident, "text": "Version corrigée"}, callback=True)
    assert ack["ok"] and ack["idea"]["text"] == "Version corrigée"
    assert [e["type"] for e in events_of(facilitator)] == ["idea_edited"]
    # Same text again: accepted, nothing logged.
    assert anne.emit("edit_idea", {"id": ident, "text": "Version corrigée"}, callback=True)["ok"]
    assert events_of(facilitator) == []
    # Someone else's idea does not exist for Bob.
    assert bob.emit("edit_idea", {"id": ident, "text": "pirate"}, callback=True)["error"] == "not_found"
    assert bob.emit("withdraw_idea", {"id": ident}, callback=True)["error"] == "not_found"
    assert anne.emit("withdraw_idea", {"id": ident}, callback=True) == {"ok": True}
    assert anne.emit("withdraw_idea", {"id": ident}, callback=True) == {"ok": True}
    assert [e["type"] for e in events_of(facilitator)] == ["idea_withdrawn"]
    assert anne.emit("edit_idea", {"id": ident, "text": "revenir"}, callback=True)["error"] == "not_found"


def test_hidden_idea_cannot_be_edited_and_author_sees_state(room):
    anne, facilitator = room.participant(), room.facilitator()
    ident = new_id()
    anne.emit("post_idea", {"id": ident, "text": "Hors sujet"}, callback=True)
    anne.get_received()
    assert facilitator.emit("hide_idea", {"id": ident}, callback=True)["idea"]["state"] == "hidden"
    assert [(e["type"], e["data"]["id"]) for e in events_of(anne)] == [("idea_hidden", ident)]
    assert anne.emit("edit_idea", {"id": ident, "text": "autre"}, callback=True)["error"] == "idea_hidden"
    snapshot = anne.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert [(i["id"], i["state"]) for i in snapshot["my_ideas"]] == [(ident, "hidden")]
    assert snapshot["table_ideas"] == []
    assert facilitator.emit("restore_idea", {"id": ident}, callback=True)["idea"]["state"] == "visible"
    assert [e["type"] for e in events_of(anne)] == ["idea_restored"]


def test_error_messages_follow_the_connection_language(room):
    body, _ = room.join()
    english = room.connect({"role": "participant", "token": body["token"], "lang": "en"})
    ack = english.emit("post_idea", {"id": new_id(), "text": ""}, callback=True)
    assert ack["message"] == "The idea is empty: write a few words."
