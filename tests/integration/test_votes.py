"""Dot voting: limits, moving dots, opening and revealing, who sees the results, merges, ties, races."""

from __future__ import annotations

import threading
import time

import pytest

from facilitator import voting
from facilitator.extensions import db
from facilitator.models import Vote
from facilitator.votes_tally import tally
from tests.conftest import events_of, new_id
from tests.reference_client import apply_staff, comparable


def post(sock, count, prefix="Idée"):
    ids = [new_id() for _ in range(count)]
    for i, ident in enumerate(ids):
        assert sock.emit("post_idea", {"id": ident, "text": f"{prefix} {i}"}, callback=True)["ok"]
    return ids


def open_voting(facilitator, table_id, is_open=True):
    ack = facilitator.emit("set_voting", {"table_id": table_id, "open": is_open}, callback=True)
    assert ack["ok"], ack


def cast(sock, ident, kind="idea"):
    return sock.emit("cast_vote", {"target_kind": kind, "target_id": ident}, callback=True)


def retract(sock, ident, kind="idea"):
    return sock.emit("retract_vote", {"target_kind": kind, "target_id": ident}, callback=True)


def live_messages(sock):
    return [m["args"][0] for m in sock.get_received() if m["name"] == voting.LIVE_MESSAGE]


@pytest.fixture
def board(room):
    """Anne and Bob at table 1 with four ideas, Chloé at table 2 with one; voting open at table 1."""
    anne, bob = room.participant("Anne", table=0), room.participant("Bob", table=0)
    chloe = room.participant("Chloé", table=1)
    facilitator = room.facilitator()
    ideas = post(anne, 4)
    other = post(chloe, 1)[0]
    open_voting(facilitator, room.table_ids[0])
    for sock in (anne, bob, chloe, facilitator):
        sock.get_received()
    return anne, bob, chloe, facilitator, ideas, other


def test_per_person_and_per_item_limits(board):
    anne, _, _, _, ideas, _ = board
    for n, ident in enumerate(ideas[:3]):
        ack = cast(anne, ident)
        assert ack["ok"], ack
        assert ack["ballot"]["remaining"] == 2 - n
    fourth = cast(anne, ideas[3])
    assert fourth["error"] == "no_votes_left"
    assert fourth["message"] == "Vous avez utilisé vos 3 votes : retirez-en un pour voter ailleurs."
    assert retract(anne, ideas[0])["ballot"]["remaining"] == 1
    twice = cast(anne, ideas[1])
    assert twice["error"] == "item_vote_limit" and twice["message"] == "Au plus 1 vote(s) par élément."
    mine = anne.emit("get_votes", {}, callback=True)["voting"]
    assert {m["id"]: m["count"] for m in mine["mine"]} == {ideas[1]: 1, ideas[2]: 1}
    assert mine["used"] == 2 and mine["remaining"] == 1


def test_several_dots_on_one_item_when_allowed(room, board):
    anne, _, _, facilitator, ideas, _ = board
    ack = facilitator.emit("set_voting_settings", {"votes_per_person": 5, "votes_per_item": 2}, callback=True)
    assert ack["settings"] == {"votes_per_person": 5, "votes_per_item": 2, "target": "ideas", "live": False}
    assert cast(anne, ideas[0])["ok"] and cast(anne, ideas[0])["ok"]
    assert cast(anne, ideas[0])["error"] == "item_vote_limit"
    ballot = cast(anne, ideas[1])["ballot"]
    assert ballot["mine"] == sorted(
        [{"kind": "idea", "id": ideas[0], "count": 2}, {"kind": "idea", "id": ideas[1], "count": 1}],
        key=lambda m: m["id"],
    )
    assert ballot["remaining"] == 2


def test_errors_in_english(room, board):
    _, _, _, _, ideas, _ = board
    bob = room.participant("Bob", table=0, lang="en")
    for ident in ideas[:3]:
        cast(bob, ident)
    assert cast(bob, ideas[3])["message"] == "You have used your 3 votes: take one back to vote elsewhere."
    assert retract(bob, ideas[3])["message"] == "You have no vote on this item."


