"""Who receives what: tables are isolated, staff see everything, events follow commits."""

from __future__ import annotations

from tests.conftest import events_of, new_id


def test_idea_reaches_staff_and_its_table_only(room):
    anne = room.participant("Anne", table=0)
    colleague = room.participant("Chloé", table=0)
    bob = room.participant("Bob", table=1)
    facilitator, projector = room.facilitator(), room.projector()
    for sock in (anne, colleague, bob, facilitator, projector):
        sock.get_received()

    ident = new_id()
    assert anne.emit("post_idea", {"id": ident, "text": "Cotisation solidaire"}, callback=True)["ok"]

    for sock in (anne, colleague, facilitator, projector):
        received = events_of(sock)
        assert [(e["type"], e["data"]["idea"]["id"]) for e in received] == [("idea_posted", ident)]
    assert events_of(bob) == []
    # Bob's snapshot does not hold it either.
    snapshot = bob.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert snapshot["table_ideas"] == [] and snapshot["my_ideas"] == []


def test_staff_sequence_is_contiguous_and_table_prev_skips_other_tables(room):
    anne, bob = room.participant("Anne", table=0), room.participant("Bob", table=1)
    facilitator = room.facilitator()
    start = facilitator.emit("sync", {"since": 0}, callback=True)["seq"]
    anne_start = anne.emit("sync", {"since": 0}, callback=True)["seq"]
    for sock in (anne, bob, facilitator):
        sock.get_received()
    anne.emit("post_idea", {"id": new_id(), "text": "A1"}, callback=True)
    bob.emit("post_idea", {"id": new_id(), "text": "B1"}, callback=True)
    anne.emit("post_idea", {"id": new_id(), "text": "A2"}, callback=True)

    staff = events_of(facilitator)
    assert [e["seq"] for e in staff] == [start + 1, start + 2, start + 3]
    assert all(e["prev"] == e["seq"] - 1 for e in staff)
    table0 = events_of(anne)
    assert [(e["seq"], e["prev"]) for e in table0] == [(start + 1, anne_start), (start + 3, start + 1)]


def test_participant_join_and_counts_reach_staff_not_phones(room):
    anne = room.participant("Anne", table=0)
    facilitator, projector = room.facilitator(), room.projector()
    anne.get_received()
    room.participant("Bob", table=0)
    assert [e["type"] for e in events_of(facilitator)] == ["participant_joined"]
    assert [e["type"] for e in events_of(projector)] == ["participant_joined"]
    assert events_of(anne) == []


def test_projector_never_sees_hidden_idea_text_in_snapshots(room):
    anne, facilitator = room.participant(), room.facilitator()
    ident = new_id()
    anne.emit("post_idea", {"id": ident, "text": "Propos déplacé"}, callback=True)
    facilitator.emit("hide_idea", {"id": ident}, callback=True)
    projector = room.projector()
    assert projector.snapshot["ideas"] == []
    fresh = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert [(i["id"], i["state"]) for i in fresh["ideas"]] == [(ident, "hidden")]


def test_moving_table_moves_the_connection(room):
    anne = room.participant("Anne", table=0)
    bob = room.participant("Bob", table=1)
    ack = anne.emit("join_table", {"table_id": room.table_ids[1]}, callback=True)
    assert ack["ok"] and ack["me"]["table_id"] == room.table_ids[1]
    anne.get_received()
    bob.emit("post_idea", {"id": new_id(), "text": "Pour la table 2"}, callback=True)
    assert [e["type"] for e in events_of(anne)] == ["idea_posted"]
    assert anne.emit("join_table", {"table_id": 424242}, callback=True)["error"] == "not_found"


def test_posting_changed_reaches_the_table(room):
    anne, bob, facilitator = room.participant(table=0), room.participant("Bob", table=1), room.facilitator()
    for sock in (anne, bob):
        sock.get_received()
    facilitator.emit("set_posting", {"table_id": room.table_ids[0], "open": False}, callback=True)
    assert [(e["type"], e["data"]) for e in events_of(anne)] == [
        ("posting_changed", {"table_id": room.table_ids[0], "open": False})
    ]
    assert events_of(bob) == []
    # Setting the same value again logs nothing.
    facilitator.emit("set_posting", {"table_id": room.table_ids[0], "open": False}, callback=True)
    assert events_of(anne) == []


def test_joining_changed_reaches_every_table(room):
    anne, bob, facilitator = room.participant(table=0), room.participant("Bob", table=2), room.facilitator()
    for sock in (anne, bob, facilitator):
        sock.get_received()
    facilitator.emit("set_joining", {"open": False}, callback=True)
    for sock in (anne, bob, facilitator):
        assert [e["type"] for e in events_of(sock)] == ["joining_changed"]


def test_projector_view(room):
    facilitator, projector = room.facilitator(), room.projector()
    assert projector.snapshot["workshop"]["projector_view"] == "all"
    table = room.table_ids[2]
    assert facilitator.emit("set_projector_view", {"view": table}, callback=True) == {"ok": True}
    assert [e["data"] for e in events_of(projector)] == [{"view": table}]
    assert facilitator.emit("set_projector_view", {"view": "all"}, callback=True)["ok"]
    assert [e["data"] for e in events_of(projector)] == [{"view": "all"}]
    for bad in ({"view": "everything"}, {"view": 987654}, {}, {"view": True}):
        assert facilitator.emit("set_projector_view", bad, callback=True)["ok"] is False


def test_workshops_are_isolated(room, app):
    from tests.conftest import Room

    other = Room(app, "TERRITOIRE")
    other_facilitator = other.facilitator()
    anne = room.participant()
    other_facilitator.get_received()
    ident = new_id()
    anne.emit("post_idea", {"id": ident, "text": "DEVUP seulement"}, callback=True)
    assert events_of(other_facilitator) == []
    # A facilitator of another workshop cannot moderate this one's ideas.
    assert other_facilitator.emit("hide_idea", {"id": ident}, callback=True)["error"] == "not_found"
    assert (
        other_facilitator.emit("set_posting", {"table_id": room.table_ids[0], "open": False}, callback=True)["error"]
        == "not_found"
    )
