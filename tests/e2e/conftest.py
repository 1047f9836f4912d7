"""End-to-end fixtures: Debian's Chromium driven by Playwright, against the real server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import need
from tests.live_server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a headless, offline-friendly Chromium (its background services cannot reach the network here).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        need("browser", "Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("browser", "Python Playwright is not installed (pip install -r requirements-dev.txt)")
    from playwright.sync_api import expect

    # What one screen does must show on another (a rotation on the phones, a merge on the projector):
    # on a busy 2-core CI machine that chain (command, commit, fan-out, sync, render) can outlast
    # Playwright's 5 s default. Assertions still wait for their condition; only a failure takes longer.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live(tmp_path):
    server = LiveServer(tmp_path / "live").start()
    yield server
    server.stop()


@pytest.fixture
def open_page(browser):
    """open_page(url, viewport) -> a page in its own context (its own localStorage: another device)."""
    contexts = []

    def factory(url: str, viewport: dict = PHONE, **context_args):
        context = browser.new_context(viewport=viewport, **{"locale": "fr-FR", **context_args})
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
        page.goto(url)
        return page

    yield factory
    for context in contexts:
        context.close()


def join(
    page,
    first_name: str,
    organisation: str = "Cosmetic Valley",
    table_number: int | None = None,
    other_organisation: str | None = None,
):
    """Fill the join form of the page (already on /j/...) and wait for the participant page.

    ``other_organisation`` types an organisation that is not in the list ("Autre…").
    """
    page.fill("#first-name", first_name)
    if other_organisation is not None:
        page.select_option("#organisation", "__other__")
        page.fill("#organisation-other", other_organisation)
    else:
        page.select_option("#organisation", organisation)
    if table_number is not None and page.locator("input[name=table]").count():
        change = page.locator("details.change-table")  # a table's QR code folds the other tables
        if change.count() and change.get_attribute("open") is None:
            change.locator("summary").click()
        page.locator("input[name=table]").nth(table_number - 1).check()
    page.click("#join-button")
    page.wait_for_url("**/w/DEVUP")
    page.wait_for_selector("#conn-status[data-state=connected]")
    page.wait_for_selector("#table-view:not([hidden])")


def post(page, text: str):
    page.fill("#idea-text", text)
    page.click("#post-button")


def with_lang(url: str, lang: str) -> str:
    """``url`` asking for the page in ``lang`` (the ``?lang=`` switch)."""
    return url + ("&" if "?" in url else "?") + f"lang={lang}"