def test_moving_a_dot(board):
    anne, _, _, _, ideas, _ = board
    for ident in ideas[:3]:
        cast(anne, ident)
    # Full: moving is retract + cast at once, so it works where a cast would not.
    ack = anne.emit("move_vote", {"target_kind": "idea", "from": ideas[0], "to": ideas[3]}, callback=True)
    assert ack["ok"], ack
    assert {m["id"] for m in ack["ballot"]["mine"]} == {ideas[1], ideas[2], ideas[3]}
    # A refused move changes nothing (no dot on `from`; `to` already at its limit).
    for source, dest, error in (
        (ideas[0], ideas[1], "no_vote_to_retract"),
        (ideas[1], ideas[2], "item_vote_limit"),
        (ideas[1], ideas[1], "invalid_payload"),
    ):
        ack = anne.emit("move_vote", {"target_kind": "idea", "from": source, "to": dest}, callback=True)
        assert ack["error"] == error, ack
    assert {m["id"] for m in anne.emit("get_votes", {}, callback=True)["voting"]["mine"]} == {
        ideas[1],
        ideas[2],
        ideas[3],
    }


def test_closed_voting_is_refused(room, board):
    anne, _, _, facilitator, ideas, _ = board
    assert cast(anne, ideas[0])["ok"]
    open_voting(facilitator, room.table_ids[0], False)
    assert [e["type"] for e in events_of(anne)][-1] == "voting_changed"
    for ack in (
        cast(anne, ideas[1]),
        retract(anne, ideas[0]),
        anne.emit("move_vote", {"target_kind": "idea", "from": ideas[0], "to": ideas[1]}, callback=True),
    ):
        assert ack["error"] == "voting_closed"
        assert ack["message"] == "Le vote n'est pas ouvert à votre table."
    # Closing then reopening keeps the dots.
    open_voting(facilitator, room.table_ids[0])
    assert anne.emit("get_votes", {}, callback=True)["voting"]["used"] == 1


def test_only_items_of_ones_table_and_of_the_target_kind(room, board):
    anne, _, chloe, facilitator, ideas, other = board
    assert cast(anne, other)["error"] == "vote_other_table"
    assert cast(chloe, ideas[0])["error"] == "voting_closed"  # table 2 has not opened voting
    open_voting(facilitator, room.table_ids[1])
    assert cast(chloe, ideas[0])["error"] == "vote_other_table"
    assert cast(anne, new_id())["error"] == "not_found"
    facilitator.emit("hide_idea", {"id": ideas[0]}, callback=True)
    assert cast(anne, ideas[0])["error"] == "not_found"
    group = next(g["id"] for g in facilitator.snapshot["groups"] if g["table_id"] == room.table_ids[0])
    wrong = cast(anne, group, "group")
    assert wrong["error"] == "wrong_vote_target" and wrong["message"] == "Le vote porte sur les idées de la table."
    assert cast(anne, ideas[1], "person")["error"] == "invalid_payload"
    assert cast(anne, "not-a-uuid")["error"] == "invalid_id"


def test_table_facilitator_opens_only_their_table(room, app):
    with app.app_context():
        from facilitator.models import RoundTable

        keys = {t.id: t.facilitator_key for t in db.session.execute(db.select(RoundTable)).scalars()}
    second = room.connect({"role": "facilitator", "workshop": "DEVUP", "key": keys[room.table_ids[1]]})
    assert second.emit("set_voting", {"table_id": room.table_ids[1], "open": True}, callback=True)["ok"]
    for name, payload in (
        ("set_voting", {"table_id": room.table_ids[0], "open": True}),
        ("reveal_votes", {"table_id": room.table_ids[0], "revealed": True}),
    ):
        assert second.emit(name, payload, callback=True)["error"] == "other_table_forbidden"
    assert second.emit("set_voting_settings", {"live": True}, callback=True)["error"] == "lead_only"


