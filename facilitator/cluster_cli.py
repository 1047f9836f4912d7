"""`python -m facilitator cluster INPUT.tsv [--topics TOPICS.tsv] > OUTPUT.tsv`

INPUT.tsv: columns `board` and `text` required, `group` optional (non-empty = a facilitator's
placement), others passed through. TOPICS.tsv: columns `board` and `topic`. Output: every input
row in order with all its columns, plus `group`, `confidence` (0-1) and `suggestions` (up to 3
group names separated by " | ", best first). Bad files: a message on stderr and exit code 2; a
configured remote embeddings service that fails: a message on stderr, nothing on stdout, exit code 1.
"""

from __future__ import annotations

import argparse
import os
import sys

from .clustering.assign import MIN_CONFIDENCE
from .clustering.board import group_board
from .clustering.embed import CachedEmbedder, EmbeddingServiceError, make_embedder
from .clustering.tsv import TsvError, read_table, write_table


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2 too, with a clear message
        self.print_usage(sys.stderr)
        raise SystemExit(f"error: {message}")


def main(argv: list[str] | None = None) -> int:
    """Run the contract; returns the exit code."""
    parser = _Parser(prog="python -m facilitator cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("input", metavar="INPUT.tsv")
    parser.add_argument("--topics", metavar="TOPICS.tsv")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        if e.code not in (0, None):
            print(e.code if isinstance(e.code, str) else "", file=sys.stderr)
            return 2
        return 0
    try:
        table = read_table(args.input, ("board", "text"))
        topics_by_board: dict[str, list[str]] = {}
        if args.topics:
            tt = read_table(args.topics, ("board", "topic"))
            bi, ti = tt.header.index("board"), tt.header.index("topic")
            for r in tt.rows:
                if r[ti].strip():
                    lst = topics_by_board.setdefault(r[bi].strip(), [])
                    if r[ti].strip() not in lst:
                        lst.append(r[ti].strip())
    except TsvError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    header = list(table.header)
    bi, ti = header.index("board"), header.index("text")
    gi = header.index("group") if "group" in header else None
    for col in ("group", "confidence", "suggestions"):
        if col not in header:
            header.append(col)
    out_gi, ci, si = header.index("group"), header.index("confidence"), header.index("suggestions")

    try:
        min_conf = float(os.environ.get("FACILITATOR_CLUSTER_MIN_CONFIDENCE", MIN_CONFIDENCE))
        embedder = CachedEmbedder(make_embedder())
    except (ValueError, ImportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    boards: dict[str, list[int]] = {}
    for k, r in enumerate(table.rows):
        boards.setdefault(r[bi].strip(), []).append(k)
    results = {}
    try:
        for board, rows in boards.items():
            texts = [table.rows[k][ti] for k in rows]
            placements = [(table.rows[k][gi].strip() or None) if gi is not None else None for k in rows]
            for k, a in zip(rows, group_board(texts, placements, topics_by_board.get(board, []), embedder, min_conf)):
                results[k] = a
    except EmbeddingServiceError as e:  # FACILITATOR_EMBEDDINGS_URL set and the service failed: nothing written
        print(f"error: embeddings service: {e}", file=sys.stderr)
        return 1

    def out_rows():
        for k, r in enumerate(table.rows):
            row = r + [""] * (len(header) - len(r))
            a = results[k]
            row[out_gi] = a.group or ""
            row[ci] = f"{a.confidence:.3f}"
            row[si] = " | ".join(a.suggestions)
            yield row

    try:
        write_table(sys.stdout, header, out_rows())
        sys.stdout.flush()
    except BrokenPipeError:  # pragma: no cover
        return 1
    return 0
