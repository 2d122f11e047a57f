"""The office's pages as new users met them on an ordinary day (a case officer writing a
new case from the form alone, a secretary recording a meeting, someone who mistypes): each
test is a fault they found, checked without a browser."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from webtools import client_for, workspace

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

    assert label("finansiar") == "Finansiär"
    with client_for(config, "sekr") as client:
        html = client.get("/sammantraden/ny").text
    block = re.search(r'<script type="application/json" id="editor-schema">(.*?)</script>',
                      html, re.S)  # fmt: skip
    assert block, html
    titles = re.findall(r'"title": "([^"]*)"', json.dumps(json.loads(block.group(1)),
                                                          ensure_ascii=False))  # fmt: skip
    assert "Finansiär" in titles and "Finansiar" not in titles, titles
