"""Read an HTML form as a browser without scripts would post it (tests of the organiser's edit form)."""

from __future__ import annotations

import html
import re

FIELD_RE = re.compile(r'<(input|textarea|select)[^>]*\bname="([^"]+)"[^>]*>(?:([^<]*)</textarea>)?', re.DOTALL)


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
            rest = page[match.end() : page.index("</select>", match.end())]
            chosen = re.search(r'<option value="([^"]*)" selected', rest) or re.search(r'<option value="([^"]*)"', rest)
            data[name] = chosen.group(1)
        elif 'type="checkbox"' in element:
            if "checked" in element:
                data[name] = "1"
        else:
            value = re.search(r'value="([^"]*)"', element)
            data[name] = html.unescape(value.group(1)) if value else ""
    return data
