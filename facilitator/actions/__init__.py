"""Actions: one ``do_<verb>_<noun>(actor, payload) -> dict`` per user intent, declared as a command.

Each action module declares its commands with ``@command`` (``registry.py``):
who may send it, its payload's shape, the events it logs. The registry checks
the role and the shape before the action runs; the action then VALIDATES what
needs the data and RESOLVES (changes the data and ``events.publish``-es what
happened, in the caller's transaction). Actions never commit: the caller runs
them in ``events.transaction()``. They raise ``CommandError`` to refuse; a
refused command changes nothing. What follows from an event (a recount of
dots, a note to an idea's author, connections moving rooms) is not called by
actions: ``facilitator/reactions.py`` derives it from the published events.

Importing this package imports every action module (so every command is
declared) and the reactions: there is no list to keep by hand.
"""

from __future__ import annotations

import importlib
import pkgutil

from .registry import REGISTRY, run

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("base", "registry"):
        importlib.import_module(f"{__name__}.{_module.name}")

from .. import reactions  # noqa: E402,F401 - the side effects of events, declared once

__all__ = ["REGISTRY", "run"]
