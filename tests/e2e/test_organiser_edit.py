"""An organiser edits a running workshop in Chromium, against the real eventlet server (docs/organisers.md,
"Edit"): the theme renamed and a sub-topic added mid-session reach the projector and a phone at once; a
table added with the form's script can be joined. The form is checked at the real sizes (laptop and phone):
no horizontal overflow, readable type, errors next to their field."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, PROJECTOR, join, post
from tests.e2e.test_console import choose
from tests.e2e.test_organiser import setup_link, sign_up

LAPTOP = {"width": 1440, "height": 900}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
SMALLEST_INPUT_FONT = """() => Math.min(...[...document.querySelectorAll('#edit-form .input')]
    .filter(el => el.offsetParent !== null).map(el => parseFloat(getComputedStyle(el).fontSize)))"""


def shoot(page, name: str, tmp_path: Path) -> None:
    """A full-page screenshot (SCREENSHOTS=folder keeps them for a person to look at)."""
    folder = Path(os.environ.get("SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_organiser_renames_a_theme_and_adds_a_subtopic_mid_session(live, open_page, tmp_path):
    info = live.info()
    table_1 = info["tables"][0]
    projector = open_page(info["projector_url"], PROJECTOR)
    projector.wait_for_selector("#conn-status[data-state=connected]", state="attached")
    board = projector.locator(f".board[data-table-id='{table_1['id']}']")
    expect(board.locator(".board-theme")).to_have_text(table_1["theme"])
    phone = open_page(table_1["join_url"])
    join(phone, "Anne", table_number=1)
    expect(phone.locator("#table-theme")).to_have_text(table_1["theme"])
    # The lead facilitator starts the round tables: the session is running.
    console = open_page(info["facilitator_url"], PROJECTOR)
    controls = console.locator("#phase-controls")
    controls.locator("[data-phase-key=tables]").click()
    controls.locator(".phase-confirm [data-confirm=yes]").click()
    expect(projector.locator("#phase-panel .phase-title")).to_have_text("Tables rondes")
    expect(board.locator(".board-theme")).to_be_visible()

    organiser = open_page(setup_link(live), LAPTOP)
    sign_up(organiser)
    organiser.goto(f"{live.url}/organiser/w/DEVUP")
    organiser.click("#edit")
    organiser.wait_for_url("**/organiser/w/DEVUP/edit")
    expect(organiser.locator("#live-notice")).to_be_visible()  # the workshop is running: edits show at once
    assert organiser.evaluate(NO_OVERFLOW)
    shoot(organiser, "organiser-edit-1440x900", tmp_path)

    # Rename the theme, add a sub-topic, add a table with the script's button, save.
    organiser.fill("#f-tables-0-theme", "Recruter et garder les talents")
    subtopics = organiser.locator("#f-tables-0-subtopics")
    subtopics.fill(subtopics.input_value() + "\nMentorat des jeunes")
    rows = organiser.locator("#table-rows > .form-row")
    before = rows.count()
    organiser.click("[data-add=tables]")
    expect(rows).to_have_count(before + 1)
    new_row = rows.nth(before)
    expect(new_row.locator("legend")).to_have_text(f"Table {before + 1}")
    new_row.locator("input[name$='-theme']").fill("Énergie et sobriété")
    # The script's "remove" drops the blank row the server offered (it would be ignored anyway).
    rows.nth(before - 1).locator("[data-remove]").click()
    expect(rows).to_have_count(before)
    step = organiser.locator("#agenda-rows > .form-row", has=organiser.locator("input[value=tables]"))
    step.locator("input[name$='-title']").fill("Tables rondes, deux tours")
    organiser.click("#save")
    organiser.wait_for_url("**/organiser/w/DEVUP?edited=1")
    expect(organiser.locator("#saved")).to_be_visible()

    # The projector and the phone follow without reloading.
    expect(board.locator(".board-theme")).to_have_text("Recruter et garder les talents")
    expect(phone.locator("#table-theme")).to_have_text("Recruter et garder les talents")
    # The new sub-topic is a group on the table's board: on the console at once; on the room's all-tables
    # view once it holds an idea (empty groups are not projected there, by design).
    console_board = console.locator(f".board[data-table-id='{table_1['id']}']")
    new_group = console_board.locator(".group:not(.unsorted)").filter(
        has=console.locator(".group-label", has_text="Mentorat des jeunes")
    )
    expect(new_group).to_be_visible()
    expect(board.locator(".group-label", has_text="Mentorat des jeunes")).to_be_attached()
    post(phone, "Un binôme senior-junior dès l'arrivée")
    card = console_board.locator(".idea").filter(has_text="Un binôme senior-junior")
    expect(card).to_be_visible()
    choose(console, card, "move-idea", new_group.get_attribute("data-group-id"))  # the card's menu
    expect(board.locator(".group-label", has_text="Mentorat des jeunes")).to_be_visible()
    expect(board.locator(".idea", has_text="Un binôme senior-junior")).to_be_visible()
    expect(projector.locator(".board .board-theme", has_text="Énergie et sobriété")).to_have_count(1)

    # The console's agenda and the room's phase panel show the renamed step.
    expect(controls.locator("[aria-current=step]")).to_contain_text("Tables rondes, deux tours")
    expect(projector.locator("#phase-panel .phase-title")).to_have_text("Tables rondes, deux tours")

    # The new table can be joined.
    other = open_page(f"{live.url}/j/DEVUP")
    expect(other.locator("label", has_text="Énergie et sobriété")).to_be_visible()

    # An error is shown next to its field, and the phone-sized form fits the screen.
    small = open_page(f"{live.url}/organiser/w/DEVUP/edit", PHONE, storage_state=organiser.context.storage_state())
    small.fill("#f-tables-0-theme", "")
    small.fill("#f-agenda-0-minutes", "0")
    small.click("#save")
    expect(small.locator("#err-tables-0-theme")).to_have_text("À remplir.")
    expect(small.locator("#err-agenda-0-minutes")).to_have_text("Au moins 1.")
    expect(small.locator("#form-errors")).to_be_visible()
    assert small.evaluate(NO_OVERFLOW)
    assert small.evaluate(SMALLEST_INPUT_FONT) >= 16  # no zoom-on-focus on phones, readable
    small.locator("#err-tables-0-theme").scroll_into_view_if_needed()
    shoot(small, "organiser-edit-errors-390x844", tmp_path)
    for path in ("/organiser/", "/organiser/w/DEVUP"):  # wide tables scroll in their own box on a phone
        small.goto(live.url + path)
        assert small.evaluate(NO_OVERFLOW), path
        expect(small.locator(".date").first).to_have_css("white-space", "nowrap")
    assert organiser.errors == [] and phone.errors == [] and projector.errors == [] and console.errors == []
