"""The office in a real browser: Debian's Chromium (its headless shell) driven by Playwright,
the app served by uvicorn on 127.0.0.1, LibreOffice building the previews and extracts,
pyHanko signing.

The main flow as a case officer, a secretary and a signer walk it; axe-core (bundled by
axe-playwright-python) on every page; the same flow's core by keyboard alone. Elements are
found by their accessible names (labels, roles), as a screen reader finds them. Set
AVTALSGEN_SCREENSHOTS to a folder to keep a screenshot of every page.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accessibility import CHROMIUM, run_axe
from warm_converter import converter_in
from webtools import (
    PASSWORD,
    SEAL_PASSPHRASE_ENV,
    complete_workspace,
    copy_built,
    sealed_workspace,
    serving,
    unname_the_signatory,
    workspace,
)

from avtalsgen.web.config import WebConfig

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: The browser's language, as a Swedish official's is set (its Accept-Language; the pages
#: are Swedish whatever it says, until the user chooses English; Chromium's own is en-US).
LOCALE = "sv-SE"
#: The WCAG 2.1 A and AA rules of axe-core.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium-headless-shell"),
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]


@pytest.fixture(scope="module")
def converter(session_converter: Path) -> Iterator[None]:
    """A warm converter with one LibreOffice, as ``avtalsgen serve`` starts one (its default;
    the test process's, conftest.session_converter): the servers' previews, builds, extracts
    and the secretary's steps go to it."""
    with converter_in(session_converter):
        yield


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, converter: None
) -> Iterator[tuple[str, WebConfig]]:
    """The app on a free port of 127.0.0.1, over a workspace of its own."""
    config = workspace(tmp_path_factory.mktemp("browser"), build_after_save=True)
    # A fact of the program file unknown, which the pages name by that file (the shipped
    # program gives the region's signatory as the office).
    unname_the_signatory(config.cases)
    with _serving(config) as url:
        yield url, config


@contextlib.contextmanager
def _serving(config: WebConfig) -> Iterator[str]:
    """Run the app for ``config`` in Swedish on a free port of 127.0.0.1; yield its URL."""
    with serving(config) as (url, _app):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


#: Run in every page before its own scripts: counts the page's requests still open (fetch,
#: XMLHttpRequest as htmx sends them, EventSource) and notes the time of the DOM's last change;
#: ``avtalsgenSettled(ms)`` says whether the page is loaded, its editor (if any) ready, no
#: request open and the DOM unchanged for ``ms``.
_SETTLED = """(() => {
  let open = 0;
  let changed = performance.now();
  const done = () => { open -= 1; changed = performance.now(); };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    open += 1;
    this.addEventListener('loadend', done, { once: true });
    return send.apply(this, args);
  };
  const fetchFirst = window.fetch;
  window.fetch = function (...args) {
    open += 1;
    return fetchFirst.apply(this, args).finally(done);
  };
  const Source = window.EventSource;
  window.EventSource = class extends Source {
    constructor(...args) {
      super(...args);
      open += 1;
      this.addEventListener('error', () => { if (this.readyState === 2) { this.close(); } });
    }
    close() { if (!this.avtalsgenClosed) { this.avtalsgenClosed = true; done(); } super.close(); }
  };
  new MutationObserver(() => { changed = performance.now(); }).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true });
  window.avtalsgenSettled = (quiet) => document.readyState === 'complete' && open === 0 &&
    !document.querySelector('#editor:not([data-ready=true])') &&
    performance.now() - changed >= quiet;
})();"""


