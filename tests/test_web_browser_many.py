"""In a real browser (Debian's Chromium driven by Playwright, axe-core on every page, in
sv-SE and en-GB): the signing of many packets at once (web/signmany.py), Verifiera's words
under a superseded packet's verdict, and the Motivering of a granted tillägg in the meeting
form. Set AVTALSGEN_SCREENSHOTS to a folder to keep a screenshot of every page."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from accessibility import CHROMIUM
from test_web_browser import Checker
from test_web_browser import browser as browser  # the module's Chromium
from webtools import PASSWORD, every_case_workspace, serving, workspace

from avtalsgen.web.config import WebConfig

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium-headless-shell"),
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]

#: The packets whose region field may be signed now (conftest.every_case_built).
READY = ("RUN-90001-2023", "RUN-90003-2025", "RUN-90004-2024")
#: The words each language's pages use here.
WORDS = {
    "sv": {"user": "Användarnamn", "password": "Lösenord", "login": "Logga in",
           "many": "Signera {field} i många paket",
           "sign": "Signera {field} i de förkryssade paketen",
           "signed": "Undertecknat: {field} i {dnr}/paket.pdf, av DEMO",
           "summary": "undertecknade: {count}, överhoppade: 0, misslyckade: 0",
           "passed": "Hoppas över: RUN-00386-2023/paket.pdf: det visar fortfarande 7 okända "
                     "uppgifter", "verify": "Verifiera", "file": "PDF-fil",
           "superseded": "Inget ska undertecknas i den här filen, som är ersatt: dess tomma "
                         "fält (region, aktör) är inga underskrifter som saknas"},
    "en": {"user": "User name", "password": "Password", "login": "Log in",
           "many": "Sign {field} in many packets", "sign": "Sign {field} in the packets ticked",
           "signed": "Signed: {field} in {dnr}/paket.pdf, by DEMO",
           "summary": "signed: {count}, passed by: 0, failed: 0",
           "passed": "Passed by: RUN-00386-2023/paket.pdf: it still shows 7 unknown facts",
           "verify": "Verify", "file": "PDF file",
           "superseded": "Nothing is to be signed in this file, which is superseded: its empty "
                         "fields (region, aktör) are no signatures missing"},
}  # fmt: skip


def _page(browser: Any, base: str, user: str, language: str) -> tuple[Any, Checker]:
    """A new page in the browser of ``language`` (sv-SE, en-GB), logged in as ``user`` in
    that language (English chosen on the login page, as a user chooses it)."""
    from playwright.sync_api import expect

    locale = {"sv": "sv-SE", "en": "en-GB"}[language]
    page = browser.new_page(locale=locale, viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    checker = Checker(page)
    page.goto(base + "/login")
    if language == "en":
        page.get_by_role("link", name="English", exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    words = WORDS[language]
    page.get_by_label(words["user"]).fill(user)
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["login"]).click()
    page.wait_for_url("**/arenden")
    return page, checker


def _supersede_the_seed(config: WebConfig) -> None:
    """§ 211 of the seed's meeting an avslag: its packet, built from a bifall with the fields
    region and aktor, is superseded (not built again)."""
    meeting = config.meetings / "exempel-run-2023-12-05.yaml"
    text = meeting.read_text(encoding="utf-8")
    start, end = text.index("  - paragraf: 211\n"), text.index("  - paragraf: 212\n")
    paragraph = ("  - paragraf: 211\n    dnr: RUN-00386-2023\n    utfall: avslag\n"
                 "    motivering: Stödet ges genom andra insatser.\n"
                 "    omedelbart_justerad: true\n    anslagsdatum: 2023-12-06\n\n")  # fmt: skip
    meeting.write_text(text[:start] + paragraph + text[end:], encoding="utf-8")


def test_many_packets_signed_at_once_and_a_superseded_packet_verified(
    tmp_path: Path, browser: Any, every_case_built: Path
) -> None:
    """The signer follows the Paket page's link, sees each packet's screening, signs the
    region's field of those ticked with one press (one left unticked), and reads a line for
    each and the summary; then the actor's field in English. Verifiera says what a superseded
    packet's verdict means, not which fields are unsigned, in both languages."""
    from playwright.sync_api import expect

    config = every_case_workspace(tmp_path, every_case_built)
    seed = config.output / "RUN-00386-2023" / "paket.pdf"
    with serving(config) as (base, _app):
        for language, field, name in (("sv", "region", "region"), ("en", "aktor", "aktör")):
            words = WORDS[language]
            page, checker = _page(browser, base, "signer", language)
            page.goto(base + "/paket")
            page.get_by_role("link", name=words["many"].format(field=name)).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                words["many"].format(field=name)
            )
            expect(page.get_by_role("row").filter(has_text="RUN-00386-2023")).to_contain_text(
                words["passed"]
            )
            for dnr in READY:
                expect(page.get_by_label(dnr, exact=True)).to_be_checked()
            checker.check(f"{language}-signera-flera")
            page.get_by_label(READY[2], exact=True).uncheck()
            page.get_by_role("button", name=words["sign"].format(field=name)).click()
            result = page.get_by_role("status")
            for dnr in READY[:2]:
                expect(result).to_contain_text(words["signed"].format(field=name, dnr=dnr))
            expect(result).to_contain_text(words["summary"].format(count=2))
            expect(result).not_to_contain_text(READY[2])
            # The form's answer stands in the history as the page's address.
            assert page.url.endswith(f"/paket/signera?falt={field}&urval="), page.url
            expect(page.get_by_label(READY[2], exact=True)).to_be_checked()
            checker.close(f"{language}-signerade-flera")
        # The seed's § 211 an avslag now: its packet (a bifall's, with both fields) is
        # superseded. Verifiera, a copy of it uploaded.
        _supersede_the_seed(config)
        for language in ("sv", "en"):
            words = WORDS[language]
            page, checker = _page(browser, base, "signer", language)
            page.goto(base + "/verifiera")
            page.get_by_label(words["file"]).set_input_files(str(seed))
            page.get_by_role("button", name=words["verify"], exact=True).click()
            report = page.get_by_role("status")
            expect(report).to_contain_text(words["superseded"])
            expect(report).not_to_contain_text("Ej undertecknade fält")
            expect(report).not_to_contain_text("Fields not signed")
            checker.close(f"{language}-verifiera-ersatt")


