"""The agenda in real Chromium: the lead drives phases, the projector counts down, the phone says what to do."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, PROJECTOR, join

# The phone's clock is 2 h 03 min 07 s behind: its countdown must still match the projector's.
SKEW_MS = -(2 * 3600 + 3 * 60 + 7) * 1000
SKEWED_CLOCK = f"""(() => {{
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + ({SKEW_MS});
}})();"""


# The projector's clock can jump forward after it measured its offset (to reach the end of a
# phase without waiting), and its WebAudio oscillators are counted (the end sound).
PROJECTOR_PROBES = """(() => {
  const realNow = Date.now.bind(Date);
  window.__jump = 0;
  Date.now = () => realNow() + window.__jump;
  window.__notes = 0;
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { window.__notes += 1; return create.call(this); };
})();"""


def seconds(text: str) -> int:
    """'1:14:59' or '04:58' -> seconds."""
    parts = [int(p) for p in text.strip().split(":")]
    total = 0
    for part in parts:
        total = total * 60 + part
    return total


def test_lead_drives_the_agenda_on_every_screen(live, open_page, browser):
    info = live.info()
    projector_context = browser.new_context(viewport=PROJECTOR, locale="fr-FR")
    projector_context.add_init_script(PROJECTOR_PROBES)
    projector = projector_context.new_page()
    projector.errors = []
    projector.on("pageerror", lambda error: projector.errors.append(str(error)))
    projector.goto(info["projector_url"])
    console = open_page(info["facilitator_url"], PROJECTOR)
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    context.add_init_script(SKEWED_CLOCK)
    phone = context.new_page()
    phone.errors = []
    phone.on("pageerror", lambda error: phone.errors.append(str(error)))
    phone.goto(info["tables"][1]["join_url"])
    join(phone, "Anne")
    expect(console.locator("#conn-status")).to_have_attribute("data-state", "connected")

    # Before the start: nothing on the projector or the phone, the console offers to start.
    panel = projector.locator("#phase-panel")
    banner = phone.locator("#phase-banner")
    expect(panel).to_be_hidden()
    expect(banner).to_be_hidden()
    controls = console.locator("#phase-controls")
    next_button = controls.locator("[data-phase-action=next]")
    expect(next_button).to_have_text("Démarrer le programme")
    expect(controls.locator(".phase-agenda li")).to_have_count(7)

    # Start, then next twice: the round tables.
    next_button.click()
    expect(panel.locator(".phase-title")).to_have_text("Accueil et ouverture")
    expect(banner.locator(".phase-banner-do")).to_have_text("Bienvenue ! Installez-vous, la matinée commence.")
    next_button.click()
    expect(panel.locator(".phase-title")).to_have_text("Partage d'expériences")
    next_button.click()
    expect(panel.locator(".phase-title")).to_have_text("Tables rondes")
    expect(panel.locator(".phase-step")).to_have_text("Étape 3 / 7")
    expect(controls.locator("[aria-current=step]")).to_contain_text("Tables rondes")
    expect(banner.locator(".phase-banner-do")).to_have_text("Table ronde 2 — postez vos idées")
    expect(banner.locator(".phase-banner-do")).to_have_attribute("aria-live", "polite")
    expect(phone.locator("#post-button")).to_be_visible()

    # A large countdown that goes down, in step on the projector, the console and the (skewed) phone.
    countdown = panel.locator(".phase-countdown")
    expect(countdown).to_have_text(re.compile(r"^1:1[45]:\d\d$"))
    size = countdown.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 100, size  # px, on a 1920x1080 screen
    first = seconds(countdown.inner_text())
    time.sleep(2.2)
    later = seconds(countdown.inner_text())
    assert first - 4 <= later < first, (first, later)
    phone_clock = phone.locator(".phase-banner-countdown")
    console_clock = controls.locator(".phase-countdown")
    expect(phone_clock).to_have_text(re.compile(r"^1:1[45]:\d\d$"))
    # The phone measured its offset with the `time` command: within a second of the projector.
    readings = [seconds(clock.inner_text()) for clock in (countdown, phone_clock, console_clock)]
    assert max(readings) - min(readings) <= 1, readings

    # Pause: the countdown stops everywhere; +5 min; resume.
    controls.locator("[data-phase-action=pause]").click()
    expect(panel.locator(".phase-status")).to_have_text("En pause")
    expect(countdown).to_have_attribute("data-state", "paused")
    expect(banner.locator(".phase-banner-status")).to_have_text("En pause")  # the phone says it in words
    paused = seconds(countdown.inner_text())
    time.sleep(1.5)
    assert seconds(countdown.inner_text()) == paused
    controls.locator("[data-phase-action=extend][data-minutes='5']").click()
    expect(countdown).to_have_text(re.compile(r"^1:(19|20):\d\d$"))
    assert seconds(countdown.inner_text()) == paused + 300
    expect(phone_clock).to_have_text(countdown.inner_text())
    controls.locator("[data-phase-action=pause]").click()  # now "Reprendre"
    expect(countdown).not_to_have_attribute("data-state", "paused")
    expect(banner.locator(".phase-banner-status")).to_be_hidden()

    # Jump to the plenary from the agenda strip: posting closes on the phone.
    controls.locator("[data-phase-key=restitution]").click()
    expect(controls.locator(".phase-confirm .confirm-question")).to_have_text(
        "Aller directement à « Restitution en plénière » ? 1 étape sera sautée, et tous les écrans changeront d'étape."
    )
    controls.locator(".phase-confirm [data-confirm=yes]").click()
    expect(panel.locator(".phase-title")).to_have_text("Restitution en plénière")
    expect(banner.locator(".phase-banner-do")).to_have_text("Restitution en plénière — suivez l'écran de la salle")
    expect(phone.locator("#posting-closed")).to_be_visible()
    expect(phone.locator("#idea-text")).to_be_hidden()  # nothing to write during the plenary
    expect(countdown).to_have_text(re.compile(r"^(30:00|29:5\d)$"))

    # Time is up (the projector's clock jumps 31 minutes): 00:00, "Temps écoulé", the glow and the sound.
    projector.mouse.move(200, 200)  # the sound switch shows when the mouse moves
    sound = panel.locator(".phase-sound")
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "true")
    projector.evaluate("window.__jump = 31 * 60 * 1000")
    expect(countdown).to_have_text("00:00")
    expect(countdown).to_have_attribute("data-state", "over")
    expect(panel.locator(".phase-status")).to_have_text("Temps écoulé")
    expect(panel).to_have_class(re.compile(r"is-ending-cue"))
    projector.wait_for_function("window.__notes === 3")

    # Ending the agenda asks first too; then the phones' banner goes away.
    controls.locator("[data-phase-key=cloture]").click()
    controls.locator(".phase-confirm [data-confirm=yes]").click()
    expect(next_button).to_have_text("Terminer le programme")
    next_button.click()
    expect(controls.locator(".phase-confirm .confirm-question")).to_have_text(
        "Terminer le programme ? Les écrans quitteront l'agenda et le vote sera fermé."
    )
    expect(phone.locator("#phase-banner")).to_be_visible()  # nothing happened yet
    controls.locator(".phase-confirm [data-confirm=yes]").click()
    expect(phone.locator("#phase-banner")).to_be_hidden()
    expect(next_button).to_have_text("Démarrer le programme")

    for page in (projector, console, phone):
        assert page.errors == [], page.errors
    context.close()
    projector_context.close()
