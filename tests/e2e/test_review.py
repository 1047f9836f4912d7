"""The action plan and the review in Chromium against the real eventlet server (docs/review.md).

A facilitator turns a group into an action from the console (keyboard-usable
dialog); the organiser opens the review and copies the owner's personal link;
the owner, on a phone, sets the action "En cours" with a note; the console
follows live and the organiser's dashboard counts it.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, PROJECTOR
from tests.e2e.test_organiser import setup_link, sign_up

DESKTOP = {"width": 1440, "height": 900}


def test_owner_updates_an_action_through_the_review_link(live, open_page):
    info = live.info()
    console = open_page(info["facilitator_url"], DESKTOP)
    expect(console.locator("#conn-status")).to_have_attribute("data-state", "connected")

    # "Créer une action" from the menu of the first group of table 1, all with the keyboard.
    menu_button = console.locator("section.group .group-head .menu-button").first
    expect(menu_button).to_be_visible()
    menu_button.focus()
    console.keyboard.press("Enter")
    item = console.locator("#card-menu .card-menu-item[data-for='create-action']")
    expect(item).to_be_visible()
    item.focus()
    console.keyboard.press("Enter")
    dialog = console.locator("#action-dialog")
    expect(dialog).to_be_visible()
    expect(console.locator("#action-title")).to_be_focused()
    console.fill("#action-title", "Parrainer chaque nouvel adhérent")
    console.fill("#action-owner_org", "Cosmetic Valley")
    console.fill("#action-contact", "Marie Dupont")
    console.fill("#action-due_on", "2027-06-30")
    console.fill("#action-indicator", "20 binômes formés")
    console.locator("#action-indicator").press("Enter")  # submits the form
    expect(dialog).to_be_hidden()
    item = console.locator("#actions-panel .action-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Parrainer chaque nouvel adhérent")
    expect(item).to_contain_text("Cosmetic Valley")
    expect(item).to_contain_text("issue du groupe")
    expect(item.locator(".action-status")).to_have_text("Pas commencée")

    # The organiser opens the review and takes the owner's link.
    organiser = open_page(setup_link(live), PROJECTOR)
    sign_up(organiser)
    organiser.goto(f"{live.url}/organiser/w/DEVUP")
    organiser.click("#review-dashboard")
    organiser.wait_for_url("**/organiser/w/DEVUP/review")
    expect(organiser.locator("#review-date")).to_have_attribute("data-date", "2027-09-09")
    organiser.click("#open-review")
    expect(organiser.locator("#review-notice")).to_be_visible()
    link = organiser.locator("#review-links li[data-organisation='Cosmetic Valley'] input").input_value()
    assert "/r/" in link

    # The owner, on a phone, sets the action "En cours" with a note.
    phone = open_page(link, PHONE)
    card = phone.locator("article.review-action")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Parrainer chaque nouvel adhérent")
    phone.get_by_label("En cours").check()
    phone.fill("textarea[name=progress_note]", "Douze binômes formés, la suite en janvier.")
    phone.click("article.review-action button[type=submit]")
    expect(phone.locator(".saved")).to_be_visible()
    expect(phone.locator("article.review-action")).to_have_attribute("data-status", "in_progress")
    # Readable on a 390 px phone: nothing sticks out sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The console follows live; the dashboard counts it.
    expect(item.locator(".action-status")).to_have_text("En cours")
    expect(item.locator(".action-note")).to_have_text("Douze binômes formés, la suite en janvier.")
    organiser.reload()
    row = organiser.locator("#table-organisation tr[data-key='Cosmetic Valley']")
    expect(row.locator("td[data-status=in_progress]")).to_have_text("1")
    expect(row.locator("td[data-status=not_started]")).to_have_text("0")
    expect(organiser.locator("#chart-organisation rect.st-in_progress")).to_have_count(1)
    for page in (console, organiser, phone):
        assert page.errors == [], page.errors
