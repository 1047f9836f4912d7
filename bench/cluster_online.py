"""Live-board simulation of the grouping engine on the development set (prints JSON).

    python bench/cluster_online.py [--orders 5] [--mark realistic|facilitator] [--records FILE]
                                   [--embedder NAME | --vectors FILE.npz]

Ideas of a board arrive one by one (a fixed shuffled order per seed, several orders averaged);
every earlier idea already sits in its right group (placed well by the engine, or moved there
by the facilitator). The new idea counts as a *correction* when the engine puts it in the wrong
group or leaves it unsorted. Groups are the board's organiser sub-topics (topics_dev.tsv).

Two modes:
- placements on: earlier ideas are on the board in their group; an idea the engine had placed
  rightly is marked ``auto`` (left in place), one it missed is marked ``facilitator`` (moved by
  hand). ``--mark facilitator`` marks them all ``facilitator`` (every earlier idea sent as a
  placement, the protocol of the issue's figures);
- placements off: the same earlier ideas on the board, all unsorted.

The engine is called through the live entry point, ``facilitator.grouping._suggest`` (the
Board the app reads from the database -> clustering), with the process-wide embedder replaced
by one whose vectors are cached on disk (bench/results/, git-ignored): the same e5 vectors, so a
run takes seconds. Also reported: a plain nearest-prototype classifier on the same vectors
(score = mean(cos to the label, mean cos to the 3 closest placed ideas of the group),
board-centred, always the best group), fed the same earlier placements.

``--embedder NAME`` runs another backend of ``make_embedder`` (its vectors cached in
bench/results/NAME_dev_vectors.npz); ``--vectors FILE.npz`` scores stored vectors of a candidate
the engine does not ship (bench/st_vectors.py). The live calibration and threshold were fitted
for e5: with another representation, compare ``top1_errors_per_100`` (no threshold) too, or refit
with ``--fit``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cluster_eval import HELD_OUT, StoredVectors, load  # noqa: E402

from facilitator import grouping  # noqa: E402
from facilitator.clustering.embed import CachedEmbedder, E5Embedder, make_embedder, normalise  # noqa: E402

CACHE = ROOT / "bench" / "results" / "e5_dev_vectors.npz"


class DiskCachedEmbedder:
    """The default embedder's vectors, kept in a file between runs (keyed by kind and text)."""

    def __init__(self, path: Path = CACHE, backend: str = "e5"):
        self.path = path
        self.inner = None
        self.backend = backend
        self.name = E5Embedder.name if backend == "e5" else backend  # the same vectors as the backend (cached)
        self.store: dict[tuple[str, str], np.ndarray] = {}
        if path.exists():
            z = np.load(path, allow_pickle=False)
            for k, t, v in zip(z["kinds"], z["texts"], z["vecs"]):
                self.store[(str(k), str(t))] = v
        self.dirty = False

    def encode(self, texts, kind="query"):
        missing = [t for t in dict.fromkeys(texts) if (kind, t) not in self.store]
        if missing:
            if self.inner is None:
                self.inner = make_embedder(self.backend)
            for t, v in zip(missing, self.inner.encode(missing, kind=kind)):
                self.store[(kind, t)] = v
            self.dirty = True
        if not texts:
            return np.zeros((0, next(iter(self.store.values())).shape[0] if self.store else 1), np.float32)
        return np.stack([self.store[(kind, t)] for t in texts])

    def save(self):
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self.store)
            np.savez(
                self.path,
                kinds=np.array([k for k, _ in keys]),
                texts=np.array([t for _, t in keys]),
                vecs=np.stack([self.store[k] for k in keys]),
            )


