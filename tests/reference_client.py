"""A Python client that follows docs/protocol.md like the browser's live.js does.

It keeps ``last``, applies events by the envelope rule, resyncs on a gap and on
every (re)connect, and keeps a staff state with the reference reducer, so tests
can check that a real client converges to the database's state.
"""

from __future__ import annotations

import copy
import threading

import socketio


def anonymous(value):
    """Every author null, participants reduced to id and table (facilitator/events.py ``anonymous``)."""
    if isinstance(value, list):
        return [anonymous(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key == "author":
            out[key] = None
        elif key == "participant" and isinstance(item, dict) or key == "participants" and isinstance(item, list):
            nameless = [{"id": p["id"], "table_id": p["table_id"]} for p in ([item] if key == "participant" else item)]
            out[key] = nameless[0] if key == "participant" else nameless
        else:
            out[key] = anonymous(item)
    return out


def apply_staff(state: dict, envelope: dict) -> dict:
    """How a staff screen applies an event (docs/protocol.md, "Events")."""
    state = copy.deepcopy(state)
    kind, data = envelope["type"], envelope["data"]
    ideas = {i["id"]: i for i in state["ideas"]}
    tables = {t["id"]: t for t in state["tables"]}
    if kind in ("idea_posted", "idea_edited", "idea_restored", "idea_grouped"):
        ideas[data["idea"]["id"]] = data["idea"]
    elif kind == "idea_withdrawn":
        ideas.pop(data["id"], None)
    elif kind == "idea_hidden":
        if state["role"] == "facilitator":
            ideas[data["id"]] = {**ideas[data["id"]], "state": "hidden"}
        else:
            ideas.pop(data["id"], None)
    elif kind == "posting_changed":
        tables[data["table_id"]]["posting_open"] = data["open"]
    elif kind == "participant_joined":
        if all(p["id"] != data["participant"]["id"] for p in state["participants"]):
            state["participants"].append(data["participant"])
    elif kind == "participant_erased":
        erased = {p["id"]: p for p in data["participants"]}
        for p in state["participants"]:
            p.update(erased.get(p["id"], {}))

        def rename(author):
            if author and author.get("id") in erased:
                e = erased[author["id"]]
                return {"id": e["id"], "first_name": e["first_name"], "organisation": e["organisation"]}
            return author

        for ident, idea in ideas.items():
            ideas[ident] = {
                **idea,
                "author": rename(idea.get("author")),
                "merged": [{**m, "author": rename(m.get("author"))} for m in idea.get("merged", [])],
            }
    elif kind in ("retention_changed", "archived_changed"):
        pass
    elif kind == "participant_moved":
        for p in state["participants"]:
            if p["id"] == data["participant_id"]:
                p["table_id"] = data["table_id"]
    elif kind in ("tables_assigned", "tables_rotated"):
        seats = {m["participant_id"]: m["table_id"] for m in data["moves"]}
        for p in state["participants"]:
            p["table_id"] = seats.get(p["id"], p["table_id"])
        if kind == "tables_rotated":
            state["workshop"]["rotation_round"] = data["round"]
    elif kind == "show_authors_changed":
        state["workshop"]["show_authors"] = data["show"]
        if state["role"] == "projector" and not data["show"]:
            state = anonymous(state)  # a projector drops the names it holds (docs/protocol.md)
            ideas = {i["id"]: i for i in state["ideas"]}
    elif kind == "idea_corrected":
        if data["idea"]["id"] in ideas:
            ideas[data["idea"]["id"]] = data["idea"]
    elif kind == "my_idea_changed":
        pass  # for the author's phone only
    elif kind == "projector_view_changed":
        state["workshop"]["projector_view"] = data["view"]
    elif kind == "projector_rotation_changed":
        state["workshop"]["projector_paused"] = data["paused"]
    elif kind == "joining_changed":
        state["workshop"]["joining_open"] = data["open"]
    elif kind == "workshop_updated":
        state["workshop"] = {**state["workshop"], **data["workshop"]}
        state["agenda"] = data["agenda"]
    elif kind == "table_updated":
        tables[data["table"]["id"]] = data["table"]
        state["tables"] = sorted(tables.values(), key=lambda t: t["number"])
        state["votes"][str(data["table"]["id"])] = data["votes"]
    elif kind == "table_removed":
        tables.pop(data["id"], None)
        state["votes"].pop(str(data["id"]), None)
        state["tables"] = sorted(tables.values(), key=lambda t: t["number"])
        seats = {m["participant_id"]: m["table_id"] for m in data["moves"]}
        for p in state["participants"]:
            p["table_id"] = seats.get(p["id"], p["table_id"])
        state["groups"] = [g for g in state["groups"] if g["table_id"] != data["id"]]
    elif kind in ("phase_changed", "timer_changed"):
        state["phase"] = data["phase"]
    elif kind in ("restitution_changed", "spotlight_changed"):
        key = kind.removesuffix("_changed")
        state["workshop"][key] = data[key]
    elif kind in ("group_created", "group_renamed", "group_split", "group_restored"):
        groups = {g["id"]: g for g in state["groups"]}
        groups[data["group"]["id"]] = data["group"]
        state["groups"] = list(groups.values())
        for ident in data.get("idea_ids", []):
            ideas[ident] = {
                **ideas[ident],
                "group_id": data["group"]["id"],
                "placement": "facilitator",
                "confidence": None,
                "suggestions": [],
            }
    elif kind == "idea_pinned":
        if data["id"] in ideas:
            ideas[data["id"]] = {**ideas[data["id"]], "pinned_at": data["pinned_at"]}
    elif kind == "idea_moved":
        if data["id"] in ideas:
            ideas[data["id"]] = {
                **ideas[data["id"]],
                **{k: data[k] for k in ("group_id", "placement", "confidence", "suggestions")},
            }
    elif kind == "board_regrouped":
        state["groups"] = state["groups"] + data["groups"]
        for move in data["moves"]:
            if move["id"] in ideas:
                ideas[move["id"]] = {**ideas[move["id"]], **{k: v for k, v in move.items() if k != "id"}}
    elif kind == "idea_merged":
        ideas.pop(data["id"], None)
        if data["into"]["id"] in ideas:
            ideas[data["into"]["id"]] = data["into"]
        for ident in data.get("repointed", []):
            if ident in ideas:
                ideas[ident] = {**ideas[ident], "duplicate_of": data["into"]["id"]}
    elif kind == "idea_unmerged":
        for key in ("idea", "into"):
            if data.get(key):
                ideas[data[key]["id"]] = data[key]
    elif kind == "duplicate_flagged":
        if data["id"] in ideas:
            ideas[data["id"]] = {**ideas[data["id"]], "duplicate_of": data["duplicate_of"]}
    elif kind == "duplicate_dismissed":
        if data["id"] in ideas:
            ideas[data["id"]] = {**ideas[data["id"]], "duplicate_of": None}
    elif kind == "voting_changed":
        tables[data["table_id"]]["voting_open"] = data["open"]
    elif kind in ("votes_changed", "votes_revealed"):
        if kind == "votes_revealed":
            tables[data["table_id"]]["votes_revealed"] = data["revealed"]
        state["votes"][str(data["table_id"])] = {k: data[k] for k in ("dots", "voters", "tally")}
    elif kind == "voting_settings_changed":
        state["workshop"]["voting"] = data["settings"]
        state["votes"] = {**state["votes"], **data["results"]}
    elif kind in ("action_created", "action_updated"):
        state["actions"] = [x for x in state["actions"] if x["id"] != data["action"]["id"]] + [data["action"]]
    elif kind == "action_deleted":
        state["actions"] = [x for x in state["actions"] if x["id"] != data["id"]]
    elif kind == "review_changed":
        state["review"] = data["review"]
    elif kind in ("groups_merged", "group_removed"):
        target = data["into"]["id"] if kind == "groups_merged" else None
        placement = "facilitator" if kind == "groups_merged" else None
        state["groups"] = [g for g in state["groups"] if g["id"] != data["id"]]
        for ident in data["idea_ids"]:
            if ident in ideas:
                ideas[ident] = {
                    **ideas[ident],
                    "group_id": target,
                    "placement": placement,
                    "confidence": None,
                    "suggestions": [],
                }
    else:
        raise AssertionError(f"unknown event {kind}")
    state["ideas"] = sorted(ideas.values(), key=lambda i: (i["created_at"], i["id"]))
    return state


def comparable(state: dict) -> dict:
    """A staff state with order and refresh-only fields removed, for equality checks."""
    state = copy.deepcopy(state)
    state["ideas"] = sorted(
        ({k: v for k, v in i.items() if k != "updated_at"} for i in state["ideas"]), key=lambda i: i["id"]
    )
    state["participants"].sort(key=lambda p: p["id"])
    state["groups"] = sorted(state.get("groups", []), key=lambda g: (g["table_id"], g["position"], g["id"]))
    state["actions"] = sorted(state.get("actions", []), key=lambda x: x["id"])
    return state


STALE, APPLY, GAP = "stale", "apply", "gap"


def classify(envelope: dict, last: int) -> str:
    """The envelope rule (docs/protocol.md), as static/js/envelope.js applies it;
    both are checked against tests/data/envelope_rule.json."""
    if envelope["seq"] <= last:
        return STALE
    return APPLY if envelope["prev"] == last else GAP


class StaffClient:
    """A projector or facilitator over the real Socket.IO protocol, with resync."""

    def __init__(self, url: str, auth: dict):
        self.url, self.auth = url, auth
        self.state: dict | None = None
        self.last = 0
        self.syncs = 0
        self.lock = threading.RLock()
        self.synced = threading.Event()
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.sio.on("connect", self._on_connect)
        self.sio.on("event", self._on_event)

    def connect(self) -> StaffClient:
        self.sio.connect(self.url, auth=self.auth, transports=["websocket"], wait_timeout=10)
        if not self.synced.wait(10):
            raise TimeoutError("no sync after connect")
        return self

    def _on_connect(self):
        self.sio.start_background_task(self.sync)

    def sync(self):
        ack = self.sio.call("sync", {"since": self.last}, timeout=10)
        assert ack["ok"], ack
        with self.lock:
            if ack["mode"] == "snapshot":
                self.state, self.last = ack["snapshot"], ack["seq"]
            else:
                for envelope in ack["events"]:
                    if envelope["seq"] > self.last:
                        self.state = apply_staff(self.state, envelope)
                        self.last = envelope["seq"]
                self.last = ack["seq"]  # a replay never goes past the head it reports
            self.syncs += 1
        self.synced.set()

    def _on_event(self, envelope):
        with self.lock:
            kind = classify(envelope, self.last)
            if kind == STALE:
                return
            if kind == APPLY and self.state is not None:
                self.state = apply_staff(self.state, envelope)
                self.last = envelope["seq"]
                return
        self.sio.start_background_task(self.sync)

    def close(self):
        self.sio.disconnect()
