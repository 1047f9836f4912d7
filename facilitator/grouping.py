"""Automatic grouping in the live app: the engine (clustering/) fed from the database.

The engine is pure and works on names and texts; this module turns a board
(its active groups and ideas) into the engine's input, runs it off the
real-time loop (``offload``), and maps the answer back to group ids. The
facilitator always wins: ideas they placed are examples and never move,
groups they named are never renamed, and regrouping only touches ideas that
are unsorted (or were placed by the engine and are still where it put them).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from .clustering import cluster, default_embedder, find_duplicates, group_board
from .clustering.assign import LIVE_PLACEMENT_WEIGHT, calibrate
from .clustering.discover import PROPOSAL_SNN_MIN_IDEAS, proposal_k_range
from .clustering.embed import normalise
from .clustering.naming import name_group
from .extensions import db
from .models import Group, Idea
from .offload import Busy, offload

log = logging.getLogger(__name__)

FACILITATOR_PLACED = "facilitator"
AUTO_PLACED = "auto"
# The live confidence is calibrated (clustering.assign.calibrate): "70 %" is right about 70 % of
# the time on the development set. Below LIVE_MIN_CONFIDENCE the idea arrives in "À classer" with
# its suggestions: ~10 % of ideas on tuning boards (their best group right ~42 % of the time),
# 7 % on held-out boards (bench/cluster_online.py).
LIVE_MIN_CONFIDENCE = 0.42
# How long a post may wait for the engine (busy with a regroup) before it goes without a suggestion.
SUGGEST_WAIT_S = 0.1


@dataclass
class Suggestion:
    """Where the engine would put a new idea (group_id None: "À classer")."""

    group_id: str | None
    confidence: float
    suggestions: list[str] = field(default_factory=list)
    duplicate_of: str | None = None


@dataclass
class Board:
    """One table's groups and live ideas, read from the database, detached from the session."""

    groups: list[tuple[str, str, str]]  # (id, unique name, label_source)
    ideas: list[tuple[str, str, str | None, str | None]]  # (id, text, group id, placement)

    @property
    def name_of(self) -> dict[str, str]:
        return {ident: name for ident, name, _ in self.groups}

    @property
    def id_of(self) -> dict[str, str]:
        return {name: ident for ident, name, _ in self.groups}


def enabled() -> bool:
    return bool(current_app.config.get("AUTO_GROUPING", True))


def load_board(table_id: int) -> Board:
    """The active groups (with names made unique for the engine) and visible ideas of a table."""
    groups, seen = [], set()
    for group in db.session.execute(
            select(Group).where(Group.table_id == table_id, Group.active.is_(True))
            .order_by(Group.position, Group.created_at)).scalars():
        name, n = group.label, 2
        while name.casefold() in seen:
            name, n = f"{group.label} ({n})", n + 1
        seen.add(name.casefold())
        groups.append((group.id, name, group.label_source))
    ideas = [tuple(row) for row in db.session.execute(  # plain rows: no ORM objects on the hot path
        select(Idea.id, Idea.text, Idea.group_id, Idea.placement)
        .where(Idea.table_id == table_id, Idea.state == Idea.VISIBLE)
        .order_by(Idea.created_at, Idea.id))]
    return Board(groups, ideas)


def suggest(board: Board, text: str) -> Suggestion | None:
    """The engine's group for a new idea on ``board`` (computed off the loop).

    None when grouping is off, failed, or the engine stayed busy (a long
    regroup) for more than SUGGEST_WAIT_S: posting is never held up by
    grouping; the idea then arrives in "À classer".
    """
    if not enabled():
        return None
    try:
        return offload(_suggest, board, text, wait=SUGGEST_WAIT_S)
    except Busy:
        log.info("grouping engine busy (a regroup?): the idea arrives unsorted")
        return None
    except Exception:  # noqa: BLE001 - grouping must never cost an idea
        log.exception("automatic grouping failed; the idea stays unsorted")
        return None


def _suggest(board: Board, text: str) -> Suggestion:
    embedder = default_embedder()
    texts = [t for _, t, _, _ in board.ideas] + [text]
    vectors = embedder.encode(texts)
    duplicate_of = _duplicate(board, texts, vectors)
    if not board.groups:
        return Suggestion(None, 0.0, [], duplicate_of)
    name_of = board.name_of
    # Every idea sitting in a group is a placement: moved there by the facilitator, or put there
    # by the engine and left in place (still there when this idea arrives, so not corrected).
    placements = [name_of.get(g) if g else None for _, _, g, _ in board.ideas]
    topics = [name for _, name, _ in board.groups]
    result = group_board(texts, placements + [None], topics, embedder, min_confidence=0.0,
                         topic_placement_weight=LIVE_PLACEMENT_WEIGHT)[-1]
    id_of = board.id_of
    confidence = calibrate(result.confidence)
    group = result.group if confidence >= LIVE_MIN_CONFIDENCE else None
    return Suggestion(id_of.get(group) if group else None, round(confidence, 3),
                      [id_of[s] for s in result.suggestions if s in id_of][:3], duplicate_of)


