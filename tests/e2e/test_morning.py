"""A participant's phone and the room's projector, in real Chromium, against the real server."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PROJECTOR, join, post
from tests.e2e.test_console import choose


def test_join_by_table_link_post_and_projector_shows_it(live, open_page):
    info = live.info()
    projector = open_page(info["projector_url"], PROJECTOR)
    expect(projector.locator("#conn-status")).to_have_attribute("data-state", "connected")
    # The join panel shows the QR code, the short code and the address.
    expect(projector.locator("body")).to_contain_text("DEVUP")
    expect(projector.locator("img[src$='.svg']").first).to_be_visible()

    anne = open_page(info["tables"][0]["join_url"])
    join(anne, "Anne")
    expect(anne.locator("#table-theme")).to_contain_text("politique d'adhésion")
    text = "Proposer une adhésion découverte gratuite la première année"
    post(anne, text)
    expect(anne.locator("#my-ideas .idea").filter(has_text=text)).to_be_visible()
    expect(anne.locator("#my-ideas .idea.pending")).to_have_count(0)

    board = projector.locator(f".board[data-table-id='{info['tables'][0]['id']}']")
    expect(board.locator(".idea").filter(has_text=text)).to_be_visible()

    # A participant of another table does not see it on their phone.
    bob = open_page(info["tables"][1]["join_url"])
    join(bob, "Bob", "Aérocentre")
    expect(bob.locator("#table-theme")).to_contain_text("business marché")
    post(bob, "Organiser des rendez-vous d'affaires avec les donneurs d'ordre")
    expect(bob.locator("#my-ideas .idea")).to_have_count(1)
    expect(bob.locator("#table-ideas")).not_to_contain_text(text)
    expect(anne.locator("#table-ideas")).not_to_contain_text("rendez-vous d'affaires")
    # ... and a colleague at Anne's table does.
    chloe = open_page(info["tables"][0]["join_url"])
    join(chloe, "Chloé", "Polepharma")
    expect(chloe.locator("#table-ideas .idea").filter(has_text=text)).to_be_visible()
    for page in (projector, anne, bob, chloe):
        assert page.errors == [], page.errors


def test_idea_typed_offline_is_delivered_once(live, open_page):
    info = live.info()
    projector = open_page(info["projector_url"], PROJECTOR)
    anne = open_page(info["tables"][2]["join_url"])
    join(anne, "Anne")

    anne.context.set_offline(True)
    expect(anne.locator("#conn-status")).to_have_attribute("data-state", "offline")
    text = "Un diagnostic de croissance offert à chaque PME adhérente"
    post(anne, text)
    pending = anne.locator("#my-ideas .idea.pending")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text(text)
    # Kept on the phone (survives the page being closed) until the server acknowledges it.
    stored = anne.evaluate("JSON.stringify(localStorage.getItem('facilitator:pending:DEVUP'))")
    assert text in stored

    anne.context.set_offline(False)
    expect(anne.locator("#conn-status")).to_have_attribute("data-state", "connected", timeout=15000)
    expect(anne.locator("#my-ideas .idea.pending")).to_have_count(0, timeout=15000)
    expect(anne.locator("#my-ideas .idea").filter(has_text=text)).to_have_count(1)
    board = projector.locator(f".board[data-table-id='{info['tables'][2]['id']}']")
    expect(board.locator(".idea").filter(has_text=text)).to_have_count(1)
    # Reconnect once more: the idea is not sent twice.
    anne.reload()
    expect(anne.locator("#conn-status")).to_have_attribute("data-state", "connected")
    expect(anne.locator("#my-ideas .idea")).to_have_count(1)
    projector.reload()
    expect(projector.locator(".idea").filter(has_text=text)).to_have_count(1)


def test_script_payload_is_shown_as_text(live, open_page):
    info = live.info()
    projector = open_page(info["projector_url"], PROJECTOR)
    console = open_page(info["facilitator_url"], PROJECTOR)
    anne = open_page(info["tables"][0]["join_url"])
    payload = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><b>gras</b>'
    # names are hidden on the projector by default: the lead shows them, so that they are checked there too
    console.locator(".tables-summary").click()
    console.locator("#show-authors").check()
    expect(console.locator("#show-authors")).to_be_checked()
    join(anne, "<i>Anne</i>", other_organisation="<b>Org</b>")
    post(anne, payload)
    for page in (anne, projector, console):
        idea = page.locator(".idea").filter(has_text="<script>window.__xss=1</script>").first
        expect(idea).to_be_visible()
        expect(idea.locator("img, script, b")).to_have_count(0)
        assert page.evaluate("window.__xss") is None
    expect(projector.locator(".idea").first).to_contain_text("<i>Anne</i>")
    expect(projector.locator(".idea").first).to_contain_text("<b>Org</b>")


def test_identity_survives_reload(live, open_page):
    info = live.info()
    anne = open_page(info["join_url"])
    join(anne, "Anne", table_number=2)
    post(anne, "Mutualiser un stand sur les salons internationaux")
    expect(anne.locator("#my-ideas .idea:not(.pending)")).to_have_count(1)
    anne.reload()
    expect(anne.locator("#conn-status")).to_have_attribute("data-state", "connected")
    expect(anne.locator("#my-ideas .idea")).to_have_count(1)
    expect(anne.locator("#table-theme")).to_contain_text("business marché")
    facilitator = live.info()
    assert facilitator["code"] == "DEVUP"
    # Going back to the join page offers to resume rather than creating a new person.
    anne.goto(info["join_url"])
    expect(anne.locator("body")).to_contain_text(re.compile("Anne|Reprendre", re.I))


def test_facilitator_hides_idea_and_closes_posting(live, open_page):
    info = live.info()
    projector = open_page(info["projector_url"], PROJECTOR)
    console = open_page(info["facilitator_url"], PROJECTOR)
    anne = open_page(info["tables"][0]["join_url"])
    join(anne, "Anne")
    post(anne, "Idée à masquer")
    table = info["tables"][0]["id"]
    expect(projector.locator(".idea").filter(has_text="Idée à masquer")).to_be_visible()

    console_idea = console.locator(f".board[data-table-id='{table}'] .idea").filter(has_text="Idée à masquer")
    choose(console, console_idea, "hide-idea")
    expect(projector.locator(".idea").filter(has_text="Idée à masquer")).to_have_count(0)
    expect(console_idea).to_have_attribute("data-state", "hidden")
    expect(anne.locator("#my-ideas .idea")).to_have_attribute("data-state", "hidden")

    choose(console, console_idea, "restore-idea")
    expect(projector.locator(".idea").filter(has_text="Idée à masquer")).to_be_visible()

    # Posting closes while Anne is typing: her draft stays in view, greyed, and goes once it reopens.
    anne.fill("#idea-text", "Un brouillon pas encore envoyé")
    console.locator(f".posting-toggle[data-table-id='{table}']").click()
    expect(anne.locator("#posting-closed")).to_be_visible()
    expect(anne.locator("#post-button")).to_be_disabled()
    expect(anne.locator("#idea-text")).to_be_disabled()
    expect(anne.locator("#idea-text")).to_have_value("Un brouillon pas encore envoyé")
    console.locator(f".posting-toggle[data-table-id='{table}']").click()
    anne.click("#post-button")
    expect(projector.locator(".idea").filter(has_text="Un brouillon pas encore envoyé")).to_be_visible()
    # Closed with nothing typed: the form shrinks to its notice.
    console.locator(f".posting-toggle[data-table-id='{table}']").click()
    expect(anne.locator("#posting-closed")).to_be_visible()
    expect(anne.locator("#idea-text")).to_be_hidden()
    expect(anne.locator("#post-button")).to_be_hidden()


def test_staff_pages_need_their_key(live, open_page):
    page = open_page(f"{live.url}/w/DEVUP/console?key=wrong")
    expect(page.locator("body")).to_contain_text(re.compile("clé|lien", re.I))
    page = open_page(f"{live.url}/w/DEVUP/projector")
    expect(page.locator("#conn-status")).to_have_count(0)


def test_projector_recovers_after_a_network_drop(live, open_page):
    info = live.info()
    projector = open_page(info["projector_url"], PROJECTOR)
    expect(projector.locator("#conn-status")).to_have_attribute("data-state", "connected")
    anne = open_page(info["tables"][1]["join_url"])
    join(anne, "Anne")
    projector.context.set_offline(True)
    expect(projector.locator("#conn-status")).not_to_have_attribute("data-state", "connected")
    text = "Idée postée pendant la coupure du projecteur"
    post(anne, text)
    expect(anne.locator("#my-ideas .idea:not(.pending)").filter(has_text=text)).to_be_visible()
    projector.context.set_offline(False)
    expect(projector.locator("#conn-status")).to_have_attribute("data-state", "connected", timeout=15000)
    expect(projector.locator(".idea").filter(has_text=text)).to_have_count(1, timeout=15000)
    expect(projector.locator("#count-ideas")).to_contain_text("1")


def test_english_interface(live, open_page):
    info = live.info()
    page = open_page(info["tables"][0]["join_url"] + "?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#join-button")).to_contain_text("Join")
    page.fill("#first-name", "")
    page.select_option("#organisation", "Area")
    page.click("#join-button")
    expect(page.locator("#first-name-error")).to_contain_text("first name")  # next to its field


def test_participant_edits_and_withdraws_an_idea(live, open_page):
    info = live.info()
    projector = open_page(info["projector_url"], PROJECTOR)
    anne = open_page(info["tables"][0]["join_url"])
    join(anne, "Anne")
    post(anne, "Adhésion à deux nivaux")
    idea = anne.locator("#my-ideas .idea:not(.pending)").first
    expect(idea).to_contain_text("nivaux")
    idea.locator(".edit-idea").click()
    idea.locator(".edit-text").fill("Adhésion à deux niveaux")
    idea.locator(".save-edit").click()
    expect(projector.locator(".idea").filter(has_text="Adhésion à deux niveaux")).to_be_visible()
    expect(projector.locator(".idea").filter(has_text="nivaux")).to_have_count(0)

    idea.locator(".withdraw-idea").click()
    idea.locator(".confirm-withdraw").click()
    expect(anne.locator("#my-ideas .idea")).to_have_count(0)
    expect(projector.locator(".idea")).to_have_count(0)

    # The counter follows the text and the limit is enforced by the field.
    anne.fill("#idea-text", "x" * 300)
    expect(anne.locator("#idea-counter")).to_contain_text("280 / 280")


def test_screens_recover_after_the_server_is_killed(live, open_page):
    info = live.info()
    projector = open_page(info["projector_url"], PROJECTOR)
    anne = open_page(info["tables"][0]["join_url"])
    join(anne, "Anne")
    post(anne, "Avant la panne")
    expect(projector.locator(".idea").filter(has_text="Avant la panne")).to_be_visible()

    live.kill()
    expect(projector.locator("#conn-status")).to_have_attribute("data-state", "reconnecting", timeout=30000)
    expect(anne.locator("#conn-status")).to_have_attribute("data-state", "reconnecting", timeout=30000)
    post(anne, "Pendant la panne")  # kept as pending on the phone
    expect(anne.locator("#my-ideas .idea.pending")).to_have_count(1)

    live.start()
    expect(anne.locator("#conn-status")).to_have_attribute("data-state", "connected", timeout=30000)
    expect(anne.locator("#my-ideas .idea.pending")).to_have_count(0, timeout=15000)
    for text in ("Avant la panne", "Pendant la panne"):
        expect(projector.locator(".idea").filter(has_text=text)).to_have_count(1, timeout=15000)
    expect(projector.locator("#conn-status")).to_have_attribute("data-state", "connected")
