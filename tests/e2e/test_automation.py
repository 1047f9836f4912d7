"""Automatic grouping in real Chromium: a duplicate merged from the console, "Regrouper" proposed then accepted."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PROJECTOR, join, post
from tests.e2e.test_accessibility import BLOCKING, run_axe
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
    first = board.locator(
        f".idea[data-idea-id='{board.locator('.idea').filter(has_text=FIRST).get_attribute('data-idea-id')}']"
    )
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

    second_id = second.get_attribute("data-idea-id")
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

    # -- the merge undone (Ctrl+Z: unmerge_idea), then "Garder les deux" undone too (flag_duplicate) ----
    console.locator("body").press("Control+z")
    back = board.locator(f".idea[data-idea-id='{second_id}']")
    expect(back).to_be_visible()
    expect(back.locator(".duplicate-notice")).to_contain_text(f"Doublon probable de : « {FIRST} »")
    expect(first.locator(".merged-count")).to_have_count(0)
    expect(projector.locator(".idea").filter(has_text=SECOND)).to_be_visible()
    expect(bob.locator("#my-ideas .idea").filter(has_text=SECOND)).not_to_have_attribute("data-state", "merged")
    choose(console, back, "dismiss-duplicate")
    expect(back.locator(".duplicate-notice")).to_have_count(0)
    console.locator("body").press("Control+z")
    expect(back.locator(".duplicate-notice")).to_be_visible()

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
    console.evaluate(
        """(id) => {
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
    }""",
        table2,
    )
    board2.locator(".regroup").click()
    proposal = board2.locator(".proposal")
    expect(proposal).to_be_visible(timeout=60000)
    seen = console.evaluate("window.__regroupSeen")
    assert seen["board"] and seen["button"], seen
    assert "Regroupement en cours" in seen["text"], seen
    expect(board2).to_have_attribute("data-regrouping", "false")
    expect(board2.locator(".regroup")).not_to_have_attribute("aria-disabled", "true")
    expect(board2.locator(".regroup-status")).to_contain_text("Proposition prête")
    expect(proposal.locator(".proposal-title")).to_have_text("Proposition de regroupement")
    expect(proposal.locator(".proposal-note")).to_contain_text("la salle ne voit rien avant que vous acceptiez")
    proposed = proposal.locator(".proposal-group")
    expect(proposed.nth(1)).to_be_visible()
    count = proposed.count()
    assert count >= 2
    labels = proposal.locator(".proposal-label").all_text_contents()
    assert all(label and "," not in label and label[0].isupper() for label in labels), labels
    for item in proposed.all():
        expect(item.locator(".proposal-kind")).to_have_text("Nouveau groupe")
        assert item.locator(".proposal-ideas li").count() >= 2
    # Nothing reached the room: no group on the console's board nor on the projector.
    auto_groups = board2.locator(".group[data-group-id]:not(.unsorted)")
    projected2 = projector.locator(f".board[data-table-id='{table2}'] .group[data-group-id]:not(.unsorted)")
    expect(auto_groups).to_have_count(0)
    expect(projected2).to_have_count(0)
    expect(board2.locator(".group.unsorted .idea")).to_have_count(len(THEMES))
    # The proposal is readable on the console: no text cut, buttons a finger can hit.
    box = proposal.bounding_box()
    assert box and box["width"] <= console.viewport_size["width"], box
    assert console.evaluate(
        """(el) => [...el.querySelectorAll('.proposal-label, .proposal-ideas li')]
        .every((n) => n.scrollWidth <= n.clientWidth + 1)""",
        proposal.element_handle(),
    )
    size = console.evaluate(
        "(el) => parseFloat(getComputedStyle(el).fontSize)",
        proposal.locator(".proposal-ideas li").first.element_handle(),
    )
    assert size >= 14, size
    blocking = [v for v in run_axe(console) if v["impact"] in BLOCKING]
    assert not blocking, blocking

    # Rename the first proposed group, then accept it alone: the room sees that one group.
    first_item = proposed.first
    first_ideas = first_item.locator(".proposal-ideas li").all_text_contents()
    first_item.locator(".proposal-rename").click()
    first_item.locator(".proposal-name").fill("Salons et export")
    first_item.locator(".proposal-rename-save").click()
    expect(first_item.locator(".proposal-label")).to_have_text("Salons et export")
    first_item.locator(".proposal-accept").click()
    expect(proposed).to_have_count(count - 1)
    expect(projected2).to_have_count(1)
    expect(projected2.first.locator(".group-label")).to_have_text("Salons et export")
    named = board2.locator(".group[data-group-id]:not(.unsorted)").filter(has_text="Salons et export")
    expect(named.locator(".idea")).to_have_count(len(first_ideas))
    expect(named.locator(".group-source")).to_be_hidden()  # renamed before accepting: the facilitator's name
    expect(board2.locator(".regroup-status")).to_have_text(re.compile(r"1 groupe créé, \d+ idées? classées?"))

    # Discard one of the rest (if two remain), accept all the others.
    remaining = count - 1
    if remaining >= 2:
        proposed.last.locator(".proposal-discard").click()
        remaining -= 1
        expect(proposed).to_have_count(remaining)
    projected_before = projected2.count()
    assert projected_before == 1
    proposal.locator(".proposal-accept-all").click()
    expect(proposal).to_be_hidden()
    expect(projected2).to_have_count(1 + remaining)
    expect(auto_groups).to_have_count(1 + remaining)
    auto_made = board2.locator(".group[data-label-source='auto']")
    expect(auto_made).to_have_count(remaining)
    expect(auto_made.first.locator(".group-source")).to_be_visible()

    # "Regrouper" again: whatever is left unsorted is proposed, or there is nothing to do.
    if board2.locator(".group.unsorted .idea").count() == 0:
        board2.locator(".regroup").click()
        expect(board2.locator(".regroup-status")).to_have_text("Rien à regrouper : aucune idée à classer")
    for page in (console, projector, anne, bob, chloe):
        assert page.errors == [], page.errors
