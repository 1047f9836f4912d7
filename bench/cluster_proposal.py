"""What "Regrouper" proposes on the development set, and how long it takes (prints JSON).

    python bench/cluster_proposal.py [--orders 3]

The live entry point (``facilitator.grouping._plan_regroup``, the Board the app reads from the
database) with e5 vectors cached on disk (bench/results/, as bench/cluster_online.py):
- ``new_groups``: a board with no group, all its ideas unsorted: adjusted Rand index of the
  proposal against the sub-topics (ideas left out of the proposal count as singletons), number of
  proposed groups, share of ideas proposed;
- ``existing_groups``: the organiser sub-topics on the board, a random half of the ideas placed in
  their group by the facilitator, the other half unsorted: share of the unsorted ideas proposed into
  an existing group, and the share of those that are right; share proposed into new groups;
- ``seconds``: one proposal for a 500-idea board (embeddings cached), without and with 6 groups.
Tuning and held-out boards are reported apart (held-out boards were never used for a choice).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from math import comb
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cluster_eval import HELD_OUT, load  # noqa: E402
from cluster_online import DiskCachedEmbedder  # noqa: E402

from facilitator import grouping  # noqa: E402
from facilitator.clustering.embed import CachedEmbedder  # noqa: E402


def ari(a: list, b: list) -> float:
    """Adjusted Rand index of two labelings."""
    n = len(a)
    pairs = sum(comb(v, 2) for v in Counter(zip(a, b)).values())
    sa = sum(comb(v, 2) for v in Counter(a).values())
    sb = sum(comb(v, 2) for v in Counter(b).values())
    expected = sa * sb / comb(n, 2)
    top = (sa + sb) / 2
    return (pairs - expected) / (top - expected) if top != expected else 1.0


def new_groups(items) -> dict:
    board = grouping.Board([], [(f"i{k}", text, None, None) for k, (text, _) in enumerate(items)])
    plan = grouping._plan_regroup(board)
    labels = [plan.moves.get(f"i{k}", f"alone-{k}") for k in range(len(items))]
    return {
        "ari": ari([g for _, g in items], labels),
        "groups": len(plan.new_groups),
        "proposed": len(plan.moves) / len(items),
        "names": plan.new_groups,
    }


def existing_groups(items, topics, seed: int) -> dict:
    gid = {t: f"g{k}" for k, t in enumerate(topics)}
    order = np.random.RandomState(seed).permutation(len(items))
    placed = set(order[: len(items) // 2].tolist())
    ideas = [
        (f"i{k}", text, gid[gold] if k in placed else None, "facilitator" if k in placed else None)
        for k, (text, gold) in enumerate(items)
    ]
    plan = grouping._plan_regroup(grouping.Board([(gid[t], t, "organiser") for t in topics], ideas))
    unsorted = [k for k in range(len(items)) if k not in placed]
    into = [k for k in unsorted if plan.moves.get(f"i{k}") in topics]
    right = [k for k in into if plan.moves[f"i{k}"] == items[k][1]]
    fresh = [k for k in unsorted if f"i{k}" in plan.moves and k not in into]
    return {
        "into_existing": len(into) / len(unsorted),
        "right_when_existing": len(right) / max(1, len(into)),
        "into_new": len(fresh) / len(unsorted),
    }


def mean(rows, key):
    return round(float(np.mean([r[key] for r in rows])), 3) if rows else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT / "bench" / "data"))
    ap.add_argument("--orders", type=int, default=3, help="random halves per board for existing_groups")
    args = ap.parse_args()
    boards, topics = load(Path(args.data))
    disk = DiskCachedEmbedder()
    emb = CachedEmbedder(disk)
    grouping.default_embedder = lambda: emb
    out: dict = {"held_out_boards": list(HELD_OUT), "new_groups": {}, "existing_groups": {}}
    per_new, per_existing = {}, {}
    for b, items in boards.items():
        per_new[b] = new_groups(items)
        per_existing[b] = [existing_groups(items, topics[b], seed) for seed in range(args.orders)]
    for part, keep in (
        ("all", lambda b: True),
        ("tuning", lambda b: b not in HELD_OUT),
        ("held_out", lambda b: b in HELD_OUT),
    ):
        rows = [per_new[b] for b in boards if keep(b)]
        out["new_groups"][part] = {
            "ari": mean(rows, "ari"),
            "groups": mean(rows, "groups"),
            "proposed": mean(rows, "proposed"),
        }
        rows = [r for b in boards if keep(b) for r in per_existing[b]]
        out["existing_groups"][part] = {k: mean(rows, k) for k in ("into_existing", "right_when_existing", "into_new")}
    out["names"] = {b: per_new[b]["names"] for b in boards}
    all_items = [it for items in boards.values() for it in items]
    big = (all_items + [(f"{t} !", g) for t, g in all_items])[:500]
    emb.encode([t for t, _ in big])
    big_board = grouping.Board([], [(f"i{k}", t, None, None) for k, (t, _) in enumerate(big)])
    t0 = time.perf_counter()
    grouping._plan_regroup(big_board)
    plain = time.perf_counter() - t0
    six = sorted({g for _, g in big})[:6]
    with_groups = grouping.Board(
        [(f"g{k}", t, "organiser") for k, t in enumerate(six)],
        [
            (
                f"i{k}",
                t,
                f"g{six.index(g)}" if g in six and k % 2 else None,
                "facilitator" if g in six and k % 2 else None,
            )
            for k, (t, g) in enumerate(big)
        ],
    )
    emb.encode(six, kind="passage")
    t0 = time.perf_counter()
    grouping._plan_regroup(with_groups)
    out["seconds_500_ideas"] = {"no_group": round(plain, 3), "six_groups": round(time.perf_counter() - t0, 3)}
    disk.save()
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
