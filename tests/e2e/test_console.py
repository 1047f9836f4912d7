"""The console shows the board: compact cards with one menu each, drag that follows the pointer,
undo of every grouping and moderation command (console and projector), the lead's hold on the
projector's pages. Real server, real Chromium, real Socket.IO clients for the phones."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PROJECTOR
from tests.e2e.test_projector_screens import call, join, lead_client
from tests.live_server import LiveServer, wait_for

TABLET = {"width": 1024, "height": 768}
LAPTOP = {"width": 1440, "height": 900}
SHOTS = os.environ.get("SCREENSHOTS_DIR")  # e.g. docs/screens: write the console's pictures there


@pytest.fixture
def quiet(tmp_path):
    """A server without the grouping engine: every new idea waits in "À classer" (deterministic boards)."""
    server = LiveServer(tmp_path / "live", AUTO_GROUPING="0").start()
    yield server
    server.stop()


def post_ideas(live, table_id, texts, name="Anne"):
    person = join(live, name, table_id)
    ids = []
    for text in texts:
        ident = str(uuid.uuid4())
        call(person, "post_idea", {"id": ident, "text": text})
        ids.append(ident)
    return person, ids


IDEAS = [f"Idée {i + 1} : une cotisation modulée selon la taille de l'entreprise adhérente" for i in range(12)]

CONSOLE_STATE = """() => ({
  ideas: Object.fromEntries([...document.querySelectorAll('#boards .idea')].map((c) => [c.dataset.ideaId,
    [c.dataset.groupId, c.dataset.state, c.querySelector('.idea-text') ? c.querySelector('.idea-text').textContent : '']])),
  groups: [...document.querySelectorAll('#boards .group')].map((g) => [g.dataset.groupId, g.querySelector('.group-label').textContent]),
  order: [...document.querySelectorAll('#boards .idea')].map((c) => c.dataset.ideaId),
  pinned: [...document.querySelectorAll('#boards .idea .idea-pinned')].length,
})"""
PROJECTOR_STATE = """() => ({
  ideas: Object.fromEntries([...document.querySelectorAll('#boards .idea')].map((c) => [c.dataset.ideaId,
    [c.dataset.groupId, c.querySelector('.idea-text').textContent]])),
  groups: [...document.querySelectorAll('#boards .group')].map((g) => [g.dataset.groupId, g.querySelector('.group-label').textContent]),
  order: [...document.querySelectorAll('#boards .idea')].map((c) => c.dataset.ideaId),
})"""


def board_groups(page, table_id):
    """Ids of the groups (not "À classer") on one table's board."""
    return page.evaluate(
        "(t) => [...document.querySelectorAll(`.board[data-table-id='${t}'] .group`)]"
        ".map((g) => g.dataset.groupId).filter(Boolean)",
        table_id,
    )


AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"


def blocking_axe(page) -> list:
    """axe-core's serious and critical violations on the page as it is now (menu open, toast shown)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3)}))""")


def drag(page, source, target):
    """A real mouse drag (pointer events), in small steps like a hand, from `source` to the top of `target`.

    A board can be taller than the screen or below other panels: scroll so that
    both ends of the drag are on screen first (a mouse cannot press outside the
    viewport)."""
    source.scroll_into_view_if_needed()
    box, goal = source.bounding_box(), target.bounding_box()
    middle = (box["y"] + box["height"] / 2 + goal["y"] + 30) / 2
    page.evaluate("dy => window.scrollBy(0, dy)", middle - page.viewport_size["height"] / 2)
    box, goal = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 30, steps=12)
    page.mouse.up()


def until(page, expression, timeout=15000):
    """Wait for a JavaScript expression to be truthy (the page's CSP forbids Playwright's eval: polled from here)."""
    assert wait_for(lambda: page.evaluate(expression), timeout / 1000), expression


def settle(page, script, expected, timeout=10):
    """Wait until the page's state (script) equals `expected` (the CSP forbids eval: polled from here)."""
    assert wait_for(lambda: page.evaluate(script) == expected, timeout), (page.evaluate(script), expected)


def open_menu(page, owner):
    owner.locator(".menu-button").first.click()
    menu = page.locator("#card-menu")
    expect(menu).to_be_visible()
    return menu


