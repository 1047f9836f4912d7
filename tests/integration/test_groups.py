"""Grouping a board by hand: the facilitator's commands, their events and their limits."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.models import Group
from tests.conftest import events_of, new_id


def setup(room, count=3, table=0):
    anne, facilitator = room.participant(table=table), room.facilitator()
    ideas = [new_id() for _ in range(count)]
    for i, ident in enumerate(ideas):
        anne.emit("post_idea", {"id": ident, "text": f"Idée {i}"}, callback=True)
    facilitator.get_received()
    anne.get_received()
    return anne, facilitator, ideas


def test_topic_groups_come_from_the_definition(room):
    snapshot = room.facilitator().snapshot
    first = [g for g in snapshot["groups"] if g["table_id"] == room.table_ids[0]]
    assert [g["label"] for g in first] == [
        "Grille de cotisations et niveaux d'adhésion",
        "Valeur perçue et avantages réservés aux adhérents",
        "Recrutement de nouveaux adhérents",
        "Fidélisation et renouvellement des adhésions",
    ]
    assert {g["label_source"] for g in first} == {"topic"}


def test_without_the_engine_new_ideas_start_unsorted(make_app):
    from tests.conftest import Room

    room = Room(make_app(AUTO_GROUPING="0"))
    _, facilitator, ideas = setup(room, 1)
    idea = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]["ideas"][0]
    assert idea["group_id"] is None and idea["placement"] is None and idea["suggestions"] == []


def test_reloading_definitions_does_not_duplicate_topic_groups(app, room):
    from facilitator.database import prepare

    before = room.facilitator().snapshot["groups"]
    prepare(app)
    assert room.facilitator().emit("sync", {"since": 0}, callback=True)["snapshot"]["groups"] == before


def test_create_move_rename_and_the_projector_follows(room):
    anne, facilitator, ideas = setup(room)
    projector = room.projector()
    group = new_id()
    ack = facilitator.emit(
        "create_group", {"id": group, "table_id": room.table_ids[0], "label": " Tarifs  "}, callback=True
    )
    assert ack["group"]["label"] == "Tarifs" and ack["group"]["label_source"] == "facilitator"
    assert (
        facilitator.emit("create_group", {"id": group, "table_id": room.table_ids[0], "label": "x"}, callback=True)[
            "group"
        ]["label"]
        == "Tarifs"
    )  # retry: same group
    ack = facilitator.emit("move_idea", {"id": ideas[0], "group_id": group}, callback=True)
    assert ack["idea"]["group_id"] == group and ack["idea"]["placement"] == "facilitator"
    renamed = facilitator.emit("rename_group", {"id": group, "label": "Cotisations"}, callback=True)
    assert renamed["group"]["label"] == "Cotisations"
    assert [e["type"] for e in events_of(projector)] == ["group_created", "idea_moved", "group_renamed"]
    # Staff only: phones are not disturbed by grouping.
    assert events_of(anne) == []
    back = facilitator.emit("move_idea", {"id": ideas[0], "group_id": None}, callback=True)
    assert back["idea"]["group_id"] is None


def test_merge_split_remove(room, app):
    _, facilitator, ideas = setup(room, 4)
    a, b = new_id(), new_id()
    for ident, label in ((a, "A"), (b, "B")):
        facilitator.emit("create_group", {"id": ident, "table_id": room.table_ids[0], "label": label}, callback=True)
    for idea in ideas[:2]:
        facilitator.emit("move_idea", {"id": idea, "group_id": a}, callback=True)
    for idea in ideas[2:]:
        facilitator.emit("move_idea", {"id": idea, "group_id": b}, callback=True)
    facilitator.get_received()

    merged = facilitator.emit("merge_groups", {"id": a, "into": b}, callback=True)
    assert merged["ok"] and merged["group"]["id"] == b
    event = events_of(facilitator)[0]
    assert event["type"] == "groups_merged" and sorted(event["data"]["idea_ids"]) == sorted(ideas[:2])

    c = new_id()
    split = facilitator.emit("split_group", {"id": b, "new_id": c, "label": "C", "idea_ids": [ideas[0]]}, callback=True)
    assert split["group"]["label"] == "C"
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    where = {i["id"]: i["group_id"] for i in snapshot["ideas"]}
    assert where == {ideas[0]: c, ideas[1]: b, ideas[2]: b, ideas[3]: b}
    assert a not in {g["id"] for g in snapshot["groups"]}

    assert facilitator.emit("remove_group", {"id": b}, callback=True) == {"ok": True}
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert {i["id"]: i["group_id"] for i in snapshot["ideas"]} == {
        ideas[0]: c,
        ideas[1]: None,
        ideas[2]: None,
        ideas[3]: None,
    }
    with app.app_context():  # removed and merged groups are kept, inactive
        assert {g.id: g.active for g in db.session.query(Group).filter(Group.id.in_([a, b]))} == {a: False, b: False}


def test_refusals(room):
    anne, facilitator, ideas = setup(room)
    other_table_group = next(g["id"] for g in facilitator.snapshot["groups"] if g["table_id"] == room.table_ids[1])
    mine = new_id()
    facilitator.emit("create_group", {"id": mine, "table_id": room.table_ids[0], "label": "A"}, callback=True)
    cases = [
        ("create_group", {"id": new_id(), "table_id": room.table_ids[0], "label": "  "}, "empty_label"),
        ("create_group", {"id": new_id(), "table_id": room.table_ids[0], "label": "x" * 81}, "label_too_long"),
        ("create_group", {"id": "nope", "table_id": room.table_ids[0], "label": "x"}, "invalid_id"),
        ("create_group", {"id": mine, "table_id": room.table_ids[1], "label": "x"}, "id_conflict"),
        ("move_idea", {"id": ideas[0], "group_id": other_table_group}, "other_table"),
        ("move_idea", {"id": ideas[0], "group_id": new_id()}, "not_found"),
        ("move_idea", {"id": ideas[0]}, "invalid_payload"),
        ("merge_groups", {"id": mine, "into": mine}, "invalid_payload"),
        ("merge_groups", {"id": mine, "into": other_table_group}, "other_table"),
        ("split_group", {"id": mine, "new_id": new_id(), "label": "S", "idea_ids": []}, "invalid_payload"),
        ("split_group", {"id": mine, "new_id": new_id(), "label": "S", "idea_ids": [ideas[0]]}, "not_found"),
        ("rename_group", {"id": new_id(), "label": "x"}, "not_found"),
    ]
    for name, payload, code in cases:
        ack = facilitator.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == code, (name, payload, ack)
        assert ack["message"]
    facilitator.emit("remove_group", {"id": mine}, callback=True)
    assert facilitator.emit("move_idea", {"id": ideas[0], "group_id": mine}, callback=True)["error"] == "not_found"


def test_groups_of_another_workshop_are_not_found(room, app):
    from tests.conftest import Room

    other = Room(app, "TERRITOIRE").facilitator()
    devup_group = room.facilitator().snapshot["groups"][0]["id"]
    assert other.emit("rename_group", {"id": devup_group, "label": "x"}, callback=True)["error"] == "not_found"


def test_pin_an_idea_to_the_top_of_its_group_and_every_screen_follows(room):
    """pin_idea (the example command of docs/architecture.md): logged, on staff, projector and phones."""
    anne, facilitator, ideas = setup(room)
    projector = room.projector()
    projector.get_received()
    ack = facilitator.emit("pin_idea", {"id": ideas[0], "pinned": True}, callback=True)
    assert ack["ok"] and ack["idea"]["pinned_at"]
    for sock in (facilitator, projector, anne):
        [event] = [e for e in events_of(sock) if e["type"] == "idea_pinned"]
        assert event["data"] == {"id": ideas[0], "table_id": room.table_ids[0], "pinned_at": ack["idea"]["pinned_at"]}
    # pinning again logs nothing; the snapshot says pinned
    assert facilitator.emit("pin_idea", {"id": ideas[0], "pinned": True}, callback=True)["ok"]
    assert events_of(facilitator) == []
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert {i["id"]: i["pinned_at"] for i in snapshot["ideas"]}[ideas[0]] == ack["idea"]["pinned_at"]
    # allowed while the table votes (presentation only); unpinning clears it
    assert facilitator.emit("set_voting", {"table_id": room.table_ids[0], "open": True}, callback=True)["ok"]
    ack = facilitator.emit("pin_idea", {"id": ideas[0], "pinned": False}, callback=True)
    assert ack["ok"] and ack["idea"]["pinned_at"] is None


def test_pin_idea_refusals(room):
    anne, facilitator, ideas = setup(room)
    cases = [
        (facilitator, {"id": ideas[0]}, "invalid_payload"),
        (facilitator, {"id": ideas[0], "pinned": "yes"}, "invalid_payload"),
        (facilitator, {"id": "nope", "pinned": True}, "invalid_id"),
        (facilitator, {"id": new_id(), "pinned": True}, "not_found"),
        (anne, {"id": ideas[0], "pinned": True}, "forbidden"),
        (room.projector(), {"id": ideas[0], "pinned": True}, "forbidden"),
    ]
    for sock, payload, code in cases:
        ack = sock.emit("pin_idea", payload, callback=True)
        assert ack["ok"] is False and ack["error"] == code and ack["message"], (payload, ack)
