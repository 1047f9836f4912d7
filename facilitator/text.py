"""User text as the app keeps it: no control characters, no lone surrogates, no bidi overrides.

Anyone with the join code (or a review link) can send text, and one control
character used to break the XLSX and DOCX exports of a whole workshop for
good (XML forbids most of C0), a lone surrogate could not be encoded (an
``internal`` error on both databases), a NUL was refused by PostgreSQL, and a
right-to-left override turned the organisation next to a name backwards on
the projector. Text is therefore cleaned where it enters (docs/security-text.md):

- socket command payloads (``sockets.dispatch``), HTTP forms, query strings,
  JSON bodies and URL parts (``CleanRequest``), YAML definitions and JSON
  imports: every string, keys included;
- and again where it leaves, in ``exports.render``, so that a database
  written before this rule still exports.

What is removed: C0 controls except tab, line feed and carriage return; DEL
and C1 controls; the bidi embedding, override and isolate controls
(U+202A-U+202E, U+2066-U+2069: ordinary right-to-left text needs none of
them, the Unicode bidi algorithm orders it); the byte-order mark and the
non-characters U+FFFE/U+FFFF. A lone surrogate becomes U+FFFD. Nothing else
changes: accents, emoji and right-to-left scripts pass as they are.
"""

from __future__ import annotations

import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

_REMOVED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` without the characters above (lone surrogates as U+FFFD)."""
    return _SURROGATE.sub("\ufffd", _REMOVED.sub("", text))


def deep_clean(value):
    """Every string of a JSON-like value cleaned (dict keys too); other values as they are."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {deep_clean(k): deep_clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_clean(item) for item in value]
    if isinstance(value, tuple):
        return tuple(deep_clean(item) for item in value)
    return value


class CleanParams(ImmutableMultiDict):
    """Query strings and form fields, cleaned as they are parsed (``Request.parameter_storage_class``)."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            pairs = [(k, item) for k, v in mapping.items() for item in (v if isinstance(v, (list, tuple)) else [v])]
        else:
            pairs = mapping
        super().__init__([(deep_clean(k), deep_clean(v)) for k, v in pairs])


class CleanRequest(Request):
    """Flask's request, with cleaned forms, query strings, JSON bodies and URL parts."""

    parameter_storage_class = CleanParams

    def get_json(self, *args, **kwargs):
        return deep_clean(super().get_json(*args, **kwargs))


def clean_view_args() -> None:
    """``before_request``: URL parts too (a NUL in a join code reached PostgreSQL)."""
    from flask import request

    if request.view_args:
        request.view_args = deep_clean(request.view_args)
