"""Resync: a client that missed events converges to the database's state."""

from __future__ import annotations

from tests.conftest import events_of, new_id
from tests.reference_client import GAP, apply_staff, classify, comparable
from tests.store_replay import replay_in_node


def _play_the_room(room):
    """Every kind of change, by a facilitator and two phones: the screens' sockets and their old (snapshot, seq)."""
    zoe = room.participant("Zoé", table=0)  # so the old snapshots are at seq > 0 ("since 0": never synced)
    zoe.emit("post_idea", {"id": new_id(), "text": "Idée de Zoé"}, callback=True)  # Anne's table stream too
    facilitator, projector = room.facilitator(), room.projector()
    old = {"facilitator": (facilitator.snapshot, facilitator.last), "projector": (projector.snapshot, projector.last)}

    anne, bob = room.participant("Anne", table=0), room.participant("Bob", table=1)
    old["anne"] = (anne.snapshot, anne.last)
    screens = {"facilitator": facilitator, "projector": projector, "anne": anne}
    a1, a2, b1 = new_id(), new_id(), new_id()
    anne.emit("post_idea", {"id": a1, "text": "Idée A1"}, callback=True)
    anne.emit("post_idea", {"id": a2, "text": "Idée A2"}, callback=True)
    bob.emit("post_idea", {"id": b1, "text": "Idée B1"}, callback=True)
    anne.emit("edit_idea", {"id": a1, "text": "Idée A1 corrigée"}, callback=True)
    anne.emit("withdraw_idea", {"id": a2}, callback=True)
    facilitator.emit("hide_idea", {"id": b1}, callback=True)
    facilitator.emit("restore_idea", {"id": b1}, callback=True)
    facilitator.emit("hide_idea", {"id": b1}, callback=True)
    facilitator.emit("set_posting", {"table_id": room.table_ids[1], "open": False}, callback=True)
    facilitator.emit("set_projector_view", {"view": room.table_ids[0]}, callback=True)
    facilitator.emit("set_joining", {"open": False}, callback=True)
    bob.emit("join_table", {"table_id": room.table_ids[2]}, callback=True)
    topics = [g["id"] for g in facilitator.snapshot["groups"] if g["table_id"] == room.table_ids[0]]
    mine, split = new_id(), new_id()
    facilitator.emit("create_group", {"id": mine, "table_id": room.table_ids[0], "label": "Mes idées"}, callback=True)
    facilitator.emit("move_idea", {"id": a1, "group_id": topics[0]}, callback=True)
    facilitator.emit("rename_group", {"id": topics[0], "label": "Tarifs"}, callback=True)
    facilitator.emit(
        "split_group", {"id": topics[0], "new_id": split, "label": "Part", "idea_ids": [a1]}, callback=True
    )
    facilitator.emit("merge_groups", {"id": split, "into": mine}, callback=True)
    facilitator.emit("move_idea", {"id": a1, "group_id": None}, callback=True)
    facilitator.emit("remove_group", {"id": topics[1]}, callback=True)
    d1, d2, d3 = new_id(), new_id(), new_id()
    anne.emit("post_idea", {"id": d1, "text": "Créer un annuaire des adhérents"}, callback=True)
    anne.emit("post_idea", {"id": d2, "text": "Créer un annuaire des adhérents !"}, callback=True)
    anne.emit("post_idea", {"id": d3, "text": "Créer un annuaire des adhérents ?"}, callback=True)
    facilitator.emit("merge_ideas", {"id": d2, "into": d1}, callback=True)
    facilitator.emit("dismiss_duplicate", {"id": d3}, callback=True)
    for group in [g for g in facilitator.snapshot["groups"] if g["table_id"] == room.table_ids[0]]:
        facilitator.emit("remove_group", {"id": group["id"]}, callback=True)
    proposal = facilitator.emit("regroup", {"table_id": room.table_ids[0]}, callback=True)["proposal"]
    accepted = [{"id": new_id(), "label": g["label"], "idea_ids": g["idea_ids"]} for g in proposal["groups"]]
    assert facilitator.emit("accept_proposal", {"table_id": room.table_ids[0], "groups": accepted}, callback=True)["ok"]
    return screens, old


def test_replayed_events_equal_a_fresh_snapshot(room):
    """Zulip's check: old snapshot + logged events == new snapshot, for every event type."""
    screens, old = _play_the_room(room)
    facilitator, projector = screens["facilitator"], screens["projector"]
    for sock, role in ((facilitator, "facilitator"), (projector, "projector")):
        snapshot, since = old[role]
        replay = sock.emit("sync", {"since": since}, callback=True)
        assert replay["mode"] == "events"
        types = {e["type"] for e in replay["events"]}
        assert {"idea_merged", "duplicate_dismissed", "board_regrouped", "group_split"} <= types, types
        state = snapshot
        for envelope in replay["events"]:
            state = apply_staff(state, envelope)
        fresh = sock.emit("sync", {"since": 0}, callback=True)
        assert fresh["seq"] == replay["seq"]
        assert comparable(state) == comparable(fresh["snapshot"])


