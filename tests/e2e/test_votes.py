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

    def add(page, text):
        return page.locator(".vote-item", has_text=text).get_by_role(
            "button", name="Ajouter un vote pour « " + text + " »"
        )

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


def test_lead_sets_the_voting_rules_from_the_console_and_every_screen_follows(live, open_page):
    info = live.info()
    table = info["tables"][0]
    console = open_page(info["facilitator_url"], LAPTOP)
    table_console = open_page(table["facilitator_url"], LAPTOP)
    anne = open_page(table["join_url"])
    join(anne, "Anne")
    post(anne, "Une adhésion découverte")
    post(anne, "Un annuaire des adhérents")

    form = console.locator("form.vote-settings")
    rules = table_console.locator("[data-test='vote-rules']")
    expect(rules).to_have_text(
        "3 votes par personne · au plus 1 par élément · sur les idées · résultats au dévoilement"
    )
    expect(table_console.locator("form.vote-settings")).to_have_count(0)  # the lead's decision
    # A table's console shows the agenda read-only, with no stray text (a "null" once stood there).
    phase = table_console.locator("#phase-controls")
    expect(phase.locator(".phase-lead-only")).to_have_text("Seul l'animateur principal change d'étape.")
    assert "null" not in phase.inner_text()
    expect(form.get_by_label("Votes par personne")).to_have_value("3")

    # Checked in the browser before anything is sent, in the user's language.
    form.get_by_label("Votes par personne").fill("2")
    form.get_by_label("Au plus sur un même élément").fill("3")
    form.get_by_role("button", name="Enregistrer les règles").click()
    expect(form.locator(".vote-settings-status")).to_have_text(
        "Le nombre de votes sur un même élément ne peut pas dépasser le nombre de votes par personne."
    )
    expect(form.get_by_label("Au plus sur un même élément")).to_be_focused()
    form.get_by_label("Votes par personne").fill("25")
    form.get_by_label("Au plus sur un même élément").fill("2")
    form.get_by_role("button", name="Enregistrer les règles").click()
    expect(form.locator(".vote-settings-status")).to_have_text("Indiquez un nombre entier de votes entre 1 et 20.")
    expect(rules).to_contain_text("3 votes par personne")  # nothing was sent

    form.get_by_label("Votes par personne").fill("5")
    form.get_by_label("Résultats visibles en direct (sinon au dévoilement)").check()
    form.get_by_role("button", name="Enregistrer les règles").click()
    expect(form.locator(".vote-settings-status")).to_have_text(
        "Règles enregistrées : elles s'appliquent à toutes les tables."
    )
    expect(rules).to_have_text("5 votes par personne · au plus 2 par élément · sur les idées · résultats en direct")

    # The phone's ballot follows: 5 dots, two of them on one idea.
    console.locator(f".vote-console[data-table-id='{table['id']}'] [data-action='voting']").click()
    ballot = anne.locator("#voting")
    expect(ballot.locator(".votes-remaining")).to_have_text("Il vous reste 5 votes")
    add = anne.locator(".vote-item", has_text="Un annuaire des adhérents").get_by_role(
        "button", name="Ajouter un vote pour « Un annuaire des adhérents »"
    )
    add.click()
    expect(ballot.locator(".votes-remaining")).to_have_text("Il vous reste 4 votes")
    add.click()
    expect(ballot.locator(".votes-remaining")).to_have_text("Il vous reste 3 votes")
    expect(add).to_be_disabled()

    # With dots cast, the target is locked and fewer dots are refused by the server, with its message;
    # what was cast stays.
    expect(form.locator(".vote-settings-note")).to_be_visible()
    expect(form.get_by_label("On vote sur")).to_be_disabled()
    form.get_by_label("Votes par personne").fill("4")
    form.get_by_role("button", name="Enregistrer les règles").click()
    expect(console.locator("#message")).to_contain_text("Des votes ont déjà été exprimés")
    expect(rules).to_contain_text("5 votes par personne")
    expect(ballot.locator(".votes-remaining")).to_have_text("Il vous reste 3 votes")
    # Cancel puts back the rules in force.
    form.get_by_role("button", name="Annuler").click()
    expect(form.get_by_label("Votes par personne")).to_have_value("5")
    for page in (console, table_console, anne):
        assert page.errors == [], page.errors