def test_settings_are_validated_and_frozen_once_dots_are_cast(room, board):
    anne, _, _, facilitator, ideas, _ = board
    for payload, error in (
        ({"votes_per_person": 0}, "invalid_payload"),
        ({"votes_per_person": 21}, "invalid_payload"),
        ({"votes_per_item": True}, "invalid_payload"),
        ({"target": "people"}, "invalid_payload"),
        ({"votes_per_item": 4}, "invalid_vote_settings"),
        ({"live": "yes"}, "invalid_payload"),
    ):
        assert facilitator.emit("set_voting_settings", payload, callback=True)["error"] == error, payload
    cast(anne, ideas[0])
    for payload in ({"target": "groups"}, {"votes_per_person": 2}):
        ack = facilitator.emit("set_voting_settings", payload, callback=True)
        assert ack["error"] == "votes_exist", ack
    assert facilitator.emit("set_voting_settings", {"votes_per_person": 4, "live": True}, callback=True)["ok"]
    assert anne.emit("get_votes", {}, callback=True)["voting"]["remaining"] == 3


def test_hidden_results_reach_facilitators_only(room, board):
    """Before the reveal, the projector and phones get dot counts, never the per-item tally."""
    anne, bob, _, facilitator, ideas, _ = board
    table = room.table_ids[0]
    projector = room.projector()
    cast(anne, ideas[0])
    cast(bob, ideas[0])
    cast(bob, ideas[1])
    received = {
        name: sock.get_received()
        for name, sock in (("projector", projector), ("anne", anne), ("facilitator", facilitator))
    }
    for name, messages in received.items():
        changes = [m["args"][0] for m in messages if m["name"] == "event" and m["args"][0]["type"] == "votes_changed"]
        assert [(e["data"]["dots"], e["data"]["voters"], e["data"]["tally"]) for e in changes] == [
            (1, 1, None),
            (2, 2, None),
            (3, 2, None),
        ], name
        if name != "facilitator":
            assert all(m["name"] != voting.LIVE_MESSAGE for m in messages), name
    live = [m["args"][0] for m in received["facilitator"] if m["name"] == voting.LIVE_MESSAGE]
    assert [(m["table_id"], m["dots"]) for m in live] == [(table, 1), (table, 2), (table, 3)]
    assert [(r["id"], r["votes"], r["rank"]) for r in live[-1]["tally"]] == [(ideas[0], 2, 1), (ideas[1], 1, 2)]
    # Snapshots: the room's have no tally; the facilitator asks for live counts.
    for sock in (projector, facilitator):
        snap = sock.emit("sync", {"since": 0}, callback=True)["snapshot"]
        assert snap["votes"][str(table)] == {"dots": 3, "voters": 2, "tally": None}
        assert snap["tables"][0]["voting_open"] is True and snap["tables"][0]["votes_revealed"] is False
    assert anne.emit("sync", {"since": 0}, callback=True)["snapshot"]["voting"]["results"]["tally"] is None
    assert projector.emit("get_votes", {}, callback=True)["results"][str(table)]["tally"] is None
    assert facilitator.emit("get_votes", {}, callback=True)["live"][str(table)]["tally"] == live[-1]["tally"]

    # Reveal: the tally goes to everyone at once.
    assert facilitator.emit("reveal_votes", {"table_id": table, "revealed": True}, callback=True)["ok"]
    for sock in (projector, anne, bob):
        revealed = [e for e in events_of(sock) if e["type"] == "votes_revealed"][0]["data"]
        assert revealed["revealed"] is True and [r["votes"] for r in revealed["tally"]] == [2, 1]
    assert (
        projector.emit("sync", {"since": 0}, callback=True)["snapshot"]["votes"][str(table)]["tally"][0]["id"]
        == ideas[0]
    )
    cast(anne, ideas[1])  # now visible: later changes carry the tally
    change = [e for e in events_of(projector) if e["type"] == "votes_changed"][-1]["data"]
    assert [(r["votes"], r["rank"], r["tied"]) for r in change["tally"]] == [(2, 1, True), (2, 1, True)]