def test_the_browser_stores_replay_the_same(room, tmp_path):
    """The same check through the browser's own stores (staff-state.js, participant-state.js) in Node:
    each screen's live events, and the server's sync replay, applied to its old snapshot."""
    screens, old = _play_the_room(room)
    clients = {}
    for name, sock in screens.items():
        snapshot, since = old[name]
        messages = [{"type": "event", "envelope": e} for e in events_of(sock)]
        replay = sock.emit("sync", {"since": since}, callback=True)
        fresh = sock.emit("sync", {"since": 0}, callback=True)
        clients[name] = {
            "kind": "participant" if name == "anne" else "staff",
            "role": snapshot["role"],
            "messages": messages,
            "checkpoints": [
                {"label": "before", "seq": since, "snapshot": snapshot, "count": 0},
                {
                    "label": "after",
                    "seq": fresh["seq"],
                    "snapshot": fresh["snapshot"],
                    "count": len(messages),
                    "replay": replay,
                },
            ],
        }
    verdict = replay_in_node({"checkpoints": ["before", "after"], "clients": clients}, tmp_path)
    assert verdict["failures"] == [] and verdict["gaps"] == [], verdict["failures"][:3] or verdict["gaps"][:3]
    assert verdict["checked_by_screen"] == {name: 1 for name in screens}
    assert {"idea_merged", "duplicate_dismissed", "board_regrouped", "group_split"} <= set(verdict["events_applied"])
    assert verdict["sync_replays"] == {"staff events": 2, "participant events": 1}, verdict["sync_replays"]


def test_reconnecting_client_gets_what_it_missed(room):
    anne = room.participant("Anne", table=0)
    projector = room.projector()
    last = projector.last
    projector.disconnect()
    missed = [new_id(), new_id()]
    for ident in missed:
        anne.emit("post_idea", {"id": ident, "text": "pendant la coupure"}, callback=True)
    back = room.connect({"role": "projector", "workshop": "DEVUP", "key": room.projector_key}, sync=False)
    ack = back.emit("sync", {"since": last}, callback=True)
    assert ack["mode"] == "events"
    assert [e["data"]["idea"]["id"] for e in ack["events"]] == missed
    assert ack["seq"] == ack["events"][-1]["seq"]
    assert ack["events"][0]["prev"] == last


def test_participant_replay_is_filtered_to_its_table(room):
    chloe, bob = room.participant("Chloé", table=0), room.participant("Bob", table=1)
    chloe.emit("post_idea", {"id": new_id(), "text": "déjà là"}, callback=True)
    anne = room.participant("Anne", table=0)
    since = anne.last
    bob.emit("post_idea", {"id": new_id(), "text": "autre table"}, callback=True)
    mine = new_id()
    chloe.emit("post_idea", {"id": mine, "text": "ma table"}, callback=True)
    ack = anne.emit("sync", {"since": since}, callback=True)
    assert ack["mode"] == "events"
    assert [e["data"]["idea"]["id"] for e in ack["events"]] == [mine]
    assert ack["events"][0]["prev"] == since


def test_gap_detected_by_prev_then_resync(room):
    """A client that lost one delivery sees prev != last and catches up with sync."""
    anne, facilitator = room.participant(), room.facilitator()
    last = facilitator.last
    anne.emit("post_idea", {"id": new_id(), "text": "un"}, callback=True)
    lost = events_of(facilitator)  # pretend this delivery never arrived
    anne.emit("post_idea", {"id": new_id(), "text": "deux"}, callback=True)
    second = events_of(facilitator)[0]
    assert classify(second, last) == GAP  # the client notices the gap...
    ack = facilitator.emit("sync", {"since": last}, callback=True)  # ...and asks again
    assert [e["seq"] for e in ack["events"]] == [lost[0]["seq"], second["seq"]]


def test_snapshot_when_too_many_missed_or_server_behind(make_app):
    from tests.conftest import Room

    room = Room(make_app(SYNC_MAX_EVENTS="3"))
    anne, projector = room.participant(), room.projector()
    since = projector.last
    for i in range(4):
        anne.emit("post_idea", {"id": new_id(), "text": f"n{i}"}, callback=True)
    ack = projector.emit("sync", {"since": since}, callback=True)
    assert ack["mode"] == "snapshot" and len(ack["snapshot"]["ideas"]) == 4
    # A client that knows more than the server (database reset) gets a snapshot.
    ahead = projector.emit("sync", {"since": ack["seq"] + 50}, callback=True)
    assert ahead["mode"] == "snapshot" and ahead["seq"] == ack["seq"]
    for bad in ({"since": -1}, {"since": "3"}, {"since": True}):
        assert projector.emit("sync", bad, callback=True)["error"] == "invalid_payload"
