"""The benchmark's JSON report, and the ``--raw`` per-idea records."""

from __future__ import annotations

import json
import os
import platform

from . import log
from .procinfo import cpu_model
from .stats import percentile, summarise

# Target from the design notes (docs: design.md, "Real-time protocol principles").
TARGET_P95_MS = 150.0
TARGET_P99_MS = 300.0


def ws_extensions(connected) -> dict:
    """Sockets per negotiated extension ("none" when none), or a note when not recorded."""
    counts: dict[str, int] = {}
    for c in connected:
        for name, n in c.get("ws_extensions", {"not recorded (python-socketio offers none)": 1}).items():
            counts[name] = counts.get(name, 0) + n
    return counts


def build_report(
    args,
    rss,
    info,
    ideas,
    idea_ids,
    spec_by_key,
    results,
    connected,
    join_errors,
    join_wall,
    join_ms,
    connect_wall,
    connect_failures,
    n_conn,
    n_specs,
    server_cpu,
    total_wall,
) -> dict:
    """Merge the workers' results and summarise them into the JSON report.

    ``rss`` is the server's memory samples by moment, ``ideas`` the schedule
    ``(idx, sched_time, client_key, text)``, ``results`` and ``connected`` the
    workers' messages.  Also writes ``args.raw`` when set.
    """
    a = args
    table_of = {i: spec_by_key[key]["table_id"] for i, _, key, _ in ideas}
    sends: dict[int, dict] = {}
    for r in results:
        sends.update(r["sends"])
    clients = [c for r in results for c in r["clients"]]

    acked = {i for i, s in sends.items() if s["ok"]}
    ack_ms = [(s["ack"] - s["sent"]) * 1000 for s in sends.values() if s["ok"]]
    send_lag_ms = [(s["sent"] - s["sched"]) * 1000 for s in sends.values()]
    ack_errors: dict[str, int] = {}
    for s in sends.values():
        if not s["ok"]:
            ack_errors[s["error"]] = ack_errors.get(s["error"], 0) + 1
    ack_duplicate_true = sum(1 for s in sends.values() if s["ok"] and s["dup"])

    grouped_ms = [
        (t - sends[i]["sent"]) * 1000
        for c in clients
        if c["kind"] == "projector"
        for i, t in c.get("grouped", {}).items()
        if i in sends
    ]
    proj_ms, part_ms, proj_sched_ms = [], [], []
    lost_ideas: set[int] = set()
    proj_missing = 0
    part_missing = 0
    for c in clients:
        recv = c["recv"]
        if c["kind"] == "projector":
            for i in sends:
                t = recv.get(i)
                if t is None:
                    if i in acked:
                        lost_ideas.add(i)
                        proj_missing += 1
                    continue
                proj_ms.append((t - sends[i]["sent"]) * 1000)
                proj_sched_ms.append((t - sends[i]["sched"]) * 1000)
        else:
            for i in sends:
                if table_of[i] != c["table_id"]:
                    continue
                t = recv.get(i)
                if t is None:
                    if i in acked:
                        part_missing += 1
                    continue
                part_ms.append((t - sends[i]["sent"]) * 1000)
    if a.raw:
        write_raw(a.raw, ideas, sends, table_of, clients, [x for r in results for x in r.get("lag_spikes", [])])
    dup_total = sum(c["dups"] for c in clients)
    dup_clients = sum(1 for c in clients if c["dups"])
    received_not_acked = sum(1 for c in clients for i in c["recv"] if i in sends and i not in acked)
    disconnects: dict[str, int] = {}
    for c in clients:
        if c["disconnected_at"] is not None:
            disconnects[c["disconnect_reason"]] = disconnects.get(c["disconnect_reason"], 0) + 1
    event_types: dict[str, int] = {}
    for c in clients:
        for t, n in c["types"].items():
            event_types[t] = event_types.get(t, 0) + n

    lag = sorted(x for r in results for x in r["loop_lag_ms"])
    client_cpu = [round(100.0 * r["cpu_s"] / r["wall_s"], 1) if r["wall_s"] > 0 else None for r in results]
    connect_ms = [x for c in connected for x in c["connect_ms"]]
    sync_ms = [x for c in connected for x in c["sync_ms"]]

    proj = summarise(proj_ms)
    part = summarise(part_ms, ("p50", "p95", "p99", "max"))
    per_conn_kb = None
    if rss.get("after_connect") and rss.get("before_clients") and n_conn:
        per_conn_kb = round((rss["after_connect"] - rss["before_clients"]) * 1024 / n_conn, 1)

    criteria = {
        f"post_to_projector_p95_le_{TARGET_P95_MS}_ms": proj["p95"] is not None and proj["p95"] <= TARGET_P95_MS,
        f"post_to_projector_p99_le_{TARGET_P99_MS}_ms": proj["p99"] is not None and proj["p99"] <= TARGET_P99_MS,
        "lost_is_0": len(lost_ideas) == 0,
        "duplicated_is_0": dup_total == 0,
        "every_idea_acked": len(acked) == len(ideas),
    }

    warnings = []
    for wid, pct in enumerate(client_cpu):
        if pct is not None and pct > 80:
            warnings.append(
                f"client process {wid} used {pct}% of a core while posting: part of the "
                "latency may be client-side queueing (see client_loop_lag_ms)"
            )
    if lag and percentile(lag, 99) > 50:
        warnings.append(
            f"client event-loop lag p99 {percentile(lag, 99):.0f} ms: receive times are late "
            "by up to that much because of the client, not the server"
        )
    if server_cpu is not None and server_cpu > 90:
        warnings.append(f"server used {server_cpu}% CPU while posting: the eventlet loop (one thread) is saturated")
    if connect_failures:
        warnings.append(f"{n_specs - n_conn} socket(s) failed to connect: {connect_failures}")
    if join_errors:
        warnings.append(f"{sum(join_errors.values())} join(s) failed: {join_errors}")

    cpus = os.cpu_count()
    return {
        "benchmark": "realtime",
        "parameters": {
            "participants": a.participants,
            "projectors": a.projectors,
            "rate_per_s": a.rate,
            "duration_s": a.duration,
            "grace_s": a.grace,
            "clients_procs": a.clients_procs,
            "tables": len(info["tables"]),
            "seed": a.seed,
            "quick": a.quick,
            "cluster_processes": getattr(a, "cluster", 0) or 1,
            "database": (a.database_url.split(":", 1)[0] if a.database_url else "sqlite (fresh temp file)"),
            "transport": "websocket",
            "client_impl": getattr(a, "client_impl", "python"),
        },
        # Extensions the server accepted in its Sec-WebSocket-Extensions answer, per socket
        # (Node clients offer permessage-deflate as browsers do; the Python clients offer none).
        "websocket_extensions": ws_extensions(connected),
        "machine": {
            "cpu_count": cpus,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_model": cpu_model(),
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            # --server-cpus: the cores of the server processes, and of everything else.
            "cpu_split": getattr(a, "cpu_split", None),
        },
        "measurement_note": (
            f"server (one eventlet thread) and {a.clients_procs} client process(es) share {cpus} cores; "
            "latencies are measured from the moment the client emits post_idea to the moment the "
            "receiving client's event handler runs, all with time.time() on the same machine, so they "
            "include client-side queueing (see client_cpu_pct and client_loop_lag_ms)."
        ),
        "post_to_projector_ms": proj,
        # The engine's placement (idea_grouped) at a projector, from the post: the idea was shown before.
        "post_to_grouped_ms": {
            **summarise(grouped_ms),
            "ideas_grouped": len({i for c in clients if c["kind"] == "projector" for i in c.get("grouped", {})}),
        },
        "post_to_table_participant_ms": part,
        "ack_ms": summarise(ack_ms),
        "post_to_projector_from_schedule_ms": summarise(proj_sched_ms),
        "send_lag_ms": summarise(send_lag_ms),
        "ideas_scheduled": len(ideas),
        "ideas_sent": len(sends),
        "ideas_acked": len(acked),
        "ack_duplicate_true": ack_duplicate_true,
        "ack_errors": ack_errors,
        "lost": len(lost_ideas),
        "projector_missed_deliveries": proj_missing,
        "table_participant_missed_deliveries": part_missing,
        "duplicated": dup_total,
        "clients_with_duplicates": dup_clients,
        "received_but_not_acked": received_not_acked,
        "wrong_table_deliveries": sum(c["wrong_table"] for c in clients),
        "seq_gaps": sum(c["gaps"] for c in clients),
        "stale_events": sum(c["stale"] for c in clients),
        "events_received": event_types,
        "disconnects_during_run": disconnects,
        "joins": {
            "ok": len(spec_by_key) - a.projectors,
            "errors": join_errors,
            "wall_s": round(join_wall, 2),
            "join_ms": summarise(join_ms),
        },
        "connect": {
            "sockets": n_specs,
            "connected": n_conn,
            "failures": connect_failures,
            "wall_s": round(connect_wall, 2),
            "connect_ms": summarise(connect_ms),
            "sync_ms": summarise(sync_ms),
        },
        "server_rss_mb": {
            k: rss.get(k) for k in ("start", "before_clients", "after_connect", "peak_during_posting", "end")
        },
        "rss_per_connection_kb": per_conn_kb,
        "server_cpu_pct_while_posting": server_cpu,
        "client_cpu_pct_while_posting": client_cpu,
        "client_loop_lag_ms": summarise(lag),
        "total_wall_s": round(total_wall, 1),
        "warnings": warnings,
        "target": {
            "post_to_projector_p95_ms": TARGET_P95_MS,
            "post_to_projector_p99_ms": TARGET_P99_MS,
            "criteria": criteria,
        },
        "target_met": all(criteria.values()),
    }


