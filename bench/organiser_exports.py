"""Exports from the organiser space on the real eventlet server, and how responsive it stays meanwhile.

Fills the seed workshop (default 2,000 ideas), starts ``python -m facilitator
serve`` on that database, logs in as an organiser, runs an export job per
format through the web endpoints, and pings ``/healthz`` every 20 ms during
each job. Prints JSON: per format, the job's wall time, the file size, and
the health-check latency (median, p95, max) while the job ran.

    .venv/bin/python bench/organiser_exports.py [--ideas 2000] [--participants 150]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=2000)
    parser.add_argument("--participants", type=int, default=150)
    args = parser.parse_args()
    from facilitator import create_app
    from facilitator.config import make_test_config
    from facilitator.database import prepare
    from facilitator.demo import fill_workshop
    from facilitator.exports import FORMATS
    from facilitator.exports.snapshot import workshop_id_of
    from tests.live_server import LiveServer

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        app = create_app(make_test_config(Path(tmp) / "fill", url))
        prepare(app)
        with app.app_context():
            fill_workshop(workshop_id_of("DEVUP"), participants=args.participants, ideas=args.ideas)
        server = LiveServer(Path(tmp) / "live", database_url=url, AUTO_GROUPING="0").start()
        try:
            results = run(server, FORMATS)
        finally:
            server.stop()
    print(
        json.dumps(
            {
                "benchmark": "organiser_exports",
                "ideas": args.ideas,
                "participants": args.participants,
                "formats": results,
            },
            indent=2,
        )
    )


def run(server, formats) -> dict:
    jar = http.cookiejar.CookieJar()
    web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token_re = re.compile(r'name="csrf_token" value="([^"]+)"')
    link = re.search(r"(http://\S+/organiser/setup\?token=\S+)", server.log.read_text()).group(1)
    csrf = token_re.search(web.open(link).read().decode()).group(1)
    web.open(
        server.url + "/organiser/setup",
        urllib.parse.urlencode(
            {
                "token": link.split("token=")[1],
                "csrf_token": csrf,
                "email": "bench@x.fr",
                "password": "lilas-ardoise-quatorze",
                "password2": "lilas-ardoise-quatorze",
            }
        ).encode(),
    )
    csrf = token_re.search(web.open(server.url + "/organiser/w/DEVUP").read().decode()).group(1)
    results = {}
    for fmt in formats:
        latencies: list[float] = []
        stop = threading.Event()

        def ping():
            while not stop.is_set():
                start = time.perf_counter()
                urllib.request.urlopen(server.url + "/healthz", timeout=10).read()
                latencies.append((time.perf_counter() - start) * 1000)
                time.sleep(0.02)

        pinger = threading.Thread(target=ping)
        pinger.start()
        start = time.perf_counter()
        request = urllib.request.Request(
            server.url + "/organiser/w/DEVUP/exports",
            urllib.parse.urlencode({"csrf_token": csrf, "format": fmt, "anonymise": "0"}).encode(),
            headers={"Accept": "application/json"},
        )
        job = json.load(web.open(request))["job"]
        while job["status"] not in ("done", "failed"):
            time.sleep(0.05)
            job = json.load(
                web.open(urllib.request.Request(server.url + job["status_url"], headers={"Accept": "application/json"}))
            )["job"]
        seconds = time.perf_counter() - start
        stop.set()
        pinger.join()
        latencies.sort()
        results[fmt] = {
            "status": job["status"],
            "job_seconds": round(seconds, 2),
            "bytes": job["size"],
            "healthz_ms": {
                "n": len(latencies),
                "median": round(statistics.median(latencies), 1),
                "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
                "max": round(latencies[-1], 1),
            },
        }
        print(fmt, results[fmt], file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
