"""One board end to end: topics, placements and discovery combined (what the CLI runs)."""

from __future__ import annotations

import numpy as np

from .assign import MIN_CONFIDENCE, Assignment, decide, names_are_informative, score_groups, softmax
from .discover import cluster, keyword_labels, unique_names
from .embed import Embedder, normalise

DISCOVERY_TEMPERATURE = 0.1  # centroid margins are wider than label margins


def group_board(
    texts: list[str],
    placements: list[str | None],
    topics: list[str],
    embedder: Embedder,
    min_confidence: float = MIN_CONFIDENCE,
    topic_placement_weight: float = 1.0,
) -> list[Assignment]:
    """Assign every idea of one board.

    Groups are the board's topics, then the groups named in `placements` (in order of first
    appearance). Placed ideas keep their group (confidence 1) and serve as examples; a placement
    group's name also counts as its label when the board's names prove meaningful
    (`names_are_informative`). `topic_placement_weight` is how firmly an idea placed in a topic
    holds to it while the board is refined (see `score_groups`; the live app uses
    `LIVE_PLACEMENT_WEIGHT`, the CLI 1). With no group at all, groups are discovered and given keyword labels.
    """
    n = len(texts)
    if n == 0:
        return []
    vecs = normalise(embedder.encode(texts, kind="query"))
    names = list(dict.fromkeys(list(topics) + [p for p in placements if p]))
    if not names:
        return discover_board(texts, vecs)
    label_vecs: list[np.ndarray | None] = [None] * len(names)
    if topics:
        tv = normalise(embedder.encode(list(topics), kind="passage"))
        for _k, t in enumerate(dict.fromkeys(topics)):
            label_vecs[names.index(t)] = tv[list(topics).index(t)]
    examples = [[r for r in range(n) if placements[r] == g] for g in names]
    # a group known only by its name (no topic) gets its name embedded as a label too
    # (and, when the names prove meaningful for the placed ideas, a named group with examples too)
    missing = [g for g in range(len(names)) if label_vecs[g] is None]
    if missing:
        mv = normalise(embedder.encode([names[g] for g in missing], kind="passage"))
        named = dict(zip(missing, mv))
        for g, v in named.items():
            if not examples[g]:
                label_vecs[g] = v
        if names_are_informative(vecs, {g: v for g, v in named.items() if examples[g]}, examples):
            for g, v in named.items():
                label_vecs[g] = v
    topic_set = set(topics)
    weights = [topic_placement_weight if names[g] in topic_set else 1.0 for g in range(len(names))]
    scores = score_groups(vecs, label_vecs, examples, placement_weight=weights)
    out = decide(scores, names, min_confidence)
    for r in range(n):
        if placements[r]:
            out[r] = Assignment(
                placements[r], 1.0, [placements[r]] + [s for s in out[r].suggestions if s != placements[r]][:2]
            )
    return out


def discover_board(texts: list[str], vecs: np.ndarray) -> list[Assignment]:
    """Discovery on a whole board: clusters, keyword labels, confidence from centroid margins."""
    labels = cluster(vecs)
    names = unique_names(keyword_labels(texts, labels), set())
    ks = sorted(names)
    x = normalise(vecs - vecs.mean(axis=0))
    cents = normalise(np.stack([x[labels == c].mean(axis=0) for c in ks]))
    scores = x @ cents.T
    prob = softmax(scores, DISCOVERY_TEMPERATURE)
    out = []
    for r in range(len(texts)):
        c = int(labels[r])
        order = [c] + [ks[k] for k in np.argsort(-scores[r], kind="stable") if ks[k] != c]
        out.append(Assignment(names[c], round(float(prob[r, ks.index(c)]), 3), [names[k] for k in order[:3]]))
    return out
