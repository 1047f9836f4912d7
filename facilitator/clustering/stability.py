"""Stable regrouping: facilitator decisions are never overwritten, other moves are minimal.

`regroup()` runs discovery on the ideas that are neither placed by a facilitator nor in a
facilitator-named group, then matches the new clusters to the previous automatic groups
(greatest overlap first, one to one): a matched cluster keeps the old group's name, so ideas
that stay together keep their group, and only ideas whose cluster really changed move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .discover import cluster, keyword_labels, unique_names

STAY_MARGIN = 0.10


@dataclass
class IdeaState:
    """One idea of the board as the live app knows it."""

    text: str
    group: str | None = None  # current group name, None = unsorted
    pinned: bool = False  # placed by a facilitator: never moved by automation


def regroup(
    ideas: list[IdeaState], vectors: np.ndarray, named_groups: set[str], reshuffle: bool = False
) -> list[str | None]:
    """New group name for each idea.

    By default only unsorted ideas are clustered (new groups with keyword labels): nothing
    already grouped moves. With `reshuffle`, automatic groups are clustered again too:
    - pinned ideas and ideas in a facilitator-named group keep their group;
    - the others (unsorted or in an automatic group) are clustered again; each new cluster takes
      the name of the previous automatic group it overlaps most (one to one), or a new keyword
      label that clashes with no existing name.
    """
    result: list[str | None] = [i.group for i in ideas]
    if reshuffle:
        free = [k for k, i in enumerate(ideas) if not i.pinned and not (i.group and i.group in named_groups)]
    else:  # the default ("Regrouper"): discovery on what is unsorted; nothing grouped moves
        free = [k for k, i in enumerate(ideas) if not i.pinned and not i.group]
    if not free:
        return result
    labels = cluster(vectors[free])
    overlaps: list[tuple[int, int, str]] = []
    for c in sorted(set(labels.tolist())):
        members = [free[r] for r in range(len(free)) if labels[r] == c]
        counts: dict[str, int] = {}
        for k in members:
            g = ideas[k].group
            if g and g not in named_groups:
                counts[g] = counts.get(g, 0) + 1
        for g, n in counts.items():
            overlaps.append((n, c, g))
    overlaps.sort(key=lambda x: (-x[0], x[1], x[2]))
    name_of: dict[int, str] = {}
    used_old: set[str] = set()
    for _n, c, g in overlaps:
        if c not in name_of and g not in used_old:
            name_of[c] = g
            used_old.add(g)
    fresh = {c for c in set(labels.tolist()) if c not in name_of}
    if fresh:
        kw = keyword_labels([ideas[k].text for k in free], labels)
        taken = set(named_groups) | {i.group for i in ideas if i.group} | set(name_of.values())
        name_of.update(unique_names({c: kw[c] for c in fresh}, taken))
    new = {k: name_of[int(labels[r])] for r, k in enumerate(free)}
    # hysteresis: an idea already in a surviving automatic group stays there unless its new
    # group is clearly closer (by STAY_MARGIN in centred cosine to the group's mean)
    x = vectors - vectors.mean(axis=0)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    members: dict[str, list[int]] = {}
    for k in free:
        members.setdefault(new[k], []).append(k)
    cents = {g: x[ks].mean(axis=0) for g, ks in members.items()}
    for k in free:
        old = ideas[k].group
        if old and old != new[k] and old in cents:
            if x[k] @ cents[new[k]] - x[k] @ cents[old] < STAY_MARGIN:
                new[k] = old
    for k in free:
        result[k] = new[k]
    return result
