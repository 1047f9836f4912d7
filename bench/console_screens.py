"""The console's screens, measured: how many idea cards a person sees without scrolling, page height.

    python bench/console_screens.py OUTDIR [tag]

Starts a live server (with the grouping engine), posts 14 + 10 + 10 ideas from phones (Socket.IO),
opens the table console at 1024x768 (a tablet) and 390x844 (a phone), the lead console at 1440x900
and 1920x1080, saves console-<who>-<size>.png in OUTDIR (docs/screens for the docs) and prints JSON:
per screen, the idea cards wholly inside the viewport, the page height and the header height.
Also console-table-menu-1024x768.png: a card's menu open.
"""

import json
import sys
import tempfile

sys.path.insert(0, ".")
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import ARGS
from tests.e2e.test_projector_screens import fill_room
from tests.live_server import LiveServer

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
tag = sys.argv[2] if len(sys.argv) > 2 else ""
s = LiveServer(Path(tempfile.mkdtemp(prefix="console-screens-"))).start()
COUNT = """() => { const h = innerHeight, w = innerWidth; return [...document.querySelectorAll('.board .idea')].filter(c => {
  const r = c.getBoundingClientRect(); return r.width > 0 && r.top >= 0 && r.bottom <= h && r.left >= 0 && r.right <= w; }).length; }"""
try:
    info = s.info()
    texts, people = fill_room(s, info, counts=(14, 10, 10), per_person=7)
    result = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        for name, url, vp in (
            ("table-1024x768", info["tables"][0]["facilitator_url"], (1024, 768)),
            ("lead-1440x900", info["facilitator_url"], (1440, 900)),
            ("table-390x844", info["tables"][0]["facilitator_url"], (390, 844)),
            ("lead-1920x1080", info["facilitator_url"], (1920, 1080)),
        ):
            ctx = b.new_context(viewport={"width": vp[0], "height": vp[1]}, locale="fr-FR")
            page = ctx.new_page()
            page.goto(url)
            page.wait_for_selector("#conn-status[data-state=connected]")
            page.wait_for_selector(".board .idea")
            page.wait_for_timeout(800)
            result[name] = {
                "cards_in_view": page.evaluate(COUNT),
                "page_height": page.evaluate("document.documentElement.scrollHeight"),
                "header": page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height"),
            }
            page.screenshot(path=str(out / f"console-{name}.png"))
            if name == "table-1024x768":
                page.locator(".group:not(.unsorted) .idea .menu-button").first.click()
                page.wait_for_selector("#card-menu:not([hidden])")
                page.screenshot(path=str(out / "console-table-menu-1024x768.png"))
            ctx.close()
        b.close()
    print(json.dumps(result, indent=1))
finally:
    s.stop()
