"""Shared fixtures: an app on a fresh database (SQLite, and PostgreSQL when reachable).

Tests that need a service or a browser call ``need()``: without the part they
are skipped with the reason shown; with REQUIRE_SERVICES=1 / REQUIRE_BROWSER=1
(as in CI) they fail instead, so a green CI run really exercised them.
"""

from __future__ import annotations

import os
import uuid

import pytest

from facilitator import create_app
from facilitator.config import make_test_config
from facilitator.database import prepare
from facilitator.extensions import db, socketio
from facilitator.models import Workshop

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@localhost:5432/facilitator_test")


def need(kind: str, reason: str):
    """Skip (or fail, when the matching REQUIRE_* variable is 1) for lack of a part."""
    variable = {"browser": "REQUIRE_BROWSER", "service": "REQUIRE_SERVICES"}[kind]
    if os.environ.get(variable) == "1":
        pytest.fail(f"{reason} ({variable}=1)")
    pytest.skip(reason)


def _postgres_ready(url: str) -> str | None:
    """Create the test database if needed; None when ready, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(url, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            return f"PostgreSQL at {url} is unreachable: {exc}".strip()
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        return f"cannot create the PostgreSQL test database {name}: {exc}"
    return None


@pytest.fixture(scope="session")
def postgres_url():
    problem = _postgres_ready(POSTGRES_URL)
    if problem:
        need("service", problem)
    return POSTGRES_URL


def _reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def make_app(tmp_path, database_url):
    """A factory of migrated apps with the sessions/ workshops loaded; settings can be overridden."""

    def factory(**overrides):
        app = create_app(make_test_config(tmp_path / "instance", database_url, **overrides))
        prepare(app)
        return app

    return factory


@pytest.fixture
def app(make_app):
    app = make_app()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class Room:
    """Helpers to act as the people of one workshop in a test."""

    def __init__(self, app, code: str = "DEVUP"):
        self.app, self.code = app, code
        self.http = app.test_client()
        with app.app_context():
            workshop = db.session.execute(db.select(Workshop).where(Workshop.code == code)).scalar_one()
            self.workshop_id = workshop.id
            self.facilitator_key = workshop.facilitator_key
            self.projector_key = workshop.projector_key
            self.table_ids = [t.id for t in workshop.tables]

    def join(self, first_name="Anne", organisation="Cosmetic Valley", table=0, **extra):
        """Join over HTTP; returns (response json, status)."""
        body = {"first_name": first_name, "organisation": organisation, **extra}
        if table is not None:
            body["table_id"] = self.table_ids[table]
        response = self.http.post(f"/api/w/{self.code}/join", json=body)
        return response.get_json(), response.status_code

    def participant(self, first_name="Anne", table=0, organisation="Cosmetic Valley", lang="fr"):
        """A connected participant socket (joined over HTTP first), already synced."""
        body, status = self.join(first_name, organisation, table)
        assert status == 201, body
        sock = self.connect({"role": "participant", "token": body["token"], "lang": lang})
        sock.participant = body["participant"]
        sock.token = body["token"]
        return sock

    def facilitator(self, lang="fr"):
        return self.connect({"role": "facilitator", "workshop": self.code, "key": self.facilitator_key, "lang": lang})

    def projector(self):
        return self.connect({"role": "projector", "workshop": self.code, "key": self.projector_key})

    def connect(self, auth, sync=True):
        sock = socketio.test_client(self.app, flask_test_client=self.http, auth=auth)
        assert sock.is_connected(), auth
        if sync:
            ack = sock.emit("sync", {"since": 0}, callback=True)
            assert ack["ok"] and ack["mode"] == "snapshot", ack
            sock.snapshot, sock.last = ack["snapshot"], ack["seq"]
        sock.get_received()
        return sock


def events_of(sock) -> list[dict]:
    """The event envelopes a test client received since the last call."""
    return [m["args"][0] for m in sock.get_received() if m["name"] == "event"]


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def room(app):
    return Room(app)
