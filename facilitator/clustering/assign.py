"""Topics + examples mode: score every idea of a board against its groups.

A group is known by its label (an organiser's sub-topic or a facilitator's name) and/or by
the ideas a facilitator placed in it (examples). The score of an idea for a group is

    s0 = mean(cos(idea, label), mean cos(idea, examples))     (whichever exist)

computed on board-centred vectors (the board's mean vector is subtracted: short ideas of one
board share a lot of "workshop" meaning that says nothing about the group). It is then refined
transductively: the other ideas of the board, softly assigned, enrich each group, so a group's
vocabulary grows with what participants actually wrote:

    s_{t+1} = ALPHA * s0 + (1 - ALPHA) * cos_sim(idea, soft members of the group)

Confidence is the softmax probability of the best group (temperature TEMPERATURE).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .embed import normalise

ALPHA = 0.3  # weight of the direct score; 0.5 before (0.3: topics top-1 +0.02 on tuning boards)
TEMPERATURE = 0.05
REFINE_STEPS = 3
CENTRE_SHRINK = 8
LIVE_PLACEMENT_WEIGHT = 0.2  # live board: hold of a placed idea on its topic (1 = fixed; see score_groups)
# Live confidence calibration: (softmax confidence, share of ideas whose best group is right),
# an isotonic fit (pool-adjacent-violators, blocks of >= 100 ideas) on the live simulation's
# tuning boards (bench/cluster_online.py, placements on and off, 3290 decisions); `calibrate`
# interpolates between the points. Reliability on tuning and held-out boards: docs/clustering.md.
CALIBRATION = (
    (0.265, 0.419),
    (0.334, 0.474),
    (0.365, 0.527),
    (0.437, 0.541),
    (0.512, 0.600),
    (0.545, 0.629),
    (0.593, 0.693),
    (0.672, 0.796),
    (0.745, 0.810),
    (0.790, 0.824),
    (0.829, 0.862),
    (0.904, 0.961),
)
MIN_CONFIDENCE = 0.30  # below: "À classer" (unsorted), with the suggestions kept


@dataclass
class Assignment:
    """Where one idea goes: `group` is None when it stays unsorted."""

    group: str | None
    confidence: float
    suggestions: list[str] = field(default_factory=list)


def centre(x: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Subtract the board mean and renormalise."""
    return normalise(x - mu)


def softmax(scores: np.ndarray, temperature: float = TEMPERATURE) -> np.ndarray:
    """Row-wise softmax."""
    z = (scores - scores.max(axis=1, keepdims=True)) / temperature
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def score_groups(
    ideas: np.ndarray,
    labels: list[np.ndarray | None],
    examples: list[list[int]],
    refine_steps: int = REFINE_STEPS,
    placement_weight: list[float] | None = None,
) -> np.ndarray:
    """Scores (n_ideas, n_groups) of every idea for every group.

    `ideas`: (n, d) normalised vectors of ALL ideas of the board (placed ones included);
    `labels[g]`: the label vector of group g or None; `examples[g]`: row indices of ideas
    placed in g. Every group needs a label or at least one example.
    `placement_weight[g]` (default 1 for every group): how much an idea placed in g is held to g
    during the refinement, the rest of it following its own soft assignment. 1 fixes it there.
    A group that has a label (an organiser sub-topic) learns better from a light hold
    (`LIVE_PLACEMENT_WEIGHT`): its paraphrased members are often closer to other groups' ideas
    than to each other, and fixing them all makes the centroid a worse guide than the label.
    """
    n, m = len(ideas), len(labels)
    if m == 0:
        return np.zeros((n, 0), np.float32)
    # board mean, shrunk on small boards (centring two ideas would make them opposites)
    mu = ideas.mean(axis=0) * (n / (n + CENTRE_SHRINK)) if n else np.zeros(ideas.shape[1], np.float32)
    x = centre(ideas, mu)
    sim = x @ x.T
    hold = np.ones(m, np.float32) if placement_weight is None else np.asarray(placement_weight, np.float32)
    base = np.zeros((n, m), np.float32)
    for g in range(m):
        parts, weights = [], []
        if labels[g] is not None:
            parts.append(x @ centre(labels[g][None, :], mu)[0])
            weights.append(1.0)
        if examples[g]:
            parts.append(sim[:, examples[g]].mean(axis=1))
            weights.append(0.0 if labels[g] is not None and hold[g] < 1 else 1.0)
        base[:, g] = np.average(parts, axis=0, weights=weights) if parts else -1.0
    placed = np.full(n, -1)
    for g, rows in enumerate(examples):
        placed[rows] = g
    scores = base
    for _ in range(refine_steps):
        p = softmax(scores)
        fixed = placed >= 0
        lam = hold[placed[fixed]][:, None]
        onehot = np.zeros((int(fixed.sum()), m), np.float32)
        onehot[np.arange(len(onehot)), placed[fixed]] = 1.0
        p[fixed] = (1 - lam) * p[fixed] + lam * onehot
        w = p / np.maximum(p.sum(axis=0, keepdims=True), 1e-9)
        scores = ALPHA * base + (1 - ALPHA) * (sim @ w)
    return scores


def names_are_informative(ideas: np.ndarray, names: dict[int, np.ndarray], examples: list[list[int]]) -> bool:
    """Whether facilitator-given group names say something about the groups' placed ideas.

    `names[g]`: the embedded name of group g (a group with examples). Each name is compared with
    the mean of every group's examples (board-centred); the names are used as labels too when at
    least twice the chance share of them (2 / number of groups with examples) point to their own
    group's examples. Names like "Groupe 3" or "B" then stay out of the scores, while names like
    "Vélo" or "Financement" add what a label adds in topics mode.
    """
    with_ex = [g for g in range(len(examples)) if examples[g]]
    named = [g for g in names if examples[g]]
    if not named:
        return False
    if len(with_ex) < 2:
        return True
    n = len(ideas)
    mu = ideas.mean(axis=0) * (n / (n + CENTRE_SHRINK))
    x = centre(ideas, mu)
    cents = normalise(np.stack([x[examples[g]].mean(axis=0) for g in with_ex]))
    hits = sum(with_ex[int(np.argmax(cents @ centre(names[g][None, :], mu)[0]))] == g for g in named)
    return hits / len(named) >= 2 / len(with_ex)


def calibrate(confidence: float) -> float:
    """Softmax confidence of the live path -> probability that the best group is right."""
    xs, ys = zip(*CALIBRATION)
    return float(np.interp(confidence, xs, ys))


def decide(scores: np.ndarray, names: list[str], min_confidence: float = MIN_CONFIDENCE) -> list[Assignment]:
    """Turn scores into assignments: best group if confident enough, top-3 suggestions always."""
    if scores.shape[1] == 0:
        return [Assignment(None, 0.0, []) for _ in range(len(scores))]
    prob = softmax(scores)
    out = []
    for r in range(len(scores)):
        order = np.argsort(-scores[r], kind="stable")
        conf = float(prob[r, order[0]])
        best = names[order[0]]
        out.append(Assignment(best if conf >= min_confidence else None, round(conf, 3), [names[k] for k in order[:3]]))
    return out