def test_live_results_are_visible_without_reveal(room, board):
    anne, _, chloe, facilitator, ideas, _ = board
    projector = room.projector()
    cast(anne, ideas[2])
    assert facilitator.emit("set_voting_settings", {"live": True}, callback=True)["ok"]
    changed = [e for e in events_of(chloe) if e["type"] == "voting_settings_changed"][0]["data"]
    assert changed["settings"]["live"] is True  # workshop-wide: every table hears it
    assert changed["results"][str(room.table_ids[0])]["tally"][0]["id"] == ideas[2]
    cast(anne, ideas[3])
    tallies = [e["data"]["tally"] for e in events_of(projector) if e["type"] == "votes_changed"]
    assert [r["votes"] for r in tallies[-1]] == [1, 1]


def test_merged_ideas_keep_their_dots_and_hidden_ones_do_not_count(room, board):
    anne, bob, _, facilitator, ideas, _ = board
    cast(anne, ideas[0])
    cast(bob, ideas[1])
    cast(bob, ideas[2])
    # The board is frozen while the table votes: close the vote, merge, (re)open.
    frozen = facilitator.emit("merge_ideas", {"id": ideas[1], "into": ideas[0]}, callback=True)
    assert frozen["error"] == "board_frozen" and "figé pendant le vote" in frozen["message"]
    open_voting(facilitator, room.table_ids[0], False)
    assert facilitator.emit("merge_ideas", {"id": ideas[1], "into": ideas[0]}, callback=True)["ok"]
    open_voting(facilitator, room.table_ids[0])
    live = live_messages(facilitator)[-1]
    assert [(r["id"], r["votes"]) for r in live["tally"]] == [(ideas[0], 2), (ideas[2], 1)]
    assert bob.emit("get_votes", {}, callback=True)["voting"]["mine"] == sorted(
        [{"kind": "idea", "id": ideas[0], "count": 1}, {"kind": "idea", "id": ideas[2], "count": 1}],
        key=lambda m: m["id"],
    )
    facilitator.emit("hide_idea", {"id": ideas[2]}, callback=True)
    live = live_messages(facilitator)[-1]
    assert [r["id"] for r in live["tally"]] == [ideas[0]] and live["dots"] == 2
    # The hidden idea's dot stays spent until taken back (allowed even though hidden).
    assert bob.emit("get_votes", {}, callback=True)["voting"]["remaining"] == 1
    facilitator.emit("restore_idea", {"id": ideas[2]}, callback=True)
    assert live_messages(facilitator)[-1]["dots"] == 3
    facilitator.emit("hide_idea", {"id": ideas[2]}, callback=True)
    assert retract(bob, ideas[2])["ballot"]["remaining"] == 2


def test_votes_on_groups_follow_merges(room, board):
    anne, bob, _, facilitator, _, _ = board
    table = room.table_ids[0]
    assert facilitator.emit("set_voting_settings", {"target": "groups"}, callback=True)["ok"]
    voting_block = anne.emit("get_votes", {}, callback=True)["voting"]
    groups = [item["id"] for item in voting_block["items"]]
    assert len(groups) == 4 and voting_block["items"][0]["label"]
    cast(anne, groups[0], "group")
    cast(bob, groups[1], "group")
    cast(bob, groups[2], "group")
    frozen = facilitator.emit("merge_groups", {"id": groups[1], "into": groups[0]}, callback=True)
    assert frozen["error"] == "board_frozen"
    open_voting(facilitator, table, False)
    assert facilitator.emit("merge_groups", {"id": groups[1], "into": groups[0]}, callback=True)["ok"]
    assert [(r["id"], r["votes"]) for r in live_messages(facilitator)[-1]["tally"]] == [(groups[0], 2), (groups[2], 1)]
    assert facilitator.emit("remove_group", {"id": groups[2]}, callback=True)["ok"]
    live = live_messages(facilitator)[-1]
    assert live["table_id"] == table and [(r["id"], r["votes"]) for r in live["tally"]] == [(groups[0], 2)]
    open_voting(facilitator, table)
    assert cast(bob, groups[2], "group")["error"] == "not_found"


