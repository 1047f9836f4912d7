"""Round tables: table facilitators' scope, concurrent facilitators, seating, rotation,
anonymity on the projector, typo corrections and the author hearing of their ideas."""

from __future__ import annotations

import json
import re
import threading

from facilitator.actions.tables import plan_balanced, plan_fill
from facilitator.extensions import db
from facilitator.models import Event, Idea, Participant, RoundTable
from tests.conftest import Room, events_of, new_id
from tests.reference_client import GAP, STALE, apply_staff, classify, comparable


def table_key(room: Room, index: int) -> str:
    with room.app.app_context():
        return db.session.get(RoundTable, room.table_ids[index]).facilitator_key


def table_facilitator(room: Room, index: int, lang: str = "fr"):
    return room.connect({"role": "facilitator", "workshop": room.code, "key": table_key(room, index), "lang": lang})


def post(sock, text: str) -> str:
    ident = new_id()
    ack = sock.emit("post_idea", {"id": ident, "text": text}, callback=True)
    assert ack["ok"], ack
    return ident


def messages(sock, name: str) -> list:
    return [m["args"][0] for m in sock.get_received() if m["name"] == name]


def snapshot(sock) -> dict:
    ack = sock.emit("sync", {"since": 0}, callback=True)
    assert ack["ok"], ack
    return ack["snapshot"]


def seats(room: Room) -> dict[int, int | None]:
    with room.app.app_context():
        return {
            p.id: p.table_id
            for p in db.session.execute(
                db.select(Participant).where(Participant.workshop_id == room.workshop_id)
            ).scalars()
        }


# -- the table facilitator's console ---------------------------------------------------


def test_console_page_carries_the_scope(room, client):
    for key, expected in ((table_key(room, 1), room.table_ids[1]), (room.facilitator_key, None)):
        html = client.get(f"/w/DEVUP/console?key={key}").get_data(as_text=True)
        config = json.loads(re.search(r'id="page-config">(.*?)</script>', html).group(1))
        assert config["table_id"] == expected
    # A table's key opens nothing else: not the projector, not another workshop's console.
    assert client.get(f"/w/DEVUP/projector?key={table_key(room, 0)}").status_code == 403


def test_authorisation_matrix(room):
    anne = room.participant("Anne", table=0)
    bob = room.participant("Bob", table=1)
    mine, theirs = post(anne, "Idée de la table 1"), post(bob, "Idée de la table 2")
    own, other = room.table_ids[0], room.table_ids[1]
    t1 = table_facilitator(room, 0)
    allowed = [
        ("set_posting", {"table_id": own, "open": False}),
        ("set_posting", {"table_id": own, "open": True}),
        ("hide_idea", {"id": mine}),
        ("restore_idea", {"id": mine}),
        ("correct_idea", {"id": mine, "text": "Idée de la table 1 (corrigée)"}),
        ("create_group", {"id": new_id(), "table_id": own, "label": "Nouveau"}),
        ("regroup", {"table_id": own}),
        # Sending someone of one's own table to another table is allowed ...
        ("move_participant", {"participant_id": anne.participant["id"], "table_id": other}),
    ]
    for name, payload in allowed:
        ack = t1.emit(name, payload, callback=True)
        assert ack["ok"], (name, ack)
    refused_other = [
        ("set_posting", {"table_id": other, "open": False}),
        ("hide_idea", {"id": theirs}),
        ("correct_idea", {"id": theirs, "text": "Corrigé par la mauvaise table"}),
        ("create_group", {"id": new_id(), "table_id": other, "label": "Intrus"}),
        ("regroup", {"table_id": other}),
        # ... pulling someone away from another table is not (Anne sits at table 2 now).
        ("move_participant", {"participant_id": anne.participant["id"], "table_id": own}),
        ("move_participant", {"participant_id": bob.participant["id"], "table_id": own}),
    ]
    refused_lead = [
        ("set_joining", {"open": False}),
        ("set_projector_view", {"view": own}),
        ("assign_tables", {"mode": "fill"}),
        ("rotate_tables", {"round": 1}),
        ("set_show_authors", {"show": False}),
    ]
    before = snapshot(room.facilitator())
    for name, payload in refused_other + refused_lead:
        ack = t1.emit(name, payload, callback=True)
        code = "other_table_forbidden" if (name, payload) in refused_other else "lead_only"
        assert ack["ok"] is False and ack["error"] == code, (name, ack)
    assert snapshot(room.facilitator()) == before  # nothing changed
    en = table_facilitator(room, 0, lang="en")
    ack = en.emit("set_joining", {"open": False}, callback=True)
    assert ack["message"] == "Only the lead facilitator can do this."
    # The lead may do all of it.
    lead = room.facilitator()
    for name, payload in [
        ("move_participant", {"participant_id": bob.participant["id"], "table_id": own}),
        ("hide_idea", {"id": theirs}),
        ("set_show_authors", {"show": False}),
        ("assign_tables", {"mode": "fill"}),
    ]:
        ack = lead.emit(name, payload, callback=True)
        assert ack["ok"], (name, ack)


