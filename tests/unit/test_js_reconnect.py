"""The browser client's reconnection rule (jittered exponential backoff), run with Node."""

from __future__ import annotations

from tests.unit.test_js_client import run_node


def test_reconnect_backoff_with_full_jitter():
    output = run_node("reconnect.test.mjs")
    assert "reconnect delay ok" in output and "reconnect schedule ok" in output
