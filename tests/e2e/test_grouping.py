"""Grouping in real Chromium: the facilitator drags an idea to another group and the projector follows."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import PROJECTOR, join, post
from tests.e2e.test_console import choose, drag


def test_facilitator_drags_an_idea_into_a_group_and_the_projector_follows(live, open_page):
    info = live.info()
    table = info["tables"][0]["id"]
    projector = open_page(info["projector_url"], PROJECTOR)
    console = open_page(info["facilitator_url"], PROJECTOR)
    anne = open_page(info["tables"][0]["join_url"])
    join(anne, "Anne")
    text = "Une cotisation modulée selon la taille de l'entreprise"
    post(anne, text)

    board = console.locator(f".board[data-table-id='{table}']")
    unsorted = board.locator(".group.unsorted")
    # The grouping engine may already have put it in its likely group ("Suggérée"):
    # drag it to another group, one the engine did not choose.
    card = board.locator(".idea").filter(has_text=text)
    expect(card).to_be_visible()
    placed_in = card.get_attribute("data-group-id")
    label = (
        "Valeur perçue"
        if placed_in and "Grille" in board.locator(f".group[data-group-id='{placed_in}'] .group-label").inner_text()
        else "Grille de cotisations"
    )
    target = board.locator(".group:not(.unsorted)").filter(has=console.locator(".group-label", has_text=label))
    group_id = target.get_attribute("data-group-id")
    assert group_id and group_id != placed_in

    drag(console, card.locator(".idea-text, .drag-handle").first, target)
    moved = target.locator(".idea").filter(has_text=text)
    expect(moved).to_be_visible()
    expect(moved).to_have_attribute("data-group-id", group_id)
    projected = projector.locator(f".group[data-group-id='{group_id}'] .idea").filter(has_text=text)
    expect(projected).to_be_visible()

    # The other route: the card's menu, "Déplacer vers… → À classer".
    choose(console, moved, "move-idea", "")
    expect(unsorted.locator(".idea").filter(has_text=text)).to_be_visible()
    expect(projector.locator(f".group[data-group-id='{group_id}'] .idea").filter(has_text=text)).to_have_count(0)

    # A new group made on the console appears on the projector with its label.
    board.locator(".new-group").click()
    board.locator(".new-group-input").fill("Tarifs solidaires")
    board.locator(".new-group-save").click()
    new_group = board.locator(".group:not(.unsorted)").filter(
        has=console.locator(".group-label", has_text="Tarifs solidaires")
    )
    expect(new_group).to_be_visible()
    drag(console, unsorted.locator(".idea").filter(has_text=text).locator(".idea-text, .drag-handle").first, new_group)
    projected_group = projector.locator(".group").filter(
        has=projector.locator(".group-label", has_text="Tarifs solidaires")
    )
    expect(projected_group.locator(".idea")).to_contain_text(text)
    for page in (console, projector):
        assert page.errors == [], page.errors
