"""The office's pages as new users met them on an ordinary day (a case officer writing a
new case from the form alone, a secretary recording a meeting, someone who mistypes): each
test is a fault they found, checked without a browser."""

from __future__ import annotations

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
