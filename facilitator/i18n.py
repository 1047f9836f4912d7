"""User-interface language: choice of locale and the string catalogue.

French is the default; English is complete. Strings live in
``facilitator/locales/<lang>.json`` as ``{"page": {...}, "js": {...}}``:
templates call ``t("page.join.title")``, and the ``js`` part is handed to
each page's scripts. (Moving to Flask-Babel .po catalogues is planned with the
full bilingual interface.)
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import request

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
LOCALES = Path(__file__).parent / "locales"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict:
    """The parsed catalogue of a language (cached for the process)."""
    path = LOCALES / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def lookup(lang: str, key: str) -> str | None:
    """The string at a dotted key, or None."""
    node = catalogue(lang)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) else None


def translate(lang: str, key: str, **params) -> str:
    """The string for ``key`` in ``lang``, else in French, else the key itself."""
    text = lookup(lang, key) or lookup(DEFAULT, key) or key
    return text.format(**params) if params else text


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
