"""The organiser space in Chromium against the real eventlet server (docs/organisers.md).

The organiser creates the first account through the one-time link ``serve``
printed, logs in, and exports the workbook in the middle of the session while
a participant keeps posting: the page shows the job's progress then the
download, the file opens with openpyxl, and the participant's posts were all
accepted meanwhile.
"""

from __future__ import annotations

import io
import re
import time

import openpyxl
from playwright.sync_api import expect

from tests.e2e.conftest import PROJECTOR, join, post


def setup_link(live, timeout=10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"(http://\S+/organiser/setup\?token=\S+)", live.log.read_text())
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError("serve printed no setup link:\n" + live.log.read_text()[-2000:])


ORGANISER_EMAIL, ORGANISER_PASSWORD = "claire@devup.fr", "une phrase de passe"


def sign_up(page) -> None:
    """On the setup link's page: create the first organiser account; the page ends logged in on /organiser/."""
    page.fill("#name", "Claire")
    page.fill("#email", ORGANISER_EMAIL)
    page.fill("#password", ORGANISER_PASSWORD)
    page.fill("#password2", ORGANISER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/organiser/")


def test_organiser_exports_the_workbook_mid_session(live, open_page):
    # First account through the link printed by serve.
    organiser = open_page(setup_link(live), PROJECTOR)
    sign_up(organiser)
    # Log out, then in again with the password.
    organiser.click("#logout")
    organiser.wait_for_url("**/organiser/login")
    organiser.fill("#email", ORGANISER_EMAIL)
    organiser.fill("#password", "mauvais mot de passe")
    organiser.click("button[type=submit]")
    expect(organiser.locator("#login-error")).to_be_visible()
    organiser.errors.clear()  # the refused login answered 401, as it should
    organiser.fill("#password", ORGANISER_PASSWORD)
    organiser.click("button[type=submit]")
    organiser.wait_for_url("**/organiser/")
    expect(organiser.locator("tr[data-code=DEVUP]")).to_be_visible()

    # A participant is posting.
    anne = open_page(f"{live.url}/j/DEVUP/1")
    join(anne, "Anne", table_number=1)
    texts = [f"Idée numéro {n} pendant l'export" for n in range(6)]
    for text in texts[:3]:
        post(anne, text)
    expect(anne.locator("#my-ideas .idea")).to_have_count(3)
    expect(anne.locator("#my-ideas .idea.pending")).to_have_count(0)

    organiser.click("tr[data-code=DEVUP] a")
    organiser.wait_for_url("**/organiser/w/DEVUP")
    organiser.click("button[data-export=xlsx]")
    for text in texts[3:]:  # keeps posting while the export runs
        post(anne, text)
    job = organiser.locator("#export-jobs li").first
    expect(job).to_be_visible()
    expect(job).to_have_attribute("data-status", "done", timeout=30000)
    expect(job).to_contain_text("Prêt en")
    with organiser.expect_download() as info:
        job.locator("a").click()
    download = info.value
    assert download.suggested_filename.startswith("DEVUP") and download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert set(texts[:3]) <= cells  # everything posted before the click is in the file
    assert "Anne" in cells

    # Posting never stalled: every idea was acknowledged.
    expect(anne.locator("#my-ideas .idea")).to_have_count(6)
    expect(anne.locator("#my-ideas .idea.pending")).to_have_count(0)
    assert organiser.errors == [] and anne.errors == []


def test_a_lost_or_refused_export_says_why_and_can_be_started_again(live, open_page):
    organiser = open_page(setup_link(live), PROJECTOR)
    sign_up(organiser)
    organiser.goto(f"{live.url}/organiser/w/DEVUP")

    # The server restarts between the click and the first progress poll: it forgot the job (jobs live
    # in memory). The poll is held in the browser while the real server is killed and started again.
    held = []

    def hold(route):
        held.append(route)

    organiser.route("**/organiser/api/exports/*", hold)
    organiser.click("button[data-export=csv]")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        organiser.wait_for_timeout(50)
    assert held, "the page never asked for the job's progress"
    live.kill()
    live.start()
    held[0].continue_()  # now it reaches the restarted server
    organiser.unroute("**/organiser/api/exports/*")
    job = organiser.locator("#export-jobs li").first
    expect(job).to_have_attribute("data-status", "failed")
    expect(job).to_contain_text("Cet export a été perdu : le serveur a redémarré pendant sa préparation. Relancez-le.")
    organiser.click("button[data-export=csv]")
    expect(organiser.locator("#export-jobs li").first).to_have_attribute("data-status", "done", timeout=30000)
    expect(organiser.locator("#export-jobs li")).to_have_count(2)

    # Logged out meanwhile (another tab, an expired cookie): the click says so instead of failing silently.
    organiser.context.clear_cookies()
    organiser.click("button[data-export=xlsx]")
    refused = organiser.locator("#export-jobs li").first
    expect(refused).to_have_attribute("data-status", "failed")
    expect(refused).to_contain_text("XLSX")
    expect(refused).to_contain_text(
        "Votre session a expiré : reconnectez-vous (rechargez la page), puis relancez l'export."
    )
    # The browser logs the refused requests (404, 401) as console errors; nothing else went wrong.
    assert all("Failed to load resource" in e for e in organiser.errors), organiser.errors
