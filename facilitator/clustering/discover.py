"""Discovery: find groups among unsorted ideas, choosing their number, and label them.

Similarity = cosine of board-centred vectors, smoothed with shared nearest neighbours (two ideas
are closer when their 5 nearest neighbours overlap: robust to the odd idea whose wording
misleads the model). Clustering = average-linkage agglomerative clustering (deterministic, no
seed); the number of groups is the cut with the best silhouette, between about n/12 and n/4
(bounded 2..12). Labels = the 2-3 words most specific to a group versus the rest of the board
(class-based TF-IDF on stems, shown as the most frequent surface form).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .embed import normalise
from .text import content_words, stem

SNN_NEIGHBOURS = 5
SNN_WEIGHT = 0.5


def similarity(ideas: np.ndarray, snn_weight: float | None = None) -> np.ndarray:
    """Board-centred cosine similarity smoothed by shared nearest neighbours (weight `SNN_WEIGHT`)."""
    weight = SNN_WEIGHT if snn_weight is None else snn_weight
    x = normalise(ideas - ideas.mean(axis=0))
    s = x @ x.T
    n = len(s)
    k = min(SNN_NEIGHBOURS, n - 1)
    if k >= 2 and weight > 0:
        a = np.zeros_like(s)
        s_off = s.copy()
        np.fill_diagonal(s_off, -np.inf)
        nn = np.argsort(-s_off, axis=1, kind="stable")[:, :k]
        a[np.repeat(np.arange(n), k), nn.ravel()] = 1.0
        s = (1 - weight) * s + weight * (a @ a.T) / k
    return s


def _average_linkage_cuts(dist: np.ndarray, ks: set[int]) -> dict[int, np.ndarray]:
    """Average-linkage agglomerative clustering; the labels at each number of clusters in `ks`."""
    n = len(dist)
    d = dist.astype(np.float64).copy()
    np.fill_diagonal(d, np.inf)
    size = np.ones(n)
    alive = np.ones(n, bool)
    label = np.arange(n)
    cuts = {}
    clusters = n
    if clusters in ks:
        cuts[clusters] = label.copy()
    while clusters > max(1, min(ks)):
        i, j = divmod(int(np.argmin(d)), n)
        if i > j:
            i, j = j, i
        # Lance-Williams update for average linkage: merge j into i
        new = (size[i] * d[i] + size[j] * d[j]) / (size[i] + size[j])
        d[i, :] = new
        d[:, i] = new
        d[i, i] = np.inf
        d[j, :] = np.inf
        d[:, j] = np.inf
        size[i] += size[j]
        alive[j] = False
        label[label == j] = i
        clusters -= 1
        if clusters in ks:
            cuts[clusters] = label.copy()
    return cuts


def silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette coefficient over a precomputed distance matrix (singletons count 0)."""
    uniq = np.unique(labels)
    if len(uniq) < 2 or len(uniq) >= len(labels):
        return -1.0
    onehot = (labels[:, None] == uniq[None, :]).astype(np.float64)
    counts = onehot.sum(axis=0)
    sums = dist @ onehot
    own = np.searchsorted(uniq, labels)
    n_own = counts[own]
    a = sums[np.arange(len(labels)), own] / np.maximum(n_own - 1, 1)
    mean_other = sums / counts
    mean_other[np.arange(len(labels)), own] = np.inf
    b = mean_other.min(axis=1)
    s = np.where(n_own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


# "Regrouper" on fewer unsorted ideas than this clusters plain centred cosines: 5 shared neighbours
# among 9-20 ideas blur the groups (tuning boards, 3 sub-topics, 9-15 ideas: ARI 0.24 without the
# smoothing, 0.16 with it; whole boards of ~42 ideas: 0.15 with it, 0.10 without).
PROPOSAL_SNN_MIN_IDEAS = 24


def proposal_k_range(n: int) -> range:
    """Numbers of groups "Regrouper" considers for n unsorted ideas: groups of 3 are fine there (a
    facilitator regroups a small board too), so up to n/3 groups (2..12)."""
    return range(2, max(2, min(12, n // 3)) + 1)


def choose_k_range(n: int) -> range:
    """Plausible numbers of groups for n ideas (about 4 to 12 ideas per group)."""
    lo = max(2, round(n / 12))
    hi = max(lo, min(12, n // 4))
    return range(lo, hi + 1)


def cluster(
    ideas: np.ndarray, k: int | None = None, k_range: range | None = None, snn_weight: float | None = None
) -> np.ndarray:
    """Cluster ids 0..k-1 for each idea (k chosen by silhouette within `k_range`, by default
    `choose_k_range(n)`, when not given; `snn_weight` overrides SNN_WEIGHT)."""
    n = len(ideas)
    if n == 0:
        return np.zeros(0, int)
    if n < 4:
        return np.zeros(n, int)
    s = similarity(ideas, snn_weight)
    dist = np.clip(1.0 - s, 0.0, None)
    np.fill_diagonal(dist, 0.0)
    ks = {k} if k else {kk for kk in (k_range or choose_k_range(n)) if 1 <= kk < n} or {1}
    cuts = _average_linkage_cuts(dist, ks)
    if k:
        best = cuts[k]
    else:
        best = max(sorted(cuts), key=lambda kk: (silhouette(dist, cuts[kk]), -kk))
        best = cuts[best]
    # renumber by first appearance so the result is stable and readable
    ids: dict[int, int] = {}
    return np.array([ids.setdefault(int(c), len(ids)) for c in best])


def keyword_labels(texts: list[str], labels: np.ndarray, max_words: int = 3) -> dict[int, str]:
    """A short keyword label per cluster ("vélo, pistes, parkings")."""
    per_cluster: dict[int, Counter] = {}
    surface: dict[str, Counter] = {}
    df_board: Counter = Counter()
    for t, c in zip(texts, labels):
        stems = set()
        for w in content_words(t):
            s = stem(w)
            surface.setdefault(s, Counter())[w] += 1
            stems.add(s)
        per_cluster.setdefault(int(c), Counter()).update(stems)
        df_board.update(stems)
    n_clusters = len(per_cluster)
    out = {}
    for c, counts in per_cluster.items():
        size = sum(1 for x in labels if x == c)
        scored = []
        for s, tf in counts.items():
            if tf < 2 and size > 2:
                continue
            spec = tf / df_board[s]  # share of the board's uses that fall in this cluster
            scored.append((tf * spec * np.log(1 + n_clusters / max(1, df_board[s] / max(tf, 1))), tf, s))
        scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
        words_ = [surface[s].most_common(1)[0][0] for _, _, s in scored[:max_words]]
        if not words_:
            longest = max(counts, key=lambda s: (counts[s], len(s)), default=None)
            words_ = [surface[longest].most_common(1)[0][0]] if longest else ["divers"]
        out[c] = ", ".join(words_)
    return out


def unique_names(names: dict[int, str], taken: set[str]) -> dict[int, str]:
    """Make labels distinct from each other and from existing group names."""
    used = set(taken)
    out = {}
    for c in sorted(names):
        base = names[c]
        name, k = base, 2
        while name in used:
            name = f"{base} ({k})"
            k += 1
        used.add(name)
        out[c] = name
    return out
