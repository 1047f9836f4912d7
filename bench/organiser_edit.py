"""Organiser edits of a running workshop: how long a save takes and how fast the screens follow.

Starts ``python -m facilitator serve`` (eventlet) on the seed workshop, connects N
phones (spread over the tables), P projectors and one lead console with
python-socketio, logs in as an organiser, then saves the edit form S times
(each save renames table 1's theme). For each save it measures the HTTP save
(POST to redirect) and, on every connected screen, the time from the start of
the POST to the arrival of the ``table_updated`` event carrying the new theme.
For comparison it times the same fan-out from a socket command (the lead
closing and opening joining, ``joining_changed`` to every room). Prints JSON:
medians and percentiles in milliseconds, deliveries missing, and ``uptime``
before and after the run.

    .venv/bin/python bench/organiser_edit.py [--phones 200] [--projectors 3] [--saves 20]
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

from tests.form_reader import form_of  # noqa: E402 - what a browser without scripts posts (shared with the tests)


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    values = sorted(values)

    def pick(q: float) -> float:
        return round(values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))], 1)

    return {
        "n": len(values),
        "median": round(statistics.median(values), 1),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "max": round(values[-1], 1),
    }


class Screens:
    """Every socket client on one asyncio loop in a thread; records when each saw what."""

    def __init__(self, url: str, info: dict, phones: int, projectors: int):
        self.url, self.info, self.phones, self.projectors = url, info, phones, projectors
        self.seen: dict[str, dict[int, float]] = {}  # marker -> client index -> arrival time
        self.loop = asyncio.new_event_loop()
        self.clients = []
        self.lead = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _record(self, index: int, envelope: dict) -> None:
        now = time.perf_counter()
        data = envelope.get("data") or {}
        if envelope.get("type") == "table_updated":
            marker = data.get("table", {}).get("theme")
        elif envelope.get("type") == "joining_changed":
            marker = f"joining:{data.get('open')}"
        else:
            return
        self.seen.setdefault(marker, {}).setdefault(index, now)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._connect())
        self.ready.set()
        self.loop.run_forever()

    async def _connect(self) -> None:
        import socketio

        tables = [t["id"] for t in self.info["tables"]]
        auths = []
        for n in range(self.phones):
            body = json.dumps({"first_name": f"P{n}", "organisation": "Bench", "table_id": tables[n % len(tables)]})
            request = urllib.request.Request(
                f"{self.url}/api/w/DEVUP/join", data=body.encode(), headers={"Content-Type": "application/json"}
            )
            token = json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]
            auths.append({"role": "participant", "token": token})
        auths += [{"role": "projector", "workshop": "DEVUP", "key": self.info["projector_key"]}] * self.projectors
        lead_auth = {"role": "facilitator", "workshop": "DEVUP", "key": self.info["facilitator_key"]}
        semaphore = asyncio.Semaphore(50)

        async def connect(index, auth):
            async with semaphore:
                sio = socketio.AsyncClient(reconnection=False)
                sio.on("event", lambda envelope, i=index: self._record(i, envelope))
                await sio.connect(self.url, auth=auth, transports=["websocket"], wait_timeout=20)
                assert (await sio.call("sync", {"since": 0}, timeout=20))["ok"]
                return sio

        self.clients = await asyncio.gather(*(connect(i, a) for i, a in enumerate(auths)))
        self.lead = await connect(len(auths), lead_auth)

    def command(self, name: str, payload: dict) -> dict:
        return asyncio.run_coroutine_threadsafe(self.lead.call(name, payload, timeout=20), self.loop).result(30)

    def close(self) -> None:
        async def close_all():
            await asyncio.gather(*(c.disconnect() for c in [*self.clients, self.lead]), return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)


def wait_for(marker: str, screens: Screens, count: int, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while len(screens.seen.get(marker, {})) < count and time.perf_counter() < deadline:
        time.sleep(0.005)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--projectors", type=int, default=3)
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    from tests.live_server import LiveServer

    load_before = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "live", AUTO_GROUPING="0").start()
        try:
            result = run(server, args)
        finally:
            server.stop()
    result["uptime_before"] = load_before
    print(json.dumps(result, indent=2))


def run(server, args) -> dict:
    info = server.info()
    screens = Screens(server.url, info, args.phones, args.projectors)
    screens.thread.start()
    screens.ready.wait(120)
    expected = args.phones + args.projectors + 1
    jar = http.cookiejar.CookieJar()
    web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    link = re.search(r"(http://\S+/organiser/setup\?token=\S+)", server.log.read_text()).group(1)
    csrf = TOKEN_RE.search(web.open(link).read().decode()).group(1)
    try:
        web.open(
            server.url + "/organiser/setup",
            urllib.parse.urlencode(
                {
                    "token": link.split("token=")[1],
                    "csrf_token": csrf,
                    "email": "orga@example.org",
                    "password": "cinq pommes vertes sur la table",
                    "password2": "cinq pommes vertes sur la table",
                }
            ).encode(),
        )
    except urllib.error.HTTPError as redirect:  # 302 to the organiser space
        assert redirect.code == 302, (
            redirect.code,
            re.findall(r"(?s)<p[^>]*error[^>]*>.*?</p>", redirect.read().decode())[:2],
        )
    save_ms, deliver_ms, missing = [], [], 0
    for n in range(args.saves):
        page = web.open(server.url + "/organiser/w/DEVUP/edit").read().decode()
        data = form_of(page)
        data["csrf_token"] = TOKEN_RE.search(page).group(1)
        marker = f"Thème mesuré {n}"
        data["tables-0-theme"] = marker
        start = time.perf_counter()
        try:
            web.open(server.url + "/organiser/w/DEVUP/edit", urllib.parse.urlencode(data).encode())
            raise AssertionError("the save was not redirected")
        except urllib.error.HTTPError as answer:
            assert answer.code == 302, (answer.code, answer.read()[:500])
        save_ms.append((time.perf_counter() - start) * 1000)
        wait_for(marker, screens, expected)
        arrivals = screens.seen.get(marker, {})
        missing += expected - len(arrivals)
        deliver_ms += [(t - start) * 1000 for t in arrivals.values()]
    command_ms, command_missing = [], 0
    for n in range(args.saves):
        is_open = n % 2 == 1
        start = time.perf_counter()
        assert screens.command("set_joining", {"open": is_open})["ok"]
        marker = f"joining:{is_open}"
        wait_for(marker, screens, expected)
        arrivals = screens.seen.pop(marker, {})
        command_missing += expected - len(arrivals)
        command_ms += [(t - start) * 1000 for t in arrivals.values()]
    screens.close()
    return {
        "benchmark": "organiser_edit",
        "phones": args.phones,
        "projectors": args.projectors,
        "consoles": 1,
        "saves": args.saves,
        "save_http_ms": percentiles(save_ms),
        "edit_to_screen_ms": percentiles(deliver_ms),
        "edit_deliveries_missing": missing,
        "command_to_screen_ms": percentiles(command_ms),
        "command_deliveries_missing": command_missing,
        "uptime_after": subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip(),
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


if __name__ == "__main__":
    main()
