"""A Dnr (RUN-00386-2023) is read as one word: the web app's tables and lists never break one
at its hyphens, however narrow the window."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from accessibility import CHROMIUM
from webtools import client_for, workspace

from avtalsgen.web.config import WebConfig

DNR = re.compile(r"RUN-\d{5}-\d{4}")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> WebConfig:
    return workspace(tmp_path_factory.mktemp("dnr"))


def _pages(config: WebConfig) -> dict[str, str]:
    """The case list, the meetings and a meeting's page as the secretary sees them, and
    the stylesheet."""
    with client_for(config, "alla") as client:
        pages = {path: client.get(path).text for path in ("/arenden", "/sammantraden")}
        meeting = re.search(r'href="(/sammantraden/(?!ny")[^"?]+)"', pages["/sammantraden"])
        assert meeting, "the meetings page links to a meeting"
        pages[meeting.group(1)] = client.get(meeting.group(1)).text
        style = re.search(r'href="(/static/style\.css[^"]*)"', pages["/arenden"])
        assert style, "the pages link the stylesheet"
        pages["style"] = client.get(style.group(1).replace("&amp;", "&")).text
    return pages


def test_every_dnr_in_the_tables_and_lists_is_marked_to_stay_whole(config: WebConfig) -> None:
    pages = _pages(config)
    assert re.search(r"\.dnr\s*\{\s*white-space:\s*nowrap;?\s*\}", pages.pop("style"))
    for path, html in pages.items():
        shown = [m for m in DNR.finditer(html) if html[max(0, m.start() - 1)] == ">"]
        assert shown, f"{path} shows Dnr"
        for match in shown:
            # The element that holds the Dnr, or the one around the link that does.
            holders = re.findall(r"<[a-z][^>]*>", html[: match.start()])[-2:]
            assert any('class="dnr"' in tag for tag in holders), f"{path}: {holders}"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium-headless-shell")
def test_a_narrow_window_keeps_each_dnr_on_one_line(config: WebConfig, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    pages = _pages(config)
    style = pages.pop("style")
    html = pages["/arenden"].replace("</head>", f"<style>{style}</style></head>", 1)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 480, "height": 800})
            page.route("**/*", lambda route: route.abort())  # nothing but this page
            page.set_content(html)
            lines = page.eval_on_selector_all(
                "tbody tr td:first-child a",
                "links => links.map(a => [a.textContent, a.getClientRects().length])",
            )
        finally:
            browser.close()
    assert len(lines) == 7, lines
    assert all(count == 1 for _, count in lines), lines
