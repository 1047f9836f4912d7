"""bench/realtime.py on PostgreSQL runs every time on a fresh database, dropped after the run.

Runs that reused one database were not comparable: each found the ideas of the ones before
(bench/benchlib/scratch_db.py). Two tiny runs against the test server: both store the same
events, and neither leaves its database behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_databases(url: str) -> set[str]:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{name}_run_%",)).fetchall()
    return {r[0] for r in rows}


def test_each_run_starts_from_an_empty_database_and_drops_it(postgres_url):
    before = _run_databases(postgres_url)
    events = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "bench/realtime.py", "--participants", "3", "--projectors", "1", "--rate", "5",
             "--duration", "1", "--grace", "10", "--database-url", postgres_url],
            cwd=ROOT, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        assert "fresh database" in done.stderr
        report = json.loads(done.stdout)
        assert report["ideas_acked"] == 5 and report["lost"] == 0
        assert report["prev_chain"]["ok"]
        events.append(report["prev_chain"]["events"])
        assert _run_databases(postgres_url) == before  # dropped at the end
    assert events[0] == events[1], events  # the second run did not find the first one's events
