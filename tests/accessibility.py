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


def axe_violations(page_file: Path, screenshot: Path | None = None) -> list[dict[str, Any]]:
    """The axe-core violations of the HTML file ``page_file`` (id, impact, what and where),
    with a full-page screenshot to ``screenshot`` when asked."""
    if not CHROMIUM.is_file() or shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (bash scripts/setup.sh installs it)")
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page()
            page.goto(page_file.resolve().as_uri())
            results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    response = results.response
    assert response["passes"], "axe ran no rule that passed: it did not check the page"
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"] for n in v["nodes"]],
        }
        for v in response["violations"]
    ]
