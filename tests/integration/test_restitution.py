"""Plenary restitution and spotlight: commands, who may drive them, validation, events and resync."""

from __future__ import annotations

import pytest

from facilitator.extensions import db
from facilitator.models import RoundTable, Workshop
from tests.conftest import Room, events_of, new_id
from tests.reference_client import apply_staff, comparable


def table_facilitator(room: Room, index: int):
    """A connected, synced console opened with the key of table ``index``."""
    with room.app.app_context():
        key = db.session.get(RoundTable, room.table_ids[index]).facilitator_key
    return room.connect({"role": "facilitator", "workshop": room.code, "key": key})


def stored(room: Room) -> tuple:
    with room.app.app_context():
        workshop = db.session.get(Workshop, room.workshop_id)
        return workshop.restitution, workshop.spotlight


def post(sock, text="Une idée") -> str:
    ident = new_id()
    assert sock.emit("post_idea", {"id": ident, "text": text}, callback=True)["ok"]
    return ident


def groups_of(sock, table_id) -> list[str]:
    snapshot = sock.emit("sync", {"since": 0}, callback=True)["snapshot"]
    return [g["id"] for g in snapshot["groups"] if g["table_id"] == table_id]


def test_lead_walks_through_the_tables(room):
    lead, projector = room.facilitator(), room.projector()
    t1, t2, _ = room.table_ids
    assert lead.snapshot["workshop"]["restitution"] is None and lead.snapshot["workshop"]["spotlight"] is None

    ack = lead.emit("set_restitution", {"table_id": t1, "step": 0}, callback=True)
    assert ack == {"ok": True, "restitution": {"table_id": t1, "step": 0}}
    [event] = events_of(projector)
    assert event["type"] == "restitution_changed" and event["data"] == {"restitution": {"table_id": t1, "step": 0}}
    for step in (1, 2):
        assert lead.emit("set_restitution", {"table_id": t1, "step": step}, callback=True)["ok"]
    assert [e["data"]["restitution"]["step"] for e in events_of(projector)] == [1, 2]
    assert stored(room) == ({"table_id": t1, "step": 2}, None)

    # The same position again (a retried command) changes nothing and logs nothing.
    assert lead.emit("set_restitution", {"table_id": t1, "step": 2}, callback=True)["ok"]
    assert events_of(projector) == []

    # "step" defaults to 0 (a new table starts at its theme).
    assert lead.emit("set_restitution", {"table_id": t2}, callback=True)["restitution"] == {"table_id": t2, "step": 0}
    assert lead.emit("set_restitution", {"table_id": None}, callback=True) == {"ok": True, "restitution": None}
    assert [e["data"] for e in events_of(projector)] == [
        {"restitution": {"table_id": t2, "step": 0}},
        {"restitution": None},
    ]
    assert stored(room) == (None, None)


def test_spotlight_an_idea_and_a_group_then_clear(room):
    anne = room.participant("Anne", table=0)
    lead, projector = room.facilitator(), room.projector()
    t1 = room.table_ids[0]
    idea = post(anne, "Un guichet unique pour les aides")
    group = groups_of(lead, t1)[0]
    projector.get_received()

    ack = lead.emit("set_spotlight", {"kind": "idea", "id": idea.upper()}, callback=True)
    assert ack == {"ok": True, "spotlight": {"kind": "idea", "id": idea, "table_id": t1}}
    assert lead.emit("set_spotlight", {"kind": "group", "id": group}, callback=True)["ok"]
    assert lead.emit("set_spotlight", {"kind": "group", "id": group}, callback=True)["ok"]  # no change, no event
    assert lead.emit("set_spotlight", {"kind": None}, callback=True) == {"ok": True, "spotlight": None}
    assert [e["data"] for e in events_of(projector)] == [
        {"spotlight": {"kind": "idea", "id": idea, "table_id": t1}},
        {"spotlight": {"kind": "group", "id": group, "table_id": t1}},
        {"spotlight": None},
    ]
    # Events go to staff screens only: a participant's phone gets none of them.
    assert [e for e in events_of(anne) if e["type"] in ("spotlight_changed", "restitution_changed")] == []


def test_moving_to_another_table_or_stopping_clears_the_spotlight(room):
    anne = room.participant("Anne", table=0)
    lead, projector = room.facilitator(), room.projector()
    t1, t2, _ = room.table_ids
    idea = post(anne)
    lead.emit("set_restitution", {"table_id": t1, "step": 0}, callback=True)
    lead.emit("set_spotlight", {"kind": "idea", "id": idea}, callback=True)
    # Stepping within the same table keeps it ...
    lead.emit("set_restitution", {"table_id": t1, "step": 2}, callback=True)
    assert stored(room)[1] == {"kind": "idea", "id": idea, "table_id": t1}
    projector.get_received()
    # ... the next table's turn clears it, in the same transaction.
    lead.emit("set_restitution", {"table_id": t2, "step": 0}, callback=True)
    assert [(e["type"], e["data"]) for e in events_of(projector)] == [
        ("restitution_changed", {"restitution": {"table_id": t2, "step": 0}}),
        ("spotlight_changed", {"spotlight": None}),
    ]
    lead.emit("set_spotlight", {"kind": "idea", "id": idea}, callback=True)
    lead.emit("set_restitution", {"table_id": None}, callback=True)
    assert stored(room) == (None, None)


