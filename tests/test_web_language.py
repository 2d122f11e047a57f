"""The office's pages speak through gettext: Swedish, English when the user asks for it (the
link in the header; the browser's Accept-Language is not asking); every text of the
templates is a message of the web catalogue, and so are the form editor's own texts; the
run pages name files as the office knows them, never by the server's absolute paths."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO, script
from webtools import client_for, csrf_of, speaking, unname_the_signatory, workspace

from avtalsgen import i18n
from avtalsgen.web.config import WebConfig
from avtalsgen.web.language import language_of

TEMPLATES = REPO / "src" / "avtalsgen" / "web" / "templates"
#: Words a template may show as they are: the app's name and a file's name.
AS_THEY_ARE = {"avtalsgen", "paket.pdf", "s"}


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> WebConfig:
    config = workspace(tmp_path_factory.mktemp("language"))
    unname_the_signatory(config.cases)  # a fact of the program left unknown, named on pages
    return config


def test_only_the_users_choice_gives_english() -> None:
    assert language_of({}) == "sv"
    assert language_of({"avtalsgen_sprak": "en"}) == "en"
    assert language_of({"avtalsgen_sprak": "sv"}) == "sv"
    assert language_of({"avtalsgen_sprak": "fi"}) == "sv"


def test_an_english_browser_gets_swedish_pages_until_the_user_chooses(config: WebConfig) -> None:
    """A browser set to English (an English Windows, say) has not asked for English pages:
    the office is Swedish, and its documents and forms are, whatever the browser says. The
    link to English is on the page, and the choice is kept."""
    english_browser = {"accept-language": "en-GB,en;q=0.9"}
    with client_for(config) as client:
        login = client.get("/login", headers=english_browser).text
        assert '<html lang="sv">' in login and "<h1>Logga in</h1>" in login
        assert 'lang="en" hreflang="en">English</a>' in login
    with client_for(config, "alla") as client:
        page = client.get("/arenden", headers=english_browser).text
        assert '<html lang="sv">' in page and "<h1>Ärenden</h1>" in page
        link = re.search(r'href="(/sprak/en\?sida=[^"]+)"', page)
        assert link, page
        chosen = client.get(unescape(link.group(1)), headers=english_browser)
        assert chosen.status_code == 200 and "<h1>Cases</h1>" in chosen.text
        # Kept: the next page too, whatever the browser says.
        assert (
            "<h1>Meetings</h1>"
            in client.get("/sammantraden", headers={"accept-language": "sv"}).text
        )
        back = re.search(r'href="(/sprak/sv\?sida=[^"]+)"', chosen.text)
        assert back, chosen.text
        assert (
            "<h1>Ärenden</h1>" in client.get(unescape(back.group(1)), headers=english_browser).text
        )
        assert "<h1>Sammanträden</h1>" in client.get("/sammantraden", headers=english_browser).text


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_pages_are_swedish_by_default_and_english_on_request(config: WebConfig) -> None:
    with client_for(config, "alla") as client:
        swedish = client.get("/arenden").text
        assert '<html lang="sv">' in swedish
        assert "<h1>Ärenden</h1>" in swedish and "Sök (Dnr, aktör, rubrik)" in swedish
        assert "7 av 7 ärenden." in _text(swedish)
        assert 'lang="en" hreflang="en">English</a>' in swedish
        with speaking(client, "en"):
            english = client.get("/arenden").text
        assert '<html lang="en">' in english
        assert "<h1>Cases</h1>" in english and "Search (Dnr, actor, title)" in english
        assert "7 of 7 cases." in _text(english)
        assert "1 av 7 ärenden." in _text(client.get("/arenden?q=00386").text)
        with speaking(client, "en"):
            assert "1 of 7 cases." in _text(client.get("/arenden?q=00386").text)
        assert ">Meetings<" in english and "Ärenden" not in english
        assert 'lang="sv" hreflang="sv">Svenska</a>' in english
        # The link in the header: the choice kept, the same page again, in English.
        link = re.search(r'href="(/sprak/en\?sida=[^"]+)"', swedish)
        assert link, swedish
        chosen = client.get(unescape(link.group(1)), follow_redirects=False)
        assert chosen.status_code == 303 and chosen.headers["location"] == "/arenden"
        page = client.get("/sammantraden").text
        assert "<h1>Meetings</h1>" in page and "Last day to appeal" in page
        # The library's messages on the page follow the page (the run's state in words).
        runs = client.get("/korning").text
        assert "<h1>Runs</h1>" in runs and "Start a run" in runs
        client.cookies.set("avtalsgen_sprak", "sv")
        assert "<h1>Körning</h1>" in client.get("/korning").text


def test_the_login_and_error_pages_follow_the_language_too(config: WebConfig) -> None:
    with client_for(config) as client:
        with speaking(client, "en"):
            assert "<h1>Log in</h1>" in client.get("/login").text
        assert "<h1>Logga in</h1>" in client.get("/login").text
    with client_for(config, "lasare") as client:
        with speaking(client, "en"):
            missing = client.get("/arenden/RUN-99999-2099")
            assert missing.status_code == 404
            assert "It did not work (404)" in missing.text
            assert "The page or file does not exist." in missing.text
            nowhere = client.get("/ingenstans")
            assert nowhere.status_code == 404 and "It did not work (404)" in nowhere.text
        assert "Det gick inte (404)" in client.get("/ingenstans").text


def test_the_form_editors_texts_come_from_the_catalogue(config: WebConfig) -> None:
    def texts(language: str) -> dict[str, object]:
        with speaking(client, language):
            page = client.get("/arenden/RUN-00386-2023").text
        block = re.search(r'<script type="application/json" id="editor-texts">(.*?)</script>',
                          page, re.S)  # fmt: skip
        assert block, page
        found: dict[str, object] = json.loads(unescape(block.group(1)))
        return found

    with client_for(config, "handl") as client:
        swedish, english = texts("sv"), texts("en")
    editor_sv, editor_en = swedish["editor"], english["editor"]
    assert isinstance(editor_sv, dict) and isinstance(editor_en, dict)
    assert editor_sv["button_add_row_title"] == "Lägg till {{0}}"
    assert editor_en["button_add_row_title"] == "Add {{0}}"
    assert editor_sv["error_minimum_incl"] == "Värdet måste vara minst {{0}}"
    assert editor_sv.keys() == editor_en.keys()
    assert swedish["draft_discard"] == "Släng det och läs in filen igen"
    assert english["draft_discard"] == "Discard it and read the file again"
    # No text of the page's script is written in it (Swedish or otherwise): they come from
    # the page.
    script = (REPO / "src" / "avtalsgen" / "web" / "static" / "app.js").read_text("utf-8")
    assert not re.search(r"[åäöÅÄÖ]", script)


class _Texts(HTMLParser):
    """The texts a reader sees or hears of an HTML fragment: its text, and its labels."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_data(self, data: str) -> None:
        self.found.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        labels = ("aria-label", "alt", "title", "placeholder")
        self.found += [value for name, value in attrs if name in labels and value]