def test_the_board_is_frozen_while_its_table_votes(room, board):
    """Grouping commands that change the ballot wait for the vote to close; renaming and moderation do not."""
    anne, _, chloe, facilitator, ideas, other = board
    table, elsewhere = room.table_ids[0], room.table_ids[1]
    group = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]["groups"]
    mine = [g["id"] for g in group if g["table_id"] == table]
    theirs = next(g["id"] for g in group if g["table_id"] == elsewhere)
    tried = {
        "create_group": {"id": new_id(), "table_id": table, "label": "Nouveau"},
        "move_idea": {"id": ideas[0], "group_id": mine[1]},
        "merge_groups": {"id": mine[1], "into": mine[0]},
        "split_group": {"id": mine[0], "new_id": new_id(), "label": "Moitié", "idea_ids": [ideas[0]]},
        "remove_group": {"id": mine[2]},
        "regroup": {"table_id": table},
        "accept_proposal": {
            "table_id": table,
            "groups": [{"id": new_id(), "label": "Proposé", "idea_ids": [ideas[2]]}],
        },
        "merge_ideas": {"id": ideas[1], "into": ideas[0]},
    }
    before = facilitator.emit("sync", {"since": 0}, callback=True)
    for name, payload in tried.items():
        ack = facilitator.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == "board_frozen", (name, ack)
    english = room.facilitator(lang="en")
    assert english.emit("remove_group", {"id": mine[2]}, callback=True)["message"].startswith(
        "This table's board is frozen while it votes"
    )
    after = facilitator.emit("sync", {"since": before["seq"]}, callback=True)
    assert after["mode"] == "events" and after["events"] == []  # nothing changed, nothing logged
    # Still open: renaming, moderation, and the other table (not voting).
    assert facilitator.emit("rename_group", {"id": mine[0], "label": "Un meilleur nom"}, callback=True)["ok"]
    assert facilitator.emit("hide_idea", {"id": ideas[3]}, callback=True)["ok"]
    assert facilitator.emit("move_idea", {"id": other, "group_id": theirs}, callback=True)["ok"]
    # A move that already happened (a retry after a lost ack) is still acked.
    assert facilitator.emit("move_idea", {"id": other, "group_id": theirs}, callback=True)["ok"]
    # Closing the table's vote unfreezes its board; the dots cast meanwhile stay.
    assert cast(anne, ideas[0])["ok"]
    open_voting(facilitator, table, False)
    assert facilitator.emit("move_idea", {"id": ideas[0], "group_id": mine[1]}, callback=True)["ok"]
    open_voting(facilitator, table)
    assert anne.emit("get_votes", {}, callback=True)["voting"]["used"] == 1


def test_ties_share_a_rank():
    dots = [("idea", "a")] * 3 + [("idea", "b")] * 3 + [("idea", "c")] * 1 + [("idea", "d")] * 1 + [("idea", "x")]
    rows = tally(
        dots,
        alias={("idea", "x"): ("idea", "e"), ("idea", "e"): ("idea", "c")},
        counted=[("idea", i) for i in "abcdf"],
        items=[("idea", "f")],
        order={("idea", "b"): 0, ("idea", "a"): 1},
    )
    assert [(r["id"], r["votes"], r["rank"], r["tied"]) for r in rows] == [
        ("b", 3, 1, True),
        ("a", 3, 1, True),
        ("c", 2, 3, False),
        ("d", 1, 4, False),
        ("f", 0, 5, False),
    ]
    assert tally([]) == []


def test_ties_on_the_live_board(board):
    anne, bob, _, facilitator, ideas, _ = board
    for sock, ident in ((anne, ideas[0]), (bob, ideas[1]), (anne, ideas[2]), (bob, ideas[2])):
        cast(sock, ident)
    rows = live_messages(facilitator)[-1]["tally"]
    assert [(r["id"], r["rank"], r["tied"]) for r in rows] == [
        (ideas[2], 1, False),
        (ideas[0], 2, True),
        (ideas[1], 2, True),
    ]


