"""What the secretary reads of what is left to do: a case's "Återstår" in words, each line
with a link to the page that does the step (for the users who may do it), and an
expediering run's state saying what it wrote and what it did not. Request tests (no
browser, no LibreOffice): the pages' text is read as the official reads it."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from webtools import blank_packet, client_for, speaking, unname_the_signatory, workspace

from avtalsgen import i18n
from avtalsgen.web.config import WebConfig


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> WebConfig:
    """The shipped cases and a case no meeting has decided yet (walk.yaml, RUN-90201-2023)."""
    config = workspace(tmp_path_factory.mktemp("steps"))
    text = (config.cases / "exempel-arktiska-testbaddar.yaml").read_text(encoding="utf-8")
    (config.cases / "walk.yaml").write_text(
        text.replace("dnr: RUN-90001-2023", "dnr: RUN-90201-2023"), encoding="utf-8"
    )
    return config


def _remaining(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each line under "Återstår": its text and its links (address, words)."""
    heading = "<h3>Återstår</h3>" if "<h3>Återstår</h3>" in html else "<h3>Remaining</h3>"
    part = html[html.index(heading) :]
    part = part[: part.index("</ul>")]
    lines = []
    for item in re.findall(r"<li>(.*?)</li>", part, re.DOTALL):
        links = [(unescape(href), unescape(re.sub(r"<[^>]+>", "", words)))
                 for href, words in re.findall(r'<a href="([^"]+)">(.*?)</a>', item)]  # fmt: skip
        lines.append((unescape(re.sub(r"<[^>]+>", "", item)).strip(), links))
    return lines


def test_a_case_no_meeting_decided_says_so_in_words_and_leads_to_the_meetings(
    config: WebConfig,
) -> None:
    with client_for(config, "sekr") as client:
        lines = _remaining(client.get("/arenden/walk").text)
        with speaking(client, "en"):
            english = _remaining(client.get("/arenden/walk").text)
    undecided = next(line for line in lines if "sammanträde" in line[0])
    assert undecided == (
        "Inget sammanträde har beslutat ärendet ännu; till dess visar samarbetsavtalet "
        "[uppgift saknas] för beslutets datum och §. Lägg till ärendet som en paragraf i ett "
        "sammanträde",
        [("/sammantraden", "Lägg till ärendet som en paragraf i ett sammanträde")],
    )
    assert not [text for text, _links in lines if "*.yaml" in text or "sammantraden/" in text]
    # The documents not built: the Körning page with the case chosen.
    assert ("handlingarna är inte byggda ännu Bygg ärendet",
            [("/korning?arende=walk", "Bygg ärendet")]) in lines  # fmt: skip
    assert (
        "No meeting has decided the case yet; until one has, the samarbetsavtal shows "
        "[uppgift saknas] for the decision's date and §. Add the case as a paragraph of a "
        "meeting",
        [("/sammantraden", "Add the case as a paragraph of a meeting")],
    ) in english


def test_the_runs_page_has_the_case_chosen_that_a_case_page_leads_to_build(
    config: WebConfig,
) -> None:
    with client_for(config, "sekr") as client:
        html = client.get("/korning?arende=walk").text
    chosen = re.findall(r'<input type="checkbox" id="a-([^"]+)" name="arende" [^>]*checked', html)
    assert chosen == ["walk"]


def test_a_decided_cases_extract_leads_to_the_meetings_steps(config: WebConfig) -> None:
    """RUN-00386-2023, decided 2023-12-05 § 211, no extract made: the line leads to the
    meeting's steps; a reader, who may not make extracts, gets the line without the link."""
    with client_for(config, "sekr") as client:
        lines = _remaining(client.get("/arenden/RUN-00386-2023").text)
    with client_for(config, "lasare") as client:
        read = _remaining(client.get("/arenden/RUN-00386-2023").text)
    extract = next(line for line in lines if line[0].startswith("protokollsutdrag § 211"))
    assert extract == (
        "protokollsutdrag § 211 från sammanträdet 2023-12-05: inte gjort ännu "
        "Gör protokollsutdraget för § 211",
        [("/sammantraden/exempel-run-2023-12-05#efter-rubrik", "Gör protokollsutdraget för § 211")],
    )
    assert ("protokollsutdrag § 211 från sammanträdet 2023-12-05: inte gjort ännu", []) in read
    assert not [links for _text, links in read if links]


