"""An unexpected fault inside a command: nothing changes, nothing is sent, the client gets an ack."""

from __future__ import annotations

import pytest

from facilitator import events
from facilitator.extensions import db
from facilitator.models import Event, Idea
from tests.conftest import events_of, new_id


def test_fault_during_commit_rolls_back_and_answers_internal(room, app, monkeypatch):
    anne, facilitator = room.participant(), room.facilitator()
    real_commit = events.commit

    def failing_commit():
        db.session.flush()  # the idea and its event were written in the transaction...
        raise RuntimeError("disk on fire")  # ...then the commit fails

    monkeypatch.setattr(events, "commit", failing_commit)
    ack = anne.emit("post_idea", {"id": new_id(), "text": "perdue ?"}, callback=True)
    assert ack["ok"] is False and ack["error"] == "internal"
    assert ack["message"] == "Erreur inattendue du serveur : rien n'a été modifié. Réessayez."
    assert events_of(facilitator) == []
    with app.app_context():
        assert db.session.query(Idea).count() == 0
        seq_before = db.session.query(Event).count()

    monkeypatch.setattr(events, "commit", real_commit)
    ident = new_id()
    assert anne.emit("post_idea", {"id": ident, "text": "cette fois"}, callback=True)["ok"]
    received = events_of(facilitator)
    assert [e["data"]["idea"]["id"] for e in received] == [ident]
    # The failed attempt used no sequence number: the stream has no hole.
    assert received[0]["prev"] == facilitator.last
    with app.app_context():
        assert db.session.query(Event).count() == seq_before + 1


def test_joining_closed_blocks_table_changes(room):
    anne, facilitator = room.participant(table=0), room.facilitator()
    facilitator.emit("set_joining", {"open": False}, callback=True)
    ack = anne.emit("join_table", {"table_id": room.table_ids[1]}, callback=True)
    assert ack["error"] == "joining_closed"
    assert anne.emit("sync", {"since": 0}, callback=True)["snapshot"]["me"]["table_id"] == room.table_ids[0]


@pytest.mark.parametrize("command", ["edit_idea", "withdraw_idea"])
def test_closed_posting_freezes_own_ideas(room, command):
    anne, facilitator = room.participant(), room.facilitator()
    ident = new_id()
    anne.emit("post_idea", {"id": ident, "text": "figée"}, callback=True)
    facilitator.emit("set_posting", {"table_id": room.table_ids[0], "open": False}, callback=True)
    assert anne.emit(command, {"id": ident, "text": "changée"}, callback=True)["error"] == "posting_closed"