def choose(page, owner, action, value=None):
    menu = open_menu(page, owner)
    selector = f".card-menu-item[data-for='{action}']" + (f"[data-value='{value}']" if value is not None else "")
    menu.locator(selector).click()
    expect(menu).to_be_hidden()


def test_tablet_console_shows_six_cards_and_one_menu_per_card(quiet, open_page):
    info = quiet.info()
    table = info["tables"][0]
    post_ideas(quiet, table["id"], IDEAS)
    console = open_page(table["facilitator_url"], TABLET)
    expect(console.locator(".board .idea")).to_have_count(len(IDEAS), timeout=15000)
    # Spread them over the topic groups, as a morning does.
    lead = lead_client(quiet, info)
    groups = board_groups(console, table["id"])
    ids = list(console.evaluate(CONSOLE_STATE)["ideas"])
    for i, ident in enumerate(ids[:9]):
        call(lead, "move_idea", {"id": ident, "group_id": groups[i % len(groups)]})
    until(console, "document.querySelectorAll('.group:not(.unsorted) .idea').length === 9")
    console.evaluate("window.scrollTo(0, 0)")
    in_view = console.evaluate("""() => [...document.querySelectorAll('.board .idea')].filter((c) => {
        const r = c.getBoundingClientRect();
        return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
    }).length""")
    assert in_view >= 6, in_view
    # The agenda strip is one line for a table facilitator, and no card overflows its column.
    assert console.locator("#phase-controls").bounding_box()["height"] < 60
    assert (
        console.evaluate("""() => [...document.querySelectorAll('.board .idea')].filter((c) => {
        const card = c.getBoundingClientRect(), column = c.closest('.group').getBoundingClientRect();
        return c.scrollWidth > c.clientWidth + 1 || card.right > column.right + 1 || card.left < column.left - 1;
    }).length""")
        == 0
    )
    assert console.evaluate("parseFloat(getComputedStyle(document.querySelector('.board .idea-text')).fontSize)") >= 14
    if SHOTS:
        console.screenshot(path=os.path.join(SHOTS, "console-table-1024x768.png"))

    # One menu per card: the "⋯" button opens it, its items are buttons, Escape closes it and the
    # focus goes back to the "⋯".
    card = console.locator(".group:not(.unsorted) .idea").first
    button = card.locator(".menu-button")
    button.focus()
    console.keyboard.press("Enter")
    menu = console.locator("#card-menu")
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    assert console.evaluate("document.activeElement.classList.contains('card-menu-item')")
    items = menu.locator(".card-menu-item")
    assert items.count() >= 4  # hide, correct, and a "→ group" per other group
    assert menu.locator(".card-menu-item[data-for='hide-idea']").count() == 1
    assert menu.locator(".card-menu-item[data-for='move-idea']").count() == len(groups)  # others + "À classer"
    assert blocking_axe(console) == []  # the open menu is accessible (French)
    console.keyboard.press("ArrowDown")
    console.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    # A right-click opens it too, and so does a tap on the card itself.
    card.locator(".idea-text").click(button="right")
    expect(menu).to_be_visible()
    console.keyboard.press("Escape")
    card.locator(".idea-text").click()
    expect(menu).to_be_visible()
    box, view = menu.bounding_box(), TABLET
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= view["width"]
    console.keyboard.press("Escape")
    # The group header's menu: rename, split, remove and "Fusionner dans… → group".
    group = console.locator(".group:not(.unsorted)").first
    menu = open_menu(console, group.locator(".group-head"))
    for action in ("rename-group", "split-group", "remove-group", "merge-group"):
        assert menu.locator(f".card-menu-item[data-for='{action}']").count() >= 1, action
    console.keyboard.press("Escape")
    expect(group.locator(".group-head .menu-button")).to_be_focused()
    # Choosing with the keyboard: the action runs and the focus stays on the card's "⋯" (rebuilt).
    ident = card.get_attribute("data-idea-id")
    button.focus()
    console.keyboard.press("Enter")
    console.locator("#card-menu .card-menu-item[data-for='hide-idea']").focus()
    console.keyboard.press("Enter")
    hidden = console.locator(f".idea[data-idea-id='{ident}']")
    expect(hidden).to_have_attribute("data-state", "hidden")
    expect(hidden.locator(".menu-button")).to_be_focused()
    console.keyboard.press("Control+z")  # and Ctrl+Z brings it back
    expect(hidden).to_have_attribute("data-state", "visible")
    assert console.errors == [], console.errors


