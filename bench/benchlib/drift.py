"""Figures over time and the stored event log's chain check, for the realtime benchmark's report."""

from __future__ import annotations

import json

from .stats import percentile


def windows(sends: dict, clients: list, rss_series: list[tuple[float, float]], width: float = 30.0) -> dict:
    """Ack and post->projector latency, and server memory, per ``width``-second window of the run.

    A steady server shows flat rows; ``first_vs_last`` compares the first and
    the last full window, so drift over a long run reads in one line.
    """
    if not sends:
        return {"width_s": width, "rows": [], "first_vs_last": None}
    t0 = min(s["sched"] for s in sends.values())
    projectors = [c for c in clients if c["kind"] == "projector"]
    buckets: dict[int, dict[str, list[float]]] = {}
    for i, s in sends.items():
        k = int((s["sched"] - t0) // width)
        b = buckets.setdefault(k, {"ack": [], "projector": []})
        if s["ok"] and s["ack"] is not None:
            b["ack"].append((s["ack"] - s["sent"]) * 1000)
        for c in projectors:
            if i in c["recv"]:
                b["projector"].append((c["recv"][i] - s["sent"]) * 1000)
    rows = []
    for k in sorted(buckets):
        b = buckets[k]
        start, end = t0 + k * width, t0 + (k + 1) * width
        rss = [r for t, r in rss_series if start <= t < end]
        rows.append(
            {
                "from_s": round(k * width),
                "ideas": len(b["ack"]),
                "ack_p50": _p(b["ack"], 50),
                "ack_p99": _p(b["ack"], 99),
                "projector_p50": _p(b["projector"], 50),
                "projector_p99": _p(b["projector"], 99),
                "server_rss_mb": round(max(rss), 1) if rss else None,
            }
        )
    full = rows[:-1] if len(rows) > 2 else rows  # the last window is usually cut short
    first_vs_last = None
    if len(full) >= 2:
        first_vs_last = {
            key: [full[0][key], full[-1][key]]
            for key in ("ack_p50", "ack_p99", "projector_p50", "projector_p99", "server_rss_mb")
        }
    return {"width_s": width, "rows": rows, "first_vs_last": first_vs_last}


def _p(values: list[float], q: float):
    return None if not values else round(percentile(sorted(values), q), 1)


def prev_chain(repo, database_url: str, code: str) -> dict:
    """Check the stored event log's per-room chains (facilitator.event_chain) after the run."""
    import sys

    from sqlalchemy import create_engine, text

    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))

    from facilitator.config import _database_url
    from facilitator.event_chain import chain_faults, chain_ok

    engine = create_engine(_database_url(database_url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT e.seq, e.table_prev FROM event e JOIN workshop w "
                    "ON w.id = e.workshop_id WHERE w.code = :code"
                ),
                {"code": code},
            ).all()
    finally:
        engine.dispose()
    faults = chain_faults((seq, json.loads(prev) if isinstance(prev, str) else prev) for seq, prev in rows)
    return {**faults, "ok": chain_ok(faults)}
