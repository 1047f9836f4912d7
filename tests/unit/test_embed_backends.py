"""Optional embedding backends are picked by name (FACILITATOR_EMBEDDINGS) and fail clearly.

The EmbeddingGemma backend needs torch, sentence-transformers and a model folder, none of which
the project installs: its model test runs where FACILITATOR_EMBEDDINGS_MODEL_DIR points at one.
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from facilitator.clustering.embed import EmbeddingGemmaEmbedder, make_embedder


def test_embeddinggemma_without_a_model_folder_says_so(monkeypatch):
    monkeypatch.setenv("FACILITATOR_EMBEDDINGS", "embeddinggemma")
    monkeypatch.delenv("FACILITATOR_EMBEDDINGS_MODEL_DIR", raising=False)
    with pytest.raises(ValueError, match="FACILITATOR_EMBEDDINGS_MODEL_DIR"):
        make_embedder()
    monkeypatch.setenv("FACILITATOR_EMBEDDINGS_MODEL_DIR", "/nonexistent/embeddinggemma")
    with pytest.raises(ValueError, match="not a folder"):
        make_embedder()


def test_unknown_backend_lists_the_names(monkeypatch):
    monkeypatch.setenv("FACILITATOR_EMBEDDINGS", "gemma")
    with pytest.raises(ValueError, match="embeddinggemma"):
        make_embedder()


MODEL_DIR = os.environ.get("FACILITATOR_EMBEDDINGS_MODEL_DIR", "")
RUNTIME = importlib.util.find_spec("torch") and importlib.util.find_spec("sentence_transformers")


@pytest.mark.skipif(not RUNTIME, reason="torch and sentence-transformers are not installed (optional backend)")
@pytest.mark.skipif(
    not os.path.isdir(MODEL_DIR), reason="FACILITATOR_EMBEDDINGS_MODEL_DIR names no EmbeddingGemma folder"
)
def test_embeddinggemma_is_picked_by_name_and_returns_normalised_rows(monkeypatch):
    monkeypatch.setenv("FACILITATOR_EMBEDDINGS", "embeddinggemma")
    emb = make_embedder()
    assert isinstance(emb, EmbeddingGemmaEmbedder)
    ideas = emb.encode(["tarif modulé selon le nombre de salariés", "covoiturage entre villages", ""])
    labels = emb.encode(["Grille de cotisations", "Mobilité rurale"], kind="passage")
    assert ideas.shape == (3, 768) and labels.shape == (2, 768)
    assert ideas.dtype == np.float32
    assert np.allclose(np.linalg.norm(ideas, axis=1), 1.0, atol=1e-4)
    assert np.allclose(np.linalg.norm(labels, axis=1), 1.0, atol=1e-4)
    # each idea is closer to its own label
    sims = ideas[:2] @ labels.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]