def _expediering_page(
    config: WebConfig, monkeypatch: pytest.MonkeyPatch, job_id: int, items: list[Any]
) -> tuple[str, str, list[dict[str, Any]]]:
    """The page of an expediering run whose expedite gave ``items`` (in Swedish and in
    English), and the events the browser follows."""
    from avtalsgen.meetings import expediering
    from avtalsgen.web import secretary

    monkeypatch.setattr(expediering, "expedite", lambda *args, **kwargs: items)
    request = {"kind": "expediera", "meeting": str(config.meetings / "m.yaml"),
               "output": str(config.output), "templates": "templates"}  # fmt: skip
    i18n.set_language("sv")  # as the worker composes them
    events = list(secretary.run(request, lambda message: None))
    # As the worker composes them, before the page's shown_event: what the audit log keeps
    # names the case and program files relative to the cases folder, not by server paths.
    composed = json.dumps([event.get("texts") for event in events], ensure_ascii=False)
    assert str(config.cases) not in composed and str(config.cases.resolve()) not in composed
    return _run_page(config, "expediera", job_id, events)


def _run_page(
    config: WebConfig, kind: str, job_id: int, events: list[dict[str, Any]]
) -> tuple[str, str, list[dict[str, Any]]]:
    """The page of the ``kind`` run ``job_id`` whose worker sent ``events``, ended (in
    Swedish and in English), and the events the browser follows."""
    from avtalsgen.web.jobs import Job
    from avtalsgen.web.serverpaths import shown_event

    with client_for(config, "sekr") as client:
        runner = client.app.state.runner
        job = Job(job_id, kind, "sekr", ["m"], args={"output": str(config.output)})
        runner.jobs[job.id] = job
        for event in events:
            runner._event(job, shown_event(event, [config.cases, config.output]))
        job.state = "done"
        runner._finish(job)
        swedish = client.get(f"/korning/{job_id}").text
        with speaking(client, "en"):
            english = client.get(f"/korning/{job_id}").text
        followed = client.get(f"/korning/{job_id}/handelser").text
    sent = [json.loads(data) for data in re.findall(r"^data: (.*)$", followed, re.MULTILINE)]
    return swedish, english, sent


def _state(html: str) -> str:
    match = re.search(r'<span id="run-state" role="status">(.*?)</span>', html, re.DOTALL)
    assert match, "the run's page has its state"
    return unescape(match.group(1))


def _lines(html: str) -> list[str]:
    part = html[html.index('<ol id="run-events"') : html.index("</ol>")]
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", part, re.DOTALL)]  # fmt: skip


