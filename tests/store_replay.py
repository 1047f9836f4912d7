"""Run a recording through the browser's own stores in Node (tests/js/replay.mjs); its JSON verdict.

A recording is ``{"checkpoints": [label...], "clients": {name: {"kind": "staff" | "participant",
"role", "messages": [...], "checkpoints": [{"label", "seq", "snapshot", "count", "replay"?}]}}}``
(tests/morning_recorder.py writes one from the real server; tests/integration/test_sync.py from
the test client). docs/architecture.md, "Testing the stores", says what the replay checks.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from facilitator.config import ROOT
from tests.conftest import need


def replay_in_node(recording: dict, folder: Path) -> dict:
    """Write the recording under ``folder``, replay it with Node, return (and keep) the verdict."""
    node = shutil.which("node")
    if node is None:
        need("browser", "Node.js is not installed: the browser's stores run in Node")
    path = Path(folder) / "recording.json"
    path.write_text(json.dumps(recording, ensure_ascii=False))
    result = subprocess.run(
        [node, str(ROOT / "tests" / "js" / "replay.mjs"), str(path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (Path(folder) / "verdict.json").write_text(result.stdout)
    return json.loads(result.stdout)