def test_unseated_participant_may_be_seated_by_the_destination_table(room):
    body, status = room.join("Chloé", table=None)
    assert status == 201
    t2 = table_facilitator(room, 1)
    ack = table_facilitator(room, 0).emit(
        "move_participant", {"participant_id": body["participant"]["id"], "table_id": room.table_ids[1]}, callback=True
    )
    assert ack["error"] == "other_table_forbidden"
    ack = t2.emit(
        "move_participant", {"participant_id": body["participant"]["id"], "table_id": room.table_ids[1]}, callback=True
    )
    assert ack["ok"] and ack["participant"]["table_id"] == room.table_ids[1]


def test_bad_seating_payloads(room):
    lead = room.facilitator()
    anne = room.participant()
    cases = [
        ("assign_tables", {"mode": "random"}, "invalid_payload"),
        ("assign_tables", {}, "invalid_payload"),
        ("move_participant", {"participant_id": anne.participant["id"]}, "invalid_payload"),
        ("move_participant", {"participant_id": 999999, "table_id": room.table_ids[0]}, "not_found"),
        ("move_participant", {"participant_id": anne.participant["id"], "table_id": 999999}, "not_found"),
        ("move_participant", {"participant_id": "7", "table_id": room.table_ids[0]}, "invalid_payload"),
        ("rotate_tables", {}, "invalid_payload"),
        ("set_show_authors", {"show": "no"}, "invalid_payload"),
        ("correct_idea", {"id": "nope", "text": "x"}, "invalid_id"),
        ("correct_idea", {"id": new_id(), "text": "x"}, "not_found"),
    ]
    for name, payload, code in cases:
        ack = lead.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == code, (name, payload, ack)


# -- several facilitators at once -----------------------------------------------------


