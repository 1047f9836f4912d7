"""facilitator: run a live workshop morning (join by QR code, post ideas, live boards).

This package file imports nothing heavy on purpose: ``python -m facilitator
serve`` imports it before it can monkey-patch with eventlet, and eventlet
must patch before Flask, SQLAlchemy or Socket.IO are imported (see
__main__.py). The factory itself lives in app.py.
"""

from __future__ import annotations


def create_app(config=None):
    """Build the Flask app (see ``facilitator.app.create_app``)."""
    from .app import create_app as build

    return build(config)
