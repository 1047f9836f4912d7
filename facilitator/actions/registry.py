"""The command registry: each command declared once, next to its action.

``@command(roles=..., payload=..., emits=...)`` on ``do_<name>(actor, payload)``
declares the command ``<name>``: who may send it, the shape of its payload and
the events it may log. Everything else comes from this declaration:

- the socket dispatcher (``sockets.py``) listens to every command declared
  with ``socket=True`` (the default) and runs it through ``run``;
- ``run`` AUTHORISES (the role, and the lead-only rule) and VALIDATES the
  payload's shape (required fields, types) before the action runs; the
  action itself checks what needs the data (the table scope, existence,
  ranges, states);
- the HTTP views and the command line call ``run`` too, so a rule holds on
  every path;
- the tests check that docs/protocol.md documents every command, its payload
  fields and its events, and fuzz every command from this list.

Payload fields are written ``{"name": "kind"}``: a kind names what the value
is (``idea``, ``table``, ``text``...; see ``KINDS``), a trailing ``?`` makes it
optional and ``|null`` lets it be null: ``{"group_id": "group|null",
"step": "small?"}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import CommandError
from .base import FACILITATOR, MAX_ID, Actor

# What a payload value may be, by kind (bool is never an int).
KINDS: dict[str, tuple[type, ...]] = {
    # ids made by the server (numbers) and by clients (UUID strings)
    "seq": (int,),
    "table": (int,),
    "participant": (int,),
    "small": (int,),
    "idea": (str,),
    "group": (str,),
    "action": (str,),
    "item": (str,),
    # values
    "text": (str,),
    "word": (str,),
    "date": (str,),
    "bool": (bool,),
    "list": (list,),
    "object": (dict,),
    "view": (str, int),
    # anything: the action checks it and answers its own error (e.g. ``invalid_date``, ``invalid_status``)
    "any": (object,),
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = True
    nullable: bool = False

    def check(self, payload: dict) -> None:
        if self.name not in payload:
            if self.required:
                raise CommandError("invalid_payload", detail=f"'{self.name}' missing")
            return
        value = payload[self.name]
        if value is None:
            if not self.nullable:
                raise CommandError("invalid_payload", detail=f"'{self.name}' must not be null")
            return
        types = KINDS[self.kind]
        if isinstance(value, bool) and bool not in types and object not in types or not isinstance(value, types):
            raise CommandError("invalid_payload", detail=f"'{self.name}' must be {self.kind}")
        if isinstance(value, int) and not isinstance(value, bool) and int in types and not 0 <= value <= MAX_ID:
            raise CommandError("invalid_payload", detail=f"'{self.name}' is out of range")


def parse_field(name: str, spec: str) -> Field:
    required = not spec.endswith("?")
    spec = spec.rstrip("?")
    kind, _, null = spec.partition("|")
    if kind not in KINDS or null not in ("", "null"):
        raise ValueError(f"unknown payload kind {spec!r} for field {name!r}")
    return Field(name, kind, required, nullable=null == "null" or kind == "any")


@dataclass(frozen=True)
class Command:
    name: str
    handler: Callable[[Actor, dict], dict]
    roles: frozenset[str]
    fields: tuple[Field, ...] = ()
    emits: tuple[str, ...] = ()
    # Facilitators must be the lead one (a table facilitator is refused with ``lead_only``).
    lead: bool = False
    # Sent over Socket.IO (False: HTTP or command line only, e.g. the organiser's commands).
    socket: bool = True
    # The refusal of a sender whose role is not in ``roles``.
    denied: str = "forbidden"

    def check(self, actor: Actor, payload: dict) -> None:
        """AUTHORISE then VALIDATE, as declared."""
        if actor.role not in self.roles:
            raise CommandError(self.denied, status=403)
        if self.lead and actor.role == FACILITATOR and actor.table_id is not None:
            raise CommandError("lead_only", status=403)
        for spec in self.fields:
            spec.check(payload)


REGISTRY: dict[str, Command] = {}


def command(
    *,
    roles: tuple[str, ...],
    payload: dict[str, str] | None = None,
    emits: tuple[str, ...] = (),
    lead: bool = False,
    socket: bool = True,
    denied: str = "forbidden",
    name: str | None = None,
):
    """Declare ``do_<name>(actor, payload) -> dict`` as the command ``<name>`` (see the module's doc)."""

    def register(fn: Callable[[Actor, dict], dict]):
        command_name = name or fn.__name__.removeprefix("do_")
        if command_name in REGISTRY:
            raise ValueError(f"command {command_name!r} declared twice")
        REGISTRY[command_name] = Command(
            command_name,
            fn,
            frozenset(roles),
            tuple(parse_field(k, v) for k, v in (payload or {}).items()),
            tuple(emits),
            lead,
            socket,
            denied,
        )
        return fn

    return register


def run(name: str, actor: Actor, payload: dict) -> dict:
    """Check and run one command (no commit: the caller runs it in ``events.transaction()``)."""
    cmd = REGISTRY[name]
    cmd.check(actor, payload)
    return cmd.handler(actor, payload)


def socket_commands() -> dict[str, Command]:
    return {name: cmd for name, cmd in REGISTRY.items() if cmd.socket}