def prototype_baseline(emb, texts, gold_earlier, new_text, topics) -> str:
    """Nearest prototype: mean(cos label, mean cos of the 3 closest placed ideas), board-centred."""
    vec = normalise(emb.encode(list(texts) + [new_text]))
    mu = vec.mean(axis=0)
    x = normalise(vec - mu)
    lab = normalise(normalise(emb.encode(topics, kind="passage")) - mu)
    q = x[-1]
    best, best_s = None, -9.0
    for g, t in enumerate(topics):
        s_lab = float(lab[g] @ q)
        rows = [k for k, gg in enumerate(gold_earlier) if gg == t]
        if rows:
            sims = np.sort(x[rows] @ q)[::-1][:3]
            s = (s_lab + float(sims.mean())) / 2
        else:
            s = s_lab
        if s > best_s:
            best, best_s = t, s
    return best


def simulate(emb, boards, topics, orders: int, mark: str):
    recs = []  # (board, mode, seed, gold, predicted group or None, confidence, top2 ok, suggestion0)
    for b, items in boards.items():
        gids = {t: f"g{k}" for k, t in enumerate(topics[b])}
        name = {v: k for k, v in gids.items()}
        groups = [(gids[t], t, "organiser") for t in topics[b]]
        for seed in range(orders):
            order = np.random.RandomState(seed).permutation(len(items))
            for mode in ("on", "off", "baseline"):
                board_ideas, gold_earlier = [], []
                for step, k in enumerate(order):
                    text, gold = items[k]
                    if mode == "baseline":
                        pred = prototype_baseline(emb, [t for _, t, _, _ in board_ideas], gold_earlier, text, topics[b])
                        conf, sugg = 1.0, [pred]
                        board_ideas.append((f"i{k}", text, None, None))
                    else:
                        s = grouping._suggest(grouping.Board(groups, list(board_ideas)), text)
                        pred = name.get(s.group_id) if s.group_id else None
                        conf = s.confidence
                        sugg = [name[g] for g in s.suggestions]
                        if mode == "on":
                            placement = "auto" if (pred == gold and mark == "realistic") else "facilitator"
                            board_ideas.append((f"i{k}", text, gids[gold], placement))
                        else:
                            board_ideas.append((f"i{k}", text, None, None))
                    gold_earlier.append(gold)
                    recs.append((b, mode, seed, step, gold, pred, conf, gold in sugg[:2], sugg[0] if sugg else None))
    return recs


def summarise(recs, boards):
    def stats(rs):
        n = len(rs)
        if not n:
            return None
        uns = sum(r[5] is None for r in rs)
        wrong = sum(r[5] is not None and r[5] != r[4] for r in rs)
        top1_wrong = sum(r[8] != r[4] for r in rs)
        return {
            "n": n,
            "corrections_per_100": round(100 * (uns + wrong) / n, 1),
            "top1_errors_per_100": round(100 * top1_wrong / n, 1),
            "unsorted_share": round(uns / n, 3),
            "wrong_group_share": round(wrong / n, 3),
        }

    out = {}
    for mode in ("on", "off", "baseline"):
        rs = [r for r in recs if r[1] == mode]
        key = {"on": "placements_on", "off": "placements_off", "baseline": "nearest_prototype_baseline"}[mode]
        out[key] = {
            "all": stats(rs),
            "tuning": stats([r for r in rs if r[0] not in HELD_OUT]),
            "held_out": stats([r for r in rs if r[0] in HELD_OUT]),
            "per_board": {b: stats([r for r in rs if r[0] == b])["corrections_per_100"] for b in boards},
        }
    return out


