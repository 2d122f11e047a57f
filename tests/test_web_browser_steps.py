"""In a real browser (Debian's Chromium driven by Playwright, axe-core on each page), in a
wide and a narrow (360 px) window, in Swedish and English: the secretary's way back from a
step after the meeting to the steps. The meeting's page is its form (about 16 000 pixels
tall in a wide window) with the steps after the meeting below it; "Tillbaka till
sammanträdet" on a run's page and on the certification's pages (its form, and its answer,
which stands in the history as the steps' address) leads to the steps, not to the top of
the form; and the table of the paragraphs' protokollsutdrag shows each row's
"Bestyrk §" in a narrow window, not past its right edge. Extracts made with pikepdf (no
LibreOffice); the run is a publicering, which has nothing to publish without them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from accessibility import CHROMIUM, run_axe
from test_web_browser import browser as browser  # the module's Chromium
from webtools import PASSWORD, serving, workspace

from avtalsgen.web.config import WebConfig

pytestmark = [pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium-headless-shell")]

MEETING = "exempel-run-2023-12-05"
#: The meeting's paragraphs and their cases.
PARAGRAPHS = {211: "RUN-00386-2023", 212: "RUN-90001-2023"}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WORDS = {
    "sv": {"user": "Användarnamn", "password": "Lösenord", "login": "Logga in",
           "back": "Tillbaka till sammanträdet", "steps": "Efter sammanträdet",
           "certify": "Bestyrk § {n}", "publish": "Gör publiceringsversioner"},
    "en": {"user": "User name", "password": "Password", "login": "Log in",
           "back": "Back to the meeting", "steps": "After the meeting",
           "certify": "Certify § {n}", "publish": "Make the versions for publishing"},
}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WebConfig]]:
    """The app over the shipped cases, with an unsigned protokollsutdrag of each paragraph
    of the meeting of 2023-12-05."""
    config = workspace(tmp_path_factory.mktemp("steps"))
    with serving(config) as (url, _app):
        yield url, config


def _unsigned_extracts(config: WebConfig) -> None:
    """A blank, unsigned protokollsutdrag of each paragraph (again: a test certifies one)."""
    import pikepdf

    for number, dnr in PARAGRAPHS.items():
        (config.output / dnr).mkdir(exist_ok=True)
        with pikepdf.new() as pdf:
            pdf.add_blank_page()
            pdf.save(config.output / dnr / f"protokollsutdrag-{number}.pdf")


def _page(browser: Any, base: str, language: str, width: int) -> Any:
    from playwright.sync_api import expect

    page = browser.new_page(locale={"sv": "sv-SE", "en": "en-GB"}[language],
                            viewport={"width": width, "height": 800})  # fmt: skip
    page.set_default_timeout(60_000)
    page.goto(base + "/login")
    if language == "en":
        page.get_by_role("link", name="English", exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    words = WORDS[language]
    page.get_by_label(words["user"]).fill("sekr")
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.wait_for_url("**/arenden")
    return page


def _in_view(page: Any, locator: Any) -> bool:
    """Whether ``locator``'s element lies wholly inside the window as it is scrolled."""
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
                and box["y"] >= 0 and box["y"] + box["height"] <= size["height"])  # fmt: skip


def _at_the_steps(page: Any, words: dict[str, str]) -> None:
    """The meeting's page, its form drawn, shown at the steps after the meeting."""
    from playwright.sync_api import expect

    page.wait_for_selector("#editor[data-ready=true]")
    heading = page.get_by_role("heading", name=words["steps"], exact=True)
    expect(heading).to_be_focused()
    assert _in_view(page, heading), (page.url, page.evaluate("window.scrollY"))


def _no_violations(page: Any) -> None:
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    assert [v["id"] for v in run_axe(page, options)["violations"]] == []


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_back_from_a_step_leads_to_the_steps(
    server: tuple[str, WebConfig], browser: Any, language: str, width: int
) -> None:
    base, config = server
    _unsigned_extracts(config)
    words = WORDS[language]
    page = _page(browser, base, language, width)
    page.goto(f"{base}/sammantraden/{MEETING}#efter-rubrik")
    _at_the_steps(page, words)
    # Each extract's Bestyrk in the window as it stands, the table not scrolled sideways.
    for number, dnr in PARAGRAPHS.items():
        link = page.get_by_role("link", name=f"{words['certify'].format(n=number)} {dnr}")
        link.scroll_into_view_if_needed()
        assert _in_view(page, link), (number, link.bounding_box())
        # Not by scrolling the table sideways: its region shows it as it stands.
        region = link.evaluate("a => a.closest('.table-scroll').scrollLeft")
        assert region == 0, (number, region)
    _no_violations(page)
    # The certification's page, and back.
    page.get_by_role("link", name=f"{words['certify'].format(n=211)} {PARAGRAPHS[211]}").click()
    page.wait_for_url("**/bestyrk?paragraf=211")
    _no_violations(page)
    page.get_by_role("link", name=words["back"]).click()
    _at_the_steps(page, words)
    # The certification's answer, which stands in the history as the steps' address (a
    # reload asks for them), and back: the meeting's page loaded, not this one moved.
    page.get_by_role("link", name=f"{words['certify'].format(n=212)} {PARAGRAPHS[212]}").click()
    page.get_by_role("button", name=words["certify"].format(n=212)).click()
    page.wait_for_url(f"**/sammantraden/{MEETING}#efter-rubrik")
    page.get_by_role("link", name=words["back"]).click()
    _at_the_steps(page, words)
    # A step's run, and back once it has ended.
    page.get_by_role("button", name=words["publish"]).click()
    page.wait_for_url("**/korning/*")
    page.wait_for_selector("#run[data-done=true]")
    _no_violations(page)
    page.get_by_role("link", name=words["back"]).click()
    _at_the_steps(page, words)
    page.close()
