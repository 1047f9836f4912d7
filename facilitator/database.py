"""Bring the database to the current schema and load the workshop definitions."""

from __future__ import annotations

from flask import Flask
from flask_migrate import upgrade

from .config import ROOT
from .extensions import db
from .models import Workshop
from .workshops import sync_workshops


def prepare(app: Flask) -> list[Workshop]:
    """Run pending migrations, then create or refresh the workshops of SESSIONS_DIR."""
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        workshops = sync_workshops(app.config["SESSIONS_DIR"])
        for workshop in workshops:
            db.session.refresh(workshop)
        return workshops
