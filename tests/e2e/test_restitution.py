"""Plenary restitution in real Chromium: a 1920x1080 projector driven from a phone-sized console."""

from __future__ import annotations

import json
import os
import urllib.request
import uuid

import socketio
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, PROJECTOR

SHOTS = os.environ.get("RESTITUTION_SHOTS")  # a directory: save screenshots there (for a human look)


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"))


def call(client, name, payload):
    ack = client.call(name, payload, timeout=10)
    assert ack["ok"], (name, ack)
    return ack


def seed_room(live, info):
    """Anne posts two ideas at table 1, one goes into a group, she votes for it, the lead reveals the votes."""
    t1 = info["tables"][0]["id"]
    request = urllib.request.Request(
        f"{live.url}/api/w/DEVUP/join",
        method="POST",
        data=json.dumps({"first_name": "Anne", "organisation": "Cosmetic Valley", "table_id": t1}).encode(),
        headers={"Content-Type": "application/json"},
    )
    token = json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]
    anne, lead = socketio.Client(), socketio.Client()
    anne.connect(live.url, auth={"role": "participant", "token": token}, transports=["websocket"], wait_timeout=10)
    lead.connect(
        live.url,
        auth={"role": "facilitator", "workshop": "DEVUP", "key": info["facilitator_key"]},
        transports=["websocket"],
        wait_timeout=10,
    )
    try:
        top, other = str(uuid.uuid4()), str(uuid.uuid4())
        call(anne, "post_idea", {"id": top, "text": "Une adhésion découverte gratuite la première année"})
        call(anne, "post_idea", {"id": other, "text": "Un annuaire des compétences des adhérents"})
        snapshot = call(lead, "sync", {"since": 0})["snapshot"]
        group = next(g for g in snapshot["groups"] if g["table_id"] == t1)
        call(lead, "move_idea", {"id": top, "group_id": group["id"]})
        # The other stays "À classer" whatever the engine suggested (the walk below shows an unsorted idea).
        call(lead, "move_idea", {"id": other, "group_id": None})
        call(lead, "set_voting", {"table_id": t1, "open": True})
        call(anne, "cast_vote", {"target_kind": "idea", "target_id": top})
        call(lead, "reveal_votes", {"table_id": t1, "revealed": True})
        call(lead, "set_show_authors", {"show": True})  # hidden by default: the spotlight below shows the author
    finally:
        anne.disconnect()
        lead.disconnect()
    return {"top": top, "group": group}


def test_facilitator_drives_the_restitution_from_a_phone(live, open_page):
    info = live.info()
    seeded = seed_room(live, info)
    tables = info["tables"]
    projector = open_page(info["projector_url"], PROJECTOR)
    expect(projector.locator("#conn-status")).to_have_attribute("data-state", "connected")
    remote = open_page(info["facilitator_url"] + "&mode=remote", PHONE)
    expect(remote.locator("#conn-status")).to_have_attribute("data-state", "connected")
    panel = remote.locator("#remote")
    expect(panel).to_contain_text("Restitution non démarrée")
    expect(remote.locator("#boards")).to_be_hidden()  # the remote alone on a phone

    # Start: the projector's boards give way to table 1's theme.
    panel.locator(".remote-start").click()
    walk = projector.locator("#restitution")
    expect(walk).to_be_visible()
    expect(walk).to_have_attribute("data-step", "theme")
    expect(walk.locator(".restitution-theme")).to_have_text(tables[0]["theme"])
    expect(projector.locator("#boards")).to_be_hidden()
    expect(panel.locator(".remote-status")).to_contain_text("Table 1 · Thème (1/3)")
    theme_size = walk.locator(".restitution-theme").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert theme_size >= 80, theme_size  # readable from the back of the room
    shot(projector, "1-theme")

    # Next: the groups with their idea counts.
    panel.locator(".remote-next").click()
    expect(walk).to_have_attribute("data-step", "groups")
    card = walk.locator(".restitution-group").filter(has_text=seeded["group"]["label"])
    expect(card).to_contain_text("1 idée")
    expect(walk.locator(".restitution-group.is-unsorted")).to_contain_text("1 idée")
    shot(projector, "2-groups")

    # Next (with the keyboard's arrow, as a presentation clicker sends): the top-voted items, ranked.
    remote.locator("body").press("ArrowRight")
    expect(walk).to_have_attribute("data-step", "votes")
    rows = walk.locator(".vote-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("adhésion découverte")
    expect(rows.first).to_contain_text("1 vote")
    expect(rows.first).to_have_attribute("data-rank", "1")
    shot(projector, "3-votes")

    # Spotlight the top item from the remote: it fills the projector.
    item = panel.locator(".remote-item").filter(has_text="adhésion découverte")
    spot = item.locator(".remote-item-spot")
    box = spot.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    spot.click()
    overlay = projector.locator("#spotlight")
    expect(overlay).to_be_visible()
    expect(overlay.locator(".spotlight-text")).to_have_text("Une adhésion découverte gratuite la première année")
    expect(overlay.locator(".spotlight-author")).to_contain_text("Anne · Cosmetic Valley")
    expect(overlay.locator(".spotlight-kicker")).to_have_text(seeded["group"]["label"])
    size = overlay.bounding_box()
    assert size["width"] == PROJECTOR["width"] and size["height"] == PROJECTOR["height"], size
    assert overlay.locator(".spotlight-text").evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 80
    expect(spot).to_have_attribute("aria-pressed", "true")
    expect(panel.locator(".remote-current")).to_contain_text("adhésion découverte")
    shot(projector, "4-spotlight")
    shot(remote, "remote-phone")

    # Clear it.
    panel.locator(".remote-clear").click()
    expect(overlay).to_be_hidden()
    expect(walk).to_have_attribute("data-step", "votes")

    # Next table: table 2's theme; its votes are not revealed, so the projector says so.
    panel.locator(".remote-next").click()
    expect(walk.locator(".restitution-theme")).to_have_text(tables[1]["theme"])
    expect(panel.locator(".remote-status")).to_contain_text("Table 2 · Thème (1/3)")

    # Table 2's facilitator takes over from their own phone for their table's turn.
    second = open_page(tables[1]["facilitator_url"] + "&mode=remote", PHONE)
    second_panel = second.locator("#remote")
    expect(second.locator("#conn-status")).to_have_attribute("data-state", "connected")
    expect(second_panel.locator(".remote-status")).to_contain_text("Table 2 · Thème")
    expect(second_panel.locator(".remote-lead")).to_be_hidden()
    second_panel.locator(".remote-next").click()
    expect(walk).to_have_attribute("data-step", "groups")
    second_panel.locator(".remote-next").click()
    expect(walk).to_have_attribute("data-step", "votes")
    expect(walk).to_contain_text("Votes non révélés")
    expect(second_panel.locator(".remote-next")).to_have_attribute("aria-disabled", "true")  # their table ends here

    # Every big button of the remote is a comfortable tap target, and the phone page does not scroll sideways.
    for button in panel.locator(".btn:visible").all():
        box = button.bounding_box()
        assert box["height"] >= 44, (button.text_content(), box)
    assert remote.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Stop: the room screen goes back to what it showed before: table 1's revealed results, in the
    # boards' place.
    panel.locator(".remote-stop").click()
    expect(walk).to_be_hidden()
    expect(projector.locator("#vote-results")).to_be_visible()
    expect(projector.locator("#boards")).to_be_hidden()
    for page in (projector, remote, second):
        assert page.errors == [], page.errors
