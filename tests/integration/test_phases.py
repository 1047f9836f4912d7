"""Agenda phases and their timer: commands, gating, authorisation, server time, restart."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from facilitator.extensions import db
from facilitator.models import RoundTable, Workshop
from tests.conftest import Room, events_of, new_id
from tests.reference_client import apply_staff, comparable

PHASE_COMMANDS = ("set_phase", "pause_timer", "resume_timer", "extend_timer")


def parse(moment: str) -> datetime:
    assert moment.endswith("Z"), moment
    return datetime.fromisoformat(moment[:-1])


def agenda(sock) -> dict:
    return {p["key"]: p for p in sock.snapshot["agenda"]}


def snapshot(sock) -> dict:
    ack = sock.emit("sync", {"since": 0}, callback=True)
    assert ack["ok"], ack
    return ack["snapshot"]


def table_facilitator(room: Room, index: int = 0):
    with room.app.app_context():
        key = db.session.get(RoundTable, room.table_ids[index]).facilitator_key
    return room.connect({"role": "facilitator", "workshop": room.code, "key": key})


def test_snapshots_carry_the_agenda_and_no_phase_before_the_start(room):
    lead, anne, projector = room.facilitator(), room.participant(), room.projector()
    for sock in (lead, anne, projector):
        keys = [p["key"] for p in sock.snapshot["agenda"]]
        assert keys == ["accueil", "partage", "tables", "pause", "restitution", "priorites", "cloture"]
        assert sock.snapshot["agenda"][2] == {
            "key": "tables",
            "title": "Tables rondes",
            "kind": "round_tables",
            "minutes": 75,
            "description": "Trois tables rondes en parallèle, chacune animée par un pôle invité.",
        }
        assert sock.snapshot["phase"] == {
            "key": None,
            "started_at": None,
            "ends_at": None,
            "remaining_s": None,
            "paused": False,
        }


def test_entering_a_phase_starts_its_timer_and_reaches_every_screen(room):
    lead, anne, projector = room.facilitator(), room.participant(), room.projector()
    before = datetime.utcnow()
    ack = lead.emit("set_phase", {"key": "tables"}, callback=True)
    after = datetime.utcnow()
    assert ack["ok"], ack
    phase = ack["phase"]
    assert phase["key"] == "tables" and phase["paused"] is False and phase["remaining_s"] is None
    started, ends = parse(phase["started_at"]), parse(phase["ends_at"])
    assert before - timedelta(milliseconds=2) <= started <= after
    assert ends - started == timedelta(minutes=75)
    for sock in (lead, projector, anne):
        types = [(e["type"], e["data"]) for e in events_of(sock)]
        assert ("phase_changed", {"phase": phase}) in types, types
        assert snapshot(sock)["phase"] == phase
    # Entering the current phase again changes nothing and logs nothing ...
    assert lead.emit("set_phase", {"key": "tables"}, callback=True) == {"ok": True, "phase": phase}
    assert events_of(lead) == []
    # ... unless asked to restart it.
    time.sleep(0.01)
    again = lead.emit("set_phase", {"key": "tables", "restart": True}, callback=True)["phase"]
    assert again["started_at"] > phase["started_at"]
    assert [e["type"] for e in events_of(lead)] == ["phase_changed"]


def test_phase_gating_of_posting_and_voting(room):
    lead, anne = room.facilitator(), room.participant()
    assert lead.emit("set_phase", {"key": "tables"}, callback=True)["ok"]
    assert anne.emit("post_idea", {"id": new_id(), "text": "Pendant les tables"}, callback=True)["ok"]
    events_of(anne)

    # Leaving the round tables closes posting on every table.
    assert lead.emit("set_phase", {"key": "restitution"}, callback=True)["ok"]
    received = events_of(anne)
    assert [e["type"] for e in received] == ["phase_changed", "posting_changed"]
    assert received[1]["data"] == {"table_id": room.table_ids[0], "open": False}
    staff = events_of(lead)
    assert sorted(e["data"]["table_id"] for e in staff if e["type"] == "posting_changed") == sorted(room.table_ids)
    refused = anne.emit("post_idea", {"id": new_id(), "text": "Trop tard"}, callback=True)
    assert refused["ok"] is False and refused["error"] == "posting_closed"
    assert refused["message"] == "Les contributions sont fermées pour cette table."
    assert all(t["posting_open"] is False and t["voting_open"] is False for t in snapshot(lead)["tables"])

    # A facilitator can still reopen one table by hand.
    assert lead.emit("set_posting", {"table_id": room.table_ids[0], "open": True}, callback=True)["ok"]
    assert anne.emit("post_idea", {"id": new_id(), "text": "Rattrapage"}, callback=True)["ok"]

    # A voting phase opens voting (and closes posting) on every table.
    events_of(anne), events_of(lead)
    voting = lead.emit("set_phase", {"key": "priorites"}, callback=True)["phase"]
    assert [(e["type"], e["data"]) for e in events_of(anne)] == [
        ("phase_changed", {"phase": voting}),
        ("posting_changed", {"table_id": room.table_ids[0], "open": False}),
        ("voting_changed", {"table_id": room.table_ids[0], "open": True}),
    ]
    tables = snapshot(lead)["tables"]
    assert all(t["voting_open"] is True and t["posting_open"] is False for t in tables)
    assert all(t["voting_open"] is True for t in snapshot(anne)["tables"])

    # Leaving it closes voting; back to the round tables reopens posting.
    assert lead.emit("set_phase", {"key": "tables"}, callback=True)["ok"]
    tables = snapshot(lead)["tables"]
    assert all(t["voting_open"] is False and t["posting_open"] is True for t in tables)
    assert anne.emit("post_idea", {"id": new_id(), "text": "De retour"}, callback=True)["ok"]

    # Leaving the agenda (key null) closes voting and leaves posting as it is.
    assert lead.emit("set_phase", {"key": "priorites"}, callback=True)["ok"]
    ack = lead.emit("set_phase", {"key": None}, callback=True)
    assert ack["ok"] and ack["phase"] == {
        "key": None,
        "started_at": None,
        "ends_at": None,
        "remaining_s": None,
        "paused": False,
    }
    tables = snapshot(lead)["tables"]
    assert all(t["voting_open"] is False and t["posting_open"] is False for t in tables)


def test_timer_pause_resume_and_extend(room):
    lead = room.facilitator()
    for name, payload in (("pause_timer", {}), ("resume_timer", {}), ("extend_timer", {"minutes": 1})):
        ack = lead.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == "no_phase", ack
        assert ack["message"].startswith("Aucune étape du programme")
    phase = lead.emit("set_phase", {"key": "pause"}, callback=True)["phase"]  # 10 minutes
    events_of(lead)

    paused = lead.emit("pause_timer", {}, callback=True)["phase"]
    assert paused["paused"] is True and paused["ends_at"] is None
    assert paused["remaining_s"] == 600  # rounded up, as screens show it
    assert paused["started_at"] == phase["started_at"]
    assert [(e["type"], e["data"]) for e in events_of(lead)] == [("timer_changed", {"phase": paused})]
    # Pausing a paused timer is accepted and logs nothing.
    assert lead.emit("pause_timer", {}, callback=True) == {"ok": True, "phase": paused}
    assert events_of(lead) == []

    extended = lead.emit("extend_timer", {"minutes": 5}, callback=True)["phase"]
    assert extended["remaining_s"] == 900 and extended["paused"] is True

    before = datetime.utcnow()
    resumed = lead.emit("resume_timer", {}, callback=True)["phase"]
    after = datetime.utcnow()
    assert resumed["paused"] is False and resumed["remaining_s"] is None
    ends = parse(resumed["ends_at"])
    assert before + timedelta(seconds=900) - timedelta(milliseconds=2) <= ends <= after + timedelta(seconds=900)
    assert lead.emit("resume_timer", {}, callback=True) == {"ok": True, "phase": resumed}

    plus_one = lead.emit("extend_timer", {"minutes": 1}, callback=True)["phase"]
    assert parse(plus_one["ends_at"]) - ends == timedelta(minutes=1)
    assert [e["type"] for e in events_of(lead)] == ["timer_changed", "timer_changed", "timer_changed"]

    # Time is up: +1 gives one more minute from now, not from the past end.
    with room.app.app_context():
        workshop = db.session.get(Workshop, room.workshop_id)
        workshop.phase_ends_at = datetime.utcnow() - timedelta(minutes=3)
        db.session.commit()
    before = datetime.utcnow()
    late = lead.emit("extend_timer", {"minutes": 1}, callback=True)["phase"]
    assert before + timedelta(seconds=59) <= parse(late["ends_at"]) <= datetime.utcnow() + timedelta(minutes=1)


@pytest.mark.parametrize(
    "name,payload,error",
    [
        ("set_phase", {}, "invalid_payload"),
        ("set_phase", {"key": 3}, "invalid_payload"),
        ("set_phase", {"key": "nope"}, "not_found"),
        ("set_phase", {"key": "tables", "restart": "yes"}, "invalid_payload"),
        ("extend_timer", {}, "invalid_payload"),
        ("extend_timer", {"minutes": 0}, "invalid_payload"),
        ("extend_timer", {"minutes": 61}, "invalid_payload"),
        ("extend_timer", {"minutes": -5}, "invalid_payload"),
        ("extend_timer", {"minutes": "5"}, "invalid_payload"),
        ("extend_timer", {"minutes": True}, "invalid_payload"),
    ],
)
def test_bad_payloads_are_refused(room, name, payload, error):
    lead = room.facilitator(lang="en")
    assert lead.emit("set_phase", {"key": "accueil"}, callback=True)["ok"]
    before = snapshot(lead)
    ack = lead.emit(name, payload, callback=True)
    assert ack["ok"] is False and ack["error"] == error, ack
    if error == "not_found":
        assert ack["message"] == "Not found: agenda phase."
    assert snapshot(lead) == before


@pytest.mark.parametrize("name", PHASE_COMMANDS)
def test_only_the_lead_facilitator_drives_the_agenda(room, name):
    lead = room.facilitator()
    assert lead.emit("set_phase", {"key": "tables"}, callback=True)["ok"]
    senders = [room.participant(), room.projector(), table_facilitator(room)]
    before = snapshot(lead)
    payload = {"key": "restitution", "minutes": 5}
    for sock in senders[:2]:
        ack = sock.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == "forbidden", ack
    ack = senders[2].emit(name, payload, callback=True)
    assert ack["ok"] is False and ack["error"] == "lead_only", ack
    assert ack["message"] == "Cette commande est réservée à l'animateur principal."
    assert snapshot(lead) == before


def test_time_command_gives_the_server_clock(room):
    for sock in (room.participant(), room.projector(), room.facilitator()):
        before = time.time() * 1000
        ack = sock.emit("time", {}, callback=True)
        after = time.time() * 1000
        assert ack["ok"] is True
        assert before - 1 <= ack["server_now"] <= after + 1


def test_applying_phase_events_equals_a_fresh_snapshot(room):
    lead, anne = room.facilitator(), room.participant()
    anne.emit("post_idea", {"id": new_id(), "text": "Une idée"}, callback=True)
    old = snapshot(lead)
    head = lead.emit("sync", {"since": 0}, callback=True)["seq"]
    events_of(lead)
    for name, payload in (
        ("set_phase", {"key": "tables"}),
        ("pause_timer", {}),
        ("extend_timer", {"minutes": 5}),
        ("set_phase", {"key": "priorites"}),
        ("resume_timer", {}),
        ("set_phase", {"key": "cloture"}),
        ("set_phase", {"key": None}),
    ):
        assert lead.emit(name, payload, callback=True)["ok"], name
    replay = lead.emit("sync", {"since": head}, callback=True)
    assert replay["mode"] == "events"
    state = old
    for envelope in replay["events"]:
        state = apply_staff(state, envelope)
    assert comparable(state) == comparable(snapshot(lead))


def test_a_restarted_server_resumes_the_phase_and_timer(make_app):
    first = make_app()
    room = Room(first)
    lead = room.facilitator()
    running = lead.emit("set_phase", {"key": "tables"}, callback=True)["phase"]
    lead.disconnect()
    with first.app_context():
        db.session.remove()
        db.engine.dispose()

    second = make_app()  # a new process on the same database
    lead = Room(second).facilitator()
    assert lead.snapshot["phase"] == running
    assert all(t["posting_open"] for t in lead.snapshot["tables"])
    paused = lead.emit("pause_timer", {}, callback=True)["phase"]
    with second.app_context():
        db.session.remove()
        db.engine.dispose()

    third = make_app()
    room = Room(third)
    anne = room.participant()
    assert anne.snapshot["phase"] == paused and paused["paused"] is True
    # ... and the timer goes on from where it was paused.
    resumed = room.facilitator().emit("resume_timer", {}, callback=True)["phase"]
    left = (parse(resumed["ends_at"]) - datetime.utcnow()).total_seconds()
    assert paused["remaining_s"] - 2 <= left <= paused["remaining_s"]
    with third.app_context():
        db.session.remove()
        db.engine.dispose()
