"""Every command checks who sends it; credentials are checked on connect."""

from __future__ import annotations

import pytest

import facilitator.sockets  # noqa: F401 - declares sync and time, and serves every command
from facilitator.actions.registry import socket_commands
from facilitator.extensions import socketio
from tests.conftest import new_id

COMMANDS = socket_commands()

FACILITATOR_COMMANDS = {
    "set_posting": lambda room, idea, groups: {"table_id": room.table_ids[0], "open": False},
    "hide_idea": lambda room, idea, groups: {"id": idea},
    "restore_idea": lambda room, idea, groups: {"id": idea},
    "set_projector_view": lambda room, idea, groups: {"view": room.table_ids[0]},
    "set_joining": lambda room, idea, groups: {"open": False},
    "set_projector_rotation": lambda room, idea, groups: {"paused": True},
    "create_group": lambda room, idea, groups: {"id": new_id(), "table_id": room.table_ids[0], "label": "G"},
    "rename_group": lambda room, idea, groups: {"id": groups[0], "label": "Nouveau nom"},
    "move_idea": lambda room, idea, groups: {"id": idea, "group_id": groups[0]},
    "merge_groups": lambda room, idea, groups: {"id": groups[0], "into": groups[1]},
    "split_group": lambda room, idea, groups: {"id": groups[0], "new_id": new_id(), "label": "S", "idea_ids": [idea]},
    "remove_group": lambda room, idea, groups: {"id": groups[0]},
    "restore_group": lambda room, idea, groups: {"id": groups[0], "idea_ids": [idea]},
    "regroup": lambda room, idea, groups: {"table_id": room.table_ids[0]},
    "accept_proposal": lambda room, idea, groups: {
        "table_id": room.table_ids[0],
        "groups": [{"id": new_id(), "label": "Proposé", "idea_ids": [idea]}],
    },
    "merge_ideas": lambda room, idea, groups: {"id": idea, "into": idea},
    "dismiss_duplicate": lambda room, idea, groups: {"id": idea},
    "set_voting": lambda room, idea, groups: {"table_id": room.table_ids[0], "open": True},
    "reveal_votes": lambda room, idea, groups: {"table_id": room.table_ids[0], "revealed": True},
    "set_voting_settings": lambda room, idea, groups: {"votes_per_person": 5},
    "set_phase": lambda room, idea, groups: {"key": "tables"},
    "pause_timer": lambda room, idea, groups: {},
    "resume_timer": lambda room, idea, groups: {},
    "extend_timer": lambda room, idea, groups: {"minutes": 5},
    "set_restitution": lambda room, idea, groups: {"table_id": room.table_ids[0], "step": 0},
    "set_spotlight": lambda room, idea, groups: {"kind": "idea", "id": idea},
    "assign_tables": lambda room, idea, groups: {"mode": "fill"},
    "move_participant": lambda room, idea, groups: {"participant_id": 1, "table_id": room.table_ids[1]},
    "rotate_tables": lambda room, idea, groups: {"round": 1},
    "set_show_authors": lambda room, idea, groups: {"show": False},
    "correct_idea": lambda room, idea, groups: {"id": idea, "text": "corrigé"},
    "create_action": lambda room, idea, groups: {"id": new_id(), "title": "A", "source": {"kind": "idea", "id": idea}},
    "update_action": lambda room, idea, groups: {"id": new_id(), "status": "done"},
    "delete_action": lambda room, idea, groups: {"id": new_id()},
    "pin_idea": lambda room, idea, groups: {"id": idea, "pinned": True},
    "unmerge_idea": lambda room, idea, groups: {"id": idea},
    "flag_duplicate": lambda room, idea, groups: {"id": idea, "of": idea},
}
PARTICIPANT_COMMANDS = {
    "post_idea",
    "edit_idea",
    "withdraw_idea",
    "join_table",
    "cast_vote",
    "retract_vote",
    "move_vote",
}


def test_every_command_is_classified():
    assert set(COMMANDS) == set(FACILITATOR_COMMANDS) | PARTICIPANT_COMMANDS | {"sync", "get_votes", "time"}


