"""Orchestration of one benchmark run: the ``Bench`` class (parent process)."""

from __future__ import annotations

import os
import random
import sys
import time
import urllib.error
import uuid
from concurrent.futures import ThreadPoolExecutor

from . import BenchError, log
from .drift import prev_chain, windows
from .hostile import HostileLoad
from .node_workers import NodeWorkerPool
from .procinfo import cpu_seconds, process_tree, rss_mb
from .regroup import RegroupLoad
from .report import build_report
from .scratch_db import scratch_for
from .server import Server, http_json
from .workers import WorkerPool

WORDS = (
    "atelier idée client durable réseau formation export usine capteur "
    "données local emploi produit circuit énergie recyclage partenaire "
    "bench test projet équipe"
).split()


class Bench:
    """Start the server, drive the workers, merge and summarise the results."""

    def __init__(self, args):
        self.args = args
        if getattr(args, "cluster", 0):
            from .cluster import ClusterServer

            self.server = ClusterServer(
                args.repo,
                args.server_python or sys.executable,
                args.database_url,
                args.cluster,
                args.redis_url,
                startup_timeout=args.startup_timeout,
            )
        else:
            self.server = Server(
                args.repo,
                args.server_python or sys.executable,
                database_url=args.database_url,
                port=args.port,
                startup_timeout=args.startup_timeout,
            )
        if getattr(args, "client_impl", "python") == "node":
            self.pool = NodeWorkerPool(deflate=not getattr(args, "no_deflate", False))
        else:
            self.pool = WorkerPool()
        self.rss: dict[str, float | None] = {}

    # -- participants ---------------------------------------------------------

    def join_participants(self, tables: list[int]) -> tuple[list[dict], dict, float, list[float]]:
        n = self.args.participants
        url = f"{self.server.base_url}/api/w/{self.args.code}/join"
        errors: dict[str, int] = {}
        times: list[float] = []

        def join(i: int):
            table_id = tables[i % len(tables)]
            t0 = time.perf_counter()
            try:
                status, body = http_json(
                    "POST", url, {"first_name": f"P{i}", "organisation": "Bench", "table_id": table_id}, timeout=30
                )
            except (OSError, urllib.error.URLError) as e:
                return None, f"network:{type(e).__name__}", None
            dt = (time.perf_counter() - t0) * 1000
            if status == 201 and isinstance(body, dict) and body.get("ok") and body.get("token"):
                return (
                    {
                        "key": f"p{i}",
                        "kind": "participant",
                        "table_id": table_id,
                        "auth": {"role": "participant", "token": body["token"]},
                    },
                    None,
                    dt,
                )
            code = body.get("error") if isinstance(body, dict) else None
            return None, f"{status}:{code}", dt

        t0 = time.monotonic()
        joined = []
        with ThreadPoolExecutor(max_workers=self.args.join_concurrency) as pool:
            for spec, err, dt in pool.map(join, range(n)):
                if dt is not None:
                    times.append(dt)
                if spec:
                    joined.append(spec)
                else:
                    errors[err] = errors.get(err, 0) + 1
        return joined, errors, time.monotonic() - t0, times

    # -- main flow ----------------------------------------------------------------

    def run(self) -> dict:
        a = self.args
        wall_start = time.monotonic()
        self.scratch = scratch_for(a.repo, a.database_url)
        if self.scratch:
            self.server.database_url = self.scratch.create()
        self.server.start()
        pid = self.server.proc.pid
        self.rss["start"] = rss_mb(pid)
        info = self.server.fetch_info(a.code)
        tables = [t["id"] for t in info["tables"]]
        log(f"workshop {info.get('code')} with {len(tables)} tables; joining {a.participants} participants")

        regroup = None
        if a.regroup_ideas:
            regroup = RegroupLoad(
                self.server.base_url, a.code, info, a.regroup_table, a.regroup_ideas, a.seed, every=a.regroup_every
            )
            regroup.prepare()
        hostile = None
        if a.hostile:
            hostile = HostileLoad(self.server.base_url, a.code, tables, a.hostile, a.hostile_rate)
            hostile.prepare()
        joined, join_errors, join_wall, join_ms = self.join_participants(tables)
        log(
            f"joined {len(joined)}/{a.participants} in {join_wall:.1f} s"
            + (f" (errors {join_errors})" if join_errors else "")
        )
        if not joined:
            raise BenchError(f"no participant could join: {join_errors}")
        specs = [
            {
                "key": f"proj{i}",
                "kind": "projector",
                "table_id": None,
                "auth": {"role": "projector", "workshop": a.code, "key": info["projector_key"]},
            }
            for i in range(a.projectors)
        ] + joined
        time.sleep(1.0)  # let the server settle after the joins before measuring memory
        self.rss["before_clients"] = rss_mb(pid)

        log(f"connecting {len(specs)} sockets from {a.clients_procs} client process(es)")
        t0 = time.monotonic()
        self.pool.start(
            specs,
            procs=a.clients_procs,
            base_url=self.server.base_url,
            connect_concurrency=a.connect_concurrency,
            connect_timeout=a.connect_timeout,
            ack_timeout=a.ack_timeout,
        )
        connected = self.pool.recv_all("connected", timeout=a.connect_timeout * 4 + len(specs) * 0.5 + 60)
        connect_wall = time.monotonic() - t0
        connected_keys = [k for c in connected for k in c["connected"]]
        connect_failures: dict[str, int] = {}
        for c in connected:
            for r, n in c["failures"].items():
                connect_failures[r] = connect_failures.get(r, 0) + n
        n_conn = len(connected_keys)
        log(
            f"connected and synced {n_conn}/{len(specs)} sockets in {connect_wall:.1f} s"
            + (f" (failures {connect_failures})" if connect_failures else "")
        )
        time.sleep(1.0)
        self.rss["after_connect"] = rss_mb(pid)

        spec_by_key = {s["key"]: s for s in specs}
        posters = [k for k in connected_keys if spec_by_key[k]["kind"] == "participant"]
        projectors_up = [k for k in connected_keys if spec_by_key[k]["kind"] == "projector"]
        if not posters:
            raise BenchError(f"no participant socket connected: {connect_failures}")
        if not projectors_up and a.projectors:
            raise BenchError(f"no projector socket connected: {connect_failures}")

        # Open-loop schedule, fixed in advance: idea i is sent at t0 + i / rate.
        rng = random.Random(a.seed)
        n_ideas = max(1, int(round(a.rate * a.duration)))
        t_first = time.time() + 2.0
        ideas = []
        for i in range(n_ideas):
            key = rng.choice(posters)
            text = f"#{i} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
            ideas.append((i, t_first + i / a.rate, key, text))
        end_at = t_first + n_ideas / a.rate
        idea_ids = [str(uuid.uuid4()) for _ in range(n_ideas)]
        owner: dict[str, int] = {}
        for wid, c in enumerate(connected):
            for k in c["connected"]:
                owner[k] = wid
        for wid in range(len(self.pool)):
            self.pool.send(
                wid,
                (
                    "start",
                    {
                        "idea_ids": idea_ids,
                        "end_at": end_at,
                        "grace": a.grace,
                        "mine": [x for x in ideas if owner[x[2]] == wid],
                    },
                ),
            )
        log(f"posting {n_ideas} ideas at {a.rate}/s for {a.duration} s, then {a.grace} s grace")

        # Sample the server while the ideas are posted.
        while time.time() < t_first:
            time.sleep(0.05)
        if regroup:
            regroup.start(until=end_at)
        if hostile:
            hostile.start(until=end_at)
        deployment = self.server.deployment_pids()
        if getattr(a, "cpu_split", None):  # --server-cpus: the cores the server processes really have
            a.cpu_split["server_processes"] = server_affinity(self.server)
        cpu0, w0 = cpu_seconds(pid), time.monotonic()
        deployment_cpu0 = [cpu_seconds(p) or 0.0 for p in deployment]
        web_cpu0 = [cpu_seconds(p, tree=False) or 0.0 for p in deployment]
        rss_peak = self.rss["after_connect"] or 0.0
        rss_series: list[tuple[float, float]] = []
        next_progress = time.time() + 10
        while time.time() < end_at:
            time.sleep(0.25)
            r = rss_mb(pid)
            if r:
                rss_peak = max(rss_peak, r)
                rss_series.append((time.time(), r))
            if time.time() >= next_progress:
                log(f"  ... {int(time.time() - t_first)} s")
                next_progress += 10
            if self.server.proc.poll() is not None:
                raise BenchError(
                    f"server exited during the run ({self.server.proc.returncode}):\n" + self.server.log_tail()
                )
        cpu1, w1 = cpu_seconds(pid), time.monotonic()
        deployment_cpu1 = [cpu_seconds(p) or 0.0 for p in deployment]
        web_cpu1 = [cpu_seconds(p, tree=False) or 0.0 for p in deployment]
        results = self.pool.recv_all("results", timeout=a.grace + a.ack_timeout + 120)
        regroup_report = regroup.finish() if regroup else None
        hostile_report = hostile.finish() if hostile else None
        self.rss["end"] = rss_mb(pid)
        self.rss["peak_during_posting"] = rss_peak
        log("collected results; disconnecting clients")
        self.pool.stop()

        server_cpu = None
        if cpu0 is not None and cpu1 is not None and w1 > w0:
            server_cpu = round(100.0 * (cpu1 - cpu0) / (w1 - w0), 1)

        report = build_report(
            a,
            self.rss,
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
            len(specs),
            server_cpu,
            time.monotonic() - wall_start,
        )
        # CPU per delivered event, all server processes together: the cost that sets a process's
        # capacity, comparable between one process and N (--cluster) on a machine with fewer
        # cores than it would need to show N times the throughput.
        deliveries = sum(len(c["recv"]) for r in results for c in r["clients"])
        per_process = [b - a for a, b in zip(deployment_cpu0, deployment_cpu1, strict=True)]
        spent = sum(per_process)
        report["deployment_cpu"] = {
            "processes": len(deployment),
            "cpu_s_while_posting": round(spent, 2),
            # Each server process with its workers, then HAProxy for --cluster.
            "cpu_s_per_process": [round(x, 2) for x in per_process],
            # The same without the engine and export workers (the fan-out's own cost).
            "cpu_s_per_process_without_workers": [round(b - a, 2) for a, b in zip(web_cpu0, web_cpu1, strict=True)],
            "idea_deliveries": deliveries,
            "cpu_us_per_idea_delivery": round(1e6 * spent / deliveries, 1) if deliveries else None,
        }
        if regroup_report:
            report["regroup_load"] = regroup_report
        if hostile_report:
            report["hostile_load"] = {
                **hostile_report,
                "server_dropped_slow_clients": self.server.log_path.read_text(errors="replace").count(
                    "dropping a client that stopped reading"
                ),
            }
        sends = {i: s for r in results for i, s in r["sends"].items()}
        report["over_time"] = windows(sends, [c for r in results for c in r["clients"]], rss_series, width=a.window)
        report["prev_chain"] = prev_chain(a.repo, self.server.env["DATABASE_URL"], a.code)
        report["target"]["criteria"]["prev_chain_ok"] = report["prev_chain"]["ok"]
        report["target"]["criteria"]["seq_gaps_is_0"] = report["seq_gaps"] == 0
        report["target_met"] = all(report["target"]["criteria"].values())
        return report

    def cleanup(self) -> None:
        try:
            self.pool.stop(timeout=3.0)  # only non-empty after an error or an interrupt
        finally:
            self.server.stop()
            self.server.remove_tmpdir(keep=self.args.keep_tmp)
            if getattr(self, "scratch", None):
                self.scratch.drop()


def server_affinity(server) -> list[list[int]]:
    """The cores of every server process and worker (HAProxy apart), read from the kernel."""
    members = getattr(server, "members", None) or [server]
    cores = []
    for member in members:
        for p in process_tree(member.proc.pid):
            try:
                cores.append(sorted(os.sched_getaffinity(p)))
            except OSError:
                pass  # gone meanwhile
    return cores
