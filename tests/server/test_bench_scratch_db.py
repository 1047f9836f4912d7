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


def _run_databases(url: str, name: str | None = None) -> set[str]:
    """The run databases named after ``name`` (default: ``url``'s), listed through ``url``."""
    import psycopg

    name = name or url.rpartition("/")[2]
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


def test_the_named_database_need_not_exist(postgres_url):
    # On a fresh machine the README's `--database-url postgresql://…/facilitator_bench` names a
    # database nobody created: the run's database is made through the maintenance database.
    import psycopg

    sys.path.insert(0, str(ROOT / "bench"))
    from benchlib.scratch_db import ScratchDatabase

    base = postgres_url.rpartition("/")[0]
    scratch = ScratchDatabase(ROOT, f"{base}/never_created_here")
    assert scratch.name.startswith("never_created_here_run_")
    url = scratch.create()
    try:
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == scratch.name
    finally:
        scratch.drop()
    assert _run_databases(postgres_url, "never_created_here") == set()
