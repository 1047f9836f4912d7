"""A fresh PostgreSQL database for each bench run, dropped after it.

``--database-url`` names a PostgreSQL server and a database name; the run gets a new, empty
database (``<name>_run_<random>``), created and dropped through the server's ``postgres``
maintenance database, as ``createdb`` does, so the named database need not exist (on a fresh
machine it does not). Runs on one reused database were not comparable: each left its ideas
and participants in the workshop, so the next run's boards were bigger (the placer loads an
idea's board to place it) and its engine cost more. A pair of runs, one process then two, compared a board
of N ideas with one of N + 400 (found on 2026-12-05: 5,200 ideas had piled up in the
workshop after 13 runs, and the engine's CPU per run had tripled).
"""

from __future__ import annotations

import sys
import uuid

from . import log


class ScratchDatabase:
    def __init__(self, repo, url: str):
        if str(repo) not in sys.path:
            sys.path.insert(0, str(repo))
        from sqlalchemy.engine import make_url

        from facilitator.config import _database_url

        given = make_url(_database_url(url))
        self.name = f"{given.database or 'facilitator'}_run_{uuid.uuid4().hex[:8]}"
        self.admin_url = given.set(database="postgres")
        # The URL the server gets: the caller's, with the run's database.
        self.url = make_url(url).set(database=self.name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(statement))
        finally:
            engine.dispose()

    def create(self) -> str:
        self._execute(f'CREATE DATABASE "{self.name}"')
        log(f"fresh database {self.name} for this run")
        return self.url

    def drop(self) -> None:
        try:
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001 - the run's figures stand; say what is left behind
            log(f"could not drop the run's database {self.name}: {exc}")


def scratch_for(repo, url: str | None) -> ScratchDatabase | None:
    """A scratch database when ``url`` is PostgreSQL (SQLite runs get a fresh file anyway)."""
    return ScratchDatabase(repo, url) if url and url.startswith("postgresql") else None
