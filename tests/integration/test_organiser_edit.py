"""Editing a workshop from the organiser space (docs/organisers.md, "Editing"): every field of the form,
valid and invalid (the message next to its field, French and English), live propagation to the screens
through real Socket.IO clients, tables that cannot go, the current step's timer, the version check, and
the export -> check -> load round trip. Both databases."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from facilitator.extensions import db
from facilitator.models import Group, Workshop
from tests.conftest import events_of, new_id
from tests.integration.test_organiser import organiser, post  # noqa: F401 (fixture)
from tests.reference_client import apply_staff, comparable

FIELD_RE = re.compile(r'<(input|textarea|select)[^>]*\bname="([^"]+)"[^>]*>(?:([^<]*)</textarea>)?', re.S)


def form_of(page: str) -> dict:
    """The values an unchanged browser would post from an edit page (no JavaScript)."""
    data = {}
    for match in FIELD_RE.finditer(page):
        tag, name, text = match.group(1), match.group(2), match.group(3)
        element = match.group(0)
        if name in ("csrf_token",) or "999" in name:
            continue
        if tag == "textarea":
            data[name] = html.unescape(text or "")
        elif tag == "select":
            rest = page[match.end():page.index("</select>", match.end())]
            chosen = re.search(r'<option value="([^"]*)" selected', rest) or re.search(r'<option value="([^"]*)"', rest)
            data[name] = chosen.group(1)
        elif 'type="checkbox"' in element:
            if "checked" in element:
                data[name] = "1"
        else:
            value = re.search(r'value="([^"]*)"', element)
            data[name] = html.unescape(value.group(1)) if value else ""
    return data


def edit_page(client, code="DEVUP", lang="fr"):
    response = client.get(f"/organiser/w/{code}/edit?lang={lang}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def workshop(code="DEVUP") -> Workshop:
    return db.session.execute(db.select(Workshop).where(Workshop.code == code)).scalar_one()


def test_edit_page_shows_the_definition_with_its_version(app, organiser):
    page = edit_page(organiser)
    data = form_of(page)
    with app.app_context():
        w = workshop()
        assert data["title"] == w.title and data["version"] == str(w.version) == "1"
        assert [data[f"tables-{i}-theme"] for i in range(len(w.tables))] == [t.theme for t in w.tables]
        assert data[f"tables-{len(w.tables)}-theme"] == ""  # a blank row to add a table without scripts
        assert data["agenda-0-key"] == w.definition["agenda"][0]["key"]
    assert 'id="f-tables-0-theme"' in page and "docs/workshops.md" not in page


def test_saving_unchanged_logs_nothing_and_bumps_the_version(app, organiser):
    with app.app_context():
        before = workshop().last_seq
    response = post(organiser, "/organiser/w/DEVUP/edit", form_of(edit_page(organiser)))
    assert response.status_code == 302 and "edited=1" in response.headers["Location"]
    with app.app_context():
        assert workshop().last_seq == before and workshop().version == 2