DUPLICATE_CANDIDATES = 20


def _duplicate(board: Board, texts: list[str], vectors) -> str | None:
    """The existing idea the new one (last) most likely repeats, if any.

    Only the new idea's nearest neighbours are checked, so the cost stays flat
    as the board grows.
    """
    if len(texts) < 2:
        return None
    nearest = list((vectors[:-1] @ vectors[-1]).argsort()[::-1][:DUPLICATE_CANDIDATES])
    pairs = find_duplicates([texts[k] for k in nearest] + [texts[-1]],
                            vectors[nearest + [len(texts) - 1]])
    for i, j, _score in pairs:
        if j == len(nearest):
            return board.ideas[nearest[i]][0]
    return None


@dataclass
class Regrouping:
    """The outcome of "Regrouper" (a proposal): new groups and the ideas each group would receive."""

    new_groups: list[str]  # labels of groups to create
    moves: dict[str, str]  # idea id -> group name (existing unique name or a new label)


def plan_regroup(board: Board) -> Regrouping:
    """The proposal for a board's unsorted ideas (off the loop); nothing placed by a person moves."""
    return offload(_plan_regroup, board)


def _plan_regroup(board: Board) -> Regrouping:
    """The proposal behind "Regrouper" (docs/clustering.md, "Regroup as a proposal").

    Only unsorted ideas that no facilitator placed are considered. Each first goes to an
    existing group when it fits one (calibrated confidence >= LIVE_MIN_CONFIDENCE, the board's
    placements as examples, and the group's closest idea about as close as the closest unsorted
    one: ``_fits``); the rest are clustered (number of groups chosen automatically),
    and each cluster of two ideas or more becomes a new group named with a short phrase from
    its ideas (clustering.naming). Single ideas stay unsorted.
    """
    name_of = board.name_of
    free = [k for k, (_, _, group, placement) in enumerate(board.ideas)
            if group is None and placement != FACILITATOR_PLACED]
    if not free:
        return Regrouping([], {})
    embedder = default_embedder()
    texts = [text for _, text, _, _ in board.ideas]
    vectors = embedder.encode(texts)
    moves: dict[str, str] = {}
    rest = free
    if board.groups:
        placements = [name_of.get(g) if g else None for _, _, g, _ in board.ideas]
        topics = [name for _, name, _ in board.groups]
        results = group_board(texts, placements, topics, embedder, min_confidence=0.0,
                              topic_placement_weight=LIVE_PLACEMENT_WEIGHT)
        members: dict[str, list[int]] = {}
        for k, name in enumerate(placements):
            if name:
                members.setdefault(name, []).append(k)
        x = normalise(vectors - vectors.mean(axis=0))
        rest = []
        for k in free:
            group = results[k].group
            if group and calibrate(results[k].confidence) >= LIVE_MIN_CONFIDENCE and _fits(x, k, members.get(group), free):
                moves[board.ideas[k][0]] = group
            else:
                rest.append(k)
    new_groups: list[str] = []
    if len(rest) >= 2:
        labels = cluster(vectors[rest], k_range=proposal_k_range(len(rest)),
                         snn_weight=None if len(rest) >= PROPOSAL_SNN_MIN_IDEAS else 0.0).tolist()
        taken = set(name_of.values())
        for c in dict.fromkeys(labels):
            members = [rest[r] for r, lab in enumerate(labels) if lab == c]
            if len(members) < 2:
                continue
            name = name_group([texts[k] for k in members], texts, taken)
            base, n = name, 2
            while name.casefold() in {t.casefold() for t in taken}:
                name, n = f"{base} ({n})", n + 1
            taken.add(name)
            new_groups.append(name)
            for k in members:
                moves[board.ideas[k][0]] = name
    return Regrouping(new_groups, moves)


# An unsorted idea joins an existing group only when that group's closest idea is about as close
# to it as its closest fellow unsorted idea (centred cosine, this margin): a confident softmax over
# few groups is not enough, the idea may belong with other unsorted ones in a new group.
# bench/cluster_proposal.py, tuning boards (half the ideas placed, the rest unsorted, every idea
# with a fitting sub-topic): margin 0.05 / 0.10 / 0.15 / 0.25 / none sends 52 / 68 / 78 / 91 / 95 %
# of them to an existing group, right 69 / 68 / 67 / 66 / 67 % of the time.
FIT_MARGIN = 0.15


def _fits(x, k: int, members: list[int] | None, free: list[int]) -> bool:
    """Whether idea k is as close to the group made of `members` as to the other unsorted ideas."""
    others = [j for j in free if j != k]
    if not members or not others:
        return True  # a group known by its name only, or nothing else unsorted: the assignment decides
    return float((x[members] @ x[k]).max()) >= float((x[others] @ x[k]).max()) - FIT_MARGIN


def warm_up(texts: list[str]) -> None:
    """Embed existing ideas once (at start-up, in a worker thread) so the first regroup is fast."""
    try:
        default_embedder().encode(texts)
    except Exception:  # noqa: BLE001
        log.exception("could not pre-compute idea embeddings")
