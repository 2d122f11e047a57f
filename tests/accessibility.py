"""axe-core in headless Chromium (Debian's ``chromium-headless-shell``, driven by Playwright):
the WCAG 2.1 A and AA rules and axe's best practices, run on a page avtalsgen wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

#: Debian's Chromium as Playwright runs it headless (its own browser download does not work
#: here): chromium-headless-shell, the same Chromium build's Blink and V8 without the
#: browser's own user interface, which the full ``chromium --headless`` still runs. Loading
#: ten of the office's pages twice and running axe on each took 7.7-7.9 s of CPU in all
#: (Chromium's processes 6.0 s) against 12.6-12.9 s (11.0 s) with /usr/bin/chromium, with
#: the same results.
CHROMIUM = Path("/usr/bin/chromium-headless-shell")
#: The rules run: WCAG 2.0 and 2.1, levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

#: Run in a page once axe-core is in it: axe's colour parsing (``Color.parseString``, which
#: hands the text to colorjs.io) remembers each text's colour. The colour-contrast rule parses
#: the computed colours of every element behind every text, again for each text, the same few
#: strings each time: on the case editor's long form, axe's WCAG run took 0.85 s of Chromium's
#: CPU, 0.55 s with the colours remembered. The colour a text names is always the same, so no
#: result changes (all rules' results on the case editor compared node by node, check data
#: included; test_web_browser checks colour-contrast's); a text that does not parse is not
#: remembered and fails as before.
_REMEMBERED_COLOURS = """() => {
  const Color = window.axe.commons.color.Color;
  const parse = Color.prototype.parseString;
  const known = new Map();
  Color.prototype.parseString = function (text) {
    const rgba = known.get(text);
    if (rgba === undefined) {
      parse.call(this, text);
      known.set(text, [this.red, this.green, this.blue, this.alpha]);
    } else {
      [this.red, this.green, this.blue, this.alpha] = rgba;
    }
    return this;
  };
}"""


def run_axe(page: Any, options: dict[str, Any]) -> dict[str, Any]:
    """axe-core's results (``axe.run(options)``) on the Playwright ``page`` as it is now. axe
    (half a megabyte of script) is put into a document only if it is not there yet."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
        page.evaluate(_REMEMBERED_COLOURS)
    results: dict[str, Any] = page.evaluate("options => window.axe.run(options)", options)
    return results


def axe_violations(
    *page_files: Path, screenshots: Path | None = None
) -> dict[Path, list[dict[str, Any]]]:
    """The axe-core violations of each HTML file of ``page_files`` (id, impact, what and
    where), all read by one Chromium in one tab (a document of its own for each file, axe put
    into each: a tab's renderer compiles axe's half megabyte of script once, not for every
    file), with a full-page screenshot of each into the folder ``screenshots`` when asked."""
    if not CHROMIUM.is_file():
        pytest.skip("Chromium is not installed (bash scripts/setup.sh installs it)")
    from playwright.sync_api import sync_playwright

    found: dict[Path, list[dict[str, Any]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page()
            for page_file in page_files:
                page.goto(page_file.resolve().as_uri())
                assert page.evaluate("() => typeof window.axe") == "undefined", "a new document"
                response = run_axe(page, {"runOnly": {"type": "tag", "values": TAGS}})
                if screenshots is not None:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshots / f"{page_file.stem}.png"), full_page=True)
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
