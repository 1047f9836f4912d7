"""Near-identical ideas ("the same idea said twice"): pairs to propose for a merge."""

from __future__ import annotations

import numpy as np

from .text import content_stems

COSINE_THRESHOLD = 0.97  # raw (uncentred) e5 cosine of ideas (embedded with the "Idée : " prefix): one idea
# written twice with small changes scores ~0.99; distinct ideas of one board reach ~0.96 (dev set)
JACCARD_THRESHOLD = 0.75  # share of content stems
# A paraphrase ("rencontres acheteurs avec les grands groupes donneurs d'ordre" / "rendez-vous
# d'affaires avec les donneurs d'ordre": cosine 0.955, 2 stems shared) is flagged when both hold:
# on the dev set no pair of distinct ideas reaches 0.95 (highest 0.940, sharing no stem or one).
PARAPHRASE_COSINE = 0.95
PARAPHRASE_SHARED_STEMS = 2


def find_duplicates(
    texts: list[str],
    vectors: np.ndarray | None = None,
    cosine: float = COSINE_THRESHOLD,
    jaccard: float = JACCARD_THRESHOLD,
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, score) with i < j that look like the same idea, most similar first."""
    stems = [set(content_stems(t)) for t in texts]
    sim = vectors @ vectors.T if vectors is not None and len(texts) else None
    pairs = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = stems[i], stems[j]
            jac = len(a & b) / len(a | b) if (a or b) else float(texts[i].strip().lower() == texts[j].strip().lower())
            cos = float(sim[i, j]) if sim is not None else 0.0
            paraphrase = cos >= PARAPHRASE_COSINE and len(a & b) >= PARAPHRASE_SHARED_STEMS
            if jac >= jaccard or cos >= cosine or paraphrase:
                pairs.append((i, j, round(max(jac, cos), 3)))
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return pairs
