"""One client cannot cost the room more than its share (facilitator/guard.py, docs/protocol.md "Limits")."""

from __future__ import annotations

import pytest

from facilitator.extensions import socketio
from tests.conftest import Room, events_of, new_id


@pytest.fixture
def limited(make_app):
    def factory(**settings):
        return Room(make_app(**settings))

    return factory


def participant_auth(token: str) -> dict:
    return {"role": "participant", "token": token, "lang": "en"}


def test_command_budget_is_per_participant_and_survives_reconnecting(limited):
    room = limited(COMMAND_RATE_LIMIT="4/600")
    body, _ = room.join("Anne")
    first = room.connect(participant_auth(body["token"]), sync=False)
    assert [first.emit("time", {}, callback=True)["ok"] for _ in range(3)] == [True] * 3
    first.disconnect()
    again = room.connect(participant_auth(body["token"]), sync=False)
    assert again.emit("time", {}, callback=True)["ok"]
    refused = again.emit("time", {}, callback=True)
    assert refused["error"] == "rate_limited" and refused["message"]
    # A second socket of the same person shares the budget; another person does not.
    second = room.connect(participant_auth(body["token"]), sync=False)
    assert second.emit("time", {}, callback=True)["error"] == "rate_limited"
    other, _ = room.join("Bob")
    assert room.connect(participant_auth(other["token"]), sync=False).emit("time", {}, callback=True)["ok"]


def test_staff_screens_sharing_a_key_keep_their_own_budget(limited):
    room = limited(COMMAND_RATE_LIMIT="2/600")
    first, second = room.projector(), room.projector()  # each spent one command on its sync
    assert first.emit("time", {}, callback=True)["ok"]
    assert first.emit("time", {}, callback=True)["error"] == "rate_limited"
    assert second.emit("time", {}, callback=True)["ok"]


def test_snapshots_have_a_budget_per_participant(limited):
    room = limited(SNAPSHOT_RATE_LIMIT="3/600")
    body, _ = room.join("Anne")
    sock = room.connect(participant_auth(body["token"]))  # snapshot 1
    assert sock.emit("post_idea", {"id": new_id(), "text": "Une idée"}, callback=True)["ok"]
    head = events_of(sock)[-1]["seq"]
    assert sock.emit("sync", {"since": 0}, callback=True)["mode"] == "snapshot"  # 2
    sock.disconnect()
    sock = room.connect(participant_auth(body["token"]))  # 3, on a new connection
    refused = sock.emit("sync", {"since": 0}, callback=True)
    assert refused["ok"] is False and refused["error"] == "rate_limited"
    assert "wait" in refused["message"]
    # Catching up by events costs little and stays open.
    caught_up = sock.emit("sync", {"since": head}, callback=True)
    assert caught_up["ok"] and caught_up["mode"] == "events"


def test_a_participant_cannot_open_endless_sockets(limited):
    room = limited(MAX_SOCKETS_PER_PARTICIPANT="2")
    body, _ = room.join("Anne")
    auth = participant_auth(body["token"])
    first = room.connect(auth, sync=False)
    room.connect(auth, sync=False)
    third = socketio.test_client(room.app, flask_test_client=room.http, auth=auth)
    assert not third.is_connected()
    first.disconnect()  # closing a tab lets the next one in
    assert room.connect(auth, sync=False).is_connected()
    # Other people and staff screens are not counted against Anne.
    other, _ = room.join("Bob")
    assert room.connect(participant_auth(other["token"]), sync=False).is_connected()
    assert room.facilitator().is_connected() and room.facilitator().is_connected()
