"""Joining over HTTP: a participant with no account, and every refusal."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.models import Participant


def test_join_creates_participant_and_token(room, app):
    body, status = room.join("  Anne  ", "Cosmetic Valley", table=1)
    assert status == 201
    assert body["ok"] is True
    assert body["participant"] == {
        "id": body["participant"]["id"],
        "first_name": "Anne",
        "organisation": "Cosmetic Valley",
        "table_id": room.table_ids[1],
    }
    assert body["participant_url"] == "/w/DEVUP"
    assert len(body["token"]) > 20
    with app.app_context():
        assert db.session.get(Participant, body["participant"]["id"]).first_name == "Anne"


def test_join_without_table_then_choose(room):
    body, status = room.join(table=None)
    assert status == 201 and body["participant"]["table_id"] is None
    sock = room.connect({"role": "participant", "token": body["token"]})
    assert sock.snapshot["me"]["table_id"] is None
    ack = sock.emit("post_idea", {"id": "0b5b8e0e-3c1c-4f39-9a59-1f0a8f0b7d11", "text": "x"}, callback=True)
    assert ack["error"] == "no_table"
    ack = sock.emit("join_table", {"table_id": room.table_ids[2]}, callback=True)
    assert ack["ok"] and ack["me"]["table_id"] == room.table_ids[2]


def test_join_refusals_change_nothing(room, app):
    cases = [
        ({"first_name": "", "organisation": "X"}, 400, "empty_name"),
        ({"first_name": "A" * 41, "organisation": "X"}, 400, "name_too_long"),
        ({"first_name": "Anne", "organisation": "   "}, 400, "empty_organisation"),
        ({"first_name": "Anne", "organisation": "O" * 81}, 400, "organisation_too_long"),
        ({"first_name": 12, "organisation": "X"}, 400, "invalid_payload"),
        ({"first_name": "Anne", "organisation": "X", "table_id": "1"}, 400, "invalid_payload"),
        ({"first_name": "Anne", "organisation": "X", "table_id": 99999}, 404, "not_found"),
    ]
    for body, status, code in cases:
        response = room.http.post("/api/w/DEVUP/join", json=body)
        assert response.status_code == status, body
        assert response.get_json()["error"] == code
        assert response.get_json()["message"]
    response = room.http.post("/api/w/DEVUP/join", data="not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_payload"
    response = room.http.post("/api/w/NOPE/join", json={"first_name": "A", "organisation": "B"})
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    with app.app_context():
        assert db.session.query(Participant).count() == 0


def test_table_of_another_workshop_is_not_found(room, app):
    other = room.__class__(app, "TERRITOIRE")
    response = room.http.post(
        "/api/w/DEVUP/join", json={"first_name": "Anne", "organisation": "X", "table_id": other.table_ids[0]}
    )
    assert response.status_code == 404


def test_join_closed_by_facilitator(room):
    facilitator = room.facilitator()
    assert facilitator.emit("set_joining", {"open": False}, callback=True) == {"ok": True}
    body, status = room.join()
    assert status == 403 and body["error"] == "joining_closed"
    assert "fermées" in body["message"]


def test_join_messages_in_english(room):
    response = room.http.post("/api/w/DEVUP/join", json={"first_name": "", "organisation": "X", "lang": "en"})
    assert response.get_json()["message"] == "Please enter your first name."


def test_join_rate_limit_per_address(make_app):
    app = make_app(JOIN_RATE_LIMIT="3/60")
    http = app.test_client()
    statuses = [
        http.post("/api/w/DEVUP/join", json={"first_name": f"P{i}", "organisation": "X"}).status_code for i in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]
