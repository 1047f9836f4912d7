"""Automatic grouping in the live app: the engine (clustering/) fed from the database.

The engine is pure and works on names and texts; this module turns a board
(its active groups and ideas) into the engine's input, runs it off the
real-time loop (``offload``: in an engine worker process under ``serve``),
and maps the answer back to group ids. The facilitator always wins: ideas
they placed are examples and never move, groups they named are never
renamed, and regrouping only touches ideas that are unsorted (or were placed
by the engine and are still where it put them).

A posted idea does not wait for the engine: ``queue_placement`` (an
after-commit subscriber of ``idea_posted``) asks for its place once the post
is committed (and shown, unsorted), and a follow-up
transaction applies the answer and publishes ``idea_grouped``, unless someone
touched the idea meanwhile. The engine modules (numpy, the model) are
imported only where the engine runs, never by the web process of ``serve``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from . import events
from .extensions import db, socketio
from .models import Group, Idea, RoundTable
from .offload import Busy, offload, pools

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


def _engine(name: str):
    """A name of the engine (clustering/), imported on first use: the web process of ``serve``
    never imports the engine (it runs in the worker processes). A benchmark may set the name on
    this module to replace it."""
    if name not in globals():
        from . import clustering
        from .clustering import assign

        globals()[name] = getattr(clustering, name) if hasattr(clustering, name) else getattr(assign, name)
    return globals()[name]


def enabled() -> bool:
    return bool(current_app.config.get("AUTO_GROUPING", True))


def load_board(table_id: int) -> Board:
    """The active groups (with names made unique for the engine) and visible ideas of a table."""
    groups, seen = [], set()
    for group in db.session.execute(
        select(Group)
        .where(Group.table_id == table_id, Group.active.is_(True))
        .order_by(Group.position, Group.created_at)
    ).scalars():
        name, n = group.label, 2
        while name.casefold() in seen:
            name, n = f"{group.label} ({n})", n + 1
        seen.add(name.casefold())
        groups.append((group.id, name, group.label_source))
    ideas = [
        tuple(row)
        for row in db.session.execute(  # plain rows: no ORM objects on the hot path
            select(Idea.id, Idea.text, Idea.group_id, Idea.placement)
            .where(Idea.table_id == table_id, Idea.state == Idea.VISIBLE)
            .order_by(Idea.created_at, Idea.id)
        )
    ]
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
    embedder = _engine("default_embedder")()
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
    result = _engine("group_board")(
        texts,
        placements + [None],
        topics,
        embedder,
        min_confidence=0.0,
        topic_placement_weight=_engine("LIVE_PLACEMENT_WEIGHT"),
    )[-1]
    id_of = board.id_of
    confidence = _engine("calibrate")(result.confidence)
    group = result.group if confidence >= LIVE_MIN_CONFIDENCE else None
    return Suggestion(
        id_of.get(group) if group else None,
        round(confidence, 3),
        [id_of[s] for s in result.suggestions if s in id_of][:3],
        duplicate_of,
    )


def _suggest_many(board: Board, ideas: list[tuple[str, str]]) -> list[Suggestion]:
    """``_suggest`` for several new ideas ``(id, text)`` of one board in one engine pass (the
    placer's batches).

    The board is embedded and assigned once; each new idea is compared, for
    duplicates, with the board and the new ideas before it.
    """
    embedder = _engine("default_embedder")()
    texts = [text for _, text in ideas]
    old = [t for _, t, _, _ in board.ideas]
    every = old + texts
    vectors = embedder.encode(every)
    duplicates = []
    for k in range(len(texts)):
        upto = len(old) + k + 1
        view = Board(board.groups, board.ideas + [(ident, t, None, None) for ident, t in ideas[:k]])
        duplicates.append(_duplicate(view, every[:upto], vectors[:upto]))
    if not board.groups:
        return [Suggestion(None, 0.0, [], d) for d in duplicates]
    name_of, id_of = board.name_of, board.id_of
    placements = [name_of.get(g) if g else None for _, _, g, _ in board.ideas] + [None] * len(texts)
    topics = [name for _, name, _ in board.groups]
    results = _engine("group_board")(
        every, placements, topics, embedder, min_confidence=0.0, topic_placement_weight=_engine("LIVE_PLACEMENT_WEIGHT")
    )[len(old) :]
    answers = []
    for result, duplicate_of in zip(results, duplicates):
        confidence = _engine("calibrate")(result.confidence)
        group = result.group if confidence >= LIVE_MIN_CONFIDENCE else None
        answers.append(
            Suggestion(
                id_of.get(group) if group else None,
                round(confidence, 3),
                [id_of[s] for s in result.suggestions if s in id_of][:3],
                duplicate_of,
            )
        )
    return answers


DUPLICATE_CANDIDATES = 20


def _duplicate(board: Board, texts: list[str], vectors) -> str | None:
    """The existing idea the new one (last) most likely repeats, if any.

    Only the new idea's nearest neighbours are checked, so the cost stays flat
    as the board grows.
    """
    if len(texts) < 2:
        return None
    nearest = list((vectors[:-1] @ vectors[-1]).argsort()[::-1][:DUPLICATE_CANDIDATES])
    pairs = _engine("find_duplicates")([texts[k] for k in nearest] + [texts[-1]], vectors[nearest + [len(texts) - 1]])
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
    free = [
        k for k, (_, _, group, placement) in enumerate(board.ideas) if group is None and placement != FACILITATOR_PLACED
    ]
    if not free:
        return Regrouping([], {})
    from .clustering import cluster
    from .clustering.discover import PROPOSAL_SNN_MIN_IDEAS, proposal_k_range
    from .clustering.embed import normalise
    from .clustering.naming import name_group

    embedder = _engine("default_embedder")()
    texts = [text for _, text, _, _ in board.ideas]
    vectors = embedder.encode(texts)
    moves: dict[str, str] = {}
    rest = free
    if board.groups:
        placements = [name_of.get(g) if g else None for _, _, g, _ in board.ideas]
        topics = [name for _, name, _ in board.groups]
        results = _engine("group_board")(
            texts,
            placements,
            topics,
            embedder,
            min_confidence=0.0,
            topic_placement_weight=_engine("LIVE_PLACEMENT_WEIGHT"),
        )
        members: dict[str, list[int]] = {}
        for k, name in enumerate(placements):
            if name:
                members.setdefault(name, []).append(k)
        x = normalise(vectors - vectors.mean(axis=0))
        rest = []
        for k in free:
            group = results[k].group
            if (
                group
                and _engine("calibrate")(results[k].confidence) >= LIVE_MIN_CONFIDENCE
                and _fits(x, k, members.get(group), free)
            ):
                moves[board.ideas[k][0]] = group
            else:
                rest.append(k)
    new_groups: list[str] = []
    if len(rest) >= 2:
        labels = cluster(
            vectors[rest],
            k_range=proposal_k_range(len(rest)),
            snn_weight=None if len(rest) >= PROPOSAL_SNN_MIN_IDEAS else 0.0,
        ).tolist()
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
        _engine("default_embedder")().encode(texts)
    except Exception:  # noqa: BLE001
        log.exception("could not pre-compute idea embeddings")


# Placements waiting for the engine, over which new posts go unsorted without asking it.
MAX_WAITING_PLACEMENTS = 500
# Ideas of one table placed in one engine pass and one transaction, at most.
PLACE_BATCH = 50
PLACER = "facilitator.placer"


class Placer:
    """The process's queue of posted ideas waiting for their group, and the task that empties it.

    While the engine works on one batch, new posts queue up; the next pass takes
    them all, one engine job and one transaction per table. Under a burst of
    posts the engine and the database then do a few large jobs instead of one
    small job per idea.
    """

    def __init__(self, app):
        self.app = app
        self.waiting: list[tuple[int, int, str, str]] = []  # (workshop, table, idea, text)
        self.running = False

    def add(self, item: tuple[int, int, str, str]) -> None:
        if len(self.waiting) >= MAX_WAITING_PLACEMENTS:
            log.warning("grouping engine has %d ideas waiting: a new idea stays unsorted", len(self.waiting))
            return
        self.waiting.append(item)
        if not self.running:
            self.running = True
            socketio.start_background_task(self._run)

    def _run(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting, []
                by_table: dict[tuple[int, int], list[tuple[str, str]]] = {}
                for workshop_id, table_id, idea_id, text in batch:
                    by_table.setdefault((workshop_id, table_id), []).append((idea_id, text))
                for (workshop_id, table_id), ideas in by_table.items():
                    for start in range(0, len(ideas), PLACE_BATCH):
                        place(self.app, workshop_id, table_id, ideas[start : start + PLACE_BATCH])
        finally:
            self.running = False


def suggest_inline(table_id: int, text: str) -> Suggestion | None:
    """The engine's answer for a post, computed before it is stored, when there are no engine
    workers (``ENGINE_WORKERS=0``, the test apps); None with workers: ``queue_placement``."""
    if not enabled() or pools().get("engine") is not None:
        return None
    return suggest(load_board(table_id), text)


def queue_placement(entry: events.Logged) -> None:
    """After an ``idea_posted`` commit (reactions.py): with engine workers, queue the idea for the
    placer, which publishes its group as ``idea_grouped``; the post's ack never waits for it."""
    idea = entry.data["idea"]
    if idea.get("group_id") is not None or idea.get("placement") is not None:
        return  # placed already (the engine ran in-process), or placed by a person
    app = current_app._get_current_object()
    if pools(app).get("engine") is None or not enabled():
        return
    placer = app.extensions.get(PLACER)
    if placer is None:
        placer = app.extensions[PLACER] = Placer(app)
    placer.add((entry.workshop_id, idea["table_id"], idea["id"], idea["text"]))


def place(app, workshop_id: int, table_id: int, ideas: list[tuple[str, str]]) -> None:
    """Ask the engine where posted ideas ``(id, text)`` of one table go; apply the answers to the
    ideas still as they were posted, in one transaction."""
    with app.app_context():
        try:
            board = load_board(table_id)
            new = {ident for ident, _ in ideas}
            board = Board(board.groups, [i for i in board.ideas if i[0] not in new])
            db.session.remove()  # no transaction held while the engine works
            try:
                answers = offload(_suggest_many, board, ideas)
            except Exception:  # noqa: BLE001 - the ideas are stored; they just stay unsorted
                log.exception("grouping engine failed on %d idea(s); they stay unsorted", len(ideas))
                return
            for attempt in (1, 2):
                try:
                    with events.transaction():
                        _apply(workshop_id, table_id, list(zip(ideas, answers)))
                    return
                except (IntegrityError, OperationalError):  # a concurrent writer: read again
                    db.session.rollback()
                    if attempt == 2:
                        raise
        except Exception:  # noqa: BLE001
            log.exception("placing %d idea(s) failed; they stay unsorted", len(ideas))
            db.session.rollback()
        finally:
            db.session.remove()


def _apply(workshop_id: int, table_id: int, answers: list[tuple[tuple[str, str], Suggestion]]) -> None:
    """Place each idea and publish ``idea_grouped`` (inside the caller's transaction), skipping ideas
    touched meanwhile."""
    from .state import idea_dict

    ids = [ident for (ident, _), _ in answers]
    # Lock the ideas' rows (PostgreSQL; SQLite has one writer), then read their current state: a
    # facilitator's concurrent move either commits first (and is seen) or waits for this one.
    db.session.execute(select(Idea.id).where(Idea.id.in_(ids)).with_for_update())
    table = db.session.get(RoundTable, table_id)
    if table is None or table.voting_open:
        return  # the board froze for voting while the engine ran
    live_groups = set(
        db.session.execute(select(Group.id).where(Group.table_id == table_id, Group.active.is_(True))).scalars()
    )
    placed = []
    for (idea_id, text), suggestion in answers:
        idea = db.session.get(Idea, idea_id, populate_existing=True)
        if (
            idea is None
            or idea.state != Idea.VISIBLE
            or idea.text != text
            or idea.group_id is not None
            or idea.placement is not None
            or idea.duplicate_of is not None
        ):
            continue  # moved, edited, hidden, withdrawn or merged meanwhile: the person's decision stands
        group_id = suggestion.group_id if suggestion.group_id in live_groups else None
        duplicate_of = suggestion.duplicate_of
        if duplicate_of is not None:
            other = db.session.get(Idea, duplicate_of)
            if other is None or other.state != Idea.VISIBLE or other.table_id != table_id:
                duplicate_of = None
        idea.group_id = group_id
        idea.placement = AUTO_PLACED if group_id else None
        idea.confidence = suggestion.confidence
        idea.suggestions = [g for g in suggestion.suggestions if g in live_groups]
        idea.duplicate_of = duplicate_of
        placed.append(idea)
    if not placed:
        return
    db.session.flush()
    for idea in placed:
        # Staff screens only, like idea_moved: phones do not show groups, and the table's
        # hundreds of phones would double the fan-out of every post.
        events.publish(workshop_id, "idea_grouped", {"idea": idea_dict(idea)})
