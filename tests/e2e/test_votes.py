"""Dot voting in real Chromium: two phones vote, the facilitator reveals, the projector ranks."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import PROJECTOR, join, post

LAPTOP = {"width": 1400, "height": 900}


def test_two_phones_vote_and_the_projector_shows_the_revealed_ranking(live, open_page):
    info = live.info()
    table = info["tables"][0]
    projector = open_page(info["projector_url"], PROJECTOR)
    console = open_page(info["facilitator_url"], LAPTOP)
    anne = open_page(table["join_url"])
    join(anne, "Anne")
    bob = open_page(table["join_url"])
    join(bob, "Bob", "Aérocentre")
    post(anne, "Une adhésion découverte")
    post(anne, "Un annuaire des adhérents")
    post(bob, "Des rencontres trimestrielles")
    expect(bob.locator("#table-ideas .idea")).to_have_count(2)  # the others' ideas
    expect(anne.locator("#table-ideas .idea")).to_have_count(1)

    panel = console.locator(f".vote-console[data-table-id='{table['id']}']")
    panel.locator("[data-action='voting']").click()
    expect(panel.locator("[data-action='voting']")).to_have_attribute("aria-pressed", "true")

    ballot = anne.locator("#voting")
    expect(ballot).to_be_visible()
    expect(ballot.locator(".votes-remaining")).to_have_text("Il vous reste 3 votes")
    add = lambda page, text: page.locator(".vote-item", has_text=text).get_by_role("button", name="Ajouter un vote pour « " + text + " »")
    add(anne, "Un annuaire des adhérents").click()
    expect(ballot.locator(".votes-remaining")).to_have_text("Il vous reste 2 votes")
    add(anne, "Des rencontres trimestrielles").click()
    expect(ballot.locator(".votes-remaining")).to_have_text("Il vous reste 1 vote")
    # One dot per item: the + of an item already voted for is disabled.
    expect(add(anne, "Un annuaire des adhérents")).to_be_disabled()
    add(bob, "Un annuaire des adhérents").click()
    expect(bob.locator(".votes-remaining")).to_have_text("Il vous reste 2 votes")
    box = add(bob, "Une adhésion découverte").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box

    # The facilitator sees live counts; the room does not, until the reveal.
    expect(panel.locator(".vote-console-counts")).to_contain_text("3 votes · 2 votants")
    expect(panel.locator(".vote-row").first).to_contain_text("Un annuaire des adhérents")
    expect(projector.locator("#vote-results")).to_be_hidden()
    assert projector.evaluate("document.querySelectorAll('.vote-row').length") == 0

    panel.locator("[data-action='reveal']").click()
    results = projector.locator("#vote-results")
    expect(results).to_be_visible()
    rows = results.locator(".vote-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Un annuaire des adhérents")
    expect(rows.nth(0)).to_have_attribute("data-rank", "1")
    expect(rows.nth(1)).to_contain_text("Des rencontres trimestrielles")
    # A later vote makes a tie: both show rank 1, "ex aequo".
    add(bob, "Des rencontres trimestrielles").click()
    expect(rows.nth(1)).to_have_attribute("data-rank", "1")
    expect(rows.nth(0)).to_contain_text("ex aequo")
    expect(anne.locator(".votes-ranking li")).to_have_count(2)
    for page in (projector, console, anne, bob):
        assert page.errors == [], page.errors