@pytest.mark.parametrize(
    "name,payload",
    [
        ("set_restitution", {"table_id": None}),
        ("set_spotlight", {"kind": None}),
    ],
)
def test_participant_and_projector_are_refused(room, name, payload):
    anne, projector = room.participant(), room.projector()
    for sock in (anne, projector):
        ack = sock.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == "forbidden", ack
    assert stored(room) == (None, None)


def test_table_facilitator_drives_only_their_own_turn(room):
    anne, bob = room.participant("Anne", table=0), room.participant("Bob", table=1)
    lead, first, second = room.facilitator(), table_facilitator(room, 0), table_facilitator(room, 1)
    t1, t2, _ = room.table_ids
    a, b = post(anne), post(bob)
    g1 = groups_of(lead, t1)[0]

    def error(sock, name, payload):
        ack = sock.emit(name, payload, callback=True)
        assert ack["ok"] is False, ack
        return ack["error"]

    # Before the restitution: no one's turn yet, only the lead can start it.
    assert error(first, "set_restitution", {"table_id": t1, "step": 0}) == "not_your_turn"
    assert error(first, "set_spotlight", {"kind": "idea", "id": a}) == "not_your_turn"
    assert error(first, "set_spotlight", {"kind": "idea", "id": b}) == "other_table_forbidden"
    assert stored(room) == (None, None)

    lead.emit("set_restitution", {"table_id": t1, "step": 0}, callback=True)
    # Table 1's turn: its facilitator steps through it and spotlights its items ...
    assert first.emit("set_restitution", {"table_id": t1, "step": 1}, callback=True)["ok"]
    assert first.emit("set_restitution", {"table_id": t1, "step": 2}, callback=True)["ok"]
    assert first.emit("set_spotlight", {"kind": "group", "id": g1}, callback=True)["ok"]
    assert first.emit("set_spotlight", {"kind": "idea", "id": a}, callback=True)["ok"]
    # ... but neither hands over to another table, nor stops, nor spotlights another table's idea.
    assert error(first, "set_restitution", {"table_id": t2, "step": 0}) == "other_table_forbidden"
    assert error(first, "set_restitution", {"table_id": None}) == "lead_only"
    assert error(first, "set_spotlight", {"kind": "idea", "id": b}) == "other_table_forbidden"
    # Another table's facilitator can do nothing during table 1's turn.
    assert error(second, "set_restitution", {"table_id": t2, "step": 0}) == "not_your_turn"
    assert error(second, "set_restitution", {"table_id": t1, "step": 0}) == "other_table_forbidden"
    assert error(second, "set_spotlight", {"kind": None}) == "not_your_turn"
    assert stored(room) == ({"table_id": t1, "step": 2}, {"kind": "idea", "id": a, "table_id": t1})
    assert first.emit("set_spotlight", {"kind": None}, callback=True)["ok"]

    # The lead acts on any table at any time, and the turn passes with the table.
    assert lead.emit("set_spotlight", {"kind": "idea", "id": b}, callback=True)["ok"]
    assert lead.emit("set_restitution", {"table_id": t2, "step": 0}, callback=True)["ok"]
    assert error(first, "set_restitution", {"table_id": t1, "step": 0}) == "not_your_turn"
    assert second.emit("set_restitution", {"table_id": t2, "step": 1}, callback=True)["ok"]
    assert second.emit("set_spotlight", {"kind": "idea", "id": b}, callback=True)["ok"]
    assert stored(room) == ({"table_id": t2, "step": 1}, {"kind": "idea", "id": b, "table_id": t2})
    message = error(first, "set_spotlight", {"kind": None})
    assert message == "not_your_turn"


