"""A compressed morning in real Chromium, in French and in English, from the facilitators' and participants' screens only.

Three participants on three tables post ideas during the round tables; the lead
facilitator moves the agenda to the priorities vote; the phones vote; the lead
reveals each table's results and the projector ranks them (ties as ties); the
plenary restitution then walks the projector through the three tables from a
phone. Every expected text is read from the language's catalogue, so this also
checks that the screens really speak the language asked for.
"""

from __future__ import annotations

import pytest
from babel import Locale
from playwright.sync_api import expect

from facilitator.i18n import entries
from tests.e2e.conftest import PHONE, PROJECTOR, join, post, with_lang

LAPTOP = {"width": 1400, "height": 900}
BROWSER_LOCALE = {"fr": "fr-FR", "en": "en-GB"}

# (first name, organisation, two ideas for that table's theme)
PEOPLE = [
    (
        "Anne",
        "Cosmetic Valley",
        ["Une cotisation modulée selon la taille de l'entreprise", "Un annuaire des adhérents en ligne"],
    ),
    (
        "Bruno",
        "Aérocentre",
        ["Des rendez-vous d'affaires avec les donneurs d'ordre", "Une veille des marchés partagée entre adhérents"],
    ),
    ("Chloé", "Polepharma", ["Un diagnostic de croissance offert à chaque PME", "Du mentorat entre dirigeants de PME"]),
]