def test_the_dragged_card_follows_the_pointer(quiet, open_page):
    info = quiet.info()
    table = info["tables"][0]
    post_ideas(quiet, table["id"], IDEAS[:2])
    console = open_page(table["facilitator_url"], LAPTOP)
    card = console.locator(f".board[data-table-id='{table['id']}'] .group.unsorted .idea").first
    expect(card).to_be_visible(timeout=15000)
    target = console.locator(f".board[data-table-id='{table['id']}'] .group:not(.unsorted)").nth(1)
    box, goal = card.bounding_box(), target.bounding_box()
    x0, y0 = box["x"] + 20, box["y"] + box["height"] / 2
    console.mouse.move(x0, y0)
    console.mouse.down()
    positions = []
    for step in range(1, 6):
        x = x0 + (goal["x"] + 40 - x0) * step / 5
        y = y0 + (goal["y"] + 60 - y0) * step / 5
        console.mouse.move(x, y, steps=3)
        ghost = console.locator(".drag-ghost")
        expect(ghost).to_have_count(1)
        g = ghost.bounding_box()
        positions.append((x - g["x"], y - g["y"]))
        assert g["width"] > 100
    # The ghost keeps the offset at which the card was taken: it moves with the pointer.
    first = positions[0]
    for dx, dy in positions:
        assert abs(dx - first[0]) < 12 and abs(dy - first[1]) < 12, positions
    assert console.evaluate("document.querySelector('.drag-ghost').getAttribute('aria-hidden')") == "true"
    console.mouse.up()
    expect(console.locator(".drag-ghost")).to_have_count(0)
    expect(target.locator(".idea")).to_have_count(1)
    assert console.errors == [], console.errors


def test_every_undo_restores_the_console_and_the_projector(quiet, open_page):
    info = quiet.info()
    table = info["tables"][0]
    _, ids = post_ideas(quiet, table["id"], IDEAS[:4])
    lead = lead_client(quiet, info)
    call(lead, "set_joining", {"open": False})  # the boards, not the join slide
    projector = open_page(info["projector_url"] + "&page_seconds=1000", PROJECTOR)
    console = open_page(info["facilitator_url"], LAPTOP)
    board = console.locator(f".board[data-table-id='{table['id']}']")
    expect(board.locator(".idea")).to_have_count(4, timeout=15000)
    groups = board_groups(console, table["id"])
    card = lambda ident: console.locator(f".idea[data-idea-id='{ident}']")  # noqa: E731
    group = lambda ident: console.locator(f".group[data-group-id='{ident}']")  # noqa: E731

    checked = []

    def undo_restores(action, by_keyboard=False):
        """Take both screens' state, do `action`, check it changed, undo, check both are back."""
        before_console = console.evaluate(CONSOLE_STATE)
        until(projector, "document.querySelectorAll('#boards .idea').length > 0")
        before_projector = projector.evaluate(PROJECTOR_STATE)
        action()
        assert wait_for(lambda: console.evaluate(CONSOLE_STATE) != before_console), "nothing changed"
        toast = console.locator("#toast")
        expect(toast).to_be_visible()
        if not checked:
            assert blocking_axe(console) == []  # with the toast on screen
            checked.append(True)
        if by_keyboard:
            console.locator("body").press("Control+z")
        else:
            toast.locator(".toast-action").click()
        settle(console, CONSOLE_STATE, before_console)
        settle(projector, PROJECTOR_STATE, before_projector)

    # Move an idea (its menu's "→ group").
    undo_restores(lambda: choose(console, card(ids[0]), "move-idea", groups[0]))
    # ... and by dragging it, undone with Ctrl+Z.
    undo_restores(lambda: drag(console, card(ids[1]).locator(".idea-text"), group(groups[1])), by_keyboard=True)
    # Put two ideas in a group for the group commands.
    for ident in ids[:2]:
        call(lead, "move_idea", {"id": ident, "group_id": groups[0]})
    until(console, f"document.querySelectorAll('.group[data-group-id=\"{groups[0]}\"] .idea').length === 2")

    def create():
        board.locator(".new-group").click()
        board.locator(".new-group-input").fill("Tarifs solidaires")
        board.locator(".new-group-save").click()

    undo_restores(create)

    def rename():
        choose(console, group(groups[0]).locator(".group-head"), "rename-group")
        group(groups[0]).locator(".rename-input").fill("Cotisations")
        group(groups[0]).locator(".rename-save").click()

    undo_restores(rename)

    def split():
        choose(console, group(groups[0]).locator(".group-head"), "split-group")
        group(groups[0]).locator(".split-pick").first.check()
        group(groups[0]).locator(".split-label").fill("Part à part")
        group(groups[0]).locator(".split-confirm").click()

    undo_restores(split)
    undo_restores(lambda: choose(console, group(groups[0]).locator(".group-head"), "merge-group", groups[1]))

    def remove():
        choose(console, group(groups[0]).locator(".group-head"), "remove-group")
        group(groups[0]).locator(".confirm-remove").click()

    undo_restores(remove, by_keyboard=True)
    undo_restores(lambda: choose(console, card(ids[2]), "hide-idea"))
    # Restoring a hidden idea is undone by hiding it again.
    call(lead, "hide_idea", {"id": ids[3]})
    until(console, f"document.querySelector('.idea[data-idea-id=\"{ids[3]}\"]').dataset.state === 'hidden'")
    undo_restores(lambda: choose(console, card(ids[3]), "restore-idea"))

    def correct():
        choose(console, card(ids[2]), "correct-idea")
        card(ids[2]).locator(".correct-text").fill("Une cotisation solidaire")
        card(ids[2]).locator(".correct-save").click()

    undo_restores(correct)
    # Pinning an idea to the top of its group (the oldest one: it moves up on both screens).
    undo_restores(lambda: choose(console, card(ids[0]), "pin-idea"), by_keyboard=True)
    # Nothing left to undo of what this console did... except the earlier steps, each already undone.
    for page in (console, projector):
        assert page.errors == [], page.errors


