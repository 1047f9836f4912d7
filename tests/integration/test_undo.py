"""Undo on the console: ``restore_group`` brings back a merged or removed group with its ideas."""

from __future__ import annotations

from tests.conftest import events_of, new_id
from tests.integration.test_groups import setup
from tests.integration.test_tables import table_facilitator
from tests.reference_client import apply_staff, comparable


def board(room, count=4):
    anne, facilitator, ideas = setup(room, count)
    a, b = new_id(), new_id()
    for ident, label in ((a, "A"), (b, "B")):
        facilitator.emit("create_group", {"id": ident, "table_id": room.table_ids[0], "label": label}, callback=True)
    for idea in ideas[:2]:
        facilitator.emit("move_idea", {"id": idea, "group_id": a}, callback=True)
    for idea in ideas[2:]:
        facilitator.emit("move_idea", {"id": idea, "group_id": b}, callback=True)
    facilitator.get_received()
    anne.get_received()
    return anne, facilitator, ideas, a, b


def where(sock) -> tuple[dict, set]:
    snapshot = sock.emit("sync", {"since": 0}, callback=True)["snapshot"]
    return {i["id"]: i["group_id"] for i in snapshot["ideas"]}, {g["id"] for g in snapshot["groups"]}


def test_restoring_a_merged_group_puts_it_back_on_every_screen(room):
    anne, facilitator, ideas, a, b = board(room)
    projector = room.projector()
    before = where(facilitator)
    old = facilitator.emit("sync", {"since": 0}, callback=True)
    assert facilitator.emit("merge_groups", {"id": a, "into": b}, callback=True)["ok"]
    ack = facilitator.emit("restore_group", {"id": a, "idea_ids": ideas[:2]}, callback=True)
    assert ack["ok"] and ack["group"]["id"] == a and ack["group"]["label"] == "A"
    assert where(facilitator) == before
    assert where(projector) == before
    restored = [e for e in events_of(projector) if e["type"] == "group_restored"]
    assert len(restored) == 1 and sorted(restored[0]["data"]["idea_ids"]) == sorted(ideas[:2])
    assert events_of(anne) == []  # staff only, as the other grouping events
    # The logged events applied to the old snapshot give the fresh one (the reference client's rule).
    state = old["snapshot"]
    for envelope in facilitator.emit("sync", {"since": old["seq"]}, callback=True)["events"]:
        state = apply_staff(state, envelope)
    assert comparable(state) == comparable(facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"])


def test_restoring_a_removed_group_and_a_retry_logs_nothing(room):
    _, facilitator, ideas, a, b = board(room)
    before = where(facilitator)
    assert facilitator.emit("remove_group", {"id": b}, callback=True)["ok"]
    facilitator.get_received()
    payload = {"id": b, "idea_ids": ideas[2:]}
    assert facilitator.emit("restore_group", payload, callback=True)["ok"]
    assert where(facilitator) == before
    assert [e["type"] for e in events_of(facilitator)] == ["group_restored"]
    assert facilitator.emit("restore_group", payload, callback=True)["ok"]  # a retried undo
    assert events_of(facilitator) == []


def test_an_idea_withdrawn_meanwhile_stays_out(room):
    anne, facilitator, ideas, a, b = board(room)
    facilitator.emit("remove_group", {"id": a}, callback=True)
    assert anne.emit("withdraw_idea", {"id": ideas[0]}, callback=True)["ok"]
    ack = facilitator.emit("restore_group", {"id": a, "idea_ids": ideas[:2]}, callback=True)
    assert ack["ok"]
    placed, groups = where(facilitator)
    assert a in groups and placed.get(ideas[1]) == a and ideas[0] not in placed


def test_refusals(room, app):
    anne, facilitator, ideas, a, b = board(room)
    facilitator.emit("remove_group", {"id": a}, callback=True)
    other_table = table_facilitator(room, 1)
    cases = [
        (facilitator, {"id": new_id(), "idea_ids": []}, "not_found"),
        (facilitator, {"id": a}, "invalid_payload"),
        (facilitator, {"id": a, "idea_ids": [3]}, "invalid_payload"),
        (facilitator, {"id": a, "idea_ids": ["x"] * 1001}, "invalid_payload"),
        (facilitator, {"id": "nope", "idea_ids": []}, "invalid_id"),
        (other_table, {"id": a, "idea_ids": ideas[:2]}, "other_table_forbidden"),
        (anne, {"id": a, "idea_ids": ideas[:2]}, "forbidden"),
    ]
    for sock, payload, code in cases:
        ack = sock.emit("restore_group", payload, callback=True)
        assert ack["ok"] is False and ack["error"] == code, (payload, ack)
        assert ack["message"]
    assert a not in where(facilitator)[1]
    # While the table votes, the board is frozen.
    assert facilitator.emit("set_voting", {"table_id": room.table_ids[0], "open": True}, callback=True)["ok"]
    ack = facilitator.emit("restore_group", {"id": a, "idea_ids": ideas[:2]}, callback=True)
    assert ack["error"] == "board_frozen"
    from tests.conftest import Room

    stranger = Room(app, "TERRITOIRE").facilitator()
    assert stranger.emit("restore_group", {"id": a, "idea_ids": []}, callback=True)["error"] == "not_found"


def test_unmerging_an_idea_brings_it_back_on_every_screen(room):
    """merge_ideas is undone by unmerge_idea: the idea is back in its group, proposed again as a repeat."""
    from tests.integration.test_automation import post_all

    anne, bob, facilitator = room.participant("Anne", table=0), room.participant("Bob", table=0), room.facilitator()
    projector = room.projector()
    first = post_all(anne, ["Créer un annuaire des adhérents en ligne"])[0]
    second = post_all(bob, ["Créer un annuaire en ligne des adhérents"])[0]
    assert second["duplicate_of"] == first["id"]
    group = next(g["id"] for g in facilitator.snapshot["groups"] if g["table_id"] == room.table_ids[0])
    facilitator.emit("move_idea", {"id": second["id"], "group_id": group}, callback=True)
    before = facilitator.emit("sync", {"since": 0}, callback=True)
    phone_before = {i["id"] for i in anne.emit("sync", {"since": 0}, callback=True)["snapshot"]["table_ideas"]}
    assert facilitator.emit("merge_ideas", {"id": second["id"], "into": first["id"]}, callback=True)["ok"]
    for sock in (facilitator, projector, anne, bob):
        sock.get_received()
    ack = facilitator.emit("unmerge_idea", {"id": second["id"]}, callback=True)
    assert ack["ok"] and ack["idea"]["state"] == "visible"
    assert (ack["idea"]["group_id"], ack["idea"]["duplicate_of"]) == (group, first["id"])
    # every screen gets the idea back, and the kept idea without Bob's credit
    for sock in (facilitator, projector, anne):
        [event] = [e for e in events_of(sock) if e["type"] == "idea_unmerged"]
        assert event["data"]["idea"]["id"] == second["id"] and event["data"]["into"]["merged"] == []
    assert {i["id"] for i in anne.emit("sync", {"since": 0}, callback=True)["snapshot"]["table_ideas"]} == phone_before
    mine = bob.emit("sync", {"since": 0}, callback=True)["snapshot"]["my_ideas"]
    assert [(i["id"], i["state"]) for i in mine] == [(second["id"], "visible")]
    # the logged events applied to the snapshot before the merge give the fresh one
    state = before["snapshot"]
    for envelope in facilitator.emit("sync", {"since": before["seq"]}, callback=True)["events"]:
        state = apply_staff(state, envelope)
    assert comparable(state) == comparable(facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"])
    # a retried undo answers ok and logs nothing
    assert facilitator.emit("unmerge_idea", {"id": second["id"]}, callback=True)["ok"]
    assert [e for e in events_of(facilitator) if e["type"] == "idea_unmerged"] == []


def test_flag_duplicate_undoes_keep_both_and_refusals(room, app):
    from tests.integration.test_automation import post_all

    anne, facilitator = room.participant(table=0), room.facilitator()
    first = post_all(anne, ["Une cotisation moins chère pour les TPE"])[0]
    second = post_all(anne, ["Une cotisation moins chère pour les TPE !"])[0]
    other_table = post_all(room.participant(table=1), ["Un salon des sous-traitants"])[0]
    assert facilitator.emit("dismiss_duplicate", {"id": second["id"]}, callback=True)["ok"]
    facilitator.get_received()
    assert facilitator.emit("flag_duplicate", {"id": second["id"], "of": first["id"]}, callback=True) == {"ok": True}
    [event] = [e for e in events_of(facilitator) if e["type"] == "duplicate_flagged"]
    assert event["data"] == {"id": second["id"], "table_id": room.table_ids[0], "duplicate_of": first["id"]}
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert {i["id"]: i["duplicate_of"] for i in snapshot["ideas"]}[second["id"]] == first["id"]
    cases = [
        (facilitator, "flag_duplicate", {"id": second["id"], "of": second["id"]}, "invalid_payload"),
        (facilitator, "flag_duplicate", {"id": second["id"], "of": other_table["id"]}, "other_table"),
        (facilitator, "flag_duplicate", {"id": second["id"]}, "invalid_payload"),
        (facilitator, "flag_duplicate", {"id": second["id"], "of": new_id()}, "not_found"),
        (facilitator, "unmerge_idea", {"id": new_id()}, "not_found"),
        (facilitator, "unmerge_idea", {"id": "x"}, "invalid_id"),
        (anne, "unmerge_idea", {"id": second["id"]}, "forbidden"),
        (table_facilitator(room, 1), "unmerge_idea", {"id": second["id"]}, "other_table_forbidden"),
    ]
    for sock, name, payload, code in cases:
        ack = sock.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == code and ack["message"], (name, payload, ack)
