"""Embed the development set with a local sentence-transformers model folder (prints timings).

    python bench/st_vectors.py MODEL_DIR OUT.npz --idea-prompt "..." --label-prompt "..."

For measuring a candidate representation that the engine does not ship (it needs torch and
sentence-transformers, which the project does not install): run this under a Python that has
them, then score the vectors with the project's benches through ``--vectors OUT.npz``
(``bench/cluster_eval.py`` and ``bench/cluster_online.py``), which serve the stored rows in
place of a model. Nothing is downloaded: MODEL_DIR is a folder on disk.

Texts embedded: every idea of ``ideas_dev.tsv`` as a "query" (``IDEA_PROMPT + "Idée : " + text``,
as the e5 backend does), and every organiser topic, group name and opaque name "Groupe 1..12"
as a "passage" (``LABEL_PROMPT + label``). The file holds ``kinds``, ``texts`` (the raw texts,
without prompt) and L2-normalised ``vecs``, the format of ``bench/results/e5_dev_vectors.npz``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def rows(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines[1:] if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("out")
    ap.add_argument("--idea-prompt", default="")
    ap.add_argument("--idea-context", default="Idée : ", help="French context put before each idea")
    ap.add_argument("--label-prompt", default="")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--int8", action="store_true", help="torch dynamic int8 quantisation of the Linear layers")
    ap.add_argument("--data", default=str(ROOT / "bench" / "data"))
    args = ap.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    data = Path(args.data)
    ideas = list(dict.fromkeys(r[1] for r in rows(data / "ideas_dev.tsv")))
    labels = [r[1] for r in rows(data / "topics_dev.tsv")] + [r[2] for r in rows(data / "ideas_dev.tsv")]
    labels = list(dict.fromkeys(labels + [f"Groupe {k}" for k in range(1, 13)]))

    t0 = time.perf_counter()
    model = SentenceTransformer(args.model_dir, device="cpu")
    if args.int8:
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    load_s = time.perf_counter() - t0

    def enc(texts: list[str]) -> np.ndarray:
        v = model.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(v, dtype=np.float32)

    t0 = time.perf_counter()
    qv = enc([args.idea_prompt + args.idea_context + t for t in ideas])
    pv = enc([args.label_prompt + t for t in labels])
    batch_s = time.perf_counter() - t0
    # one idea at a time, as the live app embeds a posted idea
    lat = []
    for t in ideas[:40]:
        t1 = time.perf_counter()
        enc([args.idea_prompt + args.idea_context + t + " !"])
        lat.append((time.perf_counter() - t1) * 1000)
    np.savez(
        args.out,
        kinds=np.array(["query"] * len(ideas) + ["passage"] * len(labels)),
        texts=np.array(ideas + labels),
        vecs=np.vstack([qv, pv]),
    )
    print(
        f"{len(ideas)} ideas + {len(labels)} labels, dim {qv.shape[1]}; load {load_s:.1f} s, "
        f"batch {batch_s:.1f} s; one idea ({args.threads} thread(s)): p50 {np.percentile(lat, 50):.1f} ms, "
        f"p95 {np.percentile(lat, 95):.1f} ms"
    )


if __name__ == "__main__":
    main()