def test_concurrent_facilitators_converge(room):
    """Two table facilitators and the lead act at the same moment, on different tables and on
    one board: every command is acknowledged, nothing is lost, every screen ends identical."""
    people = [room.participant(f"P{i}", table=i % 2) for i in range(4)]
    ideas = {
        i: [post(p, f"Idée {i}-{k} sur la mobilité et les talents") for k in range(3)] for i, p in enumerate(people)
    }
    lead, t1, t2 = room.facilitator(), table_facilitator(room, 0), table_facilitator(room, 1)
    projector = room.projector()
    screens = {"lead": lead, "t1": t1, "t2": t2, "projector": projector}
    start = {name: (sock.snapshot, sock.last) for name, sock in screens.items()}
    for sock in screens.values():
        sock.get_received()
    board1 = [i for p in (0, 2) for i in ideas[p]]  # table 1's ideas
    board2 = [i for p in (1, 3) for i in ideas[p]]
    g_lead, g_t1, g_t2 = new_id(), new_id(), new_id()
    plans = {
        # lead and t1 both work on table 1's board; t2 on table 2's.
        "lead": [("create_group", {"id": g_lead, "table_id": room.table_ids[0], "label": "Par l'animateur"})]
        + [("correct_idea", {"id": i, "text": f"Corrigé {i[:4]}"}) for i in board1[:3]],
        "t1": [("create_group", {"id": g_t1, "table_id": room.table_ids[0], "label": "Par la table"})]
        + [("hide_idea", {"id": i}) for i in board1[3:]],
        "t2": [("create_group", {"id": g_t2, "table_id": room.table_ids[1], "label": "Table deux"})]
        + [("correct_idea", {"id": i, "text": f"T2 {i[:4]}"}) for i in board2],
    }
    acks: dict[str, list] = {name: [] for name in plans}
    barrier = threading.Barrier(len(plans))

    def act(name):
        barrier.wait()
        for command, payload in plans[name]:
            acks[name].append((command, screens[name].emit(command, payload, callback=True)))

    threads = [threading.Thread(target=act, args=(name,)) for name in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for name, results in acks.items():
        assert len(results) == len(plans[name])
        for command, ack in results:
            assert ack["ok"], (name, command, ack)
    fresh = {name: snapshot(sock) for name, sock in screens.items()}
    facts = fresh["lead"]
    labels = {g["label"] for g in facts["groups"]}
    assert {"Par l'animateur", "Par la table", "Table deux"} <= labels  # no lost update
    by_id = {i["id"]: i for i in facts["ideas"]}
    assert all(by_id[i]["state"] == "hidden" for i in board1[3:])
    assert all(by_id[i]["text"].startswith("Corrigé") and by_id[i]["corrected_at"] for i in board1[:3])
    assert all(by_id[i]["text"].startswith("T2") for i in board2)
    # Each screen, applying the events it received live to its old snapshot as the browser client
    # does, equals a fresh snapshot. Concurrent commands commit in seq order but may emit in another
    # order: a client that sees an event whose `prev` is not its last seq syncs (docs/protocol.md).
    for name, sock in screens.items():
        state, last = start[name]
        received = events_of(sock)
        seqs = [e["seq"] for e in received]
        assert len(seqs) == len(set(seqs)), name  # each event delivered once
        for envelope in received:
            rule = classify(envelope, last)  # the shared envelope rule (static/js/envelope.js)
            if rule == STALE:
                continue  # already applied through a sync
            if rule == GAP:
                reply = sock.emit("sync", {"since": last}, callback=True)
                assert reply["ok"] and reply["mode"] == "events", (name, reply)
                for missed in reply["events"]:
                    state, last = apply_staff(state, missed), missed["seq"]
                continue
            state, last = apply_staff(state, envelope), envelope["seq"]
        assert comparable(state) == comparable(fresh[name]), name
    assert fresh["t1"] == fresh["lead"]  # a table facilitator sees everything


# -- seating ----------------------------------------------------------------------------


def test_plans():
    people = [(1, "A"), (2, "A"), (3, "A"), (4, "A"), (5, "B"), (6, "B"), (7, "B"), (8, "c"), (9, "C ")]
    plan = plan_balanced(people, [10, 20, 30])
    counts = {t: sum(1 for v in plan.values() if v == t) for t in (10, 20, 30)}
    assert counts == {10: 3, 20: 3, 30: 3}
    for org, members in (("A", [1, 2, 3, 4]), ("B", [5, 6, 7]), ("C", [8, 9])):
        tables = [plan[m] for m in members]
        assert max(tables.count(t) for t in set(tables)) == -(-len(members) // 3), org
    assert plan_balanced(people, [10, 20, 30]) == plan  # deterministic
    assert plan_fill({1: 10, 2: 10, 3: 20}, [4, 5, 6], [10, 20, 30]) == {4: 30, 5: 20, 6: 30}


def test_assign_tables_balanced_by_organisation(room):
    orgs = ["Cosmetic Valley"] * 4 + ["Polepharma"] * 3 + ["S2E2"] * 2
    phones = []
    for i, org in enumerate(orgs):
        body, status = room.join(f"P{i}", organisation=org, table=0 if i < 6 else None)
        assert status == 201
        phones.append(room.connect({"role": "participant", "token": body["token"]}))
        phones[-1].participant = body["participant"]
    lead = room.facilitator()
    ack = lead.emit("assign_tables", {"mode": "balanced_by_organisation"}, callback=True)
    assert ack["ok"] and ack["moved"] > 0
    placed = seats(room)
    counts = [list(placed.values()).count(t) for t in room.table_ids]
    assert counts == [3, 3, 3]
    for org in set(orgs):
        at = [placed[p.participant["id"]] for p, o in zip(phones, orgs) if o == org]
        assert max(at.count(t) for t in at) <= -(-at.__len__() // 3)
    logged = [e for e in events_of(lead) if e["type"] == "tables_assigned"]
    assert len(logged) == 1 and logged[0]["data"]["mode"] == "balanced_by_organisation"
    assert {m["participant_id"]: m["table_id"] for m in logged[0]["data"]["moves"]}.items() <= placed.items()
    # Every moved phone was told, and after its sync it lives at its new table.
    moved = {m["participant_id"] for m in logged[0]["data"]["moves"]}
    for phone in phones:
        told = messages(phone, "moved")
        if phone.participant["id"] in moved:
            assert told == [{"table_id": placed[phone.participant["id"]]}]
            phone.snapshot = snapshot(phone)
            assert phone.snapshot["me"]["table_id"] == placed[phone.participant["id"]]
        else:
            assert told == []
    # Running it again changes nothing (same people, same plan) and logs nothing.
    ack = lead.emit("assign_tables", {"mode": "balanced_by_organisation"}, callback=True)
    assert ack == {"ok": True, "moved": 0}
    assert events_of(lead) == []


def test_assign_tables_fill_seats_only_the_unseated(room):
    seated = [room.participant(f"S{i}", table=0) for i in range(3)]
    newcomers = [room.join(f"N{i}", table=None)[0]["participant"]["id"] for i in range(4)]
    before = seats(room)
    ack = room.facilitator().emit("assign_tables", {"mode": "fill"}, callback=True)
    assert ack == {"ok": True, "moved": 4}
    after = seats(room)
    assert all(after[s.participant["id"]] == before[s.participant["id"]] for s in seated)
    counts = [list(after.values()).count(t) for t in room.table_ids]
    assert counts == [3, 2, 2]
    assert all(after[n] is not None for n in newcomers)


def test_moved_phone_switches_rooms_live(room):
    anne = room.participant("Anne", table=0)
    carl = room.participant("Carl", table=0)
    bob = room.participant("Bob", table=1)
    kept = post(anne, "Une idée qui reste sur la table 1")
    anne.get_received()
    ack = room.facilitator().emit(
        "move_participant", {"participant_id": anne.participant["id"], "table_id": room.table_ids[1]}, callback=True
    )
    assert ack["ok"]
    received = anne.get_received()
    assert [m["args"][0] for m in received if m["name"] == "moved"] == [{"table_id": room.table_ids[1]}]
    # Already in the new room, before any sync: Bob's idea reaches her, Carl's (old table) does not.
    post(carl, "Sur l'ancienne table")
    post(bob, "Sur la nouvelle table")
    texts = [e["data"]["idea"]["text"] for e in events_of(anne) if e["type"] == "idea_posted"]
    assert texts == ["Sur la nouvelle table"]
    # Her sync from the old stream's seq answers with the new table's snapshot.
    ack = anne.emit("sync", {"since": anne.last}, callback=True)
    assert ack["mode"] == "snapshot"
    snap = ack["snapshot"]
    assert snap["me"]["table_id"] == room.table_ids[1]
    assert [i["text"] for i in snap["table_ideas"]] == ["Sur la nouvelle table"]
    assert [i["id"] for i in snap["my_ideas"]] == [kept]  # her idea stayed on the board of table 1
    with room.app.app_context():
        assert db.session.get(Idea, kept).table_id == room.table_ids[0]
    # Moving to the table one already sits at logs nothing.
    lead = room.facilitator()
    ack = lead.emit(
        "move_participant", {"participant_id": anne.participant["id"], "table_id": room.table_ids[1]}, callback=True
    )
    assert ack["ok"] and events_of(lead) == []


def test_phone_offline_during_a_move_gets_its_new_table_on_reconnect(room):
    anne = room.participant("Anne", table=0)
    since = anne.last
    anne.disconnect()
    room.facilitator().emit(
        "move_participant", {"participant_id": anne.participant["id"], "table_id": room.table_ids[2]}, callback=True
    )
    bob = room.participant("Bob", table=2)
    post(bob, "Idée de la table 3")
    again = room.connect({"role": "participant", "token": anne.token}, sync=False)
    ack = again.emit("sync", {"since": since}, callback=True)
    assert ack["mode"] == "snapshot" and ack["snapshot"]["me"]["table_id"] == room.table_ids[2]
    post(bob, "Encore une")
    assert [e["data"]["idea"]["text"] for e in events_of(again)] == ["Encore une"]


# -- rotation ---------------------------------------------------------------------------


def test_rotation_moves_everyone_to_the_next_table(make_app):
    app = make_app()
    room = Room(app, "TERRITOIRE")
    assert len(room.table_ids) == 2
    anne, bob = room.participant("Anne", table=0), room.participant("Bob", table=1)
    idle, _ = room.join("Zoé", table=None)
    first, second = post(anne, "Idée posée au premier tour"), post(bob, "Autre idée du premier tour")
    lead, projector = room.facilitator(), room.projector()
    start, start_last = lead.snapshot, lead.last
    assert start["workshop"]["rotation"] is True and start["workshop"]["rotation_round"] == 0
    ack = lead.emit("rotate_tables", {"round": 1}, callback=True)
    assert ack == {"ok": True, "round": 1, "moved": 2, "duplicate": False}
    placed = seats(room)
    assert placed[anne.participant["id"]] == room.table_ids[1]
    assert placed[bob.participant["id"]] == room.table_ids[0]
    assert placed[idle["participant"]["id"]] is None
    for phone, table in ((anne, room.table_ids[1]), (bob, room.table_ids[0])):
        assert messages(phone, "moved") == [{"table_id": table}]
        snap = snapshot(phone)
        assert snap["me"]["table_id"] == table and snap["workshop"]["rotation_round"] == 1
    # Boards keep their ideas: Anne now reads Bob's idea at table 2, and hers stays at table 1.
    assert [i["id"] for i in snapshot(anne)["table_ideas"]] == [second]
    assert [i["id"] for i in snapshot(bob)["table_ideas"]] == [first]
    # A retry of the same round moves nobody again; a stale round is refused.
    ack = lead.emit("rotate_tables", {"round": 1}, callback=True)
    assert ack == {"ok": True, "round": 1, "moved": 0, "duplicate": True}
    ack = lead.emit("rotate_tables", {"round": 3}, callback=True)
    assert ack["error"] == "stale_round" and "1" in ack["message"]
    ack = lead.emit("rotate_tables", {"round": 2}, callback=True)
    assert ack["ok"] and seats(room)[anne.participant["id"]] == room.table_ids[0]
    # Staff screens: replaying the events equals a fresh snapshot.
    state = start
    for envelope in events_of(lead):
        assert envelope["prev"] == start_last
        state, start_last = apply_staff(state, envelope), envelope["seq"]
    assert comparable(state) == comparable(snapshot(lead))
    assert snapshot(projector)["workshop"]["rotation_round"] == 2


def test_rotation_is_off_unless_the_workshop_enables_it(room):
    ack = room.facilitator().emit("rotate_tables", {"round": 1}, callback=True)
    assert ack["ok"] is False and ack["error"] == "rotation_off"


# -- anonymity ---------------------------------------------------------------------------


def test_projector_gets_no_names_while_authors_are_hidden(room):
    lead, projector = room.facilitator(), room.projector()
    anne = room.participant("Anne", table=0, organisation="Cosmetic Valley")
    # A new workshop hides names on the room screen: the projector never receives them.
    first = snapshot(projector)
    assert first["workshop"]["show_authors"] is False
    assert "Anne" not in json.dumps(first) and "Cosmetic Valley" not in json.dumps(first)
    assert lead.emit("set_show_authors", {"show": True}, callback=True)["ok"]
    named = post(anne, "Avant le masquage")
    proj_state, proj_last = snapshot(projector), projector.emit("sync", {"since": 0}, callback=True)["seq"]
    projector.get_received()
    lead.get_received()
    assert lead.emit("set_show_authors", {"show": False}, callback=True)["ok"]
    hidden = post(anne, "Après le masquage")
    room.participant("Bruno", table=1, organisation="Polepharma")
    live = events_of(projector)
    assert [e["type"] for e in live] == ["show_authors_changed", "idea_posted", "participant_joined"]
    assert live[1]["data"]["idea"]["author"] is None
    assert live[2]["data"]["participant"] == {"id": live[2]["data"]["participant"]["id"], "table_id": room.table_ids[1]}
    assert "Anne" not in json.dumps(live) and "Polepharma" not in json.dumps(live)
    # Facilitators still see who wrote what.
    lead_live = events_of(lead)
    assert lead_live[1]["data"]["idea"]["author"]["first_name"] == "Anne"
    # Snapshot and replay for the projector carry no names either.
    fresh = snapshot(projector)
    text = json.dumps(fresh)
    assert "Anne" not in text and "Cosmetic Valley" not in text and "Bruno" not in text
    assert {i["id"] for i in fresh["ideas"]} == {named, hidden}
    replay = projector.emit("sync", {"since": proj_last}, callback=True)
    assert replay["mode"] == "events" and "Anne" not in json.dumps(replay)
    # A projector applying the events equals its fresh snapshot (names dropped on the way).
    for envelope in live:
        proj_state = apply_staff(proj_state, envelope)
    assert comparable(proj_state) == comparable(fresh)
    assert fresh["workshop"]["show_authors"] is False
    assert snapshot(lead)["ideas"][0]["author"]["first_name"] == "Anne"
    # Shown again: names come back live and in snapshots.
    assert lead.emit("set_show_authors", {"show": True}, callback=True)["ok"]
    post(anne, "Noms revenus")
    assert events_of(projector)[-1]["data"]["idea"]["author"]["first_name"] == "Anne"
    assert "Anne" in json.dumps(snapshot(projector))
    # Setting the current value logs nothing.
    assert lead.emit("set_show_authors", {"show": True}, callback=True)["ok"]
    assert events_of(lead)[-1]["type"] == "idea_posted"


# -- typo correction and the author's view -------------------------------------------


def test_correct_idea_reaches_the_author(room, app):
    anne = room.participant("Anne", table=0)
    carl = room.participant("Carl", table=0)
    ident = post(anne, "Mutualiser les achats d'énergie entre entrepises")
    lead = room.facilitator()
    for sock in (anne, carl, lead):
        sock.get_received()
    ack = lead.emit(
        "correct_idea", {"id": ident, "text": "  Mutualiser les achats d'énergie entre entreprises "}, callback=True
    )
    assert ack["ok"] and ack["idea"]["text"] == "Mutualiser les achats d'énergie entre entreprises"
    assert ack["idea"]["corrected_at"]
    for sock in (anne, carl, lead):
        got = events_of(sock)
        assert [e["type"] for e in got] == ["idea_corrected"]
        assert got[0]["data"]["old_text"] == "Mutualiser les achats d'énergie entre entrepises"
        assert got[0]["data"]["idea"]["text"].endswith("entreprises")
    mine = snapshot(anne)["my_ideas"][0]
    assert mine["text"].endswith("entreprises") and mine["corrected_at"] == ack["idea"]["corrected_at"]
    with app.app_context():
        row = db.session.execute(db.select(Event).where(Event.type == "idea_corrected")).scalar_one()
        assert row.data["old_text"].endswith("entrepises") and row.data["idea"]["text"].endswith("entreprises")
        assert db.session.get(Idea, ident).edited_by_facilitator_at is not None
    # Same text: accepted, nothing logged. Empty or hidden: refused.
    assert lead.emit("correct_idea", {"id": ident, "text": ack["idea"]["text"]}, callback=True)["ok"]
    assert events_of(lead) == []
    assert lead.emit("correct_idea", {"id": ident, "text": "   "}, callback=True)["error"] == "empty_text"
    assert lead.emit("correct_idea", {"id": ident, "text": "x" * 281}, callback=True)["error"] == "text_too_long"
    lead.emit("hide_idea", {"id": ident}, callback=True)
    assert lead.emit("correct_idea", {"id": ident, "text": "autre"}, callback=True)["error"] == "idea_hidden"


def test_author_at_another_table_hears_about_their_idea(room):
    anne = room.participant("Anne", table=0)
    dan = room.participant("Dan", table=1)
    ident = post(anne, "Idée laissée à la table 1")
    assert anne.emit("join_table", {"table_id": room.table_ids[1]}, callback=True)["ok"]
    anne.snapshot = snapshot(anne)
    post(dan, "Une idée de Dan à la table 2")
    mark = events_of(anne)[-1]["seq"]
    dan.get_received()
    lead = room.facilitator()
    lead.emit("hide_idea", {"id": ident}, callback=True)
    lead.emit("restore_idea", {"id": ident}, callback=True)
    lead.emit("correct_idea", {"id": ident, "text": "Idée corrigée à la table 1"}, callback=True)
    got = [e for e in events_of(anne) if e["type"] == "my_idea_changed"]
    assert [e["data"]["state"] for e in got] == ["hidden", "visible", "visible"]
    assert "text" not in got[0]["data"]  # a hidden idea's text is not sent to the table
    assert got[2]["data"]["text"] == "Idée corrigée à la table 1" and got[2]["data"]["corrected_at"]
    assert all(e["data"]["participant_id"] == anne.participant["id"] for e in got)
    # It is part of table 2's stream: a replay brings it back.
    assert got[0]["prev"] == mark
    replay = anne.emit("sync", {"since": mark}, callback=True)
    assert [e["type"] for e in replay["events"]].count("my_idea_changed") == 3
    # The merge of her idea reaches her too.
    other = post(room.participant("Eve", table=0), "Idée laissée à la table 1, bis")
    lead.emit("merge_ideas", {"id": ident, "into": other}, callback=True)
    merged = [e for e in events_of(anne) if e["type"] == "my_idea_changed"]
    assert merged[-1]["data"]["state"] == "merged" and merged[-1]["data"]["merged_into"] == other
    assert snapshot(anne)["my_ideas"][0]["state"] == "merged"
