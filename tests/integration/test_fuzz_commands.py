"""Fuzz: every Socket.IO command, sent by every role with random and boundary values, answers an ack that
is either ok or a clear refusal ({"ok": false, "error": <known code>, "message": <text>}), never `internal`.

The commands come from the server's registry (facilitator.actions.registry): a new command is fuzzed as soon
as it has a line in FIELDS, and test_every_command_has_a_field_spec fails until it has one. Values mix
plausible ones (ids of this workshop, of another workshop, random UUIDs) with the hostile ones of
tests/fuzz_values.py (expected failures until the other branches of issue 10 land are listed there).
After the commands, the fuzzed workshop is exported in every format: no value a client can send breaks an
export. Hypothesis runs derandomized (same examples on every run); both databases.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import facilitator.sockets  # noqa: F401 - declares sync and time, and serves every command
from facilitator.actions.registry import socket_commands
from facilitator.errors import MESSAGES
from facilitator.extensions import db
from facilitator.models import Participant, RoundTable, Workshop
from tests.conftest import Room, new_id
from tests.fuzz_values import hostile, some_uuid, spellings, texts, weighted

COMMANDS = socket_commands()

EXAMPLES = 80  # per command; about 3,300 commands per database

# What each command's payload holds: field -> kind of value (see `plausible` below). docs/protocol.md.
FIELDS: dict[str, dict[str, str]] = {
    "sync": {"since": "seq"},
    "time": {},
    "post_idea": {"id": "new_idea", "text": "text"},
    "edit_idea": {"id": "idea", "text": "text"},
    "withdraw_idea": {"id": "idea"},
    "join_table": {"table_id": "table"},
    "set_posting": {"table_id": "table", "open": "bool"},
    "hide_idea": {"id": "idea"},
    "restore_idea": {"id": "idea"},
    "set_projector_view": {"view": "view"},
    "set_joining": {"open": "bool"},
    "set_projector_rotation": {"paused": "bool", "step": "text"},
    "create_group": {"id": "new_group", "table_id": "table", "label": "text"},
    "rename_group": {"id": "group", "label": "text"},
    "move_idea": {"id": "idea", "group_id": "group_or_none"},
    "merge_groups": {"id": "group", "into": "group"},
    "split_group": {"id": "group", "new_id": "new_group", "label": "text", "idea_ids": "idea_list"},
    "remove_group": {"id": "group"},
    "restore_group": {"id": "group", "idea_ids": "idea_list"},
    "regroup": {"table_id": "table"},
    "accept_proposal": {"table_id": "table", "groups": "proposal"},
    "merge_ideas": {"id": "idea", "into": "idea"},
    "dismiss_duplicate": {"id": "idea"},
    "set_phase": {"key": "phase", "restart": "bool"},
    "pause_timer": {},
    "resume_timer": {},
    "extend_timer": {"minutes": "small"},
    "set_restitution": {"table_id": "table_or_none", "step": "small"},
    "set_spotlight": {"kind": "kind", "id": "item"},
    "set_voting_settings": {"votes_per_person": "small", "votes_per_item": "small", "target": "target", "live": "bool"},
    "set_voting": {"table_id": "table", "open": "bool"},
    "reveal_votes": {"table_id": "table", "revealed": "bool"},
    "get_votes": {},
    "cast_vote": {"target_kind": "kind", "target_id": "item"},
    "retract_vote": {"target_kind": "kind", "target_id": "item"},
    "move_vote": {"target_kind": "kind", "from": "item", "to": "item"},
    "assign_tables": {"mode": "mode"},
    "move_participant": {"participant_id": "participant", "table_id": "table"},
    "rotate_tables": {"round": "small"},
    "set_show_authors": {"show": "bool"},
    "correct_idea": {"id": "idea", "text": "text"},
    "pin_idea": {"id": "idea", "pinned": "bool"},
    "unmerge_idea": {"id": "idea"},
    "flag_duplicate": {"id": "idea", "of": "idea"},
    "create_action": {
        "id": "new_action",
        "source": "source",
        "table_id": "table_or_none",
        "title": "text",
        "description": "text",
        "owner_org": "text",
        "contact": "text",
        "due_on": "date",
        "indicator": "text",
    },
    "update_action": {
        "id": "action",
        "title": "text",
        "description": "text",
        "owner_org": "text",
        "contact": "text",
        "due_on": "date",
        "indicator": "text",
        "status": "status",
        "progress_note": "text",
    },
    "delete_action": {"id": "action"},
}
ROLES = ("participant", "participant_without_table", "table_facilitator", "lead", "projector")
# Who may send what, as the registry declares it (test_authorisation checks the declaration itself):
# most examples come from them, the rest from any role.
PARTICIPANT_COMMANDS = {name for name, cmd in COMMANDS.items() if cmd.roles == {"participant"}}
ANY_ROLE_COMMANDS = {name for name, cmd in COMMANDS.items() if "projector" in cmd.roles}


def senders(name: str) -> st.SearchStrategy[str]:
    if name in ANY_ROLE_COMMANDS:
        return st.sampled_from(ROLES)
    allowed = ROLES[:2] if name in PARTICIPANT_COMMANDS else ROLES[2:4]
    return weighted((4, st.sampled_from(allowed)), (1, st.sampled_from(ROLES)))


def test_every_command_has_a_field_spec():
    """A command added to the server without a line in FIELDS would go unfuzzed: say so."""
    assert set(COMMANDS) == set(FIELDS), (
        "commands without a field spec: "
        f"{sorted(set(COMMANDS) - set(FIELDS))}; "
        f"specs of unknown commands: {sorted(set(FIELDS) - set(COMMANDS))}"
    )
    # the fuzzed fields are the declared ones (actions/registry.py): a new field is fuzzed too
    differ = {name: sorted(set(FIELDS[name]) ^ {f.name for f in cmd.fields}) for name, cmd in COMMANDS.items()}
    assert not {name: fields for name, fields in differ.items() if fields}


def bad_ack(ack) -> str | None:
    """Why an ack breaks the protocol's promise, or None when it is ok or a clear refusal."""
    if not isinstance(ack, dict) or not isinstance(ack.get("ok"), bool):
        return f"not an ack: {ack!r}"
    if ack["ok"]:
        return None
    if ack.get("error") == "internal":
        return "internal error"
    if ack.get("error") not in MESSAGES:
        return f"unknown error code {ack.get('error')!r}"
    if not isinstance(ack.get("message"), str) or not ack["message"].strip():
        return "refusal without a message"
    return None


