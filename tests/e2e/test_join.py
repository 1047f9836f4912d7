"""Joining from a phone, as a person in the room does it (issue 12, "a join in four taps").

Measured on a 390x844 phone: the join button is on the first screen, errors
stand next to their field, the name's limit is said before it cuts, four taps
lead from the table's QR code to typing an idea, the phone says whose it is,
and a rescan resumes instead of making a second participant.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e


def bottom(page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    return box["y"] + box["height"]


def test_from_the_table_qr_code_to_typing_an_idea_in_four_taps(live, open_page):
    info = live.info()
    phone = open_page(info["tables"][0]["join_url"], PHONE)
    # Everything needed to join is on the first screen, without scrolling.
    assert phone.evaluate("window.scrollY") == 0
    for selector in ("#first-name", "#organisation", ".preselected-table", "#join-button"):
        assert bottom(phone, selector) <= PHONE["height"], selector
    expect(phone.locator(".join-more")).not_to_have_attribute("open", "")  # the purpose is folded
    taps = 0
    phone.click("#first-name")
    taps += 1
    phone.keyboard.type("Anne")
    phone.select_option("#organisation", "Cosmetic Valley")  # open the list and pick: two taps on a phone
    taps += 2
    phone.click("#join-button")
    taps += 1
    phone.wait_for_selector("#table-view:not([hidden])")
    # The idea field already has the focus: the next thing is typing.
    expect(phone.locator("#idea-text")).to_be_focused()
    phone.keyboard.type("Un annuaire des adhérents")
    expect(phone.locator("#idea-text")).to_have_value("Un annuaire des adhérents")
    assert taps == 4
    expect(phone.locator("#me-line")).to_have_text("Vous : Anne · Cosmetic Valley")
    assert phone.errors == [], phone.errors


def test_errors_stand_next_to_their_field_and_the_limit_is_said_before_it_cuts(live, open_page):
    info = live.info()
    phone = open_page(info["join_url"], PHONE)
    # Without a table's QR code, the three tables and the button still fit the first screen.
    assert bottom(phone, "#join-button") <= PHONE["height"]
    phone.fill("#first-name", "   ")
    phone.click("#join-button")
    error = phone.locator("#first-name-error")
    expect(error).to_have_text("Indiquez votre prénom.")
    expect(phone.locator("#first-name")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#first-name")).to_be_focused()
    # Right under the field, not a screen away.
    gap = error.bounding_box()["y"] - bottom(phone, "#first-name")
    assert 0 <= gap < 40, gap
    phone.fill("#first-name", "Anne")
    expect(error).to_be_empty()
    phone.click("#join-button")
    expect(phone.locator("#organisation-error")).to_have_text("Indiquez votre organisation.")
    # The name's limit shows as it comes near, before the field stops taking letters.
    limit = phone.locator("#first-name-limit")
    expect(limit).to_be_hidden()
    phone.fill("#first-name", "")
    phone.locator("#first-name").press_sequentially("Marie-Christine-Alexandrine-Eu")  # 30 characters
    expect(limit).to_be_visible()
    expect(limit).to_have_text("30 / 40 caractères")
    assert phone.errors == [], phone.errors


def test_a_rescan_offers_to_resume_and_someone_else_is_explicit(live, open_page):
    info = live.info()
    phone = open_page(info["tables"][1]["join_url"], PHONE)
    phone.fill("#first-name", "Bob")
    phone.select_option("#organisation", "Area")
    phone.click("#join-button")
    phone.wait_for_selector("#table-view:not([hidden])")
    phone.goto(info["tables"][1]["join_url"])  # the same QR code, scanned again
    resume = phone.locator("#resume-link")
    expect(resume).to_have_text("Reprendre en tant que Bob")
    expect(phone.locator("#join-form")).to_be_hidden()  # no second participant by accident
    phone.click("#someone-else")
    expect(phone.locator("#join-form")).to_be_visible()
    expect(phone.locator("#first-name")).to_be_focused()
    phone.goto(info["tables"][1]["join_url"])
    resume.click()
    phone.wait_for_selector("#table-view:not([hidden])")
    expect(phone.locator("#me-line")).to_have_text("Vous : Bob · Area")
    assert phone.errors == [], phone.errors
