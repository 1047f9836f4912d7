"""The browser client's pure logic (sync rule, state stores, offline queue), run with Node."""
from __future__ import annotations

import json
import shutil
import subprocess

from facilitator.config import ROOT
from tests.conftest import need
from tests.reference_client import classify


def test_client_logic_with_node():
    node = shutil.which("node")
    if node is None:
        need("browser", "Node.js is not installed: the client's JS unit tests need it")
    result = subprocess.run([node, str(ROOT / "tests" / "js" / "client.test.mjs")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    for part in ("staff live ok", "reorder and loss ok", "participant store ok", "pending ok"):
        assert part in result.stdout


def test_envelope_rule_is_one_rule():
    """The browser's rule (static/js/envelope.js) and the reference client's agree on every shared case."""
    cases = json.loads((ROOT / "tests" / "data" / "envelope_rule.json").read_text())["cases"]
    for case in cases:
        assert classify({"seq": case["seq"], "prev": case["prev"]}, case["last"]) == case["expect"], case
    node = shutil.which("node")
    if node is None:
        need("browser", "Node.js is not installed: the client's JS unit tests need it")
    result = subprocess.run([node, str(ROOT / "tests" / "js" / "envelope.test.mjs")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"envelope rule ok ({len(cases)} cases)" in result.stdout