def plain_texts(source: str) -> list[str]:
    """The words of a template shown as they are written, not through gettext: what is left
    without its ``{% trans %}`` blocks, ``{{ … }}`` (``_()`` and data) and ``{% … %}``."""
    source = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    source = re.sub(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", " ", source, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S)
    parser = _Texts()
    parser.feed(source)
    words = [w for text in parser.found for w in re.findall(r"[^\W\d_][\w.]*", text)]
    return [word for word in words if word not in AS_THEY_ARE]


def test_every_text_of_the_templates_goes_through_gettext() -> None:
    found = {
        path.name: words
        for path in sorted(TEMPLATES.glob("*.html"))
        if (words := plain_texts(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_check_finds_a_plain_text_in_a_template() -> None:
    source = (TEMPLATES / "users.html").read_text(encoding="utf-8")
    assert plain_texts(source) == []
    changed = source.replace('{{ _("Roles") }}</legend>', "Roller</legend>")
    assert changed != source
    assert plain_texts(changed) == ["Roller"]
    assert plain_texts('<img alt="Sida 1">') == ["Sida"]


def test_the_catalogue_has_the_templates_messages_and_checks_their_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = script("catalog")
    # The source's messages and the models' descriptions read once, not again by each
    # check below (babel reads every source file: some seconds each time); only the
    # catalogue changes between the checks.
    marked, described = list(catalog.marked()), list(catalog.described())
    monkeypatch.setattr(catalog, "marked", lambda: iter(marked))
    monkeypatch.setattr(catalog, "described", lambda: iter(described))
    found = {
        (domain, message if isinstance(message, str) else message[0])
        for domain, path, _line, message in marked
        if path.suffix == ".html" or path.name == "editortexts.py"
    }
    assert ("web", "Skip to the content") in found
    assert ("web", "Run %(number)s (%(kind)s)") in found
    assert ("web", "%(shown)s of %(count)s case.") in found
    assert ("web", "Add {{0}}") in found
    original = catalog.po_path
    po = original("web").read_text(encoding="utf-8")
    copy = tmp_path / "web.po"
    monkeypatch.setattr(
        catalog, "po_path", lambda domain: copy if domain == "web" else original(domain)
    )
    for translated, dropped, placeholder in [
        ('msgstr "Körning %(number)s (%(kind)s)"', 'msgstr "Körning %(number)s"', "%(kind)s"),
        ('msgstr "Lägg till {{0}}"', 'msgstr "Lägg till"', "{{0}}"),
    ]:
        assert translated in po
        copy.write_text(po.replace(translated, dropped), encoding="utf-8")
        problems = catalog.problems()
        assert any(f"{placeholder!r}" in p and "differ" in p for p in problems), problems


def test_an_english_help_text_keeps_its_abbreviations() -> None:
    """An English description's "e.g." is no key inside another ("E › G."), while
    ``finansiering.kallor`` is said as the form's labels say it."""
    from avtalsgen.web.forms import label
    from avtalsgen.web.helptext import form_help

    for language, path in (("sv", "Finansiering › Källor"), ("en", "Financing › Källor")):
        with i18n.speaking(language):
            text = form_help(
                "The committee, e.g. Regionala utvecklingsnämnden (i.e. its name); see "
                "finansiering.kallor.",
                keys={"finansiering", "kallor"}, values=set(), words=label,
            )  # fmt: skip
        assert text == (
            f"The committee, e.g. Regionala utvecklingsnämnden (i.e. its name); see {path}."
        )


def test_a_run_queued_in_swedish_and_in_english_is_one_run(tmp_path: Path) -> None:
    """The worker speaks Swedish whoever asked, so the page's language is no part of a
    run: the same build asked for from an English page while a Swedish one waits in the
    queue is that run, not a second one."""
    import threading

    from avtalsgen.web.jobs import QUEUED, JobRunner

    config = workspace(tmp_path)
    busy = threading.Event()
    with client_for(config, "handl") as client:
        runner: JobRunner = client.app.state.runner
        # A worker thread busy with a run before them: the runs asked for stay queued.
        runner._thread = threading.Thread(target=busy.wait, daemon=True)
        runner._thread.start()
        try:
            asked = []
            for language in ("sv", "en"):
                client.cookies.set("avtalsgen_sprak", language)
                page = client.get("/korning").text
                assert ("<h1>Runs</h1>" in page) == (language == "en")
                response = client.post(
                    "/korning",
                    data={"arende": "RUN-00386-2023", "_csrf_token": csrf_of(page)},
                    follow_redirects=False,
                )
                assert response.status_code == 303, response.text
                asked.append(response.headers["location"])
            assert asked[0] == asked[1], asked
            queued = [job for job in runner.jobs.values() if job.state == QUEUED]
            assert [job.cases for job in queued] == [["RUN-00386-2023"]]
            assert "lang" not in queued[0].args
        finally:
            busy.set()


def test_the_roles_are_named_in_the_readers_language(config: WebConfig) -> None:
    """The header's roles, the users page's table and tick boxes, and what its change says:
    the roles' Swedish names (which ``avtalsgen users add --role`` takes) on Swedish pages,
    English words on English ones."""
    with client_for(config, "alla") as client:
        header = "läsare, handläggare, sekreterare, undertecknare, administratör"
        swedish = _text(client.get("/anvandare").text)
        assert (
            "Inloggad: alla (administratör, handläggare, läsare, sekreterare, undertecknare)"
            in swedish
        )
        assert "handläggare (redigerar och bygger ärenden)" in swedish
        with speaking(client, "en"):
            page = client.get("/anvandare").text
            english = _text(page)
            assert (
                "Logged in: alla (administrator, case officer, reader, secretary, signer)"
                in english
            )
            assert "handl case officer yes" in english
            assert "case officer (edits and builds cases)" in english
            for role in header.split(", "):
                assert role not in english, role
            changed = client.post(
                "/anvandare",
                data={
                    "namn": "ny",
                    "losenord": "ett-långt-lösenord-2",
                    "_csrf_token": csrf_of(page),
                    "roll": ["handläggare", "sekreterare"],
                },
            )
            assert "Changed: ny: roles case officer, secretary" in _text(changed.text)


def test_an_english_page_names_the_fields_as_its_form_labels_them(config: WebConfig) -> None:
    """The form's labels on an English page are English, and so are the places a page names
    by them (a case's Remaining list), where they said 'Avtal › Undertecknare › Namn' and
    'Belopp per år' among English words; Dnr stays as it is, marked as Swedish."""
    with client_for(config, "handl") as client:
        swedish = _text(client.get("/arenden/exempel-trappsteg").text)
        with speaking(client, "en"):
            page = client.get("/arenden/exempel-trappsteg").text
    english = _text(page)
    assert "Avtal › Undertecknare › Namn: inget värde ifyllt än" in swedish
    assert "Agreement › Signatory › Name: not filled in yet" in english
    schema = json.loads(
        unescape(re.search(r'id="editor-schema">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    )
    fields = schema["properties"]
    financier = fields["finansiering"]["properties"]["finansiarer"]["items"]
    assert [fields[key]["title"] for key in ("namnd", "datum", "titel", "dnr")] == [
        "Committee", "Date", "Title", "Dnr",
    ]  # fmt: skip
    assert financier["title"] == "financier"
    assert financier["properties"]["belopp_per_ar"]["title"] == "Amount per year"
    assert fields["dnr"]["x-label-lang"] == "sv" and "x-label-lang" not in fields["namnd"]