@pytest.mark.parametrize("name", sorted(FACILITATOR_COMMANDS))
def test_facilitator_commands_refused_for_participant_and_projector(room, name):
    anne = room.participant()
    idea = new_id()
    anne.emit("post_idea", {"id": idea, "text": "cible"}, callback=True)
    projector = room.projector()
    before = room.facilitator().emit("sync", {"since": 0}, callback=True)
    groups = [g["id"] for g in before["snapshot"]["groups"] if g["table_id"] == room.table_ids[0]]
    room.facilitator().emit("move_idea", {"id": idea, "group_id": groups[0]}, callback=True)
    before = room.facilitator().emit("sync", {"since": 0}, callback=True)
    for sock in (anne, projector):
        ack = sock.emit(name, FACILITATOR_COMMANDS[name](room, idea, groups), callback=True)
        assert ack["ok"] is False and ack["error"] == "forbidden", (name, ack)
        assert ack["message"] == "Cette action est réservée aux animateurs."
    after = room.facilitator().emit("sync", {"since": 0}, callback=True)
    assert after == before


@pytest.mark.parametrize("name", sorted(PARTICIPANT_COMMANDS))
def test_participant_commands_refused_for_staff(room, name):
    payload = {"id": new_id(), "text": "x", "table_id": room.table_ids[0]}
    for sock in (room.facilitator(), room.projector()):
        assert sock.emit(name, payload, callback=True)["error"] == "forbidden"


@pytest.mark.parametrize(
    "auth",
    [
        None,
        "token",
        {},
        {"role": "facilitator", "workshop": "DEVUP", "key": "wrong"},
        {"role": "facilitator", "workshop": "DEVUP"},
        {"role": "facilitator", "workshop": "NOPE", "key": "x"},
        {"role": "admin", "workshop": "DEVUP", "key": "x"},
        {"role": "participant", "token": "forged.token"},
        {"role": "participant", "token": 42},
    ],
)
def test_bad_credentials_are_refused(room, auth):
    sock = socketio.test_client(room.app, flask_test_client=room.http, auth=auth)
    assert not sock.is_connected()


def test_projector_key_is_not_a_facilitator_key(room):
    sock = socketio.test_client(
        room.app,
        flask_test_client=room.http,
        auth={"role": "facilitator", "workshop": "DEVUP", "key": room.projector_key},
    )
    assert not sock.is_connected()


def test_token_signed_with_another_secret_is_refused(room, make_app):
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("another-secret", salt="facilitator.participant").dumps({"w": 1, "p": 1})
    sock = socketio.test_client(room.app, flask_test_client=room.http, auth={"role": "participant", "token": forged})
    assert not sock.is_connected()


@pytest.mark.parametrize("name", sorted(set(COMMANDS)))
def test_malformed_payloads_never_crash(room, name):
    """Garbage in every field shape gets a clear refusal, never 'internal'."""
    socks = [room.participant(), room.facilitator()]
    garbage = [
        None,
        1,
        "x",
        [],
        {"id": None},
        {"id": "x" * 10_000},
        {"table_id": -1, "open": "yes"},
        {"since": 10**30},
        {"text": {"a": 1}, "id": new_id()},
        {"view": None},
        {"table_id": 2**70},
    ]
    for sock in socks:
        for payload in garbage:
            ack = sock.emit(name, payload, callback=True)
            assert isinstance(ack, dict) and "ok" in ack, (name, payload)
            assert ack.get("error") != "internal", (name, payload, ack)
            if not ack["ok"]:
                assert ack["message"]


def test_token_opens_only_the_row_it_was_made_for(room, app):
    """A token carries its participant's secret: same ids in another database (an import) do not let it in."""
    from facilitator.extensions import db
    from facilitator.models import Participant
    from facilitator.tokens import participant_token

    body, _ = room.join()
    with app.app_context():
        anne = db.session.get(Participant, body["participant"]["id"])
        assert len(anne.secret) == 32
        forged = participant_token(anne.workshop_id, anne.id, "0" * 32)
        without = participant_token(anne.workshop_id, anne.id)
    for token in (forged, without):
        sock = socketio.test_client(room.app, flask_test_client=room.http, auth={"role": "participant", "token": token})
        assert not sock.is_connected()
    assert room.connect({"role": "participant", "token": body["token"]}).is_connected()