def test_a_granted_tillagg_takes_its_motivering_in_the_meeting_form(
    tmp_path: Path, browser: Any
) -> None:
    """A paragraph that grants a change of the running agreement (a tillägg, outcome left
    as bifall) shows its Motivering once the Tillägg holds something, and the save writes
    it; a bifall without a tillägg shows none (the model refuses one there)."""
    from playwright.sync_api import expect

    config = workspace(tmp_path)
    (config.meetings / "exempel-run-2026-06-16.yaml").unlink()  # the shipped extension
    with serving(config) as (base, _app):
        for language in ("sv", "en"):
            page, checker = _page(browser, base, "sekr", language)
            page.goto(base + "/sammantraden/ny")
            page.wait_for_selector("#editor[data-ready=true]")
            reasons = "Motivering" if language == "sv" else "Reasons"
            paragraph_1 = {"sv": "(Paragrafer, Paragraf 1)", "en": "(Paragraphs, Paragraph 1)"}[
                language
            ]
            add = "Lägg till paragraf" if language == "sv" else "Add paragraph"
            page.get_by_role("button", name=add).last.click()
            motivering = page.get_by_label(f"{reasons} {paragraph_1}", exact=True)
            expect(motivering).to_be_hidden()
            tillagg = paragraph_1[:-1] + (", Tillägg)" if language == "sv" else ", Addition)")
            end = "Ny slutdag" if language == "sv" else "New last day"
            page.get_by_label(f"{end} {tillagg}", exact=True).fill("2029-12-31")
            page.get_by_label(f"{end} {tillagg}", exact=True).blur()
            expect(motivering).to_be_visible()
            checker.check(f"{language}-tillagg-motivering")
            if language == "en":
                checker.close()
                continue
            head = {"Filnamn": "run-2026-06-16", "Nämnd": "Regionala utvecklingsnämnden",
                    "Datum": "2026-06-16", "Plats": "Regionhuset, Luleå",
                    "Ordförande": "Maria Exempelsdotter", "Sekreterare": "Lena Exempelsson",
                    "Justeringsdatum": "2026-06-23", "Anslagsdatum": "2026-06-24"}  # fmt: skip
            for label, value in head.items():
                page.get_by_label(label, exact=True).fill(value)
            page.get_by_label("Exempel", exact=True).check()
            page.get_by_role("button", name="Lägg till justerare").click()
            page.get_by_label("Justerare 1", exact=True).fill("Johan Exempelsson")
            page.get_by_label(f"Paragraf {paragraph_1}", exact=True).fill("102")
            page.get_by_label(f"Dnr {paragraph_1}", exact=True).fill("RUN-90001-2023")
            motivering.fill("Förlängningen ger tid att slutföra testbäddarnas andra etapp.")
            page.get_by_role("button", name="Spara").last.click()
            expect(page.get_by_role("status")).to_contain_text("Sparat som version 1")
            saved = (config.meetings / "run-2026-06-16.yaml").read_text(encoding="utf-8")
            assert (
                "    tillagg:\n      typ: forlangning\n      ny_slutdag: 2029-12-31\n" in saved
            ), saved
            assert (
                "    motivering: Förlängningen ger tid att slutföra testbäddarnas andra etapp.\n"
                in saved
            ), saved
            checker.close("sv-tillagg-sparad")
