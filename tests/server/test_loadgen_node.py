"""The Node load generator (bench/loadgen/worker.mjs) drives a tiny load against the real server.

``bench/realtime.py --client-impl node`` starts the real server, joins 5 phones,
connects them and a projector with socket.io-client in a Node process and posts 5
ideas; the report must account for every delivery (each idea at the projector and
at every phone of its table, none twice, no seq gap) and say which WebSocket
extensions the server accepted. Skipped with the reason when node or the
bench/loadgen packages are missing (failed under REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from benchlib.node_workers import node_missing  # noqa: E402


def test_node_workers_report_every_delivery(tmp_path):
    why = node_missing()
    if why:
        need("service", why)
    raw = tmp_path / "ideas.jsonl"
    # --grace is an upper bound for the last deliveries on a loaded CI machine, not a wait for a condition.
    done = subprocess.run(
        [sys.executable, "bench/realtime.py", "--client-impl", "node", "--participants", "5", "--projectors", "1",
         "--rate", "5", "--duration", "1", "--grace", "10", "--raw", str(raw)],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)

    assert report["parameters"]["client_impl"] == "node"
    assert report["connect"]["connected"] == 6, report["connect"]
    assert report["ideas_sent"] == report["ideas_acked"] == 5, report["ack_errors"]
    assert report["lost"] == 0
    assert report["projector_missed_deliveries"] == 0
    assert report["table_participant_missed_deliveries"] == 0
    assert report["duplicated"] == 0 and report["wrong_table_deliveries"] == 0
    assert report["seq_gaps"] == 0 and report["prev_chain"]["ok"]
    # Socket.io-client offers permessage-deflate by default; the report says what the server answered.
    assert sum(report["websocket_extensions"].values()) == 6, report["websocket_extensions"]

    # One record per idea: acked, at the projector, and at its table's phones (the author's included).
    ideas = [json.loads(line) for line in raw.read_text().splitlines()[1:]]
    ideas = [r for r in ideas if "idx" in r]
    assert len(ideas) == 5
    for r in ideas:
        assert r["ok"] and r["error"] is None, r
        assert all(t is not None for t in r["projectors"].values()) and len(r["projectors"]) == 1, r
        assert r["table_participants_ms"]["n"] >= 1, r
