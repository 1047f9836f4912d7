"""The room screen at 1920x1080, measured as a person at the back of the room sees it.

60 ideas on table 1 and 40 on each other table, created through the
Socket.IO commands: every idea text must reach the screen within one turn of
the pages (the page time is the projector's ``?page_seconds=`` parameter),
nothing may overflow its box, type sizes hold for 10 m, and each phase has
its screen. ``PROJECTOR_SHOTS=docs/screens`` saves a screenshot of each
screen (the ones in docs/screens/ come from this test).
"""

from __future__ import annotations

import json
import os
import urllib.request
import uuid

import socketio

from tests.e2e.conftest import PROJECTOR

SHOTS = os.environ.get("PROJECTOR_SHOTS")
PAGE_SECONDS = 0.6

THEMES = ["adhésion", "formation", "export", "numérique", "recrutement", "financement", "réseau", "innovation"]

# Collects, every 100 ms, the idea texts a person can see (not hidden, inside
# the viewport) and every element whose content does not fit its box.
COLLECTOR = """() => {
  window.__seen = new Set();
  window.__overflow = [];
  const fits = (el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1;
  const visible = (el) => {
    if (!el.offsetParent && getComputedStyle(el).position !== "fixed") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1;
  };
  const sample = () => {
    for (const el of document.querySelectorAll(".board .idea-text")) if (visible(el)) window.__seen.add(el.textContent);
    const boxes = ".projector-title, .board-groups, .board-theme, .group-label, .board .idea, .board .idea-text, .vote-row, .vote-label, .restitution-body, .slide";
    for (const el of document.querySelectorAll(boxes)) {
      if (el.offsetParent && !fits(el)) window.__overflow.push(el.className + ": " + el.textContent.slice(0, 60));
    }
  };
  sample();
  window.__collector = setInterval(sample, 100);
}"""


def shot(page, name):
    if SHOTS:
        page.wait_for_timeout(400)  # let a fade end; only for the picture
        page.screenshot(path=os.path.join(SHOTS, f"projector-{name}.png"))


def call(client, name, payload):
    ack = client.call(name, payload, timeout=20)
    assert ack["ok"], (name, ack)
    return ack


def join(live, name, table_id):
    request = urllib.request.Request(
        f"{live.url}/api/w/DEVUP/join",
        method="POST",
        data=json.dumps({"first_name": name, "organisation": "Cosmetic Valley", "table_id": table_id}).encode(),
        headers={"Content-Type": "application/json"},
    )
    token = json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]
    client = socketio.Client()
    client.connect(live.url, auth={"role": "participant", "token": token}, transports=["websocket"], wait_timeout=10)
    return client


def fill_room(live, info, counts=(60, 40, 40), per_person=10):
    """Post counts[i] ideas at table i+1 (people of ten ideas each); returns {table id: [texts]}."""
    texts, people = {}, []
    for number, count in enumerate(counts, start=1):
        table = info["tables"][number - 1]["id"]
        texts[table] = []
        for p in range(0, count, per_person):
            person = join(live, f"P{number}-{p // per_person}", table)
            people.append(person)
            for i in range(p, min(count, p + per_person)):
                text = f"T{number} idée {i + 1} : mieux travailler sur le thème {THEMES[i % len(THEMES)]}" + (
                    " avec les adhérents de la filière" if i % 3 == 0 else ""
                )
                call(person, "post_idea", {"id": str(uuid.uuid4()), "text": text})
                texts[table].append(text)
    return texts, people


def lead_client(live, info):
    lead = socketio.Client()
    lead.connect(
        live.url,
        auth={"role": "facilitator", "workshop": "DEVUP", "key": info["facilitator_key"]},
        transports=["websocket"],
        wait_timeout=10,
    )
    return lead


def no_overflow(page):
    overflow = page.evaluate("() => window.__overflow.slice(0, 10)")
    assert overflow == [], overflow


def font_px(page, selector):
    return page.evaluate(
        "(s) => [...document.querySelectorAll(s)].filter((e) => e.offsetParent).map((e) => parseFloat(getComputedStyle(e).fontSize))",
        selector,
    )


def wait_all_seen(page, texts, pages_expected):
    """Every text seen within one turn of the pages (plus one page of slack)."""
    cycle_ms = (pages_expected + 1) * PAGE_SECONDS * 1000 + 3000
    page.wait_for_function("(n) => window.__seen.size >= n", arg=len(texts), timeout=cycle_ms)
    seen = set(page.evaluate("() => [...window.__seen]"))
    assert set(texts) <= seen, sorted(set(texts) - seen)[:5]


