"""axe-core in headless Chromium (Debian's ``chromium``, driven by Playwright): the WCAG 2.1
A and AA rules and axe's best practices, run on a page avtalsgen wrote."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

#: Debian's Chromium; Playwright's own browser download does not work here.
CHROMIUM = Path("/usr/bin/chromium")
#: The rules run: WCAG 2.0 and 2.1, levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(
    *page_files: Path, screenshots: Path | None = None
) -> dict[Path, list[dict[str, Any]]]:
    """The axe-core violations of each HTML file of ``page_files`` (id, impact, what and
    where), all read by one Chromium, with a full-page screenshot of each into the folder
    ``screenshots`` when asked."""
    if not CHROMIUM.is_file() or shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (bash scripts/setup.sh installs it)")
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    found: dict[Path, list[dict[str, Any]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            for page_file in page_files:
                page = browser.new_page()
                page.goto(page_file.resolve().as_uri())
                results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
                if screenshots is not None:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshots / f"{page_file.stem}.png"), full_page=True)
                page.close()
                response = results.response
                assert response["passes"], f"{page_file}: axe ran no rule that passed"
                found[page_file] = [
                    {
                        "id": v["id"],
                        "impact": v["impact"],
                        "help": v["help"],
                        "nodes": [n["html"] for n in v["nodes"]],
                    }
                    for v in response["violations"]
                ]
        finally:
            browser.close()
    return found
