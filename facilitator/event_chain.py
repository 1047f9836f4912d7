"""The invariant of the event log's per-room chains, checked over stored events (pure).

Every room's stream is a chain: each event names in ``prev`` the seq of the
event its room received just before it (docs/protocol.md, "Envelopes"). Staff
and projector rooms receive every event, so their chain is the workshop's
seq itself; a table room receives the events whose ``table_prev`` has a key
for it. A broken chain (a ``prev`` that is not the room's previous seq, or
two events naming the same ``prev``) lets a client apply an event after a
missed one without noticing, so tests and benchmarks check it after
concurrent runs.
"""

from __future__ import annotations

from collections.abc import Iterable


def chain_faults(rows: Iterable[tuple[int, dict[str, int]]]) -> dict:
    """Check ``(seq, table_prev)`` rows of one workshop's log (any order).

    Returns ``{"events", "rooms", "gaps_in_seq", "wrong_prev", "shared_prev",
    "examples"}``: ``gaps_in_seq`` counts missing workshop seqs between the
    first and last stored; ``wrong_prev`` counts table-room events whose
    ``prev`` is not the seq of the room's previous stored event (the first
    event of a room must name 0 or an earlier seq); ``shared_prev`` counts
    events that name a ``prev`` another event of the same room already named.
    """
    ordered = sorted(rows, key=lambda row: row[0])
    seqs = [seq for seq, _ in ordered]
    gaps = sum(b - a - 1 for a, b in zip(seqs, seqs[1:]) if b - a > 1)
    last: dict[str, int | None] = {}
    seen_prev: dict[str, set[int]] = {}
    wrong = shared = 0
    examples: list[dict] = []
    for seq, table_prev in ordered:
        for room, prev in (table_prev or {}).items():
            expected = last.get(room)
            bad = prev >= seq if expected is None else prev != expected
            if prev in seen_prev.setdefault(room, set()):
                shared += 1
                bad = True
            seen_prev[room].add(prev)
            if bad:
                wrong += 1
                if len(examples) < 5:
                    examples.append({"room": room, "seq": seq, "prev": prev, "expected": expected})
            last[room] = seq
    return {
        "events": len(seqs),
        "rooms": len(last),
        "gaps_in_seq": gaps,
        "wrong_prev": wrong,
        "shared_prev": shared,
        "examples": examples,
    }


def chain_ok(faults: dict) -> bool:
    """True when ``chain_faults`` found nothing wrong."""
    return not (faults["gaps_in_seq"] or faults["wrong_prev"] or faults["shared_prev"])