def test_an_expediering_that_wrote_no_e_mail_says_so_and_how_to_go_on(
    config: WebConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = _program_item(config, [], ["Regional utvecklingsdirektör", "Luleå kommun"])
    swedish, english, sent = _expediering_page(config, monkeypatch, 995, [item])
    assert _state(swedish) == (
        "klar – inget e-postmeddelande skrevs: ingen av mottagarna har en e-postadress i "
        "programfilen (program/norrbottens-ekosystem.yaml); lägg till adresserna där under "
        "Expediering › Mottagare och gör e-posten igen, eller skicka utdragen på annat sätt"
    )
    assert _lines(swedish) == [
        "§ 212 RUN-90001-2023: inget e-postmeddelande till Regional utvecklingsdirektör: "
        "programfilen anger ingen e-postadress för mottagaren",
        "§ 212 RUN-90001-2023: inget e-postmeddelande till Luleå kommun: programfilen anger "
        "ingen e-postadress för mottagaren",
    ]
    assert "expediering.mottagare" not in swedish and str(config.cases) not in swedish
    assert _state(english).startswith("done – no e-mail written: no recipient has an e-mail ")
    # The browser that follows the run gets the same, to say after the state.
    summary = [event for event in sent if event.get("summary")]
    assert [event["text"] for event in summary] == [_state(swedish).removeprefix("klar – ")]


def test_an_expediering_says_what_it_wrote_and_who_got_nothing(
    config: WebConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from avtalsgen.meetings.expediering import Message

    folder = config.output / "sammantraden" / "2023-12-05-run" / "expediering"
    addresses = (("Kansliet", "kansli@region.example"), ("Aktören", "info@aktor.example"))
    written = [Message(name, address, folder / f"{n}.eml")
               for n, (name, address) in enumerate(addresses, 1)]  # fmt: skip
    item = _program_item(config, written, ["Luleå kommun"])
    swedish, _english, _sent = _expediering_page(config, monkeypatch, 996, [item])
    assert _state(swedish) == (
        "klar – 2 e-postmeddelanden skrivna; inget skickas: öppna meddelandena i "
        "e-postprogrammet och skicka dem därifrån; 1 mottagare saknar e-postadress och fick "
        "inget: lägg till den i programfilen (program/norrbottens-ekosystem.yaml) under "
        "Expediering › Mottagare och gör e-posten igen, eller skicka utdraget på annat sätt"
    )
    assert "§ 212 RUN-90001-2023: e-postmeddelande till Kansliet <kansli@region.example> " \
        "skrivet 1.eml" in _lines(swedish)  # fmt: skip


def _program_item(config: WebConfig, messages: list[Any], missing: list[str]) -> Any:
    """The expediering of § 212 whose recipients ``missing`` have no address in the program
    file (the case's actor not among them), as expedite returns it."""
    import dataclasses

    return dataclasses.replace(_actor_item(config, messages, missing), aktor=(), case_file=None)


def _actor_item(config: WebConfig, messages: list[Any], missing: list[str]) -> Any:
    """The expediering of § 212 on a case whose actor has no e-mail address (its address
    is the case file's, aktor.epost), as expedite returns it."""
    from avtalsgen.meetings.expediering import Expediering

    return Expediering(
        paragraf=212, dnr="RUN-90001-2023", extract=config.output / "x.pdf", version=1,
        folder=config.output / "x", messages=tuple(messages), utan_adress=tuple(missing),
        written=True, program_file=config.cases / "program" / "norrbottens-ekosystem.yaml",
        program_line=340, aktor=("Exempel Arktiska Testbäddar ekonomisk förening",
                                 "Arktiska testbäddar"),
        case_file=config.cases / "exempel-arktiska-testbaddar.yaml", case_line=12,
    )  # fmt: skip


def test_an_actor_without_an_address_is_told_to_its_case_not_to_the_program_file(
    config: WebConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The actor's address is its case file's (Aktör › E-post): the page said "programfilen
    anger ingen e-postadress för mottagaren" of it and told the secretary to add it to the
    program file, where the command line names the case file."""
    from avtalsgen.meetings.expediering import Message

    actor = "Exempel Arktiska Testbäddar ekonomisk förening"
    sent = Message("Kansliet", "kansli@region.example", config.output / "x" / "01.eml")
    item = _actor_item(config, [sent], ["Regional utvecklingsdirektör", actor])
    swedish, english, _sent = _expediering_page(config, monkeypatch, 997, [item])
    lines = _lines(swedish)
    assert (
        f"§ 212 RUN-90001-2023: inget e-postmeddelande till {actor}: aktören har ingen "
        "e-postadress; fyll i den under Aktör › E-post i ärendets formulär "
        "(exempel-arktiska-testbaddar.yaml)"
    ) in lines, lines
    assert not [line for line in lines if actor in line and "programfilen" in line], lines
    assert (
        "§ 212 RUN-90001-2023: inget e-postmeddelande till Regional utvecklingsdirektör: "
        "programfilen anger ingen e-postadress för mottagaren"
    ) in lines
    assert _state(swedish) == (
        "klar – 1 e-postmeddelande skrivet; inget skickas: öppna meddelandena i "
        "e-postprogrammet och skicka dem därifrån; 1 mottagare saknar e-postadress och fick "
        "inget: lägg till den i programfilen (program/norrbottens-ekosystem.yaml) under "
        "Expediering › Mottagare och gör e-posten igen, eller skicka utdraget på annat sätt; "
        "aktören saknar e-postadress och fick inget: fyll i den under Aktör › E-post i "
        "ärendets formulär (exempel-arktiska-testbaddar.yaml) och gör e-posten igen, eller "
        "skicka utdraget på annat sätt"
    )
    assert (
        f"§ 212 RUN-90001-2023: no e-mail to {actor}: the actor has no e-mail address; fill "
        "it in under Actor › E-mail in the case's form (exempel-arktiska-testbaddar.yaml)"
    ) in _lines(english)


def test_an_expediering_where_only_the_actor_lacks_an_address_says_where_it_goes(
    config: WebConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No e-mail written, the actor the only recipient: the state names the case's form,
    not "ingen av mottagarna har en e-postadress i programfilen"; an actor missing from the
    distribution list is said, as the command line says it."""
    import dataclasses

    actor = "Exempel Arktiska Testbäddar ekonomisk förening"
    item = dataclasses.replace(_actor_item(config, [], [actor]), paragraf=213)
    unlisted = dataclasses.replace(_actor_item(config, [], []), paragraf=214, utan_aktor=True)
    swedish, _english, _sent = _expediering_page(config, monkeypatch, 998, [item, unlisted])
    assert _state(swedish) == (
        "klar – inget e-postmeddelande skrevs: aktören har ingen e-postadress: fyll i den "
        "under Aktör › E-post i ärendets formulär (exempel-arktiska-testbaddar.yaml) och gör "
        "e-posten igen, eller skicka utdraget på annat sätt"
    )
    assert (
        f"§ 214 RUN-90001-2023: aktören, {actor}, finns inte bland mottagarna av utdraget "
        "(listan Protokollsutdrag till i ärendets formulär, exempel-arktiska-testbaddar.yaml): "
        "beslutet om dess avtal når den inte; lägg till den där och gör utdragets nya "
        "version, eller skicka utdraget till aktören på annat sätt"
    ) in _lines(swedish)


def test_two_actors_without_an_address_are_counted(config: WebConfig) -> None:
    """Two paragraphs' actors without an address, no e-mail written: counted, in the
    plural, not "aktören har ingen e-postadress"."""
    import dataclasses

    from avtalsgen.web.secretary import expediering_summary

    actor = "Exempel Arktiska Testbäddar ekonomisk förening"
    first = _actor_item(config, [], [actor])
    other = dataclasses.replace(first, paragraf=213, dnr="RUN-00386-2023",
                                case_file=config.cases / "RUN-00386-2023.yaml")  # fmt: skip
    with i18n.speaking("sv"):
        said = expediering_summary([first, other], config.cases)
    assert said == (
        "inget e-postmeddelande skrevs: 2 aktörer har ingen e-postadress: fyll i deras under "
        "Aktör › E-post i ärendenas formulär (RUN-00386-2023.yaml, "
        "exempel-arktiska-testbaddar.yaml) och gör e-posten igen, eller skicka utdragen på "
        "annat sätt"
    )


def test_publishing_counts_what_it_published_and_what_waits_as_the_command_line_does(
    config: WebConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's state after "klar": publicera's count line (published, waiting for the
    anslag, not certified, no extract, under sekretess), in the reader's language; the page
    said "klar" alone, and whether anything waits was told line by line only."""
    import contextlib

    from avtalsgen.meetings import publicering
    from avtalsgen.meetings.publicering import Rendition, Status
    from avtalsgen.web import secretary

    web = config.output / "webb" / "RUN-90001-2023"
    results = [
        Rendition("RUN-90001-2023", 212, "protokollsutdrag", Status.SKRIVEN,
                  files=(web / "protokollsutdrag-212.pdf",)),
        Rendition("RUN-90001-2023", 212, "beslutsforslag", Status.SKRIVEN,
                  files=(web / "beslutsforslag.pdf",)),
        Rendition("RUN-00386-2023", 211, "protokollsutdrag", Status.OSIGNERAD),
        Rendition("RUN-90003-2024", 213, "protokollsutdrag", Status.SAKNAS),
        Rendition("RUN-90005-2024", 214, "protokollsutdrag", Status.SEKRETESS),
    ]  # fmt: skip
    monkeypatch.setattr(publicering, "publish", lambda *args, **kwargs: results)
    monkeypatch.setattr(secretary, "_converter", contextlib.nullcontext)
    request = {"kind": "publicera", "meeting": str(config.meetings / "m.yaml"),
               "output": str(config.output), "templates": "templates"}  # fmt: skip
    i18n.set_language("sv")  # as the worker composes them
    events = list(secretary.run(request, lambda message: None))
    swedish, english, sent = _run_page(config, "publicera", 994, events)
    assert _state(swedish) == (
        "klar – publicerade: 2, väntar på anslaget: 0, inte bestyrkta ännu: 1, utan "
        "protokollsutdrag ännu: 1, sekretess: 1"
    )
    assert _state(english) == (
        "done – published: 2, waiting for the anslag: 0, not certified yet: 1, no extract "
        "yet: 1, under sekretess: 1"
    )
    # Said once, after the state, not as one of the run's lines.
    assert not [line for line in _lines(swedish) if "publicerade:" in line]
    summary = [event["text"] for event in sent if event.get("summary")]
    assert summary == [_state(swedish).removeprefix("klar – ")]


def test_a_program_files_fact_and_the_documents_are_named_as_the_office_knows_them(
    tmp_path: Path,
) -> None:
    """The region's signatory, a fact of the program file, is named by that file, without
    the CLI's "(för ärendet walk.yaml, som hänvisar till programmet)" on walk's own page;
    the documents by their names, their files in the links; the decision's meeting links
    its page."""
    config = workspace(tmp_path / "ws")
    unname_the_signatory(config.cases)
    folder = config.output / "RUN-00386-2023"
    folder.mkdir()
    (folder / "beslutsforslag.pdf").write_bytes(b"%PDF-1.7\n")
    with client_for(config, "sekr") as client:
        html = client.get("/arenden/RUN-00386-2023").text
    texts = [text for text, _links in _remaining(html)]
    assert (
        "Programfilen program/norrbottens-ekosystem.yaml: Avtal › Undertecknare › Namn: inget "
        "värde ifyllt än; dokumenten visar [uppgift saknas]"
    ) in texts, texts
    assert not [text for text in texts if "som hänvisar till programmet" in text]
    documents = html[html.index("<h3>Dokument</h3>") :]
    assert documents.startswith(
        '<h3>Dokument</h3>\n<ul><li><a href="/utdata/RUN-00386-2023/beslutsforslag.pdf">'
        "Beslutsförslag</a></li>"
    ), documents[:200]
    assert '(<a href="/sammantraden/exempel-run-2023-12-05">exempel-run-' in html


def test_a_user_refused_is_shown_again_with_the_name_and_roles_typed(config: WebConfig) -> None:
    """A password too short: the message, and the form with the name and the roles ticked
    as they were (the password field empty: it is never sent back)."""
    from webtools import csrf_of

    with client_for(config, "admin") as client:
        form = client.get("/anvandare").text
        answer = client.post("/anvandare", data={
            "namn": "ny.sekreterare", "losenord": "för-kort", "roll": ["sekreterare", "läsare"],
            "_csrf_token": csrf_of(form)})  # fmt: skip
    assert answer.status_code == 422
    html = answer.text
    assert 'role="alert"' in html and "10 tecken" in unescape(html)
    assert re.search(r'<input id="nytt-namn" name="namn" [^>]*value="ny.sekreterare"', html)
    ticked = re.findall(r'name="roll" value="([^"]+)" checked>', html)
    assert sorted(ticked) == ["läsare", "sekreterare"]
    assert "för-kort" not in html


def test_an_expediering_is_refused_at_its_field_while_an_extract_is_not_certified() -> None:
    """Before any run starts, in the page's words: which paragraphs' extracts are not made or
    not certified, and how to go on (the run would stop naming `avtalsgen sign … --field
    utdragsbestyrkande`); every paragraph but those under secrecy when none is given."""
    from avtalsgen.web.routes.meetings import uncertified_problem

    def row(paragraf: int, fil: str | None, bestyrkt: bool, sekretess: bool = False) -> Any:
        return {"paragraf": paragraf, "dnr": f"RUN-90{paragraf}-2023", "fil": fil,
                "bestyrkt": bestyrkt, "sekretess": sekretess}  # fmt: skip

    rows = [row(211, "a.pdf", False), row(212, "b.pdf", True), row(213, None, False, True),
            row(214, "c.pdf", False)]  # fmt: skip
    i18n.set_language("sv")
    try:
        assert uncertified_problem(rows, None) == (
            "protokollsutdragen för § 211 (RUN-90211-2023) och § 214 (RUN-90214-2023) är inte "
            "bestyrkta än: bestyrk dem först (Bestyrk i tabellen över paragrafernas "
            "protokollsutdrag), eller ange numret på en paragraf vars utdrag är bestyrkt"
        )
        assert uncertified_problem(rows, 212) is None
        assert uncertified_problem(rows, 213) == (
            "§ 213 (RUN-90213-2023) har inget protokollsutdrag än: gör det (Gör "
            "protokollsutdrag) och bestyrk det först, eller ange numret på en paragraf vars "
            "utdrag är bestyrkt"
        )
    finally:
        i18n.set_language(None)


def test_a_case_page_lists_each_unknown_fact_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RUN-00386-2023 leaves nine facts unknown, and its packet shows them: "Innan paketet
    kan signeras" lists each with where to fill it in, and "Återstår" says how many there
    are, leading there, instead of listing each of them again."""

    from avtalsgen.web import readiness

    config = workspace(tmp_path)
    unname_the_signatory(config.cases)  # the program's fact too
    blank_packet(config, "RUN-00386-2023")  # granted 2023-12-05 § 211
    # The packet's text as the signing reads it: eight lines showing [uppgift saknas].
    shown = tuple(f"sida 1: [uppgift saknas] {n}" for n in range(8))
    monkeypatch.setattr(readiness, "packet_unknowns", lambda packet: shown)
    with client_for(config, "sekr") as client:
        html = client.get("/arenden/RUN-00386-2023").text
    standing = html[html.index('id="lage-rubrik"') : html.index("</section>")]
    blockers = standing[standing.index('id="hinder-rubrik"') :]
    remaining = _remaining(html)
    facts = ["Datum", "Avdelning", "Handläggare", "Aktör › Organisationsnummer",
             "Aktör › Adress", "Avtal › Undertecknare › Namn", "Avtal › Undertecknare › Titel",
             "Avtal › Undertecknare › Ort"]  # fmt: skip
    for fact in facts:
        said = f"{fact}: inte ifyllt; fyll i det i ärendets formulär."
        assert unescape(standing).count(said) == 1, fact
        assert said in unescape(blockers)
        assert not [text for text, _links in remaining if text.startswith(f"{fact}:")], fact
    assert unescape(standing).count("avtal.undertecknare.namn") == 1  # the program's fact
    assert remaining[0] == (
        "9 uppgifter är inte ifyllda än; dokumenten visar [uppgift saknas] för dem Vad som "
        "ska fyllas i, och var",
        [("#hinder-rubrik", "Vad som ska fyllas i, och var")],
    )
    assert len([text for text, _links in remaining if "[uppgift saknas]" in text]) == 1


def test_the_packets_page_shows_what_blocks_signing_to_those_who_fill_it_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A packet that shows [uppgift saknas] cannot be signed; the case officer fills those
    facts in (and the secretary the meeting's), so the Paket page says so, with the way to
    what to fill in, to them as to the signer; a reader, who can do neither, sees no such
    column."""

    from avtalsgen.web import readiness

    config = workspace(tmp_path)
    blank_packet(config, "RUN-00386-2023")
    monkeypatch.setattr(readiness, "packet_unknowns", lambda packet: ("sida 1: [uppgift saknas]",))
    # The list asks only whether it shows one (its pages up to the first that does).
    monkeypatch.setattr(readiness, "packet_shows_unknown", lambda packet, now=None: True)
    link = '<a href="/arenden/RUN-00386-2023#hinder-rubrik">Vad som ska fyllas i, och var'
    for user in ("handl", "sekr", "signer"):
        with client_for(config, user) as client:
            html = client.get("/paket").text
        assert "Kan inte signeras än" in html and link in html, user
        assert '<th scope="col">Underskrift</th>' in html, user
    with client_for(config, "lasare") as client:
        html = client.get("/paket").text
    assert link not in html and "Underskrift</th>" not in html


def test_a_user_refused_is_told_at_the_field_add_user_refused(config: WebConfig) -> None:
    """Each refusal at its own field, as auth.UserError names it (the page guessed it by
    repeating add_user's check of the name)."""
    from webtools import csrf_of

    from avtalsgen.web import auth

    sent = {
        "nytt-namn": {"namn": "två ord", "losenord": "långt nog lösenord", "roll": ["läsare"]},
        "nytt-losenord": {"namn": "ny.person", "losenord": "kort", "roll": ["läsare"]},
        "roll-1": {"namn": "ny.person", "losenord": "långt nog lösenord", "roll": ["chef"]},
    }
    with client_for(config, "admin") as client:
        for field, data in sent.items():
            form = client.get("/anvandare").text
            answer = client.post("/anvandare", data={**data, "_csrf_token": csrf_of(form)})
            assert answer.status_code == 422, field
            summary = answer.text[answer.text.index('id="fel"') :].split("</div>")[0]
            assert re.findall(r'<a href="#([^"]+)">', summary) == [field], summary
    for call, field in ((lambda: auth.parse_roles([]), "roles"),
                        (lambda: auth.add_user(config.database, "a b", frozenset(), "x"), "name"),
                        (lambda: auth.add_user(config.database, "ab", frozenset(), "x"),
                         "password")):  # fmt: skip
        with pytest.raises(auth.UserError) as refused:
            call()
        assert refused.value.field == field
