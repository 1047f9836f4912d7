"""The replay tails (facilitator/replay.py): phones resyncing from the same seq share one read,
and what they get is exactly the database's log, also after the tail grew or names were erased."""

from __future__ import annotations

import json

import pytest

from facilitator import events, replay
from facilitator.actions.gdpr import erase_participants
from facilitator.extensions import db
from facilitator.models import Participant, Workshop
from tests.conftest import new_id


def _from_database(app, workshop_id, since, head, table_id):
    with app.app_context():
        found = events.events_since(workshop_id, since, head, table_id, 10_000)
        return [events.envelope(e, table_id) for e in found]


def _warm(sock):
    """A first idea at the socket's table, so that resyncs start from a seq > 0 ("since 0" asks for a snapshot)."""
    assert sock.emit("post_idea", {"id": new_id(), "text": "Première idée"}, callback=True)["ok"]


def _stats(app):
    with app.app_context():
        return replay.stats()


@pytest.fixture
def long_tails(monkeypatch):
    """Tails that do not expire during the test (a loaded machine must not change what it checks)."""
    monkeypatch.setattr(replay, "TAIL_TTL_S", 3600.0)


def test_phones_of_a_table_resyncing_from_the_same_seq_share_one_read(app, room, long_tails):
    phones = [room.participant(f"P{i}", table=0) for i in range(3)]
    poster = room.participant("Zoé", table=0)
    other_table = room.participant("Bob", table=1)
    _warm(poster)
    since = phones[0].emit("sync", {"since": 0}, callback=True)["seq"]
    for i in range(3):
        assert poster.emit("post_idea", {"id": new_id(), "text": f"Idée {i}"}, callback=True)["ok"]
    assert other_table.emit("post_idea", {"id": new_id(), "text": "Autre table"}, callback=True)["ok"]

    before = _stats(app)
    answers = [phone.emit("sync", {"since": since}, callback=True) for phone in phones]
    after = _stats(app)

    assert after["reads"] - before["reads"] == 1 and after["hits"] - before["hits"] == 2
    head = answers[0]["seq"]
    expected = _from_database(app, room.workshop_id, since, head, room.table_ids[0])
    assert [e["data"]["idea"]["text"] for e in expected] == ["Idée 0", "Idée 1", "Idée 2"]
    for answer in answers:
        assert answer["mode"] == "events" and answer["seq"] == head
        assert answer["events"] == expected
    # Each envelope chains to the previous one of the table's stream.
    assert [e["prev"] for e in expected[1:]] == [e["seq"] for e in expected[:-1]]


def test_a_later_head_extends_the_tail_and_an_earlier_since_reads_the_database(app, room, long_tails):
    anne, zoe = room.participant("Anne", table=0), room.participant("Zoé", table=0)
    facilitator = room.facilitator()
    _warm(zoe)
    first = anne.emit("sync", {"since": 0}, callback=True)["seq"]
    assert zoe.emit("post_idea", {"id": new_id(), "text": "Une"}, callback=True)["ok"]
    middle = anne.emit("sync", {"since": first}, callback=True)["seq"]  # starts the tail at `first`
    for text in ("Deux", "Trois"):
        assert zoe.emit("post_idea", {"id": new_id(), "text": text}, callback=True)["ok"]
    facilitator.emit("set_posting", {"table_id": room.table_ids[0], "open": False}, callback=True)

    before = _stats(app)
    grown = anne.emit("sync", {"since": first}, callback=True)  # head moved on: one read of (hi, head]
    from_middle = anne.emit("sync", {"since": middle}, callback=True)  # inside the tail: memory
    after = _stats(app)
    assert after["reads"] - before["reads"] == 1 and after["hits"] - before["hits"] == 1
    head = grown["seq"]
    table = room.table_ids[0]
    assert grown["events"] == _from_database(app, room.workshop_id, first, head, table)
    assert from_middle["events"] == _from_database(app, room.workshop_id, middle, head, table)
    assert [e["type"] for e in grown["events"]] == ["idea_posted"] * 3 + ["posting_changed"]

    # Older than the tail's start: read from the database, and still exact.
    older = anne.emit("sync", {"since": first - 1}, callback=True)
    assert older["mode"] == "events"
    assert older["events"] == _from_database(app, room.workshop_id, first - 1, head, table)


def test_the_staff_stream_has_its_own_tail_and_projectors_still_get_no_names(app, room, long_tails):
    facilitator, projector = room.facilitator(), room.projector()
    anne = room.participant("Annabelle", table=0)
    since = facilitator.emit("sync", {"since": 0}, callback=True)["seq"]
    assert anne.emit("post_idea", {"id": new_id(), "text": "Mutualiser l'énergie"}, callback=True)["ok"]
    staff = facilitator.emit("sync", {"since": since}, callback=True)
    shown = projector.emit("sync", {"since": since}, callback=True)  # same stream, from memory
    assert staff["events"] == _from_database(app, room.workshop_id, since, staff["seq"], None)
    assert "Annabelle" in json.dumps(staff["events"])
    assert [e["seq"] for e in shown["events"]] == [e["seq"] for e in staff["events"]]
    assert "Annabelle" not in json.dumps(shown["events"])  # the workshop hides authors from projectors
    # The anonymous copy left the shared envelopes alone.
    again = facilitator.emit("sync", {"since": since}, callback=True)
    assert "Annabelle" in json.dumps(again["events"])


def test_erased_names_leave_this_process_tails_at_once(app, room, long_tails):
    facilitator = room.facilitator()
    anne = room.participant("Annabelle", table=0)
    since = facilitator.emit("sync", {"since": 0}, callback=True)["seq"]
    assert anne.emit("post_idea", {"id": new_id(), "text": "Mutualiser l'énergie"}, callback=True)["ok"]
    cached = facilitator.emit("sync", {"since": since}, callback=True)
    assert "Annabelle" in json.dumps(cached["events"])

    with app.app_context():
        with events.transaction():
            workshop = db.session.get(Workshop, room.workshop_id)
            erase_participants(workshop, [db.session.get(Participant, anne.participant["id"])])

    replayed = facilitator.emit("sync", {"since": since}, callback=True)
    assert replayed["mode"] == "events"
    assert "Annabelle" not in json.dumps(replayed["events"])
    assert replayed["events"] == _from_database(app, room.workshop_id, since, replayed["seq"], None)


def test_an_expired_tail_is_read_again(app, room, monkeypatch):
    monkeypatch.setattr(replay, "TAIL_TTL_S", -1.0)  # expired as soon as it is made
    anne, zoe = room.participant("Anne", table=0), room.participant("Zoé", table=0)
    _warm(zoe)
    since = anne.emit("sync", {"since": 0}, callback=True)["seq"]
    assert zoe.emit("post_idea", {"id": new_id(), "text": "Une"}, callback=True)["ok"]
    before = _stats(app)
    for _ in range(3):
        assert anne.emit("sync", {"since": since}, callback=True)["mode"] == "events"
    after = _stats(app)
    assert after["reads"] - before["reads"] == 3 and after["hits"] == before["hits"]


def test_a_deleted_participant_is_refused_a_resync(app, room):
    anne = room.participant("Anne", table=0)
    since = anne.emit("sync", {"since": 0}, callback=True)["seq"]  # 0: the refusal comes before any replay
    with app.app_context():
        db.session.delete(db.session.get(Participant, anne.participant["id"]))
        db.session.commit()
    ack = anne.emit("sync", {"since": since}, callback=True)
    assert ack["ok"] is False and ack["error"] == "unauthorized"
