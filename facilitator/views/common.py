"""Helpers shared by the page blueprints: rendering with language and page config."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, render_template, request

from ..extensions import db
from ..i18n import current_language, js_strings, translate
from ..limits import RateLimiter
from ..models import Workshop


def find_workshop(code: str) -> Workshop | None:
    """The workshop with this join code (case-insensitive), or None."""
    return db.session.execute(db.select(Workshop).where(Workshop.code == code.strip().upper())).scalar_one_or_none()


def workshop_or_404(code: str) -> Workshop:
    workshop = find_workshop(code)
    if workshop is None:
        abort(404)
    return workshop


def shared_limiter(name: str, setting: str) -> RateLimiter:
    """One in-memory limiter per app and purpose, built from a (count, seconds) setting."""
    key = f"facilitator.limiter.{name}"
    if key not in current_app.extensions:
        current_app.extensions[key] = RateLimiter(*current_app.config[setting])
    return current_app.extensions[key]


def render_page(template: str, page: dict | None = None, status: int = 200, **context):
    """Render a page with its language, ``t()``, the language switch and the JSON page config."""
    lang = current_language()
    other = "en" if lang == "fr" else "fr"
    switch = switch_language_url(other)
    page = {**(page or {}), "lang": lang, "strings": js_strings(lang)}
    html = render_template(
        template,
        lang=lang,
        t=lambda key, **kw: translate(lang, key, **kw),
        switch_lang_url=switch,
        page=page,
        **context,
    )
    return html, status


def switch_language_url(lang: str) -> str:
    """This page's address with ``lang`` replaced: the same path, every other query parameter kept.

    Built from the request's own path and query string, never with ``url_for(endpoint, **request.args)``:
    a query parameter named like a ``url_for`` argument or a route argument (``?endpoint=``,
    ``?_method=``, ``?code=``) made that call raise (a 500 on any page).
    """
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return request.script_root + request.path + "?" + urlencode([*args, ("lang", lang)])
