"""Automatic grouping in real Chromium: a duplicate merged from the console, "Regrouper" on a board."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PROJECTOR, join, post
from tests.e2e.test_console import choose

FIRST = "Créer un annuaire des adhérents en ligne"
SECOND = "Créer un annuaire en ligne des adhérents"

# Three clear themes for table 2 (nine ideas, no two alike).
THEMES = [
    "Organiser un salon professionnel régional chaque année",
    "Tenir un stand collectif au salon international de Paris",
    "Emmener les adhérents sur un salon à l'étranger",
    "Former les salariés des adhérents à la cybersécurité",
    "Une formation cybersécurité pour les dirigeants de PME",
    "Sensibiliser les équipes aux risques de cybersécurité",
    "Mutualiser les achats d'énergie entre adhérents",
    "Un groupement d'achat d'électricité pour les adhérents",
    "Négocier ensemble les contrats de gaz et d'électricité",
]


def test_duplicate_merged_then_regroup_creates_groups(live, open_page):
    info = live.info()
    table1, table2 = info["tables"][0]["id"], info["tables"][1]["id"]
    projector = open_page(info["projector_url"], PROJECTOR)
    console = open_page(info["facilitator_url"], PROJECTOR)
    expect(console.locator("#conn-status")).to_have_attribute("data-state", "connected")

    # -- a probable duplicate, merged into the earlier idea -----------------------
    anne = open_page(info["tables"][0]["join_url"])
    join(anne, "Anne")
    post(anne, FIRST)
    board = console.locator(f".board[data-table-id='{table1}']")
    expect(board.locator(".idea").filter(has_text=FIRST)).to_be_visible()
    # The duplicate notice quotes this text too: find the card by its id from now on.
    first = board.locator(f".idea[data-idea-id='{board.locator('.idea').filter(has_text=FIRST).get_attribute('data-idea-id')}']")
    bob = open_page(info["tables"][0]["join_url"])
    join(bob, "Bob", other_organisation="Area")
    post(bob, SECOND)
    second = board.locator(".idea").filter(has_text=SECOND)
    expect(second).to_be_visible()
    notice = second.locator(".duplicate-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(f"Doublon probable de : « {FIRST} »")
    expect(first.locator(".duplicate-notice")).to_have_count(0)
    expect(projector.locator(".idea").filter(has_text=SECOND)).to_be_visible()
    expect(anne.locator("#table-ideas .idea").filter(has_text=SECOND)).to_be_visible()

    choose(console, second, "merge-duplicate")
    expect(board.locator(".idea").filter(has_text=SECOND)).to_have_count(0)
    expect(projector.locator(".idea").filter(has_text=SECOND)).to_have_count(0)
    expect(first.locator(".merged-authors")).to_contain_text("Bob (Area)")
    expect(first.locator(".merged-count")).to_have_text("×2")
    projected = projector.locator(".idea").filter(has_text=FIRST)
    # The room screen hides names by default: no co-author there until the lead shows names.
    expect(projected).to_be_visible()
    expect(projected.locator(".merged-authors")).to_have_count(0)
    console.locator(".tables-summary").click()
    console.locator("#show-authors").check()
    expect(projected.locator(".merged-authors")).to_contain_text("Bob (Area)")
    console.locator(".tables-summary").click()  # folded again, as the rest of the test expects
    # Bob's phone: his idea is kept, marked merged, read-only; Anne's table list loses it.
    mine = bob.locator("#my-ideas .idea").filter(has_text=SECOND)
    expect(mine).to_have_attribute("data-state", "merged")
    expect(mine).to_contain_text("Regroupée avec une idée similaire")
    expect(mine.locator("button")).to_have_count(0)
    expect(anne.locator("#table-ideas .idea").filter(has_text=SECOND)).to_have_count(0)
    bob.reload()  # a snapshot says the same
    expect(bob.locator("#my-ideas .idea").filter(has_text=SECOND)).to_have_attribute("data-state", "merged")

    # -- "Regrouper" on a board without groups ------------------------------------------
    board2 = console.locator(f".board[data-table-id='{table2}']")
    topics = board2.locator(".group:not(.unsorted)")
    expect(topics).to_have_count(4)  # the organiser's sub-topics
    for left in range(3, -1, -1):
        group = topics.first
        choose(console, group.locator(".group-head"), "remove-group")
        group.locator(".confirm-remove").click()
        expect(topics).to_have_count(left)

    chloe = open_page(info["tables"][1]["join_url"])
    join(chloe, "Chloé", "Polepharma")
    for text in THEMES:
        post(chloe, text)
        expect(chloe.locator("#my-ideas .idea:not(.pending)").filter(has_text=text)).to_be_visible()
    expect(board2.locator(".group.unsorted .idea")).to_have_count(len(THEMES))

    # Record the progress state: it may last less than a poll.
    console.evaluate("""(id) => {
        const board = document.querySelector(`.board[data-table-id="${id}"]`);
        window.__regroupSeen = { board: false, button: false, text: "" };
        new MutationObserver(() => {
            const button = board.querySelector(".regroup");
            if (board.dataset.regrouping === "true") window.__regroupSeen.board = true;
            if (button.getAttribute("aria-disabled") === "true" && button.getAttribute("aria-busy") === "true") {
                window.__regroupSeen.button = true;
                window.__regroupSeen.text = button.textContent;
            }
        }).observe(board, { attributes: true, subtree: true, childList: true, characterData: true });
    }""", table2)
    board2.locator(".regroup").click()
    auto_groups = board2.locator(".group[data-group-id]:not(.unsorted)")
    expect(auto_groups.nth(1)).to_be_visible(timeout=60000)
    assert auto_groups.count() >= 2
    seen = console.evaluate("window.__regroupSeen")
    assert seen["board"] and seen["button"], seen
    assert "Regroupement en cours" in seen["text"], seen
    expect(board2).to_have_attribute("data-regrouping", "false")
    expect(board2.locator(".regroup")).not_to_have_attribute("aria-disabled", "true")
    expect(board2.locator(".regroup-status")).to_have_text(re.compile(r"\d+ groupes? créés?, \d+ idées? classées?"))
    expect(auto_groups.first.locator(".group-source")).to_be_visible()
    expect(auto_groups.first).to_have_attribute("data-label-source", "auto")
    projected2 = projector.locator(f".board[data-table-id='{table2}'] .group[data-group-id]:not(.unsorted)")
    expect(projected2.nth(1)).to_be_visible()
    assert projected2.count() >= 2

    # Renaming an auto group makes it the facilitator's: the marker goes.
    group = auto_groups.first
    group_id = group.get_attribute("data-group-id")
    choose(console, group.locator(".group-head"), "rename-group")
    group.locator(".rename-input").fill("Salons et export")
    group.locator(".rename-save").click()
    renamed = board2.locator(f".group[data-group-id='{group_id}']")
    expect(renamed.locator(".group-label")).to_have_text("Salons et export")
    expect(renamed.locator(".group-source")).to_be_hidden()

    # Nothing left to sort: a second "Regrouper" says so.
    if board2.locator(".group.unsorted .idea").count() == 0:
        board2.locator(".regroup").click()
        expect(board2.locator(".regroup-status")).to_have_text("Rien à regrouper : aucune idée à classer")
    for page in (console, projector, anne, bob, chloe):
        assert page.errors == [], page.errors
