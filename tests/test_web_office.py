"""The office's pages as new users met them on an ordinary day (a case officer writing a
new case from the form alone, a secretary recording a meeting, someone who mistypes): each
test is a fault they found, checked without a browser."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from webtools import client_for, speaking, workspace

from avtalsgen import i18n
from avtalsgen.web.config import WebConfig


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> WebConfig:
    return workspace(tmp_path_factory.mktemp("office"))


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_last_day_for_the_anslag_moves_past_a_weekend_as_the_loader_says(
    config: WebConfig,
) -> None:
    """Justerat on a Friday: the second day after is a Sunday, so the notice may go up on
    the Monday (lag (1930:173)); the meeting's page said the Sunday, and called the Monday
    the secretary typed, which the loader accepts, outside the time."""
    with client_for(config, "sekr") as client:
        html = client.get(
            "/sammantraden/datum?datum=2026-12-01&justeringsdatum=2026-12-04"
            "&anslagsdatum=2026-12-07"
        ).text
    shown = _text(html)
    assert "Anslag senast 2026-12-07" in shown, shown
    assert "2026-12-06" not in shown and "utanför" not in shown


def test_the_preview_says_the_builds_time_as_swedish_writes_a_number(config: WebConfig) -> None:
    """It said "(byggt, 1.736 s)": a decimal point, read in Swedish as a thousand and more."""
    from avtalsgen.web.jobs import Job, JobRunner

    with client_for(config, "lasare") as client:
        runner: JobRunner = client.app.state.runner
        job = Job(991, "build", "handl", ["RUN-00386-2023"], state="done")
        job.events.append({"type": "case", "dnr": "RUN-00386-2023", "status": "built",
                           "seconds": 1.736, "outputs": []})  # fmt: skip
        job.done.set()
        runner.jobs[991] = job
        try:
            shown = _text(client.get("/arenden/RUN-00386-2023/forhandsgranskning").text)
        finally:
            del runner.jobs[991]
    assert "(byggt, 1,7 s)" in shown, shown
    assert "1.736" not in shown


def test_the_signing_pages_say_key_authority_and_revocation_lists_apart(
    config: WebConfig,
) -> None:
    """The three sentences ran into one another ("utan nätverk).Tidsstämpeltjänst: ...")."""
    packet = config.output / "RUN-00386-2023" / "paket.pdf"
    packet.parent.mkdir(parents=True, exist_ok=True)
    packet.write_bytes(b"%PDF-1.7\n")  # the page asks only that the packet is there
    try:
        with client_for(config, "alla") as client:
            html = client.get("/paket/RUN-00386-2023/signera?falt=region").text
    finally:
        packet.unlink()
    assert ").Tidsstämpeltjänst" not in html and ".Valideringsdata" not in html
    for sentence in (
        "<p>Nyckel: DEMO-nyckeln",
        "<p>Tidsstämpeltjänst: DEMO-nyckelns egen.</p>",
        "<p>Valideringsdata (spärrlistor) för B-LT och B-LTA: DEMO-rotens",
    ):
        assert sentence in html, html


def test_a_later_decisions_financier_is_labelled_as_swedish_spells_it(config: WebConfig) -> None:
    """The field tillagg.finansiar was labelled "Finansiar", the file's key."""
    from avtalsgen.web.forms import label

    with i18n.speaking("sv"):
        assert label("finansiar") == "Finansiär"
    with i18n.speaking("en"):
        assert label("finansiar") == "Financier"
    with client_for(config, "sekr") as client:
        html = client.get("/sammantraden/ny").text
    block = re.search(r'<script type="application/json" id="editor-schema">(.*?)</script>',
                      html, re.S)  # fmt: skip
    assert block, html
    titles = re.findall(r'"title": "([^"]*)"', json.dumps(json.loads(block.group(1)),
                                                          ensure_ascii=False))  # fmt: skip
    assert "Finansiär" in titles and "Finansiar" not in titles, titles


def test_a_new_meetings_file_name_is_explained_with_a_meetings_name(config: WebConfig) -> None:
    """The new meeting's form said "Filen sparas som filnamn.yaml, till exempel
    RUN-00400-2024", a case file's name (qa21): a meeting's file is named by the committee and
    the date, as the shipped ones are (exempel-run-2025-02-11.yaml)."""
    with client_for(config, "sekr") as client, speaking(client, "sv"):
        shown = _text(client.get("/sammantraden/ny").text)
    assert "till exempel run-2026-03-17 : nämndens kortnamn och sammanträdets datum" in shown
    assert "RUN-00400-2024" not in shown