def test_every_screen_of_the_morning(live, open_page):
    info = live.info()
    lead = lead_client(live, info)
    url = info["projector_url"]
    projector = open_page(f"{url}{'&' if '?' in url else '?'}page_seconds={PAGE_SECONDS}", PROJECTOR)
    people = []
    try:
        # -- join slide: joining open, before the round tables
        call(lead, "set_phase", {"key": "accueil"})
        people.append(join(live, "Anne", info["tables"][0]["id"]))
        projector.wait_for_selector("#slide[data-kind=join] .slide-qr")
        projector.wait_for_function("() => document.querySelector('.slide-joined').dataset.count === '1'")
        assert projector.locator(".slide-code").inner_text() == "DEVUP"
        assert projector.locator("#boards").is_hidden()
        # no operator chrome: no language switch, no "Connecté"
        assert projector.locator(".lang-switch").is_hidden()
        projector.wait_for_selector("#conn-status[data-state=connected]", state="attached")
        assert projector.locator("#conn-status").is_hidden()
        projector.evaluate(COLLECTOR)
        shot(projector, "join")

        # -- the round tables: every idea reaches the screen, all tables side by side
        call(lead, "set_phase", {"key": "tables"})
        texts, more = fill_room(live, info)
        people += more
        all_texts = [text for table in texts.values() for text in table]
        projector.wait_for_selector("body[data-slide=none] #boards .board .idea")
        projector.wait_for_function("(n) => document.querySelectorAll('.board .idea').length >= n", arg=len(all_texts))
        # three tables do not fit side by side: one table at a time, each with its pages
        projector.wait_for_selector("#boards[data-rotating=true]")
        pages = int(projector.locator("#boards").get_attribute("data-cycle"))
        assert pages > 3
        assert projector.locator(".board-page:visible").first.inner_text().startswith("Page ")
        projector.evaluate("() => { window.__seen.clear(); window.__overflow = []; }")
        wait_all_seen(projector, all_texts, pages)
        no_overflow(projector)
        assert min(font_px(projector, ".board .idea-text")) >= 28
        assert min(font_px(projector, ".board .group-label")) >= 32
        # authors are anonymous on the room screen by default
        assert projector.evaluate("() => [...document.querySelectorAll('.idea-name')].every((e) => !e.textContent)")
        shot(projector, "board-all")

        # -- one table full width: its 60 ideas in pages
        t1 = info["tables"][0]["id"]
        call(lead, "set_projector_view", {"view": t1})
        projector.wait_for_selector("#boards[data-view=single]")
        projector.evaluate("() => { window.__seen.clear(); window.__overflow = []; }")
        projector.wait_for_selector("#boards[data-rotating=false]")
        pages = int(projector.locator("#boards").get_attribute("data-cycle"))
        wait_all_seen(projector, texts[t1], pages)
        no_overflow(projector)
        assert min(font_px(projector, ".board .idea-text")) >= 28
        assert min(font_px(projector, ".board .group-label")) >= 32
        shot(projector, "board-one-table")
        call(lead, "set_projector_view", {"view": "all"})

        # -- voting: what to do, voters so far, time left
        call(lead, "set_phase", {"key": "priorites"})
        projector.wait_for_selector("#slide[data-kind=voting]")
        snapshot = call(lead, "sync", {"since": 0})["snapshot"]
        ideas_by_table = {}
        for idea in snapshot["ideas"]:
            ideas_by_table.setdefault(idea["table_id"], []).append(idea["id"])
        voters = 0
        seats = [number for number, count in enumerate((6, 4, 4)) for _ in range(count)]  # ten ideas a person
        for index, person in enumerate(more):
            ids = ideas_by_table[info["tables"][seats[index]]["id"]]
            for k in range(3):
                call(person, "cast_vote", {"target_kind": "idea", "target_id": ids[(index * 2 + k) % 7]})
            voters += 1
        projector.wait_for_function(
            "(n) => document.querySelector('.slide-voters').dataset.count === String(n)", arg=voters
        )
        assert projector.locator(".slide-countdown").inner_text().count(":") == 1
        no_overflow(projector)
        shot(projector, "voting")

        # -- results: three tables, five ranked rows each, on one screen
        for table in info["tables"]:
            call(lead, "reveal_votes", {"table_id": table["id"], "revealed": True})
        projector.wait_for_function("() => document.querySelectorAll('.vote-panel').length === 3")
        projector.evaluate("() => { window.__overflow = []; }")
        projector.wait_for_timeout(300)
        rows = projector.evaluate("""() => [...document.querySelectorAll('.vote-panel')].map((p) =>
            [...p.querySelectorAll('.vote-row')].filter((r) => { const b = r.getBoundingClientRect();
              return b.top >= 0 && b.bottom <= innerHeight && b.right <= innerWidth; }).length)""")
        shot(projector, "results")
        assert rows == [5, 5, 5], rows
        no_overflow(projector)
        assert min(font_px(projector, ".vote-label")) >= 28
        shot(projector, "results")
        for table in info["tables"]:
            call(lead, "reveal_votes", {"table_id": table["id"], "revealed": False})

        # -- break: the resume time from the agenda's timer
        call(lead, "set_phase", {"key": "pause"})
        projector.wait_for_selector("#slide[data-kind=break] .slide-resume")
        assert "Reprise à" in projector.locator(".slide-resume").inner_text()
        no_overflow(projector)
        shot(projector, "break")

        # -- restitution: the groups step and the top-voted step page instead of cutting
        call(lead, "set_phase", {"key": "restitution"})
        call(lead, "set_restitution", {"table_id": t1, "step": 1})
        projector.wait_for_selector("#restitution[data-step=groups]:not([hidden])")
        projector.evaluate("() => { window.__overflow = []; }")
        projector.wait_for_timeout(300)
        no_overflow(projector)
        shot(projector, "restitution-groups")
        call(lead, "reveal_votes", {"table_id": t1, "revealed": True})
        call(lead, "set_restitution", {"table_id": t1, "step": 2})
        projector.wait_for_selector("#restitution[data-step=votes]:not([hidden]) .vote-row")
        total = projector.locator("#restitution .vote-row").count()
        projector.wait_for_function(
            """(n) => { window.__rows = window.__rows || new Set();
              for (const r of document.querySelectorAll('#restitution .vote-row')) if (!r.hidden && r.offsetParent) window.__rows.add(r.dataset.id);
              return window.__rows.size >= n; }""",
            arg=total,
            timeout=10000,
        )
        no_overflow(projector)
        shot(projector, "restitution-votes")
        call(lead, "set_restitution", {"table_id": None})

        # -- closing
        call(lead, "set_phase", {"key": "cloture"})
        projector.wait_for_selector("#slide[data-kind=closing]")
        no_overflow(projector)
        shot(projector, "closing")
        assert projector.errors == []
    finally:
        for person in people:
            person.disconnect()
        lead.disconnect()