class World:
    """DEVUP with people, ideas, groups and an action, every role connected; ids of TERRITOIRE too."""

    def __init__(self, app):
        self.room = Room(app)
        other = Room(app, "TERRITOIRE")
        self.socks = {"lead": self.room.facilitator(), "projector": self.room.projector()}
        anne = self.room.participant("Anne", table=0)
        bob = self.room.participant("Bob", table=1, organisation="Elastopôle")
        body, status = self.room.join("Chloé", table=None)
        assert status == 201, body
        self.socks["participant"] = anne
        self.socks["participant_without_table"] = self.room.connect({"role": "participant", "token": body["token"]})
        with app.app_context():
            key = db.session.get(RoundTable, self.room.table_ids[0]).facilitator_key
            self.participant_ids = list(db.session.execute(db.select(Participant.id)).scalars())
            self.phases = [
                p["key"]
                for p in db.session.execute(
                    db.select(Workshop.definition).where(Workshop.code == "DEVUP")
                ).scalar_one()["agenda"]
            ]
        self.socks["table_facilitator"] = self.room.connect({"role": "facilitator", "workshop": "DEVUP", "key": key})

        self.ideas = [
            self._ok(sock, "post_idea", {"id": new_id(), "text": text})["idea"]["id"]
            for sock, text in (
                (anne, "Une cotisation modulée"),
                (anne, "Des rencontres trimestrielles"),
                (bob, "Un club des financeurs"),
            )
        ]
        lead = self.socks["lead"]
        self.groups = [
            self._ok(lead, "create_group", {"id": new_id(), "table_id": table, "label": label})["group"]["id"]
            for table, label in ((self.room.table_ids[0], "Tarifs"), (self.room.table_ids[1], "Clubs"))
        ]
        self._ok(lead, "move_idea", {"id": self.ideas[0], "group_id": self.groups[0]})
        self.actions = [
            self._ok(
                lead,
                "create_action",
                {"id": new_id(), "source": {"kind": "group", "id": self.groups[0]}, "title": "Tester un tarif"},
            )["action"]["id"]
        ]
        # The other workshop's ids: every command must treat them as unknown here.
        other_lead = other.facilitator()
        other_idea = self._ok(other.participant("Zoé"), "post_idea", {"id": new_id(), "text": "Ailleurs"})["idea"]["id"]
        other_group = self._ok(
            other_lead, "create_group", {"id": new_id(), "table_id": other.table_ids[0], "label": "Ailleurs"}
        )["group"]["id"]
        other_action = self._ok(
            other_lead,
            "create_action",
            {"id": new_id(), "source": None, "title": "Ailleurs", "table_id": other.table_ids[0]},
        )["action"]["id"]
        self.ideas.append(other_idea)
        self.groups.append(other_group)
        self.actions.append(other_action)
        # Table 1 votes (its board is frozen, phones have a ballot), the agenda runs (timer, posting open).
        self._ok(lead, "set_phase", {"key": "tables"})
        self._ok(lead, "set_voting", {"table_id": self.room.table_ids[0], "open": True})
        self.tables = self.room.table_ids + other.table_ids
        with app.app_context():
            self.participant_ids = list(db.session.execute(db.select(Participant.id)).scalars())

    @staticmethod
    def _ok(sock, name, payload):
        ack = sock.emit(name, payload, callback=True)
        assert ack["ok"], (name, ack)
        return ack

    def plausible(self, kind: str) -> st.SearchStrategy:
        """Values of the right type, mostly ids that exist (here or in the other workshop)."""
        ideas = [s for i in self.ideas for s in spellings(i)]
        groups = [s for g in self.groups for s in spellings(g)]
        tables = st.sampled_from(self.tables + [0, 2**31 - 1])
        return {
            "seq": st.integers(0, 2**31 - 1) | st.sampled_from([0, 1, 5]),
            "text": weighted(
                (2, st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), min_size=1, max_size=30)),
                (1, texts),
            ),
            "bool": st.booleans(),
            "small": st.integers(-2, 70),
            "new_idea": some_uuid() | st.sampled_from(ideas),
            "idea": st.sampled_from(ideas) | some_uuid(),
            "new_group": some_uuid() | st.sampled_from(groups),
            "group": st.sampled_from(groups) | some_uuid(),
            "group_or_none": st.none() | st.sampled_from(groups),
            "idea_list": st.lists(st.sampled_from(ideas) | some_uuid(), max_size=5),
            "proposal": st.lists(
                st.fixed_dictionaries(
                    {"idea_ids": st.lists(st.sampled_from(ideas) | some_uuid(), max_size=3)},
                    optional={
                        "group_id": st.none() | st.sampled_from(groups) | some_uuid(),
                        "id": some_uuid() | st.sampled_from(groups),
                        "label": texts,
                        "renamed": st.booleans(),
                    },
                ),
                max_size=3,
            ),
            "item": st.sampled_from(ideas + groups),
            "kind": st.sampled_from(["idea", "group", None, "", "ideas", "IDEA"]),
            "table": tables,
            "table_or_none": st.none() | tables,
            "view": st.just("all") | tables,
            "phase": st.sampled_from(self.phases + [None, "", "nope"]),
            "target": st.sampled_from(["ideas", "groups", "idea", ""]),
            "mode": st.sampled_from(["balanced_by_organisation", "fill", "", "random"]),
            "participant": st.sampled_from(self.participant_ids + [0, 2**31 - 1]),
            "source": st.none()
            | st.fixed_dictionaries(
                {"kind": st.sampled_from(["group", "idea", "action"]), "id": st.sampled_from(ideas + groups)}
            ),
            "new_action": some_uuid() | st.sampled_from(self.actions),
            "action": st.sampled_from(self.actions) | some_uuid(),
            "date": st.none()
            | st.sampled_from(
                [
                    "2027-06-30",
                    "2027-02-30",
                    "9999-12-31",
                    "0001-01-01",
                    "",
                    "2027-6-30",
                    "2027-06-30T10:00:00",
                    "30/06/2027",
                    "２０２７-０６-３０",
                ]
            ),
            "status": st.sampled_from(["not_started", "in_progress", "done", "dropped", "", "DONE"]),
        }[kind]

    def payloads(self, name: str) -> st.SearchStrategy:
        """A payload for ``name``: each field plausible, hostile or missing, sometimes an extra field;
        now and then no object at all."""
        fields = {
            field: weighted((8, self.plausible(kind)), (1, hostile), (1, st.just(MISSING)))
            for field, kind in FIELDS[name].items()
        }
        objects = st.fixed_dictionaries(fields, optional={"extra": hostile}).map(
            lambda payload: {k: v for k, v in payload.items() if v is not MISSING}
        )
        return weighted((9, objects), (1, hostile))


MISSING = object()


def test_commands_answer_ok_or_a_known_error(app):
    world = World(app)

    for name in sorted(COMMANDS):

        @settings(settings.get_profile("fuzz"), max_examples=EXAMPLES)
        @given(role=senders(name), payload=world.payloads(name))
        def send(role, payload):
            ack = world.socks[role].emit(name, payload, callback=True)
            for sock in world.socks.values():
                sock.get_received()  # events of the fuzzing itself: not checked here, only drained
            problem = bad_ack(ack)
            assert problem is None, f"{name} sent by the {role} with {payload!r}: {problem} ({ack!r})"

        send()

    # Whatever the commands stored, the workshop still exports in every format.
    from facilitator.exports import FORMATS, render

    with app.app_context():
        for fmt in FORMATS:
            for anonymise in (False, True):
                content, _mimetype, _name = render("DEVUP", fmt, anonymise=anonymise)
                assert content
