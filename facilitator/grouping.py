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

from .clustering import IdeaState, default_embedder, find_duplicates, group_board, regroup
from .clustering.assign import LIVE_PLACEMENT_WEIGHT, calibrate
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
    """The outcome of "Regrouper": new automatic groups and the ideas they receive."""

    new_groups: list[str]  # labels of groups to create
    moves: dict[str, str]  # idea id -> group name (existing unique name or a new label)


def plan_regroup(board: Board) -> Regrouping:
    """Discovery on the unsorted ideas of a board (off the loop); nothing placed by a person moves."""
    return offload(_plan_regroup, board)


def _plan_regroup(board: Board) -> Regrouping:
    name_of = board.name_of
    states = [IdeaState(text, name_of.get(group) if group else None, placement == FACILITATOR_PLACED)
              for _, text, group, placement in board.ideas]
    if not states:
        return Regrouping([], {})
    vectors = default_embedder().encode([s.text for s in states])
    named = {name for _, name, source in board.groups if source != "auto"}
    names = regroup(states, vectors, named)
    existing = set(name_of.values())
    moves, new_groups = {}, []
    for (ident, _, _, _), state, name in zip(board.ideas, states, names):
        if name is None or name == state.group:
            continue
        if name not in existing and name not in new_groups:
            new_groups.append(name)
        moves[ident] = name
    return Regrouping(new_groups, moves)


def warm_up(texts: list[str]) -> None:
    """Embed existing ideas once (at start-up, in a worker thread) so the first regroup is fast."""
    try:
        default_embedder().encode(texts)
    except Exception:  # noqa: BLE001
        log.exception("could not pre-compute idea embeddings")
