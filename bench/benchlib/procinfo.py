"""/proc helpers: memory and CPU of the server's process tree, and the CPU model."""

from __future__ import annotations

import os


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(pid: int) -> list[int]:
    """The pid and all its descendants (e.g. a reloader child), if any."""
    children = _children_map()
    out, todo = [], [pid]
    while todo and len(out) < 1000:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_mb(pid: int) -> float | None:
    """Resident memory (VmRSS) of the process tree rooted at pid, in MiB."""
    total_kb, found = 0, False
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        found = True
                        break
        except OSError:
            pass
    return round(total_kb / 1024.0, 1) if found else None


def cpu_seconds(pid: int, tree: bool = True) -> float | None:
    """User + system CPU seconds used so far by the process tree rooted at pid (or pid alone)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, found = 0.0, False
    for p in process_tree(pid) if tree else [pid]:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            found = True
        except (OSError, IndexError, ValueError):
            pass
    return total if found else None


def cpu_model() -> str | None:
    """The CPU's model name from /proc/cpuinfo, if any."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None
