"""The pages read as a secretary reads them: what is not there yet is said with what to do
next (no empty table, no bare "nothing yet"), and a broken case file's problems are named as
the form names its fields, never by the server's path or the file's keys."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from webtools import client_for, speaking, workspace

from avtalsgen.web.config import WebConfig

CASE = "RUN-00386-2023"


@pytest.fixture
def config(tmp_path: Path) -> WebConfig:
    return workspace(tmp_path)


def _main(html: str) -> str:
    """The page's main content as text."""
    found = re.search(r"(?s)<main[^>]*>(.*)</main>", html)
    assert found, html
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_a_broken_case_files_problems_in_the_forms_words(config: WebConfig) -> None:
    path = config.cases / f"{CASE}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("belopp_per_ar:", "belop_per_ar:", 1), encoding="utf-8")
    with client_for(config, "handl") as client:
        html = client.get(f"/arenden/{CASE}/forhandsgranskning").text
    shown = _main(html)
    # Not the server's path, not the file's place as a key path.
    assert str(config.cases) not in html and str(config.cases.resolve()) not in html
    assert "finansiering.finansiarer[0]" not in shown
    assert "Finansiering › Finansiär 1 › Belop per år (ärende RUN-00386-2023, rad " in shown
    # What to do next: correct it in the form (not "no documents built yet").
    assert "Rätta dem i ärendets formulär och spara." in shown
    assert f'<a href="/arenden/{CASE}">ärendets formulär</a>' in html
    assert "Inga dokument har byggts" not in shown


def test_nothing_built_yet_says_what_to_do(config: WebConfig) -> None:
    with client_for(config, "handl") as client:
        html = client.get(f"/arenden/{CASE}/forhandsgranskning").text
        assert f'<a href="/korning?arende={CASE}">Bygg ärendet</a>' in html
        # No packet and no run yet: said, not an empty table.
        packets = _main(client.get("/paket").text)
        assert packets.startswith("Paket Verifiera en signerad PDF Inget ärende har något paket än")
        assert "<table" not in client.get("/paket").text
        assert "Senaste körningar Inga körningar än." in _main(client.get("/korning").text)
        with speaking(client, "en"):
            assert "No case has a packet yet" in client.get("/paket").text
            assert "No run yet." in client.get("/korning").text
    with client_for(config, "lasare") as client:
        shown = _main(client.get(f"/arenden/{CASE}/forhandsgranskning").text)
        assert "En handläggare eller sekreterare bygger dem (Körning)." in shown