def write_raw(path, ideas, sends, table_of, clients, lag_spikes) -> None:
    """Write a header line, one JSON line per idea, then one per client loop-lag spike over 20 ms.

    Times are in ms after the first scheduled send.
    """
    t0 = ideas[0][1]
    ms = lambda t: None if t is None else round((t - t0) * 1000, 2)  # noqa: E731
    with open(path, "w") as f:
        f.write(json.dumps({"t0_epoch": t0, "note": "times below are ms after t0_epoch"}) + "\n")
        for i, sched, key, _ in ideas:
            s = sends.get(i, {})
            sent = s.get("sent")
            proj = {c["key"]: ms(c["recv"].get(i)) for c in clients if c["kind"] == "projector"}
            part = sorted(
                round((c["recv"][i] - sent) * 1000, 2)
                for c in clients
                if c["kind"] == "participant" and c["table_id"] == table_of[i] and i in c["recv"] and sent is not None
            )
            f.write(
                json.dumps(
                    {
                        "idx": i,
                        "author": key,
                        "table_id": table_of[i],
                        "sched": ms(sched),
                        "sent": ms(sent),
                        "ack": ms(s.get("ack")),
                        "ok": s.get("ok"),
                        "error": s.get("error"),
                        "projectors": proj,
                        "table_participants_ms": {
                            "n": len(part),
                            "min": part[0] if part else None,
                            "p50": percentile(part, 50),
                            "max": part[-1] if part else None,
                        },
                    }
                )
                + "\n"
            )
        for t, lag in sorted(lag_spikes):
            f.write(json.dumps({"client_lag_spike_at": ms(t), "lag_ms": round(lag, 1)}) + "\n")
    log(f"per-idea records written to {path}")
