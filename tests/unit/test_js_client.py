"""The browser client's pure logic (sync rule, state stores, offline queue), run with Node."""

from __future__ import annotations

import json
import shutil
import subprocess

from facilitator.config import ROOT
from tests.conftest import need
from tests.reference_client import classify


def run_node(script: str) -> str:
    """Run tests/js/<script> with Node; its output (it must exit 0)."""
    node = shutil.which("node")
    if node is None:
        need("browser", "Node.js is not installed: the client's JS unit tests need it")
    result = subprocess.run([node, str(ROOT / "tests" / "js" / script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_client_logic_with_node():
    output = run_node("client.test.mjs")
    for part in ("staff live ok", "reorder and loss ok", "participant store ok", "pending ok"):
        assert part in output


def test_envelope_rule_is_one_rule():
    """The browser's rule (static/js/envelope.js) and the reference client's agree on every shared case."""
    cases = json.loads((ROOT / "tests" / "data" / "envelope_rule.json").read_text())["cases"]
    for case in cases:
        assert classify({"seq": case["seq"], "prev": case["prev"]}, case["last"]) == case["expect"], case
    assert f"envelope rule ok ({len(cases)} cases)" in run_node("envelope.test.mjs")
