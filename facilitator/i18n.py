"""User-interface language: Flask-Babel, the locale of a request and the string catalogues.

French is the default; English is complete. Strings live in gettext catalogues,
``facilitator/translations/<lang>/LC_MESSAGES/messages.po``, whose msgids are
symbolic dotted keys (``page.join.title``, ``js.console.rename``): see
docs/i18n.md for why. Templates call ``t("page.join.title", n=3)`` (or Jinja's
``_()``), Python code ``translate(lang, key, **params)``, and the ``js.*``
entries are handed to each page's scripts as ``config.strings`` (the nested
tree that ``makeT`` in static/js/dom.js reads).

The ``.po`` files are read at start-up (compiled in memory with Babel): there
is no ``.mo`` build step and no binary to keep fresh. Flask-Babel selects the
locale (``?lang=``, the ``lang`` cookie, Accept-Language, then French) and
formats dates, times and numbers for it.

Transitional: keys still found in ``facilitator/locales/<lang>.json`` (the
former format) are served too (over the ``.po``), so a string added or changed
there keeps working until ``python -m facilitator i18n import-json`` folds it
into the catalogues (the completeness test fails while any is left).
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask, request
from flask_babel import Babel, Domain, get_locale

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
TRANSLATIONS = Path(__file__).parent / "translations"
LOCALES = Path(__file__).parent / "locales"  # former JSON catalogues (leftovers only)
DOMAIN = "messages"


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def flatten(node: dict, prefix: str = "") -> dict[str, str]:
    """{"a": {"b": "x"}} -> {"a.b": "x"} (string leaves only)."""
    out: dict[str, str] = {}
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(flatten(value, path))
        elif isinstance(value, str):
            out[path] = value
    return out


def unflatten(entries: dict[str, str]) -> dict:
    """{"a.b": "x"} -> {"a": {"b": "x"}}."""
    tree: dict = {}
    for key, value in entries.items():
        node = tree
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):  # a key is both a leaf and a parent: keep the leaf
                break
        else:
            node[leaf] = value
    return tree


def json_leftovers(lang: str) -> dict[str, str]:
    """Keys still in the former ``locales/<lang>.json`` (empty when the file is gone)."""
    path = LOCALES / f"{lang}.json"
    if not path.exists():
        return {}
    return flatten(json.loads(path.read_text(encoding="utf-8")))


@cache
def entries(lang: str, keep_empty: bool = False) -> dict[str, str]:
    """The entries of a language: key -> text (empty ones only with ``keep_empty``).

    A key in a leftover JSON file wins over the ``.po`` (it is the newer edit,
    and ``import-json`` folds it the same way)."""
    merged: dict[str, str] = {}
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for message in catalog:
            if message.id and isinstance(message.id, str) and not message.fuzzy:
                merged[message.id] = message.string or ""
    merged.update(json_leftovers(lang))
    return merged if keep_empty else {k: v for k, v in merged.items() if v}


@cache
def translations(lang: str) -> Translations:
    """gettext translations of a language, compiled in memory; English falls back to French."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale=lang, domain=DOMAIN, charset="utf-8")
    for key, text in entries(lang).items():
        catalog.add(key, text)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    result = Translations(buffer, domain=DOMAIN)
    if lang != DEFAULT:
        result.add_fallback(translations(DEFAULT))
    return result


def lookup(lang: str, key: str) -> str | None:
    """The string of ``key`` in ``lang`` (or French), or None when no catalogue has it."""
    lang = lang if lang in LANGUAGES else DEFAULT
    text = translations(lang).gettext(key)
    return None if text == key else text


def translate(lang: str, key: str, **params) -> str:
    """The string for ``key`` in ``lang``, else in French, else the key itself; ``{name}`` filled."""
    text = lookup(lang, key) or key
    return text.format(**params) if params else text


@cache
def catalogue(lang: str) -> dict:
    """The nested tree of a language's strings (French filling any English gap)."""
    lang = lang if lang in LANGUAGES else DEFAULT
    merged = dict(entries(DEFAULT, keep_empty=True))
    merged.update({k: v for k, v in entries(lang, keep_empty=True).items() if v or k not in merged})
    return unflatten(merged)


def js_strings(lang: str) -> dict:
    """The ``js`` subtree, handed to page scripts as ``config.strings``."""
    return catalogue(lang).get("js", {})


def normalise(lang: str | None) -> str | None:
    """'en-GB' -> 'en'; unknown -> None."""
    if not lang:
        return None
    lang = lang.strip().lower()[:2]
    return lang if lang in LANGUAGES else None


def request_language() -> str:
    """Language of the current HTTP request: ?lang=, then the cookie, then Accept-Language."""
    return (
        normalise(request.args.get("lang"))
        or normalise(request.cookies.get("lang"))
        or request.accept_languages.best_match(LANGUAGES)
        or DEFAULT
    )


def current_language() -> str:
    """The language Flask-Babel selected for this request (falls back to request_language)."""
    locale = get_locale()
    return normalise(str(locale)) if locale is not None else request_language()


class PoDomain(Domain):
    """Flask-Babel domain served from the in-memory compiled ``.po`` catalogues."""

    def get_translations(self):
        locale = get_locale()
        return translations(normalise(str(locale)) if locale is not None else DEFAULT)


babel = Babel()


def init_app(app: Flask) -> None:
    """Flask-Babel with our locale selector and the ``.po`` catalogues (``_()`` works in templates)."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")
    babel.init_app(app, locale_selector=request_language)
    app.extensions["babel"].instance.domain_instance = PoDomain(domain=DOMAIN)
    for lang in LANGUAGES:  # parse once at start-up, not on the first request
        translations(lang)
