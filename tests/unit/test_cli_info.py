"""`python -m facilitator info` on a machine where the server never ran."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from facilitator.config import ROOT


def run_info(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
        "PUBLIC_URL": "http://room.example:5000",
    }
    return subprocess.run(
        [sys.executable, "-m", "facilitator", "info", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_info_sets_up_a_fresh_database_and_prints_every_address(tmp_path):
    out = run_info(tmp_path, "DEVUP", "--json")
    assert out.returncode == 0, out.stderr
    described = json.loads(out.stdout)  # stdout is the JSON alone (migration logs go to stderr)
    assert described["code"] == "DEVUP"
    assert described["join_url"] == "http://room.example:5000/j/DEVUP"
    assert [t["number"] for t in described["tables"]] == [1, 2, 3]
    lead_key = described["facilitator_key"]
    assert lead_key in described["facilitator_url"]
    for table in described["tables"]:  # each table console has its own key, not the lead's
        assert "key=" in table["facilitator_url"] and lead_key not in table["facilitator_url"]

    # Run again: the same keys (nothing is recreated), and the plain text form says it is not serving.
    again = run_info(tmp_path)
    assert again.returncode == 0, again.stderr
    assert lead_key in again.stdout and "while `make run` serves" in again.stdout
    assert "Traceback" not in out.stderr + again.stderr


def test_info_of_an_unknown_code_is_a_clear_error(tmp_path):
    out = run_info(tmp_path, "NOPE")
    assert out.returncode == 2
    assert "No workshop with code 'NOPE'" in out.stderr
