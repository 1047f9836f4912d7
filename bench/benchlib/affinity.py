"""``--server-cpus``: the server processes on some cores, the load on the others.

On this 2-core machine the bench's clients (1,000 phones in two Node processes, HAProxy
for ``--cluster``) run on the same cores as the server. CPU seconds per delivery, the figure
that compares one process with several, then depend on who ran beside whom: two server
processes fan the same event out at the same moment (each to its own phones) while the
clients read it, one process shares a core with the clients only. Pairs of runs of the
same code differed by up to 15 % that way (README, "Several processes").

With ``--server-cpus 0`` every server process and its workers run on core 0 and everything
else the bench starts (its client processes, HAProxy, the bench itself) on the other cores,
for one process and for several alike. Two processes on one core is the conservative side
for them: they switch between each other, which one process never does, and pay for it in
its caches. PostgreSQL and Redis are the machine's services and stay where they run.
"""

from __future__ import annotations

import os

#: The server's cores, once ``pin`` has run (None: no split, everything shares every core).
SERVER_CPUS: frozenset[int] | None = None


def parse(spec: str) -> frozenset[int]:
    """``"0"``, ``"0,2"`` or ``"0-1"`` as a set of cores."""
    cpus: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        first, _, last = part.partition("-")
        lo, hi = int(first), int(last or first)
        if lo > hi:
            raise ValueError(f"bad core range {part!r}")
        cpus.update(range(lo, hi + 1))
    if not cpus:
        raise ValueError("no core given")
    return frozenset(cpus)


def pin(spec: str) -> dict:
    """Keep the cores of ``spec`` for the server; this process (so everything it starts but the
    server: clients, HAProxy) moves to the others. Returns the split, for the report."""
    global SERVER_CPUS
    available = frozenset(os.sched_getaffinity(0))
    server = parse(spec)
    if not server <= available:
        raise ValueError(
            f"cores {sorted(server - available)} are not available (this process may use {sorted(available)})"
        )
    rest = available - server
    if not rest:
        raise ValueError("no core left for the clients: give the server fewer cores")
    os.sched_setaffinity(0, rest)
    SERVER_CPUS = server
    return {"server": sorted(server), "clients": sorted(rest)}


def server_preexec():
    """``preexec_fn`` for a server process: its cores, inherited by its workers (None: no split)."""
    if SERVER_CPUS is None:
        return None
    cpus = SERVER_CPUS
    return lambda: os.sched_setaffinity(0, cpus)