@pytest.mark.parametrize(
    "payload,code",
    [
        ({}, "invalid_payload"),
        ({"table_id": "1"}, "invalid_payload"),
        ({"table_id": True}, "invalid_payload"),
        ({"table_id": 999999, "step": 0}, "not_found"),
        ({"table_id": -1}, "invalid_payload"),
        ({"table_id": "T1", "step": 3}, "invalid_payload"),
        ({"table_id": "T1", "step": -1}, "invalid_payload"),
        ({"table_id": "T1", "step": 1.5}, "invalid_payload"),
        ({"table_id": "T1", "step": None}, "invalid_payload"),
        ({"table_id": "T1", "step": "next"}, "invalid_payload"),
    ],
)
def test_set_restitution_validation(room, payload, code):
    lead = room.facilitator()
    payload = {k: room.table_ids[0] if v == "T1" else v for k, v in payload.items()}
    ack = lead.emit("set_restitution", payload, callback=True)
    assert ack["ok"] is False and ack["error"] == code, ack
    assert ack["message"]
    assert stored(room) == (None, None)


def test_set_spotlight_validation(room, app):
    anne = room.participant("Anne", table=0)
    lead = room.facilitator()
    hidden, withdrawn, merged, kept = post(anne, "masquée"), post(anne, "retirée"), post(anne, "x"), post(anne, "y")
    lead.emit("hide_idea", {"id": hidden}, callback=True)
    anne.emit("withdraw_idea", {"id": withdrawn}, callback=True)
    assert lead.emit("merge_ideas", {"id": merged, "into": kept}, callback=True)["ok"]
    removed = groups_of(lead, room.table_ids[0])[0]
    lead.emit("remove_group", {"id": removed}, callback=True)
    other = Room(app, "TERRITOIRE")
    other_anne = other.participant("Zoé", table=0)
    foreign_idea = post(other_anne)
    foreign_group = new_id()
    assert other.facilitator().emit(
        "create_group", {"id": foreign_group, "table_id": other.table_ids[0], "label": "Ailleurs"}, callback=True
    )["ok"]

    for payload, code in [
        ({}, "invalid_payload"),
        ({"kind": "table", "id": new_id()}, "invalid_payload"),
        ({"kind": "idea"}, "invalid_payload"),
        ({"kind": "idea", "id": 12}, "invalid_payload"),
        ({"kind": "idea", "id": "not-a-uuid"}, "invalid_id"),
        ({"kind": "idea", "id": new_id()}, "not_found"),
        ({"kind": "group", "id": new_id()}, "not_found"),
        ({"kind": "group", "id": kept}, "not_found"),  # an idea's id is not a group
        ({"kind": "idea", "id": withdrawn}, "not_found"),
        ({"kind": "idea", "id": merged}, "not_found"),
        ({"kind": "group", "id": removed}, "not_found"),
        ({"kind": "idea", "id": foreign_idea}, "not_found"),
        ({"kind": "group", "id": foreign_group}, "not_found"),
        ({"kind": "idea", "id": hidden}, "spotlight_hidden"),
    ]:
        ack = lead.emit("set_spotlight", payload, callback=True)
        assert ack["ok"] is False and ack["error"] == code, (payload, ack)
        assert ack["message"]
    assert stored(room) == (None, None)
    english = room.facilitator(lang="en").emit("set_spotlight", {"kind": "idea", "id": hidden}, callback=True)
    assert english["message"] == "This idea is hidden: restore it to spotlight it."


def test_table_of_another_workshop_is_not_found(room, app):
    other = Room(app, "TERRITOIRE")
    ack = room.facilitator().emit("set_restitution", {"table_id": other.table_ids[0], "step": 0}, callback=True)
    assert ack["error"] == "not_found"


def test_events_replay_equals_snapshot_after_reconnection(room):
    anne = room.participant("Anne", table=0)
    idea = post(anne)
    lead, projector = room.facilitator(), room.projector()
    old = {"facilitator": (lead.snapshot, lead.last), "projector": (projector.snapshot, projector.last)}
    first = table_facilitator(room, 0)
    t1, t2, _ = room.table_ids

    lead.emit("set_restitution", {"table_id": t1, "step": 0}, callback=True)
    first.emit("set_restitution", {"table_id": t1, "step": 2}, callback=True)
    first.emit("set_spotlight", {"kind": "idea", "id": idea}, callback=True)
    lead.emit("set_restitution", {"table_id": t2, "step": 1}, callback=True)  # clears the spotlight
    group = groups_of(lead, t2)[0]
    lead.emit("set_spotlight", {"kind": "group", "id": group}, callback=True)

    for sock, role in ((lead, "facilitator"), (projector, "projector")):
        snapshot, since = old[role]
        replay = sock.emit("sync", {"since": since}, callback=True)
        assert replay["mode"] == "events"
        state = snapshot
        for envelope in replay["events"]:
            state = apply_staff(state, envelope)
        fresh = sock.emit("sync", {"since": 0}, callback=True)
        assert comparable(state) == comparable(fresh["snapshot"])
        assert fresh["snapshot"]["workshop"]["restitution"] == {"table_id": t2, "step": 1}
        assert fresh["snapshot"]["workshop"]["spotlight"] == {"kind": "group", "id": group, "table_id": t2}
