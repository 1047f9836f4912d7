"""The stores applying organiser edits (workshop_updated, table_updated, table_removed), run with Node."""

from __future__ import annotations

import shutil
import subprocess

from facilitator.config import ROOT
from tests.conftest import need


def test_organiser_edit_reducers_with_node():
    node = shutil.which("node")
    if node is None:
        need("browser", "Node.js is not installed: the client's JS unit tests need it")
    result = subprocess.run(
        [node, str(ROOT / "tests" / "js" / "organiser-edits.test.mjs")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "organiser edits ok" in result.stdout
