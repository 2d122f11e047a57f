"""A form sent with errors comes back with a summary of them at the top of its page, which
has the focus (GOV.UK's error summary), so that a screen reader or keyboard user learns of
it first; its link leads to the field, marked invalid and described by the message; the
page's title begins "Fel:". In a real Chromium, the forms not walked in test_web_browser
(login, Användare, Verifiera, a new file's name); axe on each refused page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accessibility import CHROMIUM, run_axe
from webtools import PASSWORD, serving, workspace

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium-headless-shell")
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}  # fmt: skip


@pytest.fixture
def page(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    from playwright.sync_api import sync_playwright

    with serving(workspace(tmp_path)) as (base, _app), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        found = browser.new_page(locale="sv-SE")
        found.set_default_timeout(30_000)
        yield found, base
        browser.close()


def _refused(page: Any, heading: str) -> Any:
    """The error summary, checked: it has the focus, the title says Fel, axe finds nothing."""
    from playwright.sync_api import expect

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(heading)
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Fel: "))
    assert run_axe(page, WCAG)["violations"] == []
    return summary


def test_each_form_focuses_its_error_summary(page: tuple[Any, str], tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page_, base = page
    page_.goto(base + "/login")
    page_.get_by_label("Användarnamn").fill("alla")
    page_.get_by_label("Lösenord").fill("fel lösenord")
    page_.get_by_role("button", name="Logga in").click()
    _refused(page_, "Fel användarnamn eller lösenord.")
    page_.get_by_label("Lösenord").fill(PASSWORD)
    page_.get_by_role("button", name="Logga in").click()
    page_.wait_for_url("**/arenden")

    # Användare: a password too short, told at its field; the link leads there.
    page_.goto(base + "/anvandare")
    page_.get_by_label("Användarnamn").fill("ny.person")
    page_.get_by_label("Lösenord (minst 10 tecken)").fill("kort")
    page_.get_by_label("läsare").check()
    page_.get_by_role("button", name="Spara användare").click()
    summary = _refused(page_, "Inte sparat")
    summary.get_by_role("link", name=re.compile("minst 10 tecken")).click()
    password = page_.get_by_label("Lösenord (minst 10 tecken)")
    expect(password).to_be_focused()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("minst 10 tecken"))
    # No role ticked: told at the roles.
    expect(page_.get_by_label("läsare")).to_be_checked()  # as ticked before
    page_.get_by_label("läsare").uncheck()
    page_.get_by_label("Lösenord (minst 10 tecken)").fill(PASSWORD)
    page_.get_by_role("button", name="Spara användare").click()
    summary = _refused(page_, "ange minst en roll")
    summary.get_by_role("link").click()
    expect(page_.get_by_label("läsare")).to_be_focused()

    # Verifiera: a file that is no PDF.
    page_.goto(base + "/verifiera")
    text = tmp_path / "inte.pdf"
    text.write_text("ingen pdf", encoding="utf-8")
    page_.get_by_label("PDF-fil").set_input_files(text)
    page_.get_by_role("button", name="Verifiera").click()
    summary = _refused(page_, "Kunde inte verifieras")
    summary.get_by_role("link").click()
    expect(page_.get_by_label("PDF-fil")).to_be_focused()

    # A new case whose file name is taken: at the field Filnamn, linked from the summary.
    page_.goto(base + "/arenden/ny?fran=RUN-00386-2023")
    page_.wait_for_selector("#editor[data-ready=true]", state="attached")
    page_.get_by_label("Filnamn").fill("RUN-00386-2023")
    page_.get_by_role("button", name="Spara").click()
    summary = _refused(page_, "Inte sparat: 1 fel att rätta")
    summary.get_by_role("link", name="Filnamn").click()
    name = page_.get_by_label("Filnamn")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile("Det finns redan en fil"))
