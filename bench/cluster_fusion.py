"""Learned score fusion for the live board (issue 13): an experiment, not in the engine.

    python bench/cluster_fusion.py [--orders 3]

Replays the live simulation's placements-on decisions (bench/cluster_online.py: ideas arrive one
by one, every earlier idea sits in its right group) on the cached e5 vectors. For each (new idea,
candidate group) it computes features the live path already has (the engine's refined score, its
margin and z-score over the groups, board-centred cosine to the label, mean / max / top-2 mean
cosine to the group's placed ideas, the group's size, Snowball-stem overlap with the label and
with the members) and fits a conditional logistic regression over the groups of a decision
(numpy, L2, 400 gradient steps) on the tuning boards. Hyper-parameters are chosen by
leave-one-board-out on the tuning boards; the held-out boards are scored once with a model fitted
on all tuning boards. Reported: top-1 errors per 100 ideas (no unsorted threshold) of the engine
and of the fusion, on the same decisions.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cluster_eval import HELD_OUT, load  # noqa: E402
from cluster_online import DiskCachedEmbedder  # noqa: E402

from facilitator.clustering import assign  # noqa: E402
from facilitator.clustering.embed import normalise  # noqa: E402
from facilitator.clustering.text import content_stems  # noqa: E402

FEATURES = (
    "engine_score",
    "engine_z",
    "engine_margin",
    "cos_label",
    "cos_label_z",
    "mean_cos_members",
    "max_cos_members",
    "top2_cos_members",
    "has_members",
    "log_size",
    "stem_overlap_label",
    "stem_overlap_members",
)


def decision_features(vecs, label_vecs, placed, stems, label_stems):
    """Feature matrix (groups, features) for the last idea of `vecs`; `placed[r]` = group of row r."""
    n, m = len(vecs), len(label_vecs)
    examples = [[r for r in range(n - 1) if placed[r] == g] for g in range(m)]
    weights = [assign.LIVE_PLACEMENT_WEIGHT] * m
    s = assign.score_groups(vecs, list(label_vecs), examples, placement_weight=weights)[-1]
    mu = vecs.mean(axis=0) * (n / (n + assign.CENTRE_SHRINK))
    x = assign.centre(vecs, mu)
    lab = assign.centre(np.asarray(label_vecs), mu)
    q = x[-1]
    cl = lab @ q
    f = np.zeros((m, len(FEATURES)))
    sd = s.std() + 1e-6
    for g in range(m):
        rows = examples[g]
        sims = np.sort(x[rows] @ q)[::-1] if rows else np.zeros(0)
        other = np.delete(s, g).max() if m > 1 else 0.0
        mem = set().union(*(stems[r] for r in rows)) if rows else set()
        f[g] = (
            s[g],
            (s[g] - s.mean()) / sd,
            s[g] - other,
            cl[g],
            (cl[g] - cl.mean()) / (cl.std() + 1e-6),
            sims.mean() if rows else 0.0,
            sims[0] if rows else 0.0,
            sims[:2].mean() if rows else 0.0,
            1.0 if rows else 0.0,
            np.log1p(len(rows)),
            len(stems[-1] & label_stems[g]) / max(1, len(stems[-1])),
            len(stems[-1] & mem) / max(1, len(stems[-1])),
        )
    return f, s


def collect(emb, boards, topics, orders):
    data = []  # (board, features (m, k), engine scores (m,), gold index)
    for b, items in boards.items():
        tv = normalise(emb.encode(topics[b], kind="passage"))
        label_stems = [set(content_stems(t)) for t in topics[b]]
        allv = normalise(emb.encode([t for t, _ in items]))
        gidx = [topics[b].index(g) for _, g in items]
        st = [set(content_stems(t)) for t, _ in items]
        for seed in range(orders):
            order = np.random.RandomState(seed).permutation(len(items))
            for step in range(1, len(order)):  # the first idea: nothing to learn from, engine alone
                rows = list(order[: step + 1])
                f, s = decision_features(allv[rows], tv, [gidx[r] for r in rows], [st[r] for r in rows], label_stems)
                data.append((b, f, s, gidx[rows[-1]]))
    return data


def fit(data, lam, steps=400, lr=0.5):
    """Conditional logit: P(g) = softmax(w . f_g) over a decision's groups; L2 lam on w
    (decisions padded to the largest number of groups, padding masked out)."""
    k = data[0][1].shape[1]
    allf = np.concatenate([d[1] for d in data])
    mu, sd = allf.mean(axis=0), allf.std(axis=0) + 1e-9
    m = max(len(d[1]) for d in data)
    f = np.zeros((len(data), m, k))
    mask = np.zeros((len(data), m), bool)
    for i, d in enumerate(data):
        f[i, : len(d[1])] = (d[1] - mu) / sd
        mask[i, : len(d[1])] = True
    y = np.array([d[3] for d in data])
    fy = f[np.arange(len(data)), y]
    w = np.zeros(k)
    w[0] = 1.0
    for _ in range(steps):
        z = np.where(mask, f @ w, -np.inf)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = lam * w + (np.einsum("nm,nmk->k", p, f) - fy.sum(axis=0)) / len(data)
        w -= lr * grad
    return w, mu, sd


def errors(data, model=None):
    wrong = 0
    for _, f, s, y in data:
        if model is None:
            pred = int(np.argmax(s))
        else:
            w, mu, sd = model
            pred = int(np.argmax(((f - mu) / sd) @ w))
        wrong += pred != y
    return round(100 * wrong / max(1, len(data)), 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=3)
    ap.add_argument("--features", default=",".join(FEATURES))
    args = ap.parse_args()
    keep = [FEATURES.index(f) for f in args.features.split(",")]
    boards, topics = load(ROOT / "bench" / "data")
    emb = DiskCachedEmbedder()
    data = [(b, f[:, keep], s, y) for b, f, s, y in collect(emb, boards, topics, args.orders)]
    tuning = [d for d in data if d[0] not in HELD_OUT]
    held = [d for d in data if d[0] in HELD_OUT]
    tb = sorted({d[0] for d in tuning})
    out = {
        "orders": args.orders,
        "features": args.features,
        "decisions": {"tuning": len(tuning), "held_out": len(held)},
    }
    out["engine"] = {"tuning": errors(tuning), "held_out": errors(held)}
    out["engine_per_board"] = {b: errors([d for d in data if d[0] == b]) for b in sorted({d[0] for d in data})}
    lobo = {}
    for lam in (0.001, 0.01, 0.1, 1.0):
        per = {}
        wrong = 0
        for b in tb:
            model = fit([d for d in tuning if d[0] != b], lam)
            test = [d for d in tuning if d[0] == b]
            e = errors(test, model)
            per[b] = e
            wrong += e * len(test) / 100
        lobo[str(lam)] = {"tuning_lobo": round(100 * wrong / len(tuning), 1), "per_board": per}
    out["fusion_lobo"] = lobo
    best = min(lobo, key=lambda k: lobo[k]["tuning_lobo"])
    model = fit(tuning, float(best))
    out["chosen_lambda"] = float(best)
    out["fusion_held_out"] = errors(held, model)
    out["fusion_held_out_per_board"] = {b: errors([d for d in held if d[0] == b], model) for b in HELD_OUT}
    out["weights_standardised"] = dict(zip(args.features.split(","), np.round(model[0], 3).tolist()))
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
