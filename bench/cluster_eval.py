"""Grouping engine figures on the labelled development set (prints JSON).

    python bench/cluster_eval.py [--embedder e5|use|lexical|remote] [--vectors FILE.npz] [--data bench/data]

Modes (the issue's metrics): discovery ARI per board with the number of groups chosen
automatically (and, for reference, with it given); topics mode top-1/top-3 against the
organiser-style labels of topics_dev.tsv; examples mode with 2 placed ideas per group and no
topics (5 fixed draws, seeds 0-4), once with the data's group names on the placements and once
with opaque names ("Groupe 1", ...: the examples alone); timing of assigning one new idea (p95) and of regrouping a
500-idea board. Deterministic: fixed seeds, no randomness elsewhere. ``--vectors`` scores stored
vectors instead of a model (a candidate the engine does not ship; see bench/st_vectors.py); timing
is then skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitator.clustering.assign import MIN_CONFIDENCE, score_groups  # noqa: E402
from facilitator.clustering.board import group_board  # noqa: E402
from facilitator.clustering.discover import cluster  # noqa: E402
from facilitator.clustering.embed import CachedEmbedder, make_embedder, normalise  # noqa: E402
from facilitator.clustering.tsv import read_table  # noqa: E402

HELD_OUT = ("energie", "tourisme")  # boards written before any tuning and never tuned on


class StoredVectors:
    """Vectors read from an .npz (``kinds``, ``texts``, ``vecs``), served in place of a model.

    For scoring a candidate representation computed elsewhere (bench/st_vectors.py); a text
    that is not in the file is an error, not a silent fallback."""

    def __init__(self, path: str):
        z = np.load(path, allow_pickle=False)
        self.name = f"stored vectors {Path(path).name}"
        self.store = {(str(k), str(t)): v for k, t, v in zip(z["kinds"], z["texts"], z["vecs"])}
        self.dim = int(z["vecs"].shape[1])

    def encode(self, texts, kind="query"):
        missing = [t for t in texts if (kind, t) not in self.store]
        if missing:
            raise KeyError(f"{len(missing)} {kind} text(s) not in the stored vectors, e.g. {missing[0]!r}")
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self.store[(kind, t)] for t in texts]).astype(np.float32)


def ari(a, b) -> float:
    """Adjusted Rand index of two labelings."""
    a = np.unique(np.asarray(a, dtype=str), return_inverse=True)[1]
    b = np.unique(np.asarray(b, dtype=str), return_inverse=True)[1]
    c = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(c, (a, b), 1)
    comb = lambda x: (x * (x - 1) / 2).sum()  # noqa: E731
    s, sa, sb, n = comb(c), comb(c.sum(1)), comb(c.sum(0)), comb(np.array([len(a)]))
    exp = sa * sb / n
    mx = (sa + sb) / 2
    return float((s - exp) / (mx - exp)) if mx != exp else 1.0


def load(data: Path):
    t = read_table(str(data / "ideas_dev.tsv"), ("board", "text", "group"))
    b, x, g = (t.header.index(c) for c in ("board", "text", "group"))
    boards: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in t.rows:
        boards[r[b]].append((r[x], r[g]))
    tt = read_table(str(data / "topics_dev.tsv"), ("board", "topic"))
    topics: dict[str, list[str]] = defaultdict(list)
    for r in tt.rows:
        topics[r[0]].append(r[1])
    return dict(boards), dict(topics)


def evaluate(embedder, boards, topics) -> dict:
    res: dict = {"embedder": embedder.name, "ideas": sum(map(len, boards.values())), "boards": len(boards)}
    # discovery
    per_board, per_board_k, ks = {}, {}, {}
    for b, items in boards.items():
        vec = embedder.encode([t for t, _ in items])
        gold = [g for _, g in items]
        lab = cluster(vec)
        per_board[b] = round(ari(gold, lab), 3)
        ks[b] = f"{len(set(lab.tolist()))} (true {len(set(gold))})"
        per_board_k[b] = round(ari(gold, cluster(vec, k=len(set(gold)))), 3)
    res["discovery"] = {
        "ari_mean_auto_k": round(float(np.mean(list(per_board.values()))), 3),
        "ari_min_auto_k": min(per_board.values()),
        "ari_mean_k_given": round(float(np.mean(list(per_board_k.values()))), 3),
        "ari_per_board_auto_k": per_board,
        "k_chosen": ks,
    }

    def tally(hits):
        h = np.array(hits)
        out = {
            "n": len(h),
            "top1": round(float(h[:, 0].mean()), 3),
            "top3": round(float(h[:, 1].mean()), 3),
            "assigned_not_unsorted": round(float(h[:, 2].mean()), 3),
            "accuracy_when_assigned": round(float(h[h[:, 2] == 1, 0].mean()), 3) if h[:, 2].any() else None,
        }
        return out

    # topics mode
    hits, hits_ho = [], []
    for b, items in boards.items():
        out = group_board([t for t, _ in items], [None] * len(items), topics[b], embedder, MIN_CONFIDENCE)
        for (_t, g), a in zip(items, out):
            h = (a.suggestions[0] == g, g in a.suggestions[:3], a.group is not None)
            (hits_ho if b in HELD_OUT else hits).append(h)
    res["topics"] = tally(hits + hits_ho)
    res["topics"]["held_out_boards"] = tally(hits_ho)
    # examples mode: 2 placed ideas per group, no topics; the placements carry the group names of
    # the data (organiser-style labels, as a facilitator would name groups) or, to measure the
    # examples alone, opaque names ("Groupe 1", ...)
    for key, opaque in (("examples", False), ("examples_opaque_names", True)):
        hits, hits_ho = [], []
        for seed in range(5):
            rng = np.random.RandomState(seed)
            for b, items in boards.items():
                groups = sorted({g for _, g in items})
                alias = {g: (f"Groupe {k + 1}" if opaque else g) for k, g in enumerate(groups)}
                placed = [None] * len(items)
                for g in groups:
                    members = [k for k, (_, gg) in enumerate(items) if gg == g]
                    for k in rng.choice(members, 2, replace=False):
                        placed[k] = alias[g]
                out = group_board([t for t, _ in items], placed, [], embedder, MIN_CONFIDENCE)
                for k, ((_t, g), a) in enumerate(zip(items, out)):
                    if placed[k] is None:
                        h = (a.suggestions[0] == alias[g], alias[g] in a.suggestions[:3], a.group is not None)
                        (hits_ho if b in HELD_OUT else hits).append(h)
        res[key] = tally(hits + hits_ho)
        res[key]["held_out_boards"] = tally(hits_ho)
    return res


def timing(embedder, boards, topics) -> dict:
    b = "devup-croissance" if "devup-croissance" in boards else next(iter(boards))
    items = boards[b]
    texts = [t for t, _ in items]
    embedder.encode(texts)
    tv = normalise(embedder.encode(topics[b], kind="passage"))
    lat = []
    all_texts = [t for its in boards.values() for t, _ in its]
    for k, t in enumerate(all_texts[:200]):
        t = f"{t} ({k})"  # a new, never-seen text: the embedding is really computed
        t0 = time.perf_counter()
        v = normalise(embedder.encode([t]))
        vec = np.vstack([embedder.encode(texts), v])
        score_groups(vec, list(tv), [[] for _ in tv])
        lat.append((time.perf_counter() - t0) * 1000)
    # a 500-idea board: the dev ideas plus variants, embeddings cached as in the live app
    big = (all_texts + [f"{t} !" for t in all_texts])[:500]
    t0 = time.perf_counter()
    vec = embedder.encode(big)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    cluster(vec)
    warm = time.perf_counter() - t0
    return {
        "assign_one_new_idea_ms_p50": round(float(np.percentile(lat, 50)), 1),
        "assign_one_new_idea_ms_p95": round(float(np.percentile(lat, 95)), 1),
        "regroup_500_ideas_s_embeddings_cached": round(warm, 3),
        "embed_500_ideas_s_cold": round(cold, 3),
        "cpu_count": os.cpu_count(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--embedder", default=None, help="e5, use, lexical, remote (default: FACILITATOR_EMBEDDINGS or auto)"
    )
    ap.add_argument("--vectors", help="score stored vectors (.npz from bench/st_vectors.py) instead of a model")
    ap.add_argument("--data", default=str(ROOT / "bench" / "data"))
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args()
    emb = StoredVectors(args.vectors) if args.vectors else CachedEmbedder(make_embedder(args.embedder))
    boards, topics = load(Path(args.data))
    res = evaluate(emb, boards, topics)
    if not args.no_timing and not args.vectors:
        res["timing"] = timing(CachedEmbedder(make_embedder(args.embedder)), boards, topics)
    print(json.dumps(res, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
