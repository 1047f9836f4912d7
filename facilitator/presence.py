"""Who is behind each Socket.IO connection of this process (sid -> Actor).

``sockets.on_connect`` registers a connection once it is authenticated and
``on_disconnect`` forgets it; ``rooms`` reads it to move a participant's live
connections when they change tables. It holds no database state: with
several processes, each knows its own connections only (moves reach the
others through the ``moved`` message, docs/protocol.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: the actions import rooms, which import this module
    from .actions.base import Actor

_connections: dict[str, Actor] = {}


def add(sid: str, actor: Actor) -> None:
    _connections[sid] = actor


def remove(sid: str) -> Actor | None:
    return _connections.pop(sid, None)


def actor_of(sid: str) -> Actor | None:
    return _connections.get(sid)


def of_participants(workshop_id: int, participant_ids: set[int]) -> Iterator[tuple[str, Actor]]:
    """The connections (sid, actor) of these participants of a workshop."""
    for sid, actor in list(_connections.items()):
        if actor.workshop_id == workshop_id and actor.participant_id in participant_ids:
            yield sid, actor