def test_a_refused_meeting_names_other_files_and_paragraphs_as_the_form_does(
    config: WebConfig,
) -> None:
    """A meeting deciding a case another meeting had granted, and a § typed twice: the
    messages named the other meeting by the server's absolute path and both places in the
    loader's words, counted from 0 ("(/srv/.../run.yaml:11: paragrafer[0])", "(även
    paragrafer[0])"); they name the file below the cases folder, its line, and the
    paragraph as the form titles it."""
    data = {
        "exempel": True, "namnd": "Regionala utvecklingsnämnden", "datum": "2025-09-09",
        "plats": "Regionhuset, Luleå", "ordforande": "Karin Berg",
        "sekreterare": "Sara Svensson", "justerare": ["Olof Lind"],
        "justeringsdatum": "2025-09-12", "anslagsdatum": "2025-09-15", "arenden": "..",
        "paragrafer": [{"paragraf": 5, "dnr": "RUN-90003-2025"},
                       {"paragraf": 5, "dnr": "RUN-90004-2024", "utfall": "avslag"}],
    }  # fmt: skip
    twice = _refused_meeting(config, data)
    assert "§ 5 förekommer två gånger (även Paragraf 1)" in twice, twice
    data["paragrafer"] = data["paragrafer"][:1]  # type: ignore[index]
    again = _refused_meeting(config, data)
    assert "(sammantraden/exempel-run-2025-06-10.yaml, rad " in again, again
    assert re.search(r"exempel-run-2025-06-10\.yaml, rad \d+: Paragraf 1\)", again), again
    assert not (config.meetings / "run-2025-09-09.yaml").exists()


def _refused_meeting(config: WebConfig, data: dict[str, object]) -> str:
    """The page of a new meeting ``data`` refused, as text, having checked it names no
    folder of the server and no field in the loader's words."""
    from webtools import csrf_of

    with client_for(config, "sekr") as client:
        token = csrf_of(client.get("/sammantraden/ny").text)
        answer = client.post(
            "/sammantraden/ny",
            data={"_csrf_token": token, "data": json.dumps(data), "filnamn": "run-2025-09-09"},
        )
    problems = re.search(r'id="editor-problems">(.*?)</script>', answer.text, re.S)
    assert problems, answer.text
    for folder in (config.cases, config.cases.resolve()):
        assert str(folder) not in answer.text
    assert "paragrafer[" not in problems.group(1).replace('"field": "paragrafer[', "")
    shown = _text(answer.text)
    assert "Inte sparat" in shown, shown
    return shown


def test_a_meeting_not_held_yet_says_so_on_its_page(
    config: WebConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A secretary typed 2027 for 2026: the meeting was saved with its decisions and nothing
    said that they count from a day a year ahead. Its page now says so, and how to fix it;
    a meeting held says nothing of the kind."""
    import datetime as dt

    from avtalsgen import clock

    monkeypatch.setattr(clock, "today", lambda: dt.date(2024, 11, 20))
    with client_for(config, "sekr") as client:
        ahead = _text(client.get("/sammantraden/exempel-run-2024-11-26").text)
        held = _text(client.get("/sammantraden/exempel-run-2023-12-05").text)
    assert (
        "Sammanträdet har inte hållits än: dess datum är 2024-11-26. Dess ärenden räknas inte "
        "som beslutade före den dagen"
    ) in ahead, ahead
    assert "rätta det i fältet Datum och spara" in ahead
    assert "inte hållits än" not in held


def _list_rows(node: object, path: str = "") -> dict[str, str]:
    """The title of the rows of each list of texts or amounts in a form's schema."""
    found: dict[str, str] = {}
    if not isinstance(node, dict):
        return found
    items = node.get("items")
    if node.get("type") == "array" and isinstance(items, dict) and items.get("type") != "object":
        found[path] = str(items.get("title"))
    for key, child in (node.get("properties") or {}).items():
        found.update(_list_rows(child, f"{path}.{key}"))
    if isinstance(items, dict):
        found.update(_list_rows(items, f"{path}[]"))
    for option in node.get("oneOf") or []:
        found.update(_list_rows(option, path))
    return found


def test_a_lists_rows_are_named_by_what_they_hold(config: WebConfig) -> None:
    """The rows of the decision points, the amounts per avtalsår, the recipients ... were all
    "rad": a column headed "rad" over amounts, and five buttons "Lägg till rad" on one page
    that a screen reader could not tell apart."""
    from avtalsgen.web.editing import form_schema
    from avtalsgen.web.forms import field_title

    with i18n.speaking("sv"):
        case = _list_rows(form_schema("arende"))
        meeting = _list_rows(form_schema("sammantrade"))
    assert case[".beslutspunkter"] == "beslutspunkt"
    assert case[".finansiering.finansiarer[].belopp_per_avtalsar"] == "belopp för avtalsår"
    assert case[".protokollsutdrag_till"] == "mottagare"
    assert meeting[".paragrafer[].beslut"] == "beslutspunkt"
    assert meeting[".paragrafer[].jav"] == "jävig ledamot"
    assert "rad" not in {*case.values(), *meeting.values()}, (case, meeting)
    with i18n.speaking("sv"):
        assert field_title("beslutspunkter[1]", form_schema("arende")) == "Beslutspunkt 2"
    with i18n.speaking("en"):
        assert field_title("beslutspunkter[1]", form_schema("arende")) == "Decision point 2"
    with client_for(config, "handl") as client:
        html = client.get("/arenden/RUN-00386-2023").text
    assert '"button_add_row_title": "L\\u00e4gg till {{0}}"' in html