def test_the_lead_holds_and_turns_the_projector_pages(quiet, open_page):
    info = quiet.info()
    table = info["tables"][0]
    post_ideas(quiet, table["id"], [f"{text} — variante {i}" for i, text in enumerate(IDEAS * 3)])
    lead = lead_client(quiet, info)
    call(lead, "set_projector_view", {"view": table["id"]})
    call(lead, "set_joining", {"open": False})
    projector = open_page(info["projector_url"] + "&page_seconds=0.4", PROJECTOR)
    console = open_page(info["facilitator_url"], LAPTOP)
    board = projector.locator(f".board[data-table-id='{table['id']}']")
    until(projector, "Number(document.querySelector('#boards').dataset.cycle) > 1", timeout=15000)
    pages = int(projector.evaluate("document.querySelector('#boards').dataset.cycle"))
    expect(projector.locator("#rotation-paused")).to_be_hidden()

    pause = console.locator("#rotation-pause")
    expect(pause).to_have_attribute("aria-pressed", "false")
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(projector.locator("#rotation-paused")).to_be_visible()
    expect(projector.locator("body")).to_have_attribute("data-rotation", "paused")
    held = board.get_attribute("data-page")
    ticks = int(projector.evaluate("Number(document.querySelector('#boards').dataset.ticks || 0)"))
    # Three more waits of the rotation go by: the page stays.
    until(projector, f"Number(document.querySelector('#boards').dataset.ticks || 0) >= {ticks + 3}")
    assert board.get_attribute("data-page") == held

    # "▶" and "◀" turn one page at once, still held.
    console.locator("#rotation-next").click()
    after = int(held) % pages + 1
    expect(board).to_have_attribute("data-page", str(after))
    console.locator("#rotation-previous").click()
    expect(board).to_have_attribute("data-page", held)
    # A projector that reloads stays held.
    projector.reload()
    expect(projector.locator("#rotation-paused")).to_be_visible(timeout=15000)
    # "Reprendre": the pages turn again.
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "false")
    expect(projector.locator("#rotation-paused")).to_be_hidden()
    start = board.get_attribute("data-page")
    until(projector, f"document.querySelector('.board[data-table-id=\"{table['id']}\"]').dataset.page !== '{start}'")
    for page in (console, projector):
        assert page.errors == [], page.errors
