"""Per-post engine time of the live path (grouping._suggest), one new idea on a growing board.

    python bench/cluster_post_time.py [--posts 60]

The board is devup-croissance (organiser topics), earlier ideas placed in their group; each new
text is never seen before, so its embedding is really computed (the one model call per post).
Prints p50 / p95 in ms.
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

from cluster_eval import load  # noqa: E402

from facilitator import grouping  # noqa: E402
from facilitator.clustering.embed import CachedEmbedder, make_embedder  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=60)
    args = ap.parse_args()
    boards, topics = load(ROOT / "bench" / "data")
    emb = CachedEmbedder(make_embedder("e5"))
    grouping.default_embedder = lambda: emb
    b = "devup-croissance"
    gids = {t: f"g{k}" for k, t in enumerate(topics[b])}
    groups = [(gids[t], t, "organiser") for t in topics[b]]
    ideas = [(f"i{k}", t, gids[g], "auto") for k, (t, g) in enumerate(boards[b])]
    emb.encode([t for _, t, _, _ in ideas])
    emb.encode(topics[b], kind="passage")
    all_texts = [t for its in boards.values() for t, _ in its]
    lat = []
    for k in range(args.posts):
        text = f"{all_texts[k]} ({k})"
        t0 = time.perf_counter()
        grouping._suggest(grouping.Board(groups, ideas), text)
        lat.append((time.perf_counter() - t0) * 1000)
    print(
        json.dumps(
            {
                "board_ideas": len(ideas),
                "posts": args.posts,
                "ms_p50": round(float(np.percentile(lat, 50)), 1),
                "ms_p95": round(float(np.percentile(lat, 95)), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