def fit_calibration(recs) -> dict:
    """Isotonic fit of P(best group right | raw confidence) on the tuning boards (placements on and
    off), its reliability on tuning and held-out boards, and the unsorted share per threshold."""

    def xy(held_out):
        rs = [r for r in recs if r[1] in ("on", "off") and (r[0] in HELD_OUT) == held_out]
        return np.array([r[6] for r in rs]), np.array([r[8] == r[4] for r in rs], float)

    (xt, yt), (xh, yh) = xy(False), xy(True)
    knots = isotonic_knots(xt, yt)
    kx, ky = zip(*knots)
    ct, ch = np.interp(xt, kx, ky), np.interp(xh, kx, ky)
    return {
        "knots": knots,
        "reliability_raw": {"tuning": reliability(xt, yt), "held_out": reliability(xh, yh)},
        "reliability_calibrated": {"tuning": reliability(ct, yt), "held_out": reliability(ch, yh)},
        "unsorted_share_by_threshold": {
            f"{t:.2f}": {
                "tuning": round(float((ct < t).mean()), 3),
                "held_out": round(float((ch < t).mean()), 3),
                "right_below_tuning": round(float(yt[ct < t].mean()), 3) if (ct < t).any() else None,
            }
            for t in (0.35, 0.4, 0.42, 0.45, 0.5)
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT / "bench" / "data"))
    ap.add_argument("--orders", type=int, default=5, help="arrival orders per board (seeds 0..n-1)")
    ap.add_argument("--mark", choices=("realistic", "facilitator"), default="realistic")
    ap.add_argument("--records", help="write every decision as JSON lines here")
    ap.add_argument(
        "--fit",
        action="store_true",
        help="run on raw (uncalibrated) confidences and print a calibration fitted on the tuning boards",
    )
    ap.add_argument("--embedder", help="backend of make_embedder (default e5), vectors cached in bench/results/")
    ap.add_argument("--vectors", help="stored vectors (.npz from bench/st_vectors.py) instead of a model")
    args = ap.parse_args()
    if args.fit:
        grouping.calibrate = lambda c: c
        grouping.LIVE_MIN_CONFIDENCE = 0.0
    boards, topics = load(Path(args.data))
    if args.vectors:
        disk = StoredVectors(args.vectors)
        disk.save = lambda: None
    elif args.embedder and args.embedder != "e5":
        disk = DiskCachedEmbedder(ROOT / "bench" / "results" / f"{args.embedder}_dev_vectors.npz", args.embedder)
    else:
        disk = DiskCachedEmbedder()
    emb = CachedEmbedder(disk)
    grouping.default_embedder = lambda: emb  # the live path, with cached vectors
    t0 = time.perf_counter()
    recs = simulate(emb, boards, topics, args.orders, args.mark)
    disk.save()
    res = {"orders": args.orders, "mark": args.mark, "embedder": disk.name, "held_out_boards": list(HELD_OUT)}
    res.update(summarise(recs, boards))
    if args.fit:
        res["calibration"] = fit_calibration(recs)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    if args.records:
        with open(args.records, "w") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(json.dumps(res, ensure_ascii=False, indent=2))


def isotonic_knots(conf, right, min_block: int = 100) -> list[tuple[float, float]]:
    """Pool-adjacent-violators fit of P(right | confidence), blocks merged to >= min_block ideas;
    returns (mean confidence, share right) per block, for `np.interp`."""
    order = np.argsort(conf, kind="stable")
    stack: list[list[float]] = []  # [sum right, count, sum conf]
    for c, y in zip(np.asarray(conf)[order], np.asarray(right, float)[order]):
        stack.append([y, 1, c])
        while len(stack) > 1 and (
            stack[-2][0] / stack[-2][1] >= stack[-1][0] / stack[-1][1] or stack[-2][1] < min_block
        ):
            b = stack.pop()
            a = stack.pop()
            stack.append([a[0] + b[0], a[1] + b[1], a[2] + b[2]])
    if len(stack) > 1 and stack[-1][1] < min_block:
        b = stack.pop()
        a = stack.pop()
        stack.append([a[0] + b[0], a[1] + b[1], a[2] + b[2]])
    return [(round(s[2] / s[1], 3), round(s[0] / s[1], 3)) for s in stack]


def reliability(pred, right, edges=(0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)) -> list[dict]:
    """Bins of predicted confidence: count, mean predicted, share right."""
    pred, right = np.asarray(pred), np.asarray(right, float)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (pred >= lo) & (pred < hi)
        if m.any():
            rows.append(
                {
                    "bin": f"{lo:.1f}-{min(hi, 1.0):.1f}",
                    "n": int(m.sum()),
                    "predicted": round(float(pred[m].mean()), 3),
                    "observed": round(float(right[m].mean()), 3),
                }
            )
    return rows


if __name__ == "__main__":
    main()