class Checker:
    """Runs axe on each page visited, keeps screenshots if asked, and collects errors."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.violations: dict[str, list[str]] = {}
        self.errors: list[str] = []
        self.checked: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        # A script from case text would show a dialog (alert): none may open.
        page.on("dialog", lambda dialog: self.errors.append(f"dialog: {dialog.message}"))
        page.add_init_script(_SETTLED)
        self.folder = os.environ.get("AVTALSGEN_SCREENSHOTS")

    def check(self, name: str) -> None:
        # The page as it stays: loaded, its editor ready, none of its requests open and its
        # DOM unchanged for a moment (Playwright's "networkidle" waits 500 ms every time):
        # 60 ms, three times htmx's settling delay (20 ms, the last change it makes after a
        # response has come); a page that changes later has a request open until then.
        self.page.wait_for_function(
            "() => window.avtalsgenSettled !== undefined && window.avtalsgenSettled(60)",
            polling=20,
        )
        # Every violation, in full; of the rules that pass, no detail.
        options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
        found = [
            f"{v['id']}: {v['help']} ({v['nodes'][0]['html'][:120]})"
            for v in run_axe(self.page, options)["violations"]
        ]
        if found:
            self.violations[name] = found
        self.checked.append(name)
        if self.folder:
            Path(self.folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(self.folder) / f"{name}.png"), full_page=True)

    def close(self, last: str | None = None) -> None:
        """How a test with a checker ends: the last page checked as ``last`` if named, no
        page with an error or an axe violation, and the page closed."""
        if last is not None:
            self.check(last)
        assert self.errors == []
        assert self.violations == {}, self.violations
        self.page.close()


def _menu(page: Any, name: str) -> None:
    """Follow a link of the main menu."""
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name=name, exact=True
    ).click()


def _login(page: Any, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/arenden")


def _editor(browser: Any, base: str, user: str, path: str) -> tuple[Any, Checker]:
    """A new page, logged in as ``user``, with the form at ``path`` ready."""
    page = browser.new_page(locale=LOCALE, viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    checker = Checker(page)
    _login(page, base, user)
    page.goto(base + path)
    page.wait_for_selector("#editor[data-ready=true]")
    return page, checker


def _editor_as_case_officer(browser: Any, base: str, case: str) -> tuple[Any, Checker]:
    """A new page, logged in as the case officer, with the form of ``case`` ready."""
    return _editor(browser, base, "handl", f"/arenden/{case}")


def test_the_main_flow_in_a_real_browser(server: tuple[str, WebConfig], browser: Any) -> None:
    from playwright.sync_api import expect

    base, config = server
    page = browser.new_page(locale=LOCALE, viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    checker = Checker(page)
    page.goto(base + "/arenden")
    checker.check("login")
    _login(page, base, "alla")
    checker.check("arenden")

    # Create a case in the form, from a copy of an example.
    page.get_by_role("link", name="Nytt ärende").click()
    page.get_by_label("Utgå från en befintlig fil").select_option("exempel-arktiska-testbaddar")
    page.get_by_role("button", name="Fyll i formuläret").click()
    expect(page.get_by_label("Dnr", exact=True)).to_have_value("RUN-90001-2023")
    # Help from the field's Swedish description, whatever the server's locale says.
    expect(page.get_by_label("Dnr", exact=True)).to_have_accessible_description(
        "Diarienummer, skrivet RUN-NNNNN-ÅÅÅÅ."
    )
    expect(page.get_by_text(re.compile(r"^(The|True|Date|Path) "))).to_have_count(0)
    checker.check("arende-ny")
    page.get_by_label("Filnamn").fill("RUN-00400-2023")
    page.get_by_label("Dnr", exact=True).fill("RUN-400-2024")
    page.get_by_label("Titel", exact=True).fill("Testbäddar <script>alert(1)</script> {{ 7*7 }}")
    # The decision's date and § are the meeting file's, not the case's: no such fields.
    expect(page.get_by_label("Datum (Beslut)")).to_have_count(0)
    # Amounts grouped as Swedish writes them; a text that is no amount is refused at its
    # field, and the help text says the amount in words and figures, not the file's keys.
    amount = page.get_by_label("Belopp per år").first
    expect(amount).to_have_value("1\u00a0000\u00a0000")
    expect(amount).to_have_accessible_description(
        re.compile(r"^Samma belopp varje avtalsår .* till exempel 2\u00a0000\u00a0000\. ")
    )
    amount.fill("en miljon")
    page.get_by_role("button", name="Spara").click()

    # The loader's message, at the field.
    expect(page.get_by_role("alert")).to_contain_text("Inte sparat")
    dnr = page.get_by_label("Dnr", exact=True)
    expect(dnr).to_have_attribute("aria-invalid", "true")
    expect(dnr).to_have_accessible_description(
        re.compile("'RUN-400-2024' är inte ett diarienummer .*RUN-NNNNN-ÅÅÅÅ")
    )
    amount = page.get_by_label("Belopp per år").first
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description(
        re.compile("'en miljon' är inget belopp: skriv hela kronor med siffror")
    )
    checker.check("arende-fel")
    dnr.fill("RUN-00400-2023")
    amount.fill("1 000 000")  # typed with plain spaces
    # The meeting below decides the period from 2025-01-01: a follow-up in the autumn of
    # 2024, as the example has it, would be over before it (check refuses that).
    page.get_by_label("Första uppföljning", exact=True).fill("hösten 2025")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Sparat som version")
    checker.check("arende-sparat")
    saved = (config.cases / "RUN-00400-2023.yaml").read_text(encoding="utf-8")
    assert "dnr: RUN-00400-2023" in saved and "<script>alert(1)</script> {{ 7*7 }}" in saved
    assert "      belopp_per_ar: 1000000\n" in saved

    # The preview: rebuilt after the save, with the fact check's result.
    page.get_by_role("link", name="se förhandsgranskningen").click()
    expect(page.get_by_text("Faktakontrollen: godkänd")).to_be_visible(timeout=120_000)
    # The documents come one after the other while the build goes on (the page is made
    # again with each): look at them once it has ended.
    expect(page.get_by_text("Paketet och manifestet byggs")).to_have_count(0, timeout=120_000)
    expect(page.get_by_role("img", name="Sida 1 av")).to_have_count(1)
    expect(page.get_by_role("heading", name="Beslutsförslag", exact=True)).to_be_visible()
    image = page.get_by_role("img", name=re.compile(r"^Sida 1 av \d+ i Beslutsförslag$"))
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 500", arg=image.element_handle()
    )
    checker.check("forhandsgranskning")

    # The list shows the new case, its title as text.
    _menu(page, "Ärenden")
    expect(page.get_by_role("cell", name="Testbäddar <script>alert(1)</script> {{ 7*7 }}"))\
        .to_be_visible()  # fmt: skip
    page.get_by_label("Sök (Dnr, aktör, rubrik)").fill("00400")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_text(re.compile(r"^1 av \d+ ärenden"))).to_be_visible()

    # Decide it in a meeting: a copy of an example meeting, § 187 for the new case.
    _menu(page, "Sammanträden")
    checker.check("sammantraden")
    page.get_by_role("link", name="Nytt sammanträde").click()
    page.get_by_label("Utgå från en befintlig fil").select_option("exempel-run-2024-11-26")
    page.get_by_role("button", name="Fyll i formuläret").click()
    dates = page.get_by_role("region", name="Beräknade datum")
    # Three weeks from the notice of 4 December 2024 is juldagen; then annandag jul: the 27th.
    expect(dates).to_contain_text("2024-12-27")
    page.get_by_label("Anslagsdatum", exact=True).fill("2024-12-05")
    page.get_by_label("Anslagsdatum", exact=True).blur()
    expect(dates).to_contain_text("2024-12-27")
    page.get_by_label("Justeringsdatum", exact=True).fill("2024-12-20")
    page.get_by_label("Justeringsdatum", exact=True).blur()
    expect(dates).to_contain_text("utanför")
    page.get_by_label("Justeringsdatum", exact=True).fill("2024-12-03")
    page.get_by_label("Justeringsdatum", exact=True).blur()
    checker.check("sammantrade-ny")
    page.get_by_label("Filnamn").fill("run-2024-11-26-extra")
    paragraph_dnr = page.get_by_label(re.compile(r"^Dnr \(Paragrafer"))
    expect(paragraph_dnr).to_have_value("RUN-90002-2024")
    paragraph_dnr.fill("RUN-00400-2023")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Sparat som version")
    checker.check("sammantrade")

    # Its extract.
    page.get_by_role("button", name="Gör protokollsutdrag").click()
    expect(page.get_by_role("status")).to_have_text("klar", timeout=120_000)
    expect(page.get_by_role("listitem").filter(has_text="§ 187 RUN-00400-2023")).to_be_visible()
    checker.check("korning-utdrag")
    assert (config.output / "RUN-00400-2023" / "protokollsutdrag-187.pdf").is_file()

    # The secretary's steps after the meeting, from the meeting's page: the anslag; the
    # publishable renditions and the e-mails, refused until the extract is certified; the
    # certification with the server's key; then both.
    page.goto(base + "/sammantraden/run-2024-11-26-extra")
    steps = page.get_by_role("region", name="Efter sammanträdet")
    steps.get_by_role("button", name="Gör anslag").click()
    expect(page.get_by_role("status")).to_have_text("klar", timeout=120_000)
    notice = page.get_by_role("listitem").filter(has_text="Anslaget om justeringen av")
    # Which anslag, what was written, and where it is: not "skrev version 1".
    expect(notice).to_contain_text(
        re.compile(
            r"^Anslaget om justeringen av sammanträdet 2024-11-26 \(§[^)]*\): skrivet, version 1; "
            r"på anslagstavlan från 2024-12-05 till och med 2024-12-27 \(sista dag för "
            r"överklagande\); finns i utdatamappen under sammantraden/2024-11-26-[a-z-]+/ anslag"
        )
    )
    checker.check("korning-anslag")
    link = notice.get_by_role("link", name=re.compile(r"^anslag.*\.pdf$"))
    fetched = page.request.get(base + str(link.get_attribute("href")))
    assert fetched.ok and fetched.body().startswith(b"%PDF")
    page.goto(base + "/sammantraden/run-2024-11-26-extra")
    steps.get_by_role("button", name="Gör publiceringsversioner").click()
    # Counted after "klar", as publicera's last line counts them.
    expect(page.get_by_role("status")).to_have_text(
        "klar – publicerade: 0, väntar på anslaget: 0, inte bestyrkta ännu: 1, utan "
        "protokollsutdrag ännu: 0, sekretess: 0",
        timeout=120_000,
    )
    # Not before the extract is certified: nothing published says so falsely.
    expect(page.get_by_role("listitem").filter(has_text="§ 187 RUN-00400-2023")).to_contain_text(
        "publiceras inte än, protokollsutdraget är inte bestyrkt"
    )
    assert not (config.output / "webb" / "RUN-00400-2023").exists()
    page.goto(base + "/sammantraden/run-2024-11-26-extra")
    steps.get_by_label("Paragraf (tomt: alla utom sekretess)").last.fill("187")
    steps.get_by_role("button", name="Gör e-post för expediering").click()
    # Refused at its field before any run starts, in the page's words (not a failed run
    # naming the command line's avtalsgen sign … --field utdragsbestyrkande).
    # The summary at the top has the focus (GOV.UK's pattern); its link leads to the field.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Fel: "))
    summary.get_by_role("link", name="Paragraf för expediering").click()
    field = steps.get_by_label("Paragraf (tomt: alla utom sekretess)").last
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(
        re.compile(
            r"^Inte gjort: protokollsutdraget för § 187 \(RUN-00400-2023\) är inte bestyrkt än: "
            r"bestyrk det först \(Bestyrk i tabellen över paragrafernas protokollsutdrag\)"
        )
    )
    checker.check("expediering-nekad")
    assert not list(config.output.glob("sammantraden/*/expediering/RUN-00400-2023-187-*"))
    page.goto(base + "/sammantraden/run-2024-11-26-extra")
    steps.get_by_role("link", name="Bestyrk § 187 RUN-00400-2023").click()
    # At a level chosen, as a packet is signed (the same choice, the same help texts).
    levels = page.get_by_role("group", name="Signaturnivå (PAdES)")
    expect(levels.get_by_role("radio")).to_have_count(4)
    expect(levels.get_by_role("radio", name="B-B")).to_be_checked()
    expect(levels.get_by_role("radio", name="B-LT", exact=True)).to_have_accessible_description(
        re.compile("valideringsdata")
    )
    levels.get_by_role("radio", name="B-T", exact=True).check()
    checker.check("bestyrk")
    page.get_by_role("button", name="Bestyrk § 187").click()
    certified = page.get_by_role("status")
    expect(certified).to_contain_text("Bestyrkt: protokollsutdrag-187.pdf")
    expect(certified.get_by_role("row", name="utdragsbestyrkande")).to_contain_text("DEMO")
    expect(certified.get_by_role("row", name="utdragsbestyrkande")).to_contain_text("B-T")
    expect(certified).to_contain_text("Resultat: fullständigt")
    checker.check("bestyrkt")
    page.get_by_role("link", name="Tillbaka till sammanträdet").click()
    expect(steps.get_by_role("row", name="§ 187")).to_contain_text("ja")
    steps.get_by_role("button", name="Gör publiceringsversioner").click()
    expect(page.get_by_role("status")).to_have_text(
        "klar – publicerade: 2, väntar på anslaget: 0, inte bestyrkta ännu: 0, utan "
        "protokollsutdrag ännu: 0, sekretess: 0",
        timeout=120_000,
    )
    rendition = page.get_by_role("listitem").filter(
        has_text="§ 187 RUN-00400-2023 protokollsutdrag: publiceringsversion skriven"
    )
    html = rendition.get_by_role("link", name=re.compile(r"\.html$")).first
    fetched = page.request.get(base + str(html.get_attribute("href")))
    assert fetched.ok and "RUN-00400-2023" in fetched.text()
    checker.check("korning-publicering")
    page.goto(base + "/sammantraden/run-2024-11-26-extra")
    steps.get_by_label("Paragraf (tomt: alla utom sekretess)").last.fill("187")
    steps.get_by_role("button", name="Gör e-post för expediering").click()
    # What it wrote and what not, after "klar" (the region's addresses are null).
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^klar – 1 e-postmeddelande skrivet; inget skickas: .*; 2 mottagare saknar "
                   r"e-postadress och fick inget: lägg till deras adresser i programfilen "
                   r"\(program/norrbottens-ekosystem\.yaml\) under Expediering › Mottagare"),
        timeout=120_000,
    )  # fmt: skip
    expect(
        page.get_by_role("listitem").filter(has_text="§ 187 RUN-00400-2023").first
    ).to_be_visible()
    checker.check("korning-expediering")
    message = (
        page.get_by_role("listitem").filter(has_text="e-postmeddelande till").get_by_role("link")
    )
    fetched = page.request.get(base + str(message.first.get_attribute("href")))
    import email

    parsed = email.message_from_bytes(fetched.body())
    attached = [part for part in parsed.walk() if part.get_content_type() == "application/pdf"]
    signed = (config.output / "RUN-00400-2023" / "protokollsutdrag-187.pdf").read_bytes()
    assert [part.get_payload(decode=True) for part in attached] == [signed]

    # The packet still shows unknown facts: the packets' page offers no button that can only
    # fail, but says so, and leads to what is to be filled in where: the case's own fields
    # (each a link to it in the form) and the program file's, for its administrator.
    _menu(page, "Paket")
    row = page.get_by_role("row").filter(has_text="RUN-00400-2023")
    expect(row.get_by_role("link", name=re.compile("^Signera"))).to_have_count(0)
    expect(row).to_contain_text("Kan inte signeras än: paketet visar fortfarande [uppgift saknas]")
    checker.check("paket")
    row.get_by_role("link", name="Vad som ska fyllas i, och var för RUN-00400-2023").click()
    first = page.get_by_role("region", name="Läge")
    expect(first.get_by_role("heading", name="Innan paketet kan signeras")).to_be_visible()
    expect(first).to_contain_text(
        re.compile(r"Paketet visar fortfarande \[uppgift saknas\] på \d+ rad(er)?, och ett paket "
                   r"med okända uppgifter signeras inte med någon nyckel")
    )  # fmt: skip
    program_fact = first.get_by_role("listitem").filter(
        has_text="Namnet på den som skriver under för regionen saknas i programfilen"
    )
    expect(program_fact).to_contain_text(
        "be den som förvaltar avtalsgen att fylla i avtal.undertecknare.namn i "
        "program/norrbottens-ekosystem.yaml"
    )
    checker.check("arende-hinder")
    # The server refuses it all the same (a form sent from an older page): nothing signed.
    packet = config.output / "RUN-00400-2023" / "paket.pdf"
    before = packet.read_bytes()
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    refused = page.request.post(
        base + "/paket/RUN-00400-2023/signera",
        form={"_csrf_token": str(token), "falt": "region", "niva": "B-B"},
    )
    assert refused.status == 422
    said = r"Paketet för RUN-00400-2023 visar fortfarande \d+ okända uppgift(er)? \(\[uppgift"
    assert re.search(said + r" saknas\]\): .*Inget har signerats\.", refused.text(), re.S)
    assert packet.read_bytes() == before

    # Verify the certified extract by uploading it.
    _menu(page, "Paket")
    page.get_by_role("link", name="Verifiera en signerad PDF").click()
    page.get_by_label("PDF-fil").set_input_files(
        str(config.output / "RUN-00400-2023" / "protokollsutdrag-187.pdf")
    )
    page.get_by_role("button", name="Verifiera").click()
    result = page.get_by_role("status")
    expect(result).to_contain_text("Rapport för protokollsutdrag-187.pdf")
    row = result.get_by_role("row", name="utdragsbestyrkande")
    expect(row).to_contain_text("DEMO")
    # Trusted only because the DEMO root is: not "ja" beside "inte en giltig underskrift".
    expect(row).to_contain_text("bara via DEMO-roten")
    checker.check("verifiera")

    # The other pages, checked too.
    for link, name in (("Körning", "korning"), ("Logg", "logg"), ("Användare", "anvandare")):
        _menu(page, link)
        checker.check(name)
    log = page.get_by_role("table")
    _menu(page, "Logg")
    for action in ("inloggning", "skapat", "körning", "protokollsutdrag", "underskrift",
                   "verifiering", "anslag", "publicering", "e-post för expediering"):  # fmt: skip
        expect(log.get_by_role("cell", name=action, exact=True).first).to_be_visible()
    page.goto(base + "/arenden/RUN-00400-2023/versioner")
    checker.check("versioner")
    page.goto(base + "/finns-inte")
    checker.check("fel-404")
    page.goto(base + "/arenden")

    # Log out: the pages need a login again.
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    page.goto(base + "/paket")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()

    assert len(checker.checked) >= 16
    checker.close()


@pytest.fixture(scope="module")
def sealed_server(
    tmp_path_factory: pytest.TempPathFactory, converter: None, complete_built: Path
) -> Iterator[tuple[str, WebConfig]]:
    """The app with a seal of its own and no time-stamping authority set (see
    webtools.sealed_workspace), on a free port of 127.0.0.1."""
    config, passphrase = sealed_workspace(tmp_path_factory.mktemp("sealed"), complete_built)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SEAL_PASSPHRASE_ENV, passphrase)
        with _serving(config) as url:
            yield url, config


def test_a_level_the_server_cannot_reach_is_refused_at_its_field(
    sealed_server: tuple[str, WebConfig], browser: Any
) -> None:
    """With the region's seal and no time-stamping authority, B-T and above are refused at
    the level's field, in words that say how to go on; B-B signs."""
    from playwright.sync_api import expect

    base, config = sealed_server
    packet = config.output / "RUN-90001-2023" / "paket.pdf"
    before = packet.read_bytes()
    page = browser.new_page(locale=LOCALE, viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    checker = Checker(page)
    _login(page, base, "signer")
    _menu(page, "Paket")
    page.get_by_role("link", name="Signera region i RUN-90001-2023").click()
    expect(page.get_by_text("Tidsstämpeltjänst: ingen inställd")).to_be_visible()
    levels = page.get_by_role("group", name="Signaturnivå (PAdES)")
    levels.get_by_role("radio", name="B-T", exact=True).check()
    page.get_by_role("button", name="Signera region").click()
    expect(page.get_by_role("alert")).to_contain_text("Inte signerat")
    chosen = levels.get_by_role("radio", name="B-T", exact=True)
    # The summary at the top has the focus; its link leads to the level's field.
    expect(page.get_by_role("alert")).to_be_focused()
    page.get_by_role("alert").get_by_role("link").click()
    expect(chosen).to_be_focused()
    expect(chosen).to_be_checked()
    expect(chosen).to_have_attribute("aria-invalid", "true")
    expect(chosen).to_have_accessible_description(
        re.compile(r"^B-T kräver en tidsstämpel, men servern har ingen tidsstämpeltjänst "
                   r"inställd \(avtalsgen serve --tsa eller AVTALSGEN_TSA_URL\)\. Välj B-B")
    )  # fmt: skip
    checker.check("signera-nekad")
    assert packet.read_bytes() == before, "nothing signed"
    levels.get_by_role("radio", name="B-B").check()
    page.get_by_role("button", name="Signera region").click()
    report = page.get_by_role("status")
    expect(report).to_contain_text("Signerat: RUN-90001-2023")
    expect(report.get_by_role("row", name="region")).to_contain_text("B-B")
    checker.close("signerat-sigill")


def _log_in_by_keyboard(page: Any, user: str) -> None:
    """Log in as ``user`` from the login page with the keyboard alone."""
    _tab_to(page, "textbox", "Användarnamn")
    page.keyboard.type(user)
    _tab_to(page, "textbox", "Lösenord")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/arenden")


def _tab_to(page: Any, role: str, name: str, limit: int = 300) -> None:
    """Press Tab until the focused element has this role and accessible name."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """() => { const e = document.activeElement; if (!e) return ['', ''];
                 const tag = e.tagName.toLowerCase();
                 const role = e.getAttribute('role') || (tag === 'a' ? 'link' : tag === 'button'
                   ? 'button' : tag === 'select' ? 'combobox' : tag === 'textarea' ||
                   (tag === 'input' && !['checkbox','submit','file'].includes(e.type))
                   ? 'textbox' : tag);
                 const label = e.labels && e.labels.length ? e.labels[0].innerText
                   : (e.getAttribute('aria-label') || e.innerText || e.value || '');
                 return [role, label.trim()]; }"""
        )
        if found[0] == role and found[1].startswith(name):
            return
    raise AssertionError(f"{role} {name!r} cannot be reached with Tab")


def test_the_main_flow_by_keyboard_alone(server: tuple[str, WebConfig], browser: Any) -> None:
    from playwright.sync_api import expect

    base, config = server
    page = browser.new_page(locale=LOCALE, viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(base + "/login")
    _tab_to(page, "link", "Hoppa till innehållet")
    _log_in_by_keyboard(page, "handl")
    _tab_to(page, "link", "RUN-00386-2023")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ärende RUN-00386-2023")).to_be_visible()
    page.wait_for_selector("#editor[data-ready=true]")
    _tab_to(page, "textbox", "Handläggare")
    page.keyboard.type("Anna Andersson")
    _tab_to(page, "button", "Spara")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Sparat som version")
    assert "handlaggare: Anna Andersson" in (config.cases / "RUN-00386-2023.yaml").read_text(
        encoding="utf-8"
    )
    _tab_to(page, "link", "se förhandsgranskningen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Förhandsgranskning RUN-00386-2023")).to_be_visible()
    _tab_to(page, "button", "Logga ut")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()

    # The secretary's steps after a meeting, the certification of an extract among them.
    _log_in_by_keyboard(page, "sekr")
    _tab_to(page, "link", "Sammanträden")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sammantraden")
    _tab_to(page, "link", "exempel-run-2023-12-05")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sammantraden/exempel-run-2023-12-05")
    expect(page.get_by_role("heading", name="Sammanträde exempel-run-2023-12-05")).to_be_visible()
    steps = page.get_by_role("region", name="Efter sammanträdet")

    def to_the_steps() -> None:
        """Past the meeting's form, to its steps, as a keyboard user goes."""
        _tab_to(page, "link", "Till stegen efter sammanträdet")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Efter sammanträdet")).to_be_focused()

    def run(button: str) -> None:
        """Press the step's button and wait for its run to end."""
        _tab_to(page, "button", button)
        page.keyboard.press("Enter")
        # "klar", and what the step did and did not do after it (the expediering).
        expect(page.get_by_role("status")).to_have_text(re.compile("^klar( – |$)"),
                                                        timeout=120_000)  # fmt: skip

    def back() -> None:
        """Back from a step's page: at the meeting's steps at once, their heading focused
        (no way past the form to go)."""
        _tab_to(page, "link", "Tillbaka till sammanträdet")
        page.keyboard.press("Enter")
        page.wait_for_url("**/sammantraden/exempel-run-2023-12-05#efter-rubrik")
        page.wait_for_selector("#editor[data-ready=true]")
        expect(page.get_by_role("heading", name="Efter sammanträdet")).to_be_focused()

    to_the_steps()
    _tab_to(page, "textbox", "Paragraf (tomt: alla utom sekretess)")
    page.keyboard.type("212")
    run("Gör protokollsutdrag")
    expect(page.get_by_role("listitem").filter(has_text="§ 212 RUN-90001-2023")).to_contain_text(
        "protokollsutdrag-212.pdf"
    )
    back()
    _tab_to(page, "link", "Bestyrk § 212")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sammantraden/exempel-run-2023-12-05/bestyrk?paragraf=212")
    _tab_to(page, "button", "Bestyrk § 212")  # past the levels: B-B, as offered
    page.keyboard.press("Enter")
    certified = page.get_by_role("status")
    expect(certified).to_contain_text("Bestyrkt: protokollsutdrag-212.pdf", timeout=60_000)
    expect(certified.get_by_role("row", name="utdragsbestyrkande")).to_contain_text("ja")
    back()
    expect(steps.get_by_role("row", name="§ 212")).to_contain_text("ja")
    run("Gör anslag")
    expect(page.get_by_role("listitem").filter(has_text="Anslaget om").first).to_be_visible()
    back()
    _tab_to(page, "button", "Gör anslag")  # then the expediering's own paragraph field
    _tab_to(page, "textbox", "Paragraf (tomt: alla utom sekretess)")
    page.keyboard.type("212")
    run("Gör e-post för expediering")
    expect(
        page.get_by_role("listitem").filter(has_text="e-postmeddelande till").first
    ).to_be_visible()
    back()
    run("Gör publiceringsversioner")
    expect(
        page.get_by_role("listitem").filter(
            has_text="§ 212 RUN-90001-2023 protokollsutdrag: publiceringsversion skriven"
        )
    ).to_be_visible()
    _tab_to(page, "button", "Logga ut")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    from avtalsgen.pdf.signed import is_signed

    assert is_signed(config.output / "RUN-90001-2023" / "protokollsutdrag-212.pdf")
    assert list(config.output.glob("sammantraden/*/expediering/RUN-90001-2023-212-*/*.eml"))
    assert list((config.output / "webb" / "RUN-90001-2023").iterdir())
    page.close()


#: Texts on backgrounds that axe's colour-contrast rule finds too faint or good enough, in
#: colours written in several ways, some behind semi-transparent layers.
_COLOURS = """<!doctype html><html lang="sv"><head><title>Färger</title></head><body><main>
<p style="color: #777; background: #fff">Grå på vitt</p>
<p style="color: rgb(0, 0, 0); background: rgba(0, 0, 255, 0.5)">Svart på halvblått</p>
<div style="background: hsl(120, 40%, 30%)"><div style="background: rgba(255,255,255,.3)">
<p style="color: lightgreen">Ljusgrönt på grönt</p><p style="color: white">Vitt</p></div></div>
<p style="color: color-mix(in srgb, red 40%, white); background: transparent">Blekrött</p>
<button style="color: #0b0c0c; background: #ffdd00">Knapp</button>
<p style="color: #595959; opacity: 0.6">Halvgenomskinligt</p>
</main></body></html>"""


def test_axe_gives_the_same_results_with_the_colours_remembered(browser: Any) -> None:
    """run_axe's remembered colours change no result of the colour-contrast rule: every node,
    its check data (colours, ratio) included, as axe alone gives them."""
    from axe_playwright_python.base import AXE_SCRIPT

    options = {"runOnly": {"type": "rule", "values": ["color-contrast"]}}
    page = browser.new_page(locale=LOCALE)
    page.set_content(_COLOURS)
    page.evaluate(AXE_SCRIPT)
    alone = page.evaluate("options => window.axe.run(options)", options)
    page.close()
    page = browser.new_page(locale=LOCALE)
    page.set_content(_COLOURS)
    remembered = [run_axe(page, options) for _ in range(2)]  # the second from memory alone
    page.close()

    def nodes(results: dict[str, Any]) -> dict[str, Any]:
        kinds = ("passes", "violations", "incomplete")
        return {kind: [rule["nodes"] for rule in results[kind]] for kind in kinds}

    assert nodes(alone)["violations"] and nodes(alone)["passes"]
    assert [nodes(results) for results in remembered] == [nodes(alone)] * 2


#: Every page of the menu and a case's and a meeting's own pages.
_PAGES = [
    "/arenden", "/arenden/RUN-00386-2023", "/arenden/RUN-00386-2023/versioner",
    "/arenden/RUN-00386-2023/forhandsgranskning", "/arenden/ny", "/sammantraden",
    "/sammantraden/exempel-run-2023-12-05", "/sammantraden/ny", "/paket", "/korning", "/logg",
    "/anvandare", "/verifiera",
]  # fmt: skip


#: The texts of the page's main part with a date (2023-12-05) or a Dnr (RUN-00386-2023)
#: broken across lines.
_BROKEN_DATES = r"""() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/RUN-\d{5}-\d{4}|\d{4}-\d{2}-\d{2}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
        .map(r => Math.round(r.top)));
      if (lines.size > 1) { broken.push(node.data.trim().slice(0, 80)); }
    }
  }
  return broken;
}"""


#: The texts of the links in an element that are broken across lines.
_BROKEN_LINKS = r"""element => [...element.querySelectorAll('a')].filter(link => {
  const range = document.createRange();
  range.selectNodeContents(link);
  return new Set([...range.getClientRects()].filter(r => r.width > 0)
    .map(r => Math.round(r.top))).size > 1;
}).map(link => link.textContent)"""


def test_no_page_scrolls_sideways_in_a_narrow_window(
    server: tuple[str, WebConfig], browser: Any
) -> None:
    """At 320 CSS pixels wide (a phone, or 1280 at 400 % zoom: WCAG 1.4.10, Reflow) no page is
    wider than the window: a wide table scrolls inside a region of its own, which is named by
    the table's caption and takes the keyboard's focus, and the form's nested parts fit; no
    date or Dnr is broken across lines at its hyphens."""
    base, _config = server
    page = browser.new_page(locale=LOCALE, viewport={"width": 320, "height": 800})
    page.set_default_timeout(60_000)
    checker = Checker(page)
    _login(page, base, "alla")
    wide, broken_dates = {}, {}
    for path in _PAGES:
        page.set_viewport_size({"width": 320, "height": 800})
        page.goto(base + path)
        checker.check(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            wide[path] = width
        if broken := page.evaluate(_BROKEN_DATES):
            broken_dates[path] = broken
        # The same page in a window 480 pixels wide (laid out again, as when a window is
        # widened): other lines, other breaks.
        page.set_viewport_size({"width": 480, "height": 800})
        checker.check(f"{path} (480)")
        if broken := page.evaluate(_BROKEN_DATES):
            broken_dates[f"{path} (480)"] = broken
    assert wide == {}, "pages wider than the window of 320 pixels"
    assert broken_dates == {}, "dates or Dnr broken across lines"
    assert checker.violations == {} and checker.errors == []

    # The meetings list reads as a list of meetings at 480 and 320 pixels: nothing in it to
    # scroll sideways, each file name on one line (at 480 it broke exempel-run-2024-12-10 at
    # its hyphens), each value after its label, the table still a table.
    for width in (480, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(base + "/sammantraden")
        meetings = page.get_by_role("region", name="Sammanträden")
        assert not meetings.evaluate("e => e.scrollWidth > e.clientWidth"), width
        broken_names = meetings.evaluate(_BROKEN_LINKS)
        assert broken_names == [], (width, broken_names)
        names = meetings.get_by_role("link")
        assert names.count() >= 7 and names.first.inner_text() == "exempel-run-2023-12-05"
        first = meetings.get_by_role("row").nth(1)
        assert first.inner_text().splitlines()[:3] == [
            "exempel-run-2023-12-05", "Nämnd: Regionala utvecklingsnämnden", "Datum: 2023-12-05"
        ], width  # fmt: skip
        assert (
            page.get_by_role("table", name="Sammanträden").get_by_role("columnheader").count() == 5
        )

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(base + "/arenden")
    table = page.get_by_role("region", name="Ärenden med status")
    expect_scrolls = "e => e.scrollWidth > e.clientWidth"
    assert table.evaluate(expect_scrolls), "the case list is wider than the window"
    table.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "e => e.scrollLeft > 0", arg=table.element_handle(), polling=50, timeout=10_000
    )
    page.close()


def test_a_form_sent_after_the_session_ended_is_filled_in_again_after_the_login(
    server: tuple[str, WebConfig], browser: Any
) -> None:
    """The session ends while a case officer types (30 minutes idle; here its row is removed):
    the save is refused with a page that says so and leads through the login back to the
    form, where what was typed is filled in again (nothing lost, nothing saved yet) and saves
    as usual; the page after the save shows no draft."""
    import sqlite3

    from playwright.sync_api import expect

    base, config = server
    path = config.cases / "exempel-matkluster.yaml"
    page, checker = _editor_as_case_officer(browser, base, "exempel-matkluster")
    # A save first: the form's page is then .../exempel-matkluster?sparad=N.
    page.get_by_label("Handläggare", exact=True).fill("Hedvig")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Sparat som version")
    page.wait_for_selector("#editor[data-ready=true]")
    before = path.read_text(encoding="utf-8")
    page.get_by_label("Handläggare", exact=True).fill("Hedvig Handläggare")
    with contextlib.closing(sqlite3.connect(config.database)) as connection, connection:
        connection.execute("DELETE FROM sessions")
    page.get_by_role("button", name="Spara", exact=True).click()

    expect(page.get_by_role("heading", name="Inte sparat: du är inte inloggad")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Det du skrev i formuläret finns kvar")
    checker.check("utloggad")
    assert path.read_text(encoding="utf-8") == before
    page.get_by_role("link", name="Logga in igen").click()
    page.get_by_label("Användarnamn").fill("handl")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/arenden/exempel-matkluster")
    page.wait_for_selector("#editor[data-ready=true]")
    expect(page.get_by_label("Handläggare", exact=True)).to_have_value("Hedvig Handläggare")
    expect(page.get_by_role("status")).to_contain_text("Det du skrev här förut är ifyllt igen")
    checker.check("utkast")
    assert path.read_text(encoding="utf-8") == before
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Sparat som version")
    assert "handlaggare: Hedvig Handläggare" in path.read_text(encoding="utf-8")
    page.goto(base + "/arenden/exempel-matkluster")
    page.wait_for_selector("#editor[data-ready=true]")
    expect(page.get_by_role("status")).to_have_count(0)
    checker.close()


def test_back_and_reload_after_a_refused_save_show_what_was_typed(
    server: tuple[str, WebConfig], browser: Any
) -> None:
    """A save refused (a bad Dnr); the officer looks at the versions and comes back with the
    back button, or reloads: the form's page comes again (not Chromium's "Confirm form
    resubmission" error, ERR_CACHE_MISS, and no form sent again) with what was typed and a
    notice that it is not saved, which a button discards."""
    from playwright.sync_api import expect

    base, config = server
    path = config.cases / "exempel-kreativa-norrbotten.yaml"
    before = path.read_text(encoding="utf-8")
    page, checker = _editor_as_case_officer(browser, base, "exempel-kreativa-norrbotten")
    dnr = page.get_by_label("Dnr", exact=True)
    dnr.fill("RUN-1-2024")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Inte sparat: 1 fel att rätta")
    page.wait_for_selector("#editor[data-ready=true]")
    page.get_by_role("link", name="Versioner").click()
    page.wait_for_url("**/versioner")
    page.go_back()
    page.wait_for_selector("#editor[data-ready=true]")
    expect(dnr).to_have_value("RUN-1-2024")
    expect(page.get_by_role("status")).to_contain_text("Det du skrev här förut är ifyllt igen")
    checker.check("utkast-tillbaka")
    page.reload()
    page.wait_for_selector("#editor[data-ready=true]")
    expect(dnr).to_have_value("RUN-1-2024")
    page.get_by_role("button", name="Släng det och läs in filen igen").click()
    page.wait_for_selector("#editor[data-ready=true]")
    expect(dnr).to_have_value("RUN-90002-2024")
    expect(page.get_by_role("status")).to_have_count(0)
    assert path.read_text(encoding="utf-8") == before
    checker.close()


def test_a_problem_of_a_financier_stands_under_its_heading(
    server: tuple[str, WebConfig], browser: Any
) -> None:
    """A problem with a group of fields as a whole (a financier given no amount) stands
    under that group's heading, Finansiär 3: it stood above it, after the fields and buttons
    of Finansiär 2, as if it were that one's."""
    from playwright.sync_api import expect

    base, config = server
    path = config.cases / "exempel-medfinansiering.yaml"
    before = path.read_text(encoding="utf-8")
    page, checker = _editor_as_case_officer(browser, base, "exempel-medfinansiering")
    try:
        page.locator('[name="root[finansiering][finansiarer][2][belopp_per_ar]"]').fill("")
        page.get_by_role("button", name="Spara", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("Finansiering › Finansiär 3: ange")
        page.wait_for_selector("#editor[data-ready=true]")
        message = page.locator("p.field-error", has_text="ange beloppen på ett av sätten")
        expect(message).to_have_count(1)
        order = message.evaluate(
            """message => {
                const before = (a, b) => Boolean(
                    a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
                const heading = Array.from(document.querySelectorAll('.je-object__title'))
                    .find(h => h.textContent.trim().endsWith('inansiär 3'));
                const name = document.getElementById('root[finansiering][finansiarer][2][namn]');
                const earlier = document.getElementById(
                    'root[finansiering][finansiarer][1][villkor]');
                return [before(earlier, heading), before(heading, message),
                        before(message, name)];
            }"""
        )
        assert order == [True, True, True]
        assert path.read_text(encoding="utf-8") == before
        checker.close("finansiar-problem-under-rubrik")
    finally:
        page.close()


def test_a_new_case_after_a_saved_one_starts_empty_or_from_the_file_chosen(
    server: tuple[str, WebConfig], browser: Any
) -> None:
    """A case officer saves a new case from a copy, then starts another: the new form was
    filled in with the saved case again ("Det du skrev här förut är ifyllt igen", its
    draft, kept under the form's address, was never removed: the saved case's page has
    another), and a file then chosen to start from was overridden by it, so a second copy
    was saved with the first one's content. Now the form is empty, and a chosen file
    fills it in."""
    from playwright.sync_api import expect

    base, config = server
    saved = config.cases / "RUN-00431-2024.yaml"
    page, checker = _editor_as_case_officer(browser, base, "exempel-trappsteg")
    try:
        page.goto(base + "/arenden/ny")
        page.get_by_label("Utgå från en befintlig fil").select_option("exempel-trappsteg")
        page.get_by_role("button", name="Fyll i formuläret").click()
        page.wait_for_selector("#editor[data-ready=true]")
        page.get_by_label("Filnamn").fill("RUN-00431-2024")
        page.get_by_label("Dnr", exact=True).fill("RUN-00431-2024")
        page.get_by_role("button", name="Spara", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Sparat som version")
        _menu(page, "Ärenden")
        page.get_by_role("link", name="Nytt ärende").click()
        page.wait_for_selector("#editor[data-ready=true]")
        expect(page.get_by_label("Dnr", exact=True)).to_have_value("")
        expect(page.get_by_text("Det du skrev här förut är ifyllt igen")).to_have_count(0)
        checker.check("nytt-efter-sparat")
        page.get_by_label("Utgå från en befintlig fil").select_option("exempel-matkluster")
        page.get_by_role("button", name="Fyll i formuläret").click()
        page.wait_for_selector("#editor[data-ready=true]")
        expect(page.get_by_label("Dnr", exact=True)).to_have_value("RUN-90003-2024")
        expect(page.get_by_label("Namn (Aktör)", exact=True)).to_have_value(
            re.compile("Matkluster")
        )
        assert checker.violations == {} and checker.errors == [], checker.violations
    finally:
        page.close()
        saved.unlink(missing_ok=True)


def test_adding_and_removing_a_row_by_the_keyboard_keeps_the_focus_in_the_list(
    server: tuple[str, WebConfig], browser: Any
) -> None:
    """By the keyboard, "Lägg till finansiär" left the focus on the button, after the new
    financier's fields (Tab went on to Utbetalning), and "Ta bort finansiär" left it on the
    page's body (Tab started again at the top of the page). Now a row added is focused at
    its first field, and a row removed leaves the focus at its list's button.

    Only a row added by its button: json-editor tells of the file's rows too as it fills in
    the form, and a saved case's page opened with the focus in its last financier's name,
    scrolled 10 000 pixels down (a meeting's in its last paragraph's number)."""
    from playwright.sync_api import expect

    base, _config = server
    page = browser.new_page(locale=LOCALE, viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    checker = Checker(page)
    _login(page, base, "handl")
    for saved in ("/arenden/exempel-medfinansiering", "/sammantraden/exempel-run-2024-11-26"):
        page.goto(base + saved)
        page.wait_for_selector("#editor[data-ready=true]")
        page.wait_for_timeout(100)  # past json-editor's timers (the focus was set after 0 ms)
        assert page.evaluate("() => [document.activeElement.tagName, window.scrollY]") == [
            "BODY",
            0,
        ], saved
    page.goto(base + "/arenden/ny")
    page.wait_for_selector("#editor[data-ready=true]")
    add = page.get_by_role("button", name="Lägg till finansiär")
    add.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Namn (Finansiering, Finansiärer, Finansiär 1)")).to_be_focused()
    page.keyboard.type("Region Norrbotten - ERP")
    add.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Namn (Finansiering, Finansiärer, Finansiär 2)")).to_be_focused()
    page.get_by_role("button", name="Ta bort finansiär").last.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Namn (Finansiering, Finansiärer, Finansiär 2)")).to_have_count(0)
    expect(add).to_be_focused()
    points = page.get_by_role("button", name="Lägg till beslutspunkt")
    points.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Beslutspunkter 1", exact=True)).to_be_focused()
    checker.close("rader-med-tangentbordet")


#: The pages' texts in each language: the login form's, a page's heading, json-editor's
#: button to add a row, the run's state when it has ended.
WORDS = {
    "sv": {"user": "Användarnamn", "password": "Lösenord", "login": "Logga in",
           "menu": "Huvudmeny", "cases": "Ärenden", "meetings": "Sammanträden",
           "runs": "Körning", "add": "Lägg till", "done": "klar",
           "start": "Starta körning", "other": "English"},
    "en": {"user": "User name", "password": "Password", "login": "Log in",
           "menu": "Main menu", "cases": "Cases", "meetings": "Meetings",
           "runs": "Runs", "add": "Add", "done": "done",
           "start": "Start a run", "other": "Svenska"},
}  # fmt: skip
#: An absolute path to a file in a page's text (not a link's /utdata/... address).
ABSOLUTE_FILE = re.compile(r"(?<![\w.~/-])/(?:[\w.-]+/)+[\w.*-]+\.(?:yaml|pdf|json|docx)\b")


def test_the_pages_in_swedish_by_default_and_in_english_on_request(
    server: tuple[str, WebConfig], browser: Any
) -> None:
    """A Swedish browser gets the pages in Swedish, and so does an English one
    (Accept-Language) until its user clicks "English" on the login page: then English,
    json-editor's texts too, from the server's catalogue (none of its keys
    missing); the link in the header switches. Every page passes axe in both. The run of
    two broken case files names them (page, batch report, events) relative to the cases
    folder, never by the server's absolute path."""
    from playwright.sync_api import expect

    base, config = server
    broken = config.cases / "trasig.yaml"
    also = config.cases / "trasig-igen.yaml"
    text = (config.cases / "RUN-00386-2023.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("dnr: RUN-00386-2023", "dnr: RUN-386-2023"), "utf-8")
    also.write_text(text.replace("dnr: RUN-00386-2023", "dnr: RUN-00386-23"), "utf-8")
    folders = {str(f) for f in (config.cases, config.output, config.cases.resolve(),
                                config.output.resolve(), config.data)}  # fmt: skip
    try:
        for language, locale in (("sv", "sv-SE"), ("en", "en-GB")):
            words = WORDS[language]
            page = browser.new_page(locale=locale, viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            checker = Checker(page)
            page.goto(base + "/login")
            expect(page.locator("html")).to_have_attribute("lang", "sv")
            if language == "en":  # the browser's language is no request: the user's click is
                page.get_by_role("link", name="English", exact=True).click()
                expect(page.locator("html")).to_have_attribute("lang", "en")
            checker.check(f"{language}-login")
            page.get_by_label(words["user"]).fill("alla")
            page.get_by_label(words["password"]).fill(PASSWORD)
            page.get_by_role("button", name=words["login"]).click()
            page.wait_for_url("**/arenden")
            expect(page.get_by_role("heading", level=1)).to_have_text(words["cases"])
            checker.check(f"{language}-arenden")
            page.get_by_role("navigation", name=words["menu"]).get_by_role(
                "link", name=words["meetings"], exact=True
            ).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(words["meetings"])
            checker.check(f"{language}-sammantraden")
            page.goto(base + "/sammantraden/exempel-run-2023-12-05")
            page.wait_for_selector("#editor[data-ready=true]")
            checker.check(f"{language}-sammantrade")
            page.goto(base + "/arenden/exempel-medfinansiering")
            page.wait_for_selector("#editor[data-ready=true]")
            adds = page.get_by_role("button", name=re.compile(f"^{words['add']} "))
            expect(adds.first).to_be_visible()
            other = "Lägg till" if language == "en" else "Add"
            expect(page.get_by_role("button", name=re.compile(f"^{other} "))).to_have_count(0)
            missing = page.evaluate(
                "() => Object.keys(JSONEditor.defaults.languages.en).filter("
                "key => !(key in JSONEditor.defaults.languages.avtalsgen))"
            )
            assert missing == [], missing
            # On an English page the form's values, and the labels it says in Swedish too
            # (Dnr), are marked as Swedish (WCAG 3.1.2); its English labels and headings
            # (Committee, Financiers), help texts and buttons are not.
            swedish = page.locator("#editor [lang=sv]")
            if language == "sv":
                expect(swedish).to_have_count(0)
            else:
                expect(
                    page.locator("#editor label[lang=sv]", has_text=re.compile("^Dnr$"))
                ).to_have_count(1)
                expect(page.get_by_label("Dnr", exact=True)).to_have_attribute("lang", "sv")
                committee = page.get_by_label("Committee", exact=True)
                expect(committee).to_have_attribute("lang", "sv")  # its value
                expect(page.locator("#editor label[lang=sv]", has_text="Committee")).to_have_count(
                    0
                )
                expect(page.locator("#editor .je-object__title[lang=sv]")).to_have_count(0)
                expect(
                    page.locator("#editor .je-header > span", has_text=re.compile("^Financiers$"))
                ).to_have_count(1)
                expect(page.locator("#editor .je-header > span[lang=sv]")).to_have_count(0)
                expect(page.locator("#editor button[lang=sv], #editor p[lang=sv]")).to_have_count(0)
            checker.check(f"{language}-arende")
            # A run of the two broken files: each fails with the loader's message.
            page.get_by_role("navigation", name=words["menu"]).get_by_role(
                "link", name=words["runs"], exact=True
            ).click()
            page.locator("#a-trasig").check()
            page.locator("#a-trasig-igen").check()
            page.get_by_role("button", name=words["start"]).click()
            page.wait_for_url(re.compile(r"/korning/\d+$"))
            expect(page.locator("#run-state")).to_have_text(words["done"], timeout=120_000)
            # The field as the form names it, linked to it in the case's form: not the
            # loader's "trasig.yaml:6: dnr:" (web/placewords.py), live as when reloaded.
            failed = page.get_by_role("listitem").filter(has_text="trasig.yaml")
            expect(failed).to_contain_text(
                re.compile(r"Dnr \((ärende|case) trasig, (rad|line) 6\): 'RUN-386-2023'")
            )
            expect(failed.get_by_role("link", name="Dnr", exact=True)).to_have_attribute(
                "href", "/arenden/trasig#root[dnr]"
            )
            checker.check(f"{language}-korning")
            events = page.request.get(page.url + "/handelser").text()
            page.reload()
            checker.check(f"{language}-korning-klar")
            run_page = page.content()
            page.get_by_role("navigation", name=words["menu"]).get_by_role(
                "link", name=words["runs"], exact=True
            ).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(words["runs"])
            report = page.get_by_role("region", name=re.compile("Batch"))
            expect(report).to_contain_text(
                re.compile(r"Dnr \((ärende|case) trasig-igen, (rad|line) 6\):")
            )
            checker.check(f"{language}-korningar")
            for shown in (run_page, events, page.content()):
                assert not any(folder in shown for folder in folders), shown
                assert not ABSOLUTE_FILE.search(shown), ABSOLUTE_FILE.search(shown)
            # The link in the header: the same page in the other language.
            page.get_by_role("link", name=words["other"], exact=True).click()
            other_language = "en" if language == "sv" else "sv"
            expect(page.locator("html")).to_have_attribute("lang", other_language)
            expect(page.get_by_role("heading", level=1)).to_have_text(WORDS[other_language]["runs"])
            checker.close()
    finally:
        broken.unlink()
        also.unlink()
        (config.output / "batch-report.json").unlink(missing_ok=True)


def test_the_secretary_enters_a_meeting_of_every_kind_of_decision(
    tmp_path: Path, browser: Any
) -> None:
    """The committee secretary enters a meeting in the form, as after a real one: a
    bifall, an avslag with its motivering, a bifall med ändring with a new amount, an
    återremiss, a bifall after a vote with a reservation, and a bifall with a member jävig.
    Saved without "Exempel" ticked, the loader refuses it at each paragraph's Dnr (the cases
    are examples) and every value typed is still there; ticked, the file says each decision
    as typed. A case's page said, before, that no meeting had decided it and where to add
    it; after, that its extract is to be made, with the way to the meeting's steps."""
    from playwright.sync_api import expect

    config = workspace(tmp_path)
    text = (config.cases / "exempel-arktiska-testbaddar.yaml").read_text(encoding="utf-8")
    for n in range(1, 7):  # cases no meeting has decided yet
        (config.cases / f"walk-{n}.yaml").write_text(
            text.replace("RUN-90001-2023", f"RUN-9010{n}-2023"), encoding="utf-8"
        )
    with _serving(config) as base:
        page = browser.new_page(locale=LOCALE, viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        checker = Checker(page)
        _login(page, base, "sekr")
        page.goto(base + "/arenden/walk-1")
        remaining = page.get_by_role("listitem").filter(has_text="Inget sammanträde har beslutat")
        expect(remaining).to_contain_text("visar samarbetsavtalet [uppgift saknas]")
        remaining.get_by_role(
            "link", name="Lägg till ärendet som en paragraf i ett sammanträde"
        ).click()
        page.get_by_role("link", name="Nytt sammanträde").click()
        page.wait_for_selector("#editor[data-ready=true]")

        def fill(label: str, value: str) -> None:
            page.get_by_label(label, exact=True).fill(value)

        page.get_by_label("Filnamn").fill("run-2023-12-01")
        head = {"Nämnd": "Regionala utvecklingsnämnden", "Datum": "2023-12-01",
                "Plats": "Regionhuset, Luleå", "Ordförande": "Maria Exempelsdotter",
                "Sekreterare": "Lena Exempelsson", "Justeringsdatum": "2023-12-04",
                "Anslagsdatum": "2023-12-06"}  # fmt: skip
        for label, value in head.items():
            fill(label, value)
        page.get_by_role("button", name="Lägg till justerare").click()
        fill("Justerare 1", "Johan Exempelsson")
        outcomes = ["bifall", "avslag", "bifall med ändring", "återremiss", "bifall", "bifall"]
        for n, outcome in enumerate(outcomes, 1):
            page.get_by_role("button", name="Lägg till paragraf").last.click()
            fill(f"Paragraf (Paragrafer, Paragraf {n})", str(300 + n))
            fill(f"Dnr (Paragrafer, Paragraf {n})", f"RUN-9010{n}-2023")
            page.get_by_label(f"Utfall (Paragrafer, Paragraf {n})", exact=True).select_option(
                label=outcome
            )
        fill("Motivering (Paragrafer, Paragraf 2)", "Stödet ges genom andra insatser.")
        page.locator("[data-schemapath='root.paragrafer.2.finansiering']").get_by_role(
            "button", name="Lägg till finansiär"
        ).click()
        fill("Start (Paragrafer, Paragraf 3, Finansiering, Period)", "2024-01-01")
        fill("Slut (Paragrafer, Paragraf 3, Finansiering, Period)", "2026-12-31")
        financier = "(Paragrafer, Paragraf 3, Finansiering, Finansiärer, Finansiär 1)"
        fill(f"Namn {financier}", "Region Norrbotten - ERP")
        fill(f"Källa {financier}", "ERP")
        fill(f"Belopp per år {financier}", "800 000")
        fill("Motivering (Paragrafer, Paragraf 4)", "Ärendet ska kompletteras.")
        fill("Ja (Paragrafer, Paragraf 5, Votering)", "8")
        fill("Nej (Paragrafer, Paragraf 5, Votering)", "5")
        fill(
            "Ordning (Paragrafer, Paragraf 5, Votering)", "Ja-röst för bifall, nej-röst för avslag"
        )
        page.get_by_role("button", name="Lägg till reservation").nth(4).click()
        reservation = "(Paragrafer, Paragraf 5, Reservationer, Reservation 1)"
        fill(f"Namn {reservation}", "Per Exempelsson (C)")
        fill(f"Motivering {reservation}", "till förmån för eget yrkande om avslag")
        page.get_by_role("button", name="Lägg till jävig ledamot").nth(5).click()
        fill("Jäv 1 (Paragrafer, Paragraf 6)", "Karin Exempelsson (S)")
        page.get_by_role("button", name="Spara").last.click()
        expect(page.get_by_role("alert")).to_contain_text("Inte sparat: 6 fel att rätta")
        # The list of what to correct has the focus; it names the form's fields and values
        # as the form shows them, not the file's keys; its link leads to the field.
        summary = page.get_by_role("alert")
        expect(summary).to_be_focused()
        expect(summary).not_to_contain_text("exempel: true")
        expect(summary.get_by_role("listitem").first).to_have_text(
            "Paragraf 1 › Dnr: RUN-90101-2023 är ett påhittat exempelärende (Exempel ikryssad); "
            "bara ett exempelsammanträde (Exempel ikryssad) får besluta om det"
        )
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        field = page.get_by_label("Dnr (Paragrafer, Paragraf 1)", exact=True)
        expect(field).to_be_focused()
        expect(field).to_have_accessible_description(re.compile(r"\(Exempel ikryssad\)"))
        # Refused: every value typed is still there.
        typed = {
            f"Belopp per år {financier}": "800\u00a0000",  # grouped as Swedish writes it
            f"Motivering {reservation}": "till förmån för eget yrkande om avslag",
            "Jäv 1 (Paragrafer, Paragraf 6)": "Karin Exempelsson (S)",
            "Motivering (Paragrafer, Paragraf 2)": "Stödet ges genom andra insatser.",
            "Justerare 1": "Johan Exempelsson",
        }
        for label, value in typed.items():
            expect(page.get_by_label(label, exact=True)).to_have_value(value)
        expect(page.get_by_label("Utfall (Paragrafer, Paragraf 4)", exact=True)).to_have_value(
            "aterremiss"
        )
        checker.check("sammantrade-alla-utfall-fel")
        page.get_by_label("Exempel", exact=True).check()
        page.get_by_role("button", name="Spara").last.click()
        expect(page.get_by_role("status")).to_contain_text("Sparat som version 1")
        checker.check("sammantrade-alla-utfall")
        saved = (config.meetings / "run-2023-12-01.yaml").read_text(encoding="utf-8")
        parts = (
            "    utfall: avslag\n    motivering: Stödet ges genom andra insatser.\n",
            "    utfall: bifall_med_andring\n", "          belopp_per_ar: 800000\n",
            "    utfall: aterremiss\n", "      ja: 8\n      nej: 5\n",
            "      - namn: Per Exempelsson (C)\n", "    jav:\n      - Karin Exempelsson (S)\n",
        )  # fmt: skip
        for part in parts:
            assert part in saved, saved
        page.goto(base + "/arenden/walk-1")
        extract = page.get_by_role("listitem").filter(has_text="protokollsutdrag § 301")
        extract.get_by_role("link", name="Gör protokollsutdraget för § 301").click()
        expect(page.get_by_role("button", name="Gör protokollsutdrag")).to_be_visible()
        assert page.url.endswith("/sammantraden/run-2023-12-01#efter-rubrik")
        checker.close()


def test_a_packet_with_unknown_facts_says_what_to_fill_in_where_by_keyboard_alone(
    tmp_path: Path, browser: Any, converter: None, built: Path
) -> None:
    """The seed case's packet shows [uppgift saknas]: no page offers to sign it (no button
    that can only fail), the packets' page says why and leads to the case's page, which says
    what is missing where: each field of the case's form as a link that puts the focus in
    it, and the program file's fact in words for its administrator. A new case saved empty
    is refused with each field said as the form has it, the list of what to correct
    focused and each of its links leading to its field. By keyboard alone."""
    from playwright.sync_api import expect

    config = workspace(tmp_path)
    # The seed case as LibreOffice built it from the same files (the session's build).
    copy_built(built, "RUN-00386-2023", config.output)
    with _serving(config) as base:
        page = browser.new_page(locale=LOCALE, viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        checker = Checker(page)
        page.goto(base + "/login")
        _log_in_by_keyboard(page, "alla")
        _tab_to(page, "link", "Paket")
        page.keyboard.press("Enter")
        page.wait_for_url("**/paket")
        row = page.get_by_role("row").filter(has_text="RUN-00386-2023")
        expect(row).to_contain_text(
            "Kan inte signeras än: paketet visar fortfarande [uppgift saknas]"
        )
        expect(row.get_by_role("link", name=re.compile("^Signera"))).to_have_count(0)
        checker.check("paket-ofullstandigt")
        _tab_to(page, "link", "Vad som ska fyllas i, och var")
        page.keyboard.press("Enter")
        page.wait_for_url("**/arenden/RUN-00386-2023#hinder-rubrik")
        standing = page.get_by_role("region", name="Läge")
        expect(standing.get_by_role("listitem").filter(has_text="underskriftsfältet region"))\
            .to_contain_text("det kan inte signeras än (vad som ska göras först)")  # fmt: skip
        expect(standing.get_by_role("link", name="Signera region")).to_have_count(0)
        # The program file names the region's signatory (by the office): only the case's
        # own facts are left to fill in.
        expect(standing).not_to_contain_text("saknas i programfilen")
        expect(standing).to_contain_text(
            "Avtal › Undertecknare › Namn: inte ifyllt; fyll i det i ärendets formulär."
        )
        expect(standing).to_contain_text(
            "Aktör › Organisationsnummer: inte ifyllt; fyll i det i ärendets formulär."
        )
        page.wait_for_selector("#editor[data-ready=true]")
        checker.check("arende-hinder")
        _tab_to(page, "link", "Fyll i Aktör › Organisationsnummer")
        page.keyboard.press("Enter")
        orgnr = page.get_by_label("Organisationsnummer (Aktör)", exact=True)
        expect(orgnr).to_be_focused()
        page.keyboard.type("556016-0680")
        _tab_to(page, "button", "Spara")
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text("Sparat som version")
        assert "organisationsnummer: 556016-0680" in (
            config.cases / "RUN-00386-2023.yaml"
        ).read_text(encoding="utf-8")
        # The signing page, asked for by its address: what to do first, no button.
        page.goto(base + "/paket/RUN-00386-2023/signera?falt=region")
        expect(page.get_by_role("heading", name="Innan paketet kan signeras")).to_be_visible()
        expect(page.get_by_role("button", name="Signera region")).to_have_count(0)
        checker.check("signera-ofullstandigt")

        # A new case sent empty: each field said as the form has it.
        page.goto(base + "/arenden/ny")
        page.wait_for_selector("#editor[data-ready=true]")
        _tab_to(page, "textbox", "Filnamn")
        page.keyboard.type("tomt")
        _tab_to(page, "button", "Spara")
        page.keyboard.press("Enter")
        summary = page.get_by_role("alert")
        expect(summary).to_be_focused()
        items = summary.get_by_role("listitem")
        expect(items.filter(has_text=re.compile("^Dnr:"))).to_have_text(
            "Dnr: inte ifyllt: fyll i fältet"
        )
        expect(items.filter(has_text=re.compile("^Beslutspunkter:"))).to_have_text(
            "Beslutspunkter: inget tillagt än: lägg till med knappen ”Lägg till beslutspunkt”"
        )
        expect(summary).not_to_contain_text("nyckeln")
        checker.check("arende-tomt")
        _tab_to(page, "link", "Beslutspunkter")
        page.keyboard.press("Enter")
        add = page.get_by_role("button", name="Lägg till beslutspunkt")
        expect(add).to_be_focused()
        expect(add).to_have_accessible_description(re.compile("inget tillagt än"))
        checker.close()


def test_the_directors_office_signs_a_complete_packet_with_the_demo_key(
    tmp_path: Path, browser: Any, converter: None, complete_built: Path
) -> None:
    """With every fact known (the program names the region's signatory), the packet's page
    offers both fields; the director's office signs the region's with the DEMO key (no seal
    set), the actor's after it, and the case's page says who signed."""
    from playwright.sync_api import expect

    config = complete_workspace(tmp_path, complete_built)
    with _serving(config) as base:
        page = browser.new_page(locale=LOCALE, viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        checker = Checker(page)
        _login(page, base, "signer")
        _menu(page, "Paket")
        row = page.get_by_role("row").filter(has_text="RUN-90001-2023")
        expect(row).not_to_contain_text("Kan inte signeras")
        for field, name in (("region", "region"), ("aktor", "aktör")):
            page.get_by_role("link", name=f"Signera {name} i RUN-90001-2023").click()
            expect(page.get_by_text("Nyckel: DEMO-nyckeln")).to_be_visible()
            checker.check(f"signera-{field}")
            page.get_by_role("button", name=f"Signera {name}").click()
            report = page.get_by_role("status")
            expect(report).to_contain_text("Signerat: RUN-90001-2023")
            expect(report.get_by_role("row", name=name)).to_contain_text("DEMO")
            checker.check(f"signerat-{field}")
        expect(page.get_by_role("row").filter(has_text="RUN-90001-2023")).to_contain_text(
            "region, aktör"
        )
        page.goto(base + "/arenden/exempel-arktiska-testbaddar")
        expect(page.get_by_role("region", name="Läge")).to_contain_text(
            "Avtalet undertecknat av DEMO Regional utvecklingsdirektör, DEMO Firmatecknare."
        )
        checker.close("arende-undertecknat")


def test_the_secretary_saves_an_extension_with_the_first_type_chosen(
    tmp_path: Path, browser: Any
) -> None:
    """A later meeting extends a signed agreement: the secretary adds a paragraph, its
    Tillägg's Typ left at the choice the form starts with, förlängning, and a Ny slutdag.
    The save writes the Typ (the model requires it), not "Typ: inte ifyllt" for a choice
    that is shown chosen."""
    from playwright.sync_api import expect

    config = workspace(tmp_path)
    (config.meetings / "exempel-run-2026-06-16.yaml").unlink()  # the shipped extension
    with _serving(config) as base:
        page, checker = _editor(browser, base, "sekr", "/sammantraden/ny")

        def fill(label: str, value: str) -> None:
            page.get_by_label(label, exact=True).fill(value)

        page.get_by_label("Filnamn").fill("run-2026-06-16")
        page.get_by_label("Exempel", exact=True).check()
        head = {"Nämnd": "Regionala utvecklingsnämnden", "Datum": "2026-06-16",
                "Plats": "Regionhuset, Luleå", "Ordförande": "Maria Exempelsdotter",
                "Sekreterare": "Lena Exempelsson", "Justeringsdatum": "2026-06-23",
                "Anslagsdatum": "2026-06-24"}  # fmt: skip
        for label, value in head.items():
            fill(label, value)
        page.get_by_role("button", name="Lägg till justerare").click()
        fill("Justerare 1", "Johan Exempelsson")
        page.get_by_role("button", name="Lägg till paragraf").last.click()
        fill("Paragraf (Paragrafer, Paragraf 1)", "102")
        fill("Dnr (Paragrafer, Paragraf 1)", "RUN-90001-2023")
        kind = page.get_by_label("Typ (Paragrafer, Paragraf 1, Tillägg)", exact=True)
        expect(kind.locator("option:checked")).to_have_text("förlängning")
        fill("Ny slutdag (Paragrafer, Paragraf 1, Tillägg)", "2029-12-31")
        page.get_by_role("button", name="Spara").last.click()
        expect(page.get_by_role("status")).to_contain_text("Sparat som version 1")
        checker.check("sammantrade-forlangning")
        saved = (config.meetings / "run-2026-06-16.yaml").read_text(encoding="utf-8")
        assert "    tillagg:\n      typ: forlangning\n      ny_slutdag: 2029-12-31\n" in saved
        checker.close()


def test_a_meeting_paragraph_shows_the_sections_its_outcome_uses(
    tmp_path: Path, browser: Any
) -> None:
    """A paragraph of the meeting form shows the sections its Utfall uses, not every
    section of every outcome (some 6 500 pixels each): an avslag its Motivering and its
    Tillägg (a change to a signed agreement may be rejected, 74b1e36), not the Finansiering or
    Ändring of a bifall med ändring; a bifall med ändring its Finansiering and Ändring; a
    section that holds something stays. Beslut is one list (enligt förslaget, or
    med andra ord), not two saying the same; Ej i avtalet's button names what it adds, not
    "rad"; the meeting's folder of cases ("Ärenden", "..") is not a field of the form."""
    from playwright.sync_api import expect

    config = workspace(tmp_path)
    with _serving(config) as base:
        page, checker = _editor(browser, base, "sekr", "/sammantraden/ny")
        expect(page.get_by_label("Ärenden", exact=True)).to_be_hidden()
        page.get_by_role("button", name="Lägg till paragraf").last.click()
        paragraph = page.locator("[data-schemapath='root.paragrafer.0']")
        outcome = page.get_by_label("Utfall (Paragrafer, Paragraf 1)", exact=True)

        def shown(label: str) -> bool:
            found = page.get_by_label(f"{label} (Paragrafer, Paragraf 1)", exact=True)
            return bool(found.is_visible())

        high = paragraph.bounding_box()["height"]
        outcome.select_option(label="avslag")
        expect(page.get_by_label("Motivering (Paragrafer, Paragraf 1)", exact=True)).to_be_visible()
        assert not shown("Ändring")
        expect(paragraph.get_by_role("button", name="Lägg till punktnummer")).to_have_count(0)
        expect(paragraph.get_by_role("button", name="Lägg till finansiär")).to_have_count(0)
        expect(
            page.get_by_label("Typ (Paragrafer, Paragraf 1, Tillägg)", exact=True)
        ).to_be_visible()
        # 6 279 pixels high before, 4 658 after (the common sections stay: votes, jäv, ...,
        # and the Tillägg; 3 460 when an avslag hid it, before 74b1e36).
        assert paragraph.bounding_box()["height"] < high * 0.8, (high, paragraph.bounding_box())
        checker.check("paragraf-avslag")
        outcome.select_option(label="bifall med ändring")
        expect(page.get_by_label("Ändring (Paragrafer, Paragraf 1)", exact=True)).to_be_visible()
        expect(paragraph.get_by_role("button", name="Lägg till finansiär")).to_have_count(1)
        expect(page.get_by_label("Motivering (Paragrafer, Paragraf 1)", exact=True)).to_be_hidden()
        page.get_by_label("Ändring (Paragrafer, Paragraf 1)", exact=True).fill("ett nytt belopp")
        outcome.select_option(label="bifall")
        expect(
            page.get_by_label("Typ (Paragrafer, Paragraf 1, Tillägg)", exact=True)
        ).to_be_visible()
        # What was typed stays in view, whatever the outcome.
        expect(page.get_by_label("Ändring (Paragrafer, Paragraf 1)", exact=True)).to_be_visible()
        # Beslut: one list to choose from.
        beslut = paragraph.locator("[data-schemapath='root.paragrafer.0.beslut']")
        expect(beslut.locator("select:visible")).to_have_count(1)
        expect(beslut.get_by_role("combobox")).to_have_count(1)
        expect(paragraph.get_by_role("button", name="Lägg till punktnummer")).to_have_count(1)
        expect(page.get_by_role("button", name="Lägg till rad")).to_have_count(0)
        checker.close("paragraf-bifall")
