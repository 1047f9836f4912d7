"""Accessibility in real Chromium: axe-core on every page in French and English, tap targets,
200% zoom, live regions and the keyboard on the console.

axe-core is vendored for these tests only (tests/vendor/axe-core, MPL-2.0, from the npm
registry). It is evaluated through the DevTools protocol, so the pages keep their strict CSP.
Set AXE_REPORT=path.json to write every page's violations (all impacts) for the record.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, PROJECTOR, join, post, with_lang
from tests.e2e.test_console import choose
from tests.e2e.test_organiser import setup_link, sign_up
from tests.live_server import LiveServer

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
LANGS = ("fr", "en")
PAGES = (
    "home",
    "join",
    "participant",
    "projector",
    "console",
    "table_console",
    "not_found",
    "organiser_login",
    "organiser_index",
    "organiser_workshop",
    "organiser_new",
    "organiser_duplicate",
    "organiser_review",
    "organiser_edit",
    "organiser_edit_errors",
    "review_link",
)
ORGANISER_PAGES = (
    "organiser_index",
    "organiser_workshop",
    "organiser_new",
    "organiser_duplicate",
    "organiser_review",
    "organiser_edit",
    "organiser_edit_errors",
)
DESKTOP = {"width": 1440, "height": 900}
BLOCKING = ("serious", "critical")
IDEAS = (
    "Proposer une adhésion découverte gratuite la première année",
    "Une cotisation modulée selon la taille de l'entreprise",
    "Des rencontres trimestrielles entre adhérents d'une même filière",
)


@pytest.fixture(scope="module")
def room(tmp_path_factory, browser):
    """One server with ideas on a board and in groups, and one browser context per (page, language)."""
    server = LiveServer(tmp_path_factory.mktemp("a11y")).start()
    info = server.info()
    contexts = []

    def context(viewport=PHONE, **kw):
        ctx = browser.new_context(viewport=viewport, locale="fr-FR", **kw)
        contexts.append(ctx)
        return ctx

    # Participants post on table 1; the console puts one idea in a new group.
    phones = {}
    for lang in LANGS:
        page = context().new_page()
        page.goto(info["tables"][0]["join_url"] + f"?lang={lang}")
        join(page, "Anne" if lang == "fr" else "Ann")
        phones[lang] = page
    for i, text in enumerate(IDEAS):
        post(phones[LANGS[i % 2]], text)
    for page in phones.values():
        expect(page.locator("#my-ideas .idea.pending")).to_have_count(0)
    console = context(PROJECTOR).new_page()
    console.goto(info["facilitator_url"])
    board = console.locator(f".board[data-table-id='{info['tables'][0]['id']}']")
    expect(board.locator(".idea")).to_have_count(len(IDEAS))
    board.locator(".new-group").click()
    board.locator(".new-group-input").fill("Tarifs solidaires")
    board.locator(".new-group-save").click()
    group = board.locator(".group:not(.unsorted)").filter(
        has=console.locator(".group-label", has_text="Tarifs solidaires")
    )
    expect(group).to_be_visible()
    card = board.locator(".idea").filter(has_text=IDEAS[1])
    choose(console, card, "move-idea", group.get_attribute("data-group-id"))
    expect(group.locator(".idea")).to_have_count(1)
    # An action from that group, owned by an organisation, for the review pages.
    choose(console, group.locator(".group-head"), "create-action")
    console.fill("#action-title", "Tester un tarif solidaire")
    console.fill("#action-owner_org", "Cosmetic Valley")
    console.locator("#action-dialog button[type=submit]").click()
    expect(console.locator("#actions-panel .action-item")).to_have_count(1)
    console.close()

    # An organiser account (through the setup link serve printed) and an opened review.
    base = info["join_url"].rsplit("/j/", 1)[0]
    organiser = context(DESKTOP)
    page = organiser.new_page()
    page.goto(setup_link(server))
    sign_up(page)
    page.goto(f"{base}/organiser/w/DEVUP/review")
    page.click("#open-review")
    review_link = page.locator("#review-links li[data-organisation='Cosmetic Valley'] input").input_value()
    page.close()

    urls = {
        "home": info["join_url"].rsplit("/j/", 1)[0] + "/",
        "join": info["tables"][0]["join_url"],
        "projector": info["projector_url"],
        "console": info["facilitator_url"],
        "table_console": info["tables"][0]["facilitator_url"],
        "not_found": info["join_url"].rsplit("/j/", 1)[0] + "/j/NOSUCHCODE",
        "organiser_login": base + "/organiser/login",
        "organiser_index": base + "/organiser/",
        "organiser_workshop": base + "/organiser/w/DEVUP",
        "organiser_new": base + "/organiser/new",
        "organiser_duplicate": base + "/organiser/w/DEVUP/duplicate",
        "organiser_review": base + "/organiser/w/DEVUP/review",
        "organiser_edit": base + "/organiser/w/DEVUP/edit",
        "organiser_edit_errors": base + "/organiser/w/DEVUP/edit",  # then saved with errors (open_ready)
        "review_link": review_link,
    }
    yield {"server": server, "info": info, "urls": urls, "phones": phones, "context": context, "organiser": organiser}
    for ctx in contexts:
        ctx.close()
    server.stop()


def open_ready(room, name: str, lang: str):
    """The page, loaded in ``lang`` and settled (connected, board drawn)."""
    if name == "participant":
        page = room["phones"][lang]
        page.goto(with_lang(room["info"]["tables"][0]["join_url"].rsplit("/j/", 1)[0] + "/w/DEVUP", lang))
        page.wait_for_selector("#conn-status[data-state=connected]")
        expect(page.locator("#my-ideas .idea").first).to_be_visible()
        expect(page.locator("#table-ideas .idea").first).to_be_visible()
        return page
    if name in ORGANISER_PAGES:  # the logged-in organiser's browser
        page = room["organiser"].new_page()
        page.goto(with_lang(room["urls"][name], lang))
        expect(page.locator("main h1")).to_be_visible()
        if name == "organiser_edit_errors":  # the form as it comes back with errors next to its fields
            page.fill("#f-tables-0-theme", "")
            page.fill("#f-agenda-0-minutes", "0")
            page.click("#save")
            expect(page.locator("#err-tables-0-theme")).to_be_visible()
        return page
    viewport = PROJECTOR if name in ("projector", "console", "table_console") else PHONE
    page = room["context"](viewport).new_page()
    page.goto(with_lang(room["urls"][name], lang))
    if name in ("projector", "console", "table_console"):
        # (attached: the projector shows its connection state only when it is lost)
        page.wait_for_selector("#conn-status[data-state=connected]", state="attached")
        # (revealed vote results take the boards' place on the projector)
        expect(page.locator(".board .idea:visible, #vote-results .vote-row:visible").first).to_be_visible()
    return page


# True once no finite CSS animation or transition is running (infinite ones, a spinner or the reconnecting
# blink, never end). A fade-in caught halfway reads as low contrast to axe (color-contrast, "serious").
SETTLED = """() => document.getAnimations().every(a => a.playState !== 'running'
    || a.effect.getComputedTiming().endTime === Infinity)"""


def settle(page) -> None:
    """Wait until the page's entrance animations (restitution step, spotlight, new cards) have finished."""
    page.wait_for_function(SETTLED)


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now (all impacts)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    settle(page)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""")
    return result


def _record(name: str, lang: str, violations: list[dict]) -> None:
    path = os.environ.get("AXE_REPORT")
    if not path:
        return
    data = json.loads(Path(path).read_text()) if Path(path).exists() else {}
    data[f"{name}.{lang}"] = violations
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_violation(room, name, lang):
    page = open_ready(room, name, lang)
    assert page.evaluate("document.documentElement.lang") == lang
    if name == "projector":  # the room screen has no operator chrome: its language is chosen with ?lang=
        expect(page.locator(".lang-switch")).to_be_hidden()
    else:
        expect(page.locator(".lang-switch")).to_be_visible()  # every page offers the other language
    violations = run_axe(page)
    _record(name, lang, violations)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, json.dumps(blocking, indent=1, ensure_ascii=False)


TAP_TARGETS = """() => {
    const out = [];
    let measured = 0;
    const seen = new Set();
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])')) {
        // A radio or checkbox counts with its label (the label is what a finger hits).
        let target = el;
        if (el.matches('input[type=radio], input[type=checkbox]')) target = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
        if (seen.has(target)) continue;
        seen.add(target);
        const r = target.getBoundingClientRect();
        const style = getComputedStyle(target);
        if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;  // not shown
        if (target.closest('.visually-hidden, .skip-link')) continue;                   // off-screen until focused
        if (target.matches('a') && target.closest('p, li') && !target.matches('.btn, .lang-switch')
            && target.closest('p, li').textContent.trim().length > target.textContent.trim().length) continue;  // inline link in a sentence (WCAG 2.5.5 exception)
        measured += 1;
        if (r.width < 44 || r.height < 44) out.push({el: target.outerHTML.slice(0, 120), w: Math.round(r.width), h: Math.round(r.height)});
    }
    return {small: out, measured};
}"""


def tap_targets_under_44px(page, at_least: int) -> list:
    found = page.evaluate(TAP_TARGETS)
    assert found["measured"] >= at_least, found  # the scan really saw the page's controls
    return found["small"]


def test_participant_tap_targets_are_at_least_44px(room):
    for lang in LANGS:
        page = open_ready(room, "participant", lang)
        # Open the states with more controls: the edit form of an idea and the table chooser.
        small = tap_targets_under_44px(page, 5)
        assert not small, f"{lang}: targets under 44x44 px: {json.dumps(small, indent=1, ensure_ascii=False)}"
        page.locator("#my-ideas .idea .btn").first.click()
        small = tap_targets_under_44px(page, 5)
        assert not small, f"{lang} (editing): targets under 44x44 px: {json.dumps(small, indent=1, ensure_ascii=False)}"
        page.keyboard.press("Escape")
        page.reload()
        page.wait_for_selector("#conn-status[data-state=connected]")
    change = page.locator("#change-table")
    if change.is_visible():
        change.click()
        expect(page.locator("#table-chooser")).to_be_visible()
        small = tap_targets_under_44px(page, 3)
        assert not small, f"table chooser: targets under 44x44 px: {json.dumps(small, indent=1, ensure_ascii=False)}"
        page.locator("#cancel-change-table").click()


def test_participant_page_works_at_200_percent_zoom(room):
    """A 390 px phone at 200 % zoom lays out in 195 CSS px: no sideways scrolling, posting still works."""
    page = room["phones"]["fr"]
    page.set_viewport_size({"width": 195, "height": 422})
    try:
        page.reload()
        page.wait_for_selector("#conn-status[data-state=connected]")
        expect(page.locator("#table-view")).to_be_visible()
        overflow = page.evaluate("""() => {
            const doc = document.documentElement;
            const wide = [...document.querySelectorAll('body *')].filter(el => {
                const r = el.getBoundingClientRect();
                return r.width > 0 && r.right > doc.clientWidth + 1 && getComputedStyle(el).position !== 'fixed'
                    && !el.closest('.visually-hidden, .skip-link');
            }).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right));
            return {scroll: doc.scrollWidth, client: doc.clientWidth, wide: wide.slice(0, 10)};
        }""")
        assert overflow["scroll"] <= overflow["client"], overflow
        assert not overflow["wide"], overflow
        text = "Idée postée à 200 % de zoom"
        page.locator("#idea-text").fill(text)
        button = page.locator("#post-button")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 195, box
        button.click()
        expect(page.locator("#my-ideas .idea").filter(has_text=text)).to_be_visible()
        expect(page.locator("#my-ideas .idea.pending")).to_have_count(0)
    finally:
        page.set_viewport_size(PHONE)


def test_participant_hears_new_statuses_in_a_live_region(room):
    """Posting, and a facilitator hiding then restoring the idea, are announced politely."""
    page = open_ready(room, "participant", "fr")
    region = page.locator("#status-live")
    assert region.get_attribute("aria-live") == "polite" and region.get_attribute("role") == "status"
    text = "Une idée que l'animateur va masquer"
    post(page, text)
    expect(region).to_contain_text(f"« {text[:20]}")
    expect(region).to_contain_text("publiée")

    console = room["context"](PROJECTOR).new_page()
    console.goto(room["urls"]["console"])
    card = console.locator(".board .idea").filter(has_text=text)
    expect(card).to_be_visible()
    choose(console, card, "hide-idea")
    expect(region).to_contain_text("masquée par l'animateur")
    expect(page.locator("#my-ideas .idea").filter(has_text=text)).to_have_attribute("data-state", "hidden")
    choose(console, console.locator(".board .idea").filter(has_text=text), "restore-idea")
    expect(region).to_contain_text("de nouveau visible")
    console.close()


def test_console_is_usable_from_the_keyboard(room):
    """Tab reaches the main controls in order, each shows a visible focus, Enter/Space activate them."""
    page = open_ready(room, "console", "en")
    focused = []
    style_ok = []
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
            return {tag: el.tagName, id: el.id, cls: el.className, text: (el.textContent || el.value || '').trim().slice(0, 40), ring};
        }""")
        focused.append(info)
        style_ok.append(info["ring"])
    # Everything reached shows a focus ring (outline or shadow), never nothing.
    missing = [f for f, ok in zip(focused, style_ok) if not ok]
    assert not missing, f"no visible focus on: {missing[:5]}"
    texts = " | ".join(f["text"] for f in focused)
    for needle in ("Close posting", "New group", "Regroup"):
        assert needle in texts, f"{needle!r} not reachable with Tab: {texts}"

    # Enter on "+ New group" opens its form with the focus in the name field; typing and Enter create it.
    board = page.locator(".board").first
    board.locator(".new-group").focus()
    page.keyboard.press("Enter")
    expect(board.locator(".new-group-input")).to_be_focused()
    page.keyboard.type("Keyboard group")
    page.keyboard.press("Enter")
    group = board.locator(".group:not(.unsorted)").filter(has=page.locator(".group-label", has_text="Keyboard group"))
    expect(group).to_be_visible()
    # Space on "Close posting" closes posting for the table, Enter reopens it.
    toggle = board.locator("button", has_text="Close posting")
    toggle.focus()
    page.keyboard.press("Space")
    reopen = board.locator("button", has_text="Open posting")
    expect(reopen).to_be_visible()
    reopen.focus()
    page.keyboard.press("Enter")
    expect(board.locator("button", has_text="Close posting")).to_be_visible()
    # An idea moves to a group with the keyboard only: Enter on its "⋯" opens its menu, the arrows
    # reach "→ <group>", Enter moves it.
    card = board.locator(".group.unsorted .idea").first
    card.locator(".menu-button").focus()
    page.keyboard.press("Enter")
    item = page.locator(
        f"#card-menu .card-menu-item[data-for='move-idea'][data-value='{group.get_attribute('data-group-id')}']"
    )
    expect(item).to_be_visible()
    for _ in range(page.locator("#card-menu .card-menu-item").count()):
        if page.evaluate("document.activeElement.dataset.value") == item.get_attribute("data-value"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(group.locator(".idea")).to_have_count(1)


def test_axe_really_checks_the_page(room):
    """Guard: an image without alt text and a nameless button added on purpose are reported."""
    page = open_ready(room, "home", "fr")
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = 'data:,'; document.querySelector('main').append(img);
        document.querySelector('main').append(document.createElement('button'));
    }""")
    ids = {v["id"] for v in run_axe(page) if v["impact"] in BLOCKING}
    assert {"image-alt", "button-name"} <= ids, ids


def assert_no_blocking(page, label: str) -> None:
    violations = run_axe(page)
    _record(label, page.evaluate("document.documentElement.lang"), violations)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{label}: " + json.dumps(blocking, indent=1, ensure_ascii=False)


def test_axe_during_voting_and_restitution(room):
    """The later screens of the morning: the ballot, revealed results, the restitution and its remote, a spotlight.

    Last in this module: it opens voting and starts the restitution on the shared server."""
    table = room["info"]["tables"][0]
    console = room["context"](PROJECTOR).new_page()
    console.goto(room["urls"]["console"])
    console.wait_for_selector("#conn-status[data-state=connected]")
    panel = console.locator(f".vote-console[data-table-id='{table['id']}']")
    panel.locator("[data-action='voting']").click()
    expect(panel.locator("[data-action='voting']")).to_have_attribute("aria-pressed", "true")

    for lang in LANGS:
        phone = open_ready(room, "participant", lang)
        ballot = phone.locator("#voting")
        expect(ballot).to_be_visible()
        phone.locator("#voting .vote-btn[data-key^='+']").first.click()
        # The dot is counted (the ack redrew the ballot), not merely sent.
        expect(ballot.locator(".vote-item[data-count='1']")).to_have_count(1)
        expect(ballot.locator(".votes-remaining")).to_be_visible()
        assert_no_blocking(phone, "participant_voting")
        small = tap_targets_under_44px(phone, 5)
        assert not small, f"{lang} ballot: targets under 44x44 px: {json.dumps(small, indent=1, ensure_ascii=False)}"

    panel.locator("[data-action='reveal']").click()
    expect(panel.locator("[data-action='reveal']")).to_have_attribute("aria-pressed", "true")
    projectors = {}
    for lang in LANGS:
        projector = open_ready(room, "projector", lang)
        expect(projector.locator(f"#vote-results .vote-panel[data-table-id='{table['id']}']")).to_be_visible()
        assert_no_blocking(projector, "projector_results")
        projectors[lang] = projector
    assert_no_blocking(console, "console_voting")
    # The agenda's "are you sure?" bar (a jump over several steps), then Escape keeps the step.
    console.locator("#phase-controls [data-phase-key=cloture]").click()
    expect(console.locator(".phase-confirm [data-confirm=yes]")).to_be_focused()
    assert_no_blocking(console, "console_confirm")
    console.keyboard.press("Escape")
    expect(console.locator(".phase-confirm")).to_be_hidden()

    remote = room["context"](PHONE).new_page()
    remote.goto(with_lang(room["urls"]["console"] + "&mode=remote", "en"))
    remote.wait_for_selector("#conn-status[data-state=connected]")
    status = remote.locator("#remote .remote-status")
    remote.locator("#remote .remote-start").click()
    # Each step waits for the remote and every projector to show it: "next" is computed from the
    # remote's own position, and axe must see the screen of that step, not the one before.
    expect(status).to_contain_text("(1/3)")
    for projector in projectors.values():
        expect(projector.locator("#restitution[data-step='theme']")).to_be_visible()
        assert_no_blocking(projector, "projector_restitution")
    assert_no_blocking(remote, "remote")
    for step, name in ((2, "groups"), (3, "votes")):
        remote.locator("#remote .remote-next").click()
        expect(status).to_contain_text(f"({step}/3)")
        for projector in projectors.values():
            expect(projector.locator(f"#restitution[data-step='{name}']")).to_be_visible()
    spot = remote.locator("#remote .remote-item[data-kind='idea'] .remote-item-spot").first
    expect(spot).to_be_visible()
    spot.click()
    expect(spot).to_have_attribute("aria-pressed", "true")
    for projector in projectors.values():
        expect(projector.locator("#spotlight")).to_be_visible()
        assert_no_blocking(projector, "projector_spotlight")
    assert_no_blocking(remote, "remote_spotlight")