def T(lang: str, key: str, count: int | None = None, **values) -> str:
    """The language's own catalogue text for a browser key (``js.`` prefix added; no French fallback),
    with {name} placeholders filled."""
    key = f"js.{key}"
    if count is not None:
        key = f"{key}.{Locale.parse(lang).plural_form(count)}"
        values.setdefault("n", count)
    text = entries(lang)[key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def sections(console) -> list[str]:
    """The console's main sections, in page (and Tab) order."""
    return console.evaluate(
        "() => [...document.querySelectorAll('#remote, #votes-panel, #tables-panel, #boards')].map((e) => e.id)"
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compressed_morning(live, open_page, lang):
    info = live.info()
    tables = info["tables"]
    locale = BROWSER_LOCALE[lang]
    # Pages of 1 s: when the boards do not fit side by side the projector shows one table at a time.
    projector = open_page(with_lang(info["projector_url"], lang) + "&page_seconds=1", PROJECTOR, locale=locale)
    console = open_page(with_lang(info["facilitator_url"], lang), LAPTOP, locale=locale)
    phones = []
    for table, (name, organisation, _) in zip(tables, PEOPLE):
        # The phones get their language from the browser (Accept-Language), as in the room.
        phone = open_page(table["join_url"], PHONE, locale=locale)
        join(phone, name, organisation)
        phones.append(phone)
    for page in (projector, console, *phones):
        assert page.evaluate("document.documentElement.lang") == lang
        expect(page.locator("#conn-status")).to_have_attribute("data-state", "connected")

    # 1. The lead starts the agenda and moves to the round tables: every phone says what to do.
    controls = console.locator("#phase-controls")
    next_button = controls.locator("[data-phase-action=next]")
    title = projector.locator("#phase-panel .phase-title")
    for expected in ("Accueil et ouverture", "Partage d'expériences", "Tables rondes"):
        next_button.click()
        expect(title).to_have_text(expected)  # the agenda's own titles (the definition is in French)
    for number, phone in enumerate(phones, start=1):
        expect(phone.locator("#phase-banner .phase-banner-do")).to_have_text(T(lang, "phase.do.round_tables", n=number))
    # The console puts the boards first during the round tables: the first one starts on screen.
    assert sections(console) == ["tables-panel", "boards", "votes-panel", "remote"]
    assert console.locator(".board").first.bounding_box()["y"] < LAPTOP["height"] / 2

    # 2. Each participant posts two ideas; the projector shows them on their table's board.
    for phone, (_, _, ideas) in zip(phones, PEOPLE):
        for text in ideas:
            post(phone, text)
        expect(phone.locator("#my-ideas .idea")).to_have_count(2)
        expect(phone.locator("#my-ideas .idea.pending")).to_have_count(0)
    for table, (_, _, ideas) in zip(tables, PEOPLE):
        board = projector.locator(f".board[data-table-id='{table['id']}']")
        for text in ideas:  # on screen now, or within one turn of the tables (one page each, 1 s)
            expect(board.locator(".idea").filter(has_text=text)).to_be_visible(timeout=15000)
    # On the laptop console every idea card's "⋯" (its menu of actions) is inside its card, even in the
    # narrow columns of a board with four topics.
    expect(console.locator(".board .idea .menu-button")).to_have_count(6)
    clipped = console.evaluate("""() => [...document.querySelectorAll('.board .idea')].flatMap((card) => {
        const box = card.getBoundingClientRect();
        return [...card.querySelectorAll('.menu-button, .idea-text')].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width < 24 || r.left < box.left - 1 || r.right > box.right + 1;
        }).map((el) => `${card.querySelector('.idea-text').textContent}: ${el.outerHTML.slice(0, 80)}`);
    })""")
    assert clipped == [], clipped

    # 3. The lead jumps to the priorities vote (over the break and the plenary: the console asks first,
    # and Escape keeps the current step); posting closes, the ballots open with 3 votes each.
    controls.locator("[data-phase-key=priorites]").click()
    confirm = controls.locator(".phase-confirm")
    expect(confirm.locator(".confirm-question")).to_have_text(
        T(lang, "phase.confirm_skip", 2, title="Priorités pour les prochains mois")
    )
    expect(confirm.locator("[data-confirm=yes]")).to_be_focused()
    console.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(controls.locator("[data-phase-key=priorites]")).to_be_focused()
    assert title.inner_text() == "Tables rondes"
    controls.locator("[data-phase-key=priorites]").click()
    confirm.locator("[data-confirm=yes]").click()
    expect(title).to_have_text("Priorités pour les prochains mois")
    for phone in phones:
        expect(phone.locator("#phase-banner .phase-banner-do")).to_have_text(T(lang, "phase.do.voting"))
        expect(phone.locator("#voting .votes-remaining")).to_have_text(T(lang, "votes.remaining", 3))
        expect(phone.locator("#posting-closed")).to_be_visible()

    def vote(phone, text):
        phone.locator(".vote-item").filter(has_text=text).locator(".vote-btn[data-key^='+']").click()

    # Anne splits two votes between her table's ideas (a tie); Bruno and Chloé back their first idea.
    vote(phones[0], PEOPLE[0][2][0])
    vote(phones[0], PEOPLE[0][2][1])
    expect(phones[0].locator("#voting .votes-remaining")).to_have_text(T(lang, "votes.remaining", 1))
    for phone, (_, _, ideas) in zip(phones[1:], PEOPLE[1:]):
        vote(phone, ideas[0])
        expect(phone.locator("#voting .votes-remaining")).to_have_text(T(lang, "votes.remaining", 2))
    console.wait_for_function("document.querySelector('main > section, main > div#boards').id === 'votes-panel'")
    assert sections(console)[0] == "votes-panel"  # the votes come first while people vote
    # While the tables vote their boards are frozen: the console says so and "Regrouper" waits.
    first_board = console.locator(f".board[data-table-id='{tables[0]['id']}']")
    expect(first_board.locator(".board-hint")).to_have_text(T(lang, "console.board_frozen"))
    expect(first_board.locator(".regroup")).to_have_attribute("aria-disabled", "true")
    # Hidden from the room until the reveal.
    results = projector.locator("#vote-results")
    expect(results).to_be_hidden()

    # 4. The lead reveals each table's results: the projector ranks them, ties shown as ties.
    for table in tables:
        panel = console.locator(f".vote-console[data-table-id='{table['id']}']")
        panel.locator("[data-action='reveal']").click()
        expect(panel.locator("[data-action='reveal']")).to_have_attribute("aria-pressed", "true")
    expect(results).to_be_visible()
    tied = results.locator(f".vote-panel[data-table-id='{tables[0]['id']}'] .vote-row")
    expect(tied).to_have_count(2)
    for row in (tied.nth(0), tied.nth(1)):
        expect(row).to_have_attribute("data-rank", "1")
    expect(tied.nth(0)).to_contain_text(T(lang, "votes.ex_aequo"))
    for table, (_, _, ideas) in zip(tables[1:], PEOPLE[1:]):
        rows = results.locator(f".vote-panel[data-table-id='{table['id']}'] .vote-row")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(ideas[0])
        expect(rows.first).to_have_attribute("data-rank", "1")
    # The results take the boards' place: the vote's countdown stays in view above them.
    on_top = projector.evaluate("""() => {
        const clock = document.querySelector('#phase-panel .phase-countdown');
        const r = clock.getBoundingClientRect();
        return clock.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    }""")
    assert on_top, "the vote results cover the countdown"

    # 5. The plenary: the phones say so, and the lead walks the projector through the tables from a phone.
    controls.locator("[data-phase-key=restitution]").click()
    expect(title).to_have_text("Restitution en plénière")
    for phone in phones:
        expect(phone.locator("#phase-banner .phase-banner-do")).to_have_text(T(lang, "phase.do.plenary"))
    expect(first_board.locator(".board-hint")).to_have_text(T(lang, "console.board_hint"))  # voting closed
    assert sections(console)[0] == "remote"  # the restitution remote comes first in the plenary
    remote = open_page(with_lang(info["facilitator_url"] + "&mode=remote", lang), PHONE, locale=locale)
    panel = remote.locator("#remote")
    expect(remote.locator("#conn-status")).to_have_attribute("data-state", "connected")
    start = panel.locator(".remote-start")
    expect(start).not_to_have_attribute("aria-disabled", "true")
    start.click()
    walk = projector.locator("#restitution")
    expect(walk).to_be_visible()
    for index, (table, (_, _, ideas)) in enumerate(zip(tables, PEOPLE)):
        expect(walk).to_have_attribute("data-step", "theme")
        expect(walk.locator(".restitution-theme")).to_have_text(table["theme"])
        expect(walk.locator(".restitution-chip")).to_have_text(T(lang, "common.table_number", n=table["number"]))
        panel.locator(".remote-next").click()
        expect(walk).to_have_attribute("data-step", "groups")
        # The table's two ideas are all counted, in groups or "to sort".
        counts = walk.locator(".restitution-group-count")
        expect(counts.first).to_be_visible()
        value = {T(lang, "projector.ideas", n): n for n in range(3)}
        shown = counts.all_inner_texts()
        assert set(shown) <= set(value) and sum(value[text] for text in shown) == 2, shown
        panel.locator(".remote-next").click()
        expect(walk).to_have_attribute("data-step", "votes")
        rows = walk.locator(".vote-row")
        if index == 0:  # Anne's tie: both ideas first
            expect(rows).to_have_count(2)
            for row in (rows.nth(0), rows.nth(1)):
                expect(row).to_have_attribute("data-rank", "1")
        else:
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text(ideas[0])
            expect(rows.first).to_have_attribute("data-rank", "1")
        if index < len(tables) - 1:
            panel.locator(".remote-next").click()  # on to the next table
    panel.locator(".remote-stop").click()
    expect(walk).to_be_hidden()

    # 6. Closing: the last step of the agenda reaches every phone.
    controls.locator("[data-phase-key=cloture]").click()
    expect(confirm.locator(".confirm-question")).to_have_text(
        T(lang, "phase.confirm_skip", 1, title="Conclusion et prochaines étapes")
    )
    confirm.locator("[data-confirm=yes]").click()
    expect(title).to_have_text("Conclusion et prochaines étapes")
    for phone in phones:
        expect(phone.locator("#phase-banner .phase-banner-do")).to_have_text(T(lang, "phase.do.closing"))
    for page in (projector, console, remote, *phones):
        assert page.errors == [], page.errors
