"""Dot voting results: dots counted per item and ranked, ties shown as ties.

Pure: no Flask, no database. The live app (``facilitator/voting.py``) and the
exports both call ``tally`` with plain data, so a screen and a report always
rank the same way.

Ranking is "competition" ranking: items with the same number of dots share a
rank ("ex aequo") and the next rank skips (5, 5, 3 dots -> ranks 1, 1, 3).
Each row says whether it is ``tied`` with another row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

Key = tuple[str, str]  # (target kind "idea" | "group", target id)


def follow(key: Key, alias: Mapping[Key, Key] | None) -> Key:
    """Where a dot on ``key`` counts: through merges (B merged into A, A into C: C), cycles stop."""
    seen = {key}
    while alias and key in alias:
        key = alias[key]
        if key in seen:
            break
        seen.add(key)
    return key


def tally(
    dots: Iterable[Key],
    *,
    alias: Mapping[Key, Key] | None = None,
    counted: Iterable[Key] | None = None,
    items: Iterable[Key] = (),
    order: Mapping[Key, Hashable] | None = None,
) -> list[dict[str, Any]]:
    """Ranked rows ``{"kind", "id", "votes", "rank", "tied"}``, most dots first.

    ``dots``: one ``(kind, id)`` per dot cast.
    ``alias``: ``{merged item: item it was merged into}``; a merged item's dots count for the kept one.
    ``counted``: the items whose dots count (visible ideas, active groups); ``None``: every item.
      Dots on other items (a hidden idea, a removed group) are left out.
    ``items``: items listed even with no dot (rank after the voted ones); by default only voted items appear.
    ``order``: display order of items with the same number of dots (e.g. board position);
      by default kind then id. It never changes a rank.
    """
    allowed = None if counted is None else set(counted)
    counts: Counter[Key] = Counter()
    for key in dots:
        key = follow((str(key[0]), str(key[1])), alias)
        if allowed is None or key in allowed:
            counts[key] += 1
    for key in items:
        key = (str(key[0]), str(key[1]))
        if allowed is None or key in allowed:
            counts.setdefault(key, 0)
    order = order or {}

    def sort_key(key: Key):
        return (-counts[key], key not in order, order.get(key, 0), key)

    rows: list[dict[str, Any]] = []
    for position, key in enumerate(sorted(counts, key=sort_key)):
        votes = counts[key]
        rank = rows[-1]["rank"] if rows and rows[-1]["votes"] == votes else position + 1
        rows.append({"kind": key[0], "id": key[1], "votes": votes, "rank": rank, "tied": False})
    for before, after in zip(rows, rows[1:]):
        if before["votes"] == after["votes"]:
            before["tied"] = after["tied"] = True
    return rows
