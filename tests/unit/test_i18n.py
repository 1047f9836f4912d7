"""The .po catalogues: completeness against the code, canonical form, locale selection."""

from __future__ import annotations

import re

import pytest

from facilitator import i18n, i18n_tools
from facilitator.errors import MESSAGES


def test_catalogues_are_complete():
    """Every string a template, script or view uses is in French and English, none empty."""
    found = i18n_tools.problems()
    assert not found, "catalogue problems (python -m facilitator i18n check):\n" + "\n".join(found)


def test_the_scan_sees_the_call_sites():
    """Guard against a scanner that silently finds nothing."""
    usage = i18n_tools.used_keys(set(i18n_tools.read("fr")))
    assert "page.join.title" in usage.keys  # template t('...')
    assert "page.error.not_found" in usage.keys  # Python literal (app.py)
    assert "js.console.posting_open" in usage.keys  # literal inside t(cond ? ... : ...)
    assert any(k.startswith("js.projector.") for k in usage.plurals)  # t.plural(...)
    assert len(usage.keys) > 150


def test_every_error_code_has_both_languages():
    for code, texts in MESSAGES.items():
        assert texts.get("fr", "").strip() and texts.get("en", "").strip(), code


def test_po_files_parse_without_errors_or_duplicates():
    """Hand edits keep the files valid gettext (``i18n format`` re-sorts them; order is free)."""
    from babel.messages.pofile import read_po

    for lang in i18n.LANGUAGES:
        path = i18n.po_path(lang)
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, abort_invalid=True)
        ids = re.findall(r'^msgid "(.+)"$', path.read_text(encoding="utf-8"), flags=re.M)
        duplicates = sorted({key for key in ids if ids.count(key) > 1})
        assert not duplicates, f"{lang}: duplicate msgids {duplicates}"
        assert len(catalog) == len(ids)
        assert all(not m.fuzzy for m in catalog if m.id), f"{lang}: fuzzy entries are not served"


def test_import_json_folds_leftovers_and_is_idempotent(tmp_path, monkeypatch):
    import json

    locales = tmp_path / "locales"
    locales.mkdir()
    (locales / "fr.json").write_text(
        json.dumps(
            {"js": {"demo": {"hello": "Bonjour {name}", "page_title": "X"}}, "page": {"join": {"title": "Rejoindre"}}}
        ),
        encoding="utf-8",
    )
    (locales / "en.json").write_text(json.dumps({"js": {"demo": {"hello": "Hello {name}"}}}), encoding="utf-8")
    po = {lang: tmp_path / f"{lang}.po" for lang in i18n.LANGUAGES}
    for lang in i18n.LANGUAGES:
        po[lang].write_bytes(i18n.po_path(lang).read_bytes())
    monkeypatch.setattr(i18n, "LOCALES", locales)
    monkeypatch.setattr(i18n_tools, "LOCALES", locales)
    monkeypatch.setattr(i18n_tools, "po_path", lambda lang: po[lang])
    monkeypatch.setattr(i18n_tools, "ROOT", tmp_path)
    out = open(tmp_path / "log.txt", "w")
    report = i18n_tools.import_json(out=out)
    assert report["fr"]["added"] == ["js.demo.hello", "js.demo.page_title"]
    assert report["fr"]["conflicts"] == ["page.join.title"]  # JSON text taken, and listed
    assert not (locales / "fr.json").exists() and not locales.exists()
    fr = i18n_tools.read("fr")
    assert fr["js.demo.hello"] == "Bonjour {name}" and fr["page.join.title"] == "Rejoindre"
    assert 'msgid "js.demo.hello"\nmsgstr "Bonjour {name}"' in po["fr"].read_text(encoding="utf-8")
    before = {lang: po[lang].read_bytes() for lang in po}
    report = i18n_tools.import_json(out=out)  # nothing left: nothing changes
    assert report["fr"] == {"added": [], "conflicts": []}
    assert {lang: po[lang].read_bytes() for lang in po} == before


def test_flatten_unflatten_round_trip():
    tree = {"js": {"a": {"one": "1", "other": "n"}, "b": "x"}, "page": {"c": "y"}}
    assert i18n.unflatten(i18n.flatten(tree)) == tree
    assert i18n.flatten(tree)["js.a.one"] == "1"


def test_english_falls_back_to_french_then_to_the_key():
    assert i18n.translate("en", "page.home.title") != i18n.translate("fr", "page.home.title")
    assert i18n.translate("de", "page.home.title") == i18n.translate("fr", "page.home.title")
    assert i18n.translate("en", "page.no.such.key") == "page.no.such.key"
    assert i18n.translate("fr", "js.common.table_number", n=3) == "Table 3"


@pytest.mark.parametrize(
    "headers,query,cookie,expected",
    [
        ({}, "", None, "fr"),
        ({"Accept-Language": "en-GB,en;q=0.9"}, "", None, "en"),
        ({"Accept-Language": "de-DE"}, "", None, "fr"),
        ({"Accept-Language": "en-GB"}, "?lang=fr", None, "fr"),
        ({}, "", "en", "en"),
        ({"Accept-Language": "fr"}, "?lang=en", None, "en"),
    ],
)
def test_locale_selection(make_app, headers, query, cookie, expected):
    app = make_app()
    client = app.test_client()
    if cookie:
        client.set_cookie("lang", cookie)
    response = client.get("/" + query, headers=headers)
    html = response.get_data(as_text=True)
    assert f'<html lang="{expected}">' in html
    assert i18n.translate(expected, "page.home.title") in html
    other = "en" if expected == "fr" else "fr"
    switch = re.search(r'<a class="lang-switch" href="([^"]+)" hreflang="(\w+)"', html)
    assert switch and switch.group(2) == other and f"lang={other}" in switch.group(1)
    if query:
        assert f"lang={expected}" in response.headers.get("Set-Cookie", "")


def test_flask_babel_formats_for_the_locale(make_app):
    from datetime import datetime

    from flask_babel import format_datetime, format_number, gettext

    app = make_app()
    with app.test_request_context("/?lang=fr"):
        assert format_number(1234.5) == "1\u202f234,5"
        assert "décembre" in format_datetime(datetime(2026, 12, 10, 9, 30), "d MMMM y")
        assert gettext("page.home.title") == i18n.translate("fr", "page.home.title")
    with app.test_request_context("/?lang=en"):
        assert format_number(1234.5) == "1,234.5"
        assert "December" in format_datetime(datetime(2026, 12, 10, 9, 30), "d MMMM y")
        assert gettext("page.home.title") == i18n.translate("en", "page.home.title")


def test_join_page_date_is_formatted_for_the_locale(make_app):
    client = make_app().test_client()
    fr = client.get("/j/DEVUP?lang=fr").get_data(as_text=True)
    en = client.get("/j/DEVUP?lang=en").get_data(as_text=True)
    assert re.search(r'<time class="workshop-date" datetime="2026-12-10">jeudi 10 décembre 2026</time>', fr)
    assert re.search(r'<time class="workshop-date" datetime="2026-12-10">Thursday, December 10, 2026</time>', en)
