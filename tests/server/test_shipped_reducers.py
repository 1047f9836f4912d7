"""The shipped reducers are the tested ones: a whole morning replayed through the browser's stores.

The real server (eventlet, SQLite and PostgreSQL) runs a whole morning
(tests/morning_recorder.py) while the lead console, a table console, the
projector and six phones record every message they receive (and, like the
pages, take a fresh snapshot when moved) and take fresh snapshots at nine
checkpoints. Node then runs static/js/staff-state.js and
participant-state.js themselves (tests/js/replay.mjs): for every screen and
every pair of checkpoints k < m, snapshot k + the envelopes received up to m
must equal snapshot m. The recording is made by each run, never stored.
"""

from __future__ import annotations

import json
import shutil
from itertools import pairwise

from facilitator.config import ROOT
from tests.conftest import need
from tests.live_server import LiveServer
from tests.morning_recorder import record_morning
from tests.reference_client import APPLY, apply_staff, classify, comparable
from tests.store_replay import replay_in_node

# Every event type of docs/protocol.md's "Events": the morning publishes them all.
MORNING_EVENTS = {
    "idea_posted",
    "idea_edited",
    "my_idea_changed",
    "idea_withdrawn",
    "idea_hidden",
    "idea_restored",
    "idea_corrected",
    "posting_changed",
    "joining_changed",
    "projector_view_changed",
    "show_authors_changed",
    "participant_joined",
    "participant_moved",
    "tables_assigned",
    "tables_rotated",
    "phase_changed",
    "timer_changed",
    "group_created",
    "group_renamed",
    "idea_moved",
    "groups_merged",
    "group_split",
    "group_removed",
    "board_regrouped",
    "idea_merged",
    "duplicate_dismissed",
    "duplicate_flagged",
    "idea_unmerged",
    "group_restored",
    "projector_rotation_changed",
    "idea_pinned",
    "restitution_changed",
    "spotlight_changed",
    "voting_settings_changed",
    "voting_changed",
    "votes_changed",
    "votes_revealed",
    "action_created",
    "action_updated",
    "action_deleted",
    "retention_changed",
    "archived_changed",
    "participant_erased",
    "review_changed",
    "workshop_updated",
    "table_updated",
    "table_removed",
}


def _sessions_with_rotation(tmp_path):
    """The Dev'Up morning with the world café rotation on (the shipped definition has it off)."""
    folder = tmp_path / "sessions"
    folder.mkdir()
    text = (ROOT / "sessions" / "devup-2026.yaml").read_text()
    (folder / "devup-2026.yaml").write_text(text.replace("\nagenda:", "\nrotation: true\nagenda:", 1))
    return folder


def pairs_of(client: dict) -> int:
    return len(client["checkpoints"]) * (len(client["checkpoints"]) - 1) // 2


def test_browser_stores_replay_a_whole_morning(tmp_path, database_url):
    if shutil.which("node") is None:
        need("browser", "Node.js is not installed: the browser's stores run in Node")
    server = LiveServer(tmp_path / "live", database_url, SESSIONS_DIR=_sessions_with_rotation(tmp_path)).start()
    try:
        recording = record_morning(server)
    finally:
        server.stop()
    verdict = replay_in_node(recording, tmp_path)
    published = {
        m["envelope"]["type"]
        for client in recording["clients"].values()
        for m in client["messages"]
        if m["type"] == "event"
    }
    assert MORNING_EVENTS <= published, MORNING_EVENTS - published  # the morning is whole
    assert MORNING_EVENTS <= set(verdict["events_applied"]), MORNING_EVENTS - set(verdict["events_applied"])
    assert verdict["gaps"] == [], verdict["gaps"][:5]
    assert verdict["failures"] == [], json.dumps(verdict["failures"][:6], ensure_ascii=False, indent=1)
    # Every screen replayed every stretch of the morning (a phone across its moves too).
    for name, client in recording["clients"].items():
        assert verdict["checked_by_screen"].get(name) == pairs_of(client), name
    # Replays, not only snapshots: a staff screen never misses more than SYNC_MAX_EVENTS here.
    assert verdict["sync_replays"].get("staff events", 0) >= 20, verdict["sync_replays"]
    assert verdict["sync_replays"].get("participant events", 0) >= 20, verdict["sync_replays"]
    assert verdict["snapshots_taken"] >= 5  # moves, join_table, names back: the stream went through resyncs
    assert verdict["ok"]
    _reference_client_agrees(recording)


def _reference_client_agrees(recording: dict) -> None:
    """tests/reference_client.py (the Python client other tests use) replays the staff screens alike."""
    for name in ("lead", "table1", "projector"):
        points = recording["clients"][name]["checkpoints"]
        messages = recording["clients"][name]["messages"]
        for start, end in pairwise(points):
            state, last, held = start["snapshot"], start["seq"], None
            for message in messages[start["count"] : end["count"]]:
                if message["type"] == "resync":
                    held = held or []
                elif message["type"] == "snapshot":
                    state, last = message["snapshot"], message["seq"]
                    waiting, held = sorted(held or [], key=lambda e: e["seq"]), [] if message["pending"] else None
                    for envelope in waiting:
                        if classify(envelope, last) == APPLY:
                            state, last = apply_staff(state, envelope), envelope["seq"]
                elif message["type"] == "event" and held is not None:
                    held.append(message["envelope"])
                elif message["type"] == "event" and classify(message["envelope"], last) == APPLY:
                    state, last = apply_staff(state, message["envelope"]), message["envelope"]["seq"]
            assert comparable(state) == comparable(end["snapshot"]), (name, start["label"], end["label"])
