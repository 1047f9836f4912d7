"""What follows from an event: the one table of side effects, derived from published events.

Actions change data and publish what happened; they never call a follow-up by
hand. Each line below says which events a follow-up listens to:

- in the same transaction (``events.reaction``): a note to the idea's author
  when they now sit at another table, and the recount of a table's dots when
  an item that may hold dots changes state or is merged;
- after commit (``events.after_commit``): live connections follow the people
  moved between tables, facilitators get the live vote counts, and a posted
  idea waits for its group from the engine workers.

Reactions run in the order of this file for an event listed twice (the
author's note, then the dots).
"""

from __future__ import annotations

from . import events, grouping, replay, rooms, voting
from .extensions import db
from .models import Idea, Participant, iso

# -- in the same transaction ---------------------------------------------------------


@events.reaction("idea_hidden", "idea_restored", "idea_corrected", "idea_merged", "idea_unmerged")
def tell_author(entry: events.Logged) -> None:
    """The author of a changed idea hears of it even from another table (``my_idea_changed``)."""
    data = entry.data
    ident = data["idea"]["id"] if "idea" in data else data["id"]
    idea = db.session.get(Idea, ident)
    if idea is not None:
        relay_to_author(idea)


def relay_to_author(idea: Idea) -> None:
    """Tell the author of ``idea`` about its new state when they sit at another table than the idea.

    A participant's phone follows its table's room, so an idea left on a
    previous table (after a move or a rotation) would change without its
    author knowing: ``my_idea_changed`` goes to the author's current table,
    carrying only what the author's own list needs (no text for a hidden idea).
    """
    author = idea.author or db.session.get(Participant, idea.participant_id)
    if author is None or author.table_id is None or author.table_id == idea.table_id:
        return
    data = {
        "id": idea.id,
        "participant_id": author.id,
        "table_id": idea.table_id,
        "state": idea.state,
        "merged_into": idea.merged_into,
        "updated_at": iso(idea.updated_at),
        "corrected_at": iso(idea.edited_by_facilitator_at),
    }
    if idea.state != Idea.HIDDEN:
        data["text"] = idea.text
    events.publish(idea.workshop_id, "my_idea_changed", data, events.TABLE, author.table_id)


@events.reaction("idea_withdrawn", "idea_hidden", "idea_restored", "group_removed", "group_restored")
def recount_dots(entry: events.Logged) -> None:
    """An idea or group that stops (or starts again) counting: refresh its table's results if it has dots."""
    data = entry.data
    if entry.type == "group_removed":
        voting.item_changed(entry.workshop_id, data["table_id"], "group", data["id"])
    elif entry.type == "group_restored":  # the undo of a removal: its dots count again
        voting.item_changed(entry.workshop_id, data["table_id"], "group", data["group"]["id"])
    elif entry.type == "idea_restored":
        voting.item_changed(entry.workshop_id, data["idea"]["table_id"], "idea", data["idea"]["id"])
    else:
        voting.item_changed(entry.workshop_id, data["table_id"], "idea", data["id"])


@events.reaction("idea_merged", "groups_merged")
def dots_follow_merge(entry: events.Logged) -> None:
    """Dots on a merged idea or group count for the one it was merged into."""
    data = entry.data
    kind = "idea" if entry.type == "idea_merged" else "group"
    voting.follow_merge(entry.workshop_id, data["table_id"], kind, data["id"], data["into"]["id"])


# -- after commit --------------------------------------------------------------------

events.after_commit(*rooms.MOVE_EVENTS)(rooms.move_connections)
events.after_commit("votes_changed")(voting.send_live_counts)
events.after_commit("participant_erased")(replay.forget_erased)
# With engine workers, a posted idea's group follows as idea_grouped (grouping.py's placer).
events.after_commit("idea_posted")(grouping.queue_placement)