def test_replayed_voting_events_equal_a_fresh_snapshot(room, board):
    anne, bob, chloe, facilitator, ideas, other = board
    old = facilitator.emit("sync", {"since": 0}, callback=True)
    projector_old = room.projector().emit("sync", {"since": 0}, callback=True)
    cast(anne, ideas[0])
    cast(bob, ideas[0])
    facilitator.emit("reveal_votes", {"table_id": room.table_ids[0], "revealed": True}, callback=True)
    anne.emit("move_vote", {"target_kind": "idea", "from": ideas[0], "to": ideas[1]}, callback=True)
    facilitator.emit("merge_ideas", {"id": ideas[1], "into": ideas[0]}, callback=True)
    facilitator.emit("set_voting_settings", {"live": True, "votes_per_person": 4}, callback=True)
    open_voting(facilitator, room.table_ids[1])
    cast(chloe, other)
    facilitator.emit("reveal_votes", {"table_id": room.table_ids[0], "revealed": False}, callback=True)
    facilitator.emit("set_voting_settings", {"live": False}, callback=True)
    open_voting(facilitator, room.table_ids[0], False)
    for sock, before in ((facilitator, old), (room.projector(), projector_old)):
        replay = sock.emit("sync", {"since": before["seq"]}, callback=True)
        assert replay["mode"] == "events"
        state = before["snapshot"]
        for envelope in replay["events"]:
            state = apply_staff(state, envelope)
        fresh = sock.emit("sync", {"since": 0}, callback=True)["snapshot"]
        assert comparable(state) == comparable(fresh)
        assert fresh["votes"][str(room.table_ids[1])]["tally"] is None  # hidden again once live is off


def test_two_quick_casts_never_exceed_the_limit(room, board, monkeypatch):
    """Four connections of one participant cast at once, with a slowed lock: exactly the limit is stored."""
    anne, _, _, _, ideas, _ = board
    cast(anne, ideas[0])
    cast(anne, ideas[1])  # one dot left
    real_lock = voting.lock_workshop

    def slow_lock(workshop_id):  # widen the window between taking the lock and counting
        real_lock(workshop_id)
        time.sleep(0.2)

    monkeypatch.setattr(voting, "lock_workshop", slow_lock)
    socks = [room.connect({"role": "participant", "token": anne.token}) for _ in range(4)]
    ready, acks = threading.Barrier(len(socks)), []

    def run(sock, ident):
        ready.wait()
        acks.append(cast(sock, ident))

    threads = [threading.Thread(target=run, args=(sock, ideas[2 + i % 2])) for i, sock in enumerate(socks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a.get("error", "ok") for a in acks) == ["no_votes_left"] * 3 + ["ok"], acks
    with room.app.app_context():
        assert db.session.execute(db.select(db.func.count(Vote.id))).scalar_one() == 3
        db.session.remove()


def test_definition_voting_block_and_reload(app, tmp_path):
    """Defaults come from the file; a reload keeps settings changed live, and never changes them once dots exist."""
    from facilitator.config import ROOT
    from facilitator.models import Workshop
    from facilitator.workshops import sync_workshops

    folder = tmp_path / "sessions"
    folder.mkdir()
    text = (ROOT / "sessions" / "example-generic.yaml").read_text(encoding="utf-8")
    (folder / "w.yaml").write_text(
        text + "\nvoting:\n  votes_per_person: 5\n  votes_per_item: 2\n  target: groups\n  live: true\n",
        encoding="utf-8",
    )
    with app.app_context():
        workshop = sync_workshops(folder)[0]
        assert voting.settings_dict(workshop) == {
            "votes_per_person": 5,
            "votes_per_item": 2,
            "target": "groups",
            "live": True,
        }
        workshop.votes_per_person = 7  # changed from the console
        db.session.commit()
        sync_workshops(folder)
        assert db.session.get(Workshop, workshop.id).votes_per_person == 7  # same file: the live value stays
        (folder / "w.yaml").write_text(text + "\nvoting:\n  votes_per_person: 4\n", encoding="utf-8")
        sync_workshops(folder)
        assert voting.settings_dict(db.session.get(Workshop, workshop.id)) == {
            "votes_per_person": 4,
            "votes_per_item": 1,
            "target": "ideas",
            "live": False,
        }
        db.session.remove()
