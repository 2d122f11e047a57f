"""A line of what is missing that waits for the minutes' justering (build/status's
``Step("justering")``) leads to the meeting's page, as one that waits for the meeting to
be held does: the case's page showed "…; gör det den dagen eller senare" with neither the
CLI's command (a page's words) nor a link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from avtalsgen import i18n
from avtalsgen.build.status import Missing, Step
from avtalsgen.web.status import _missing_item


@pytest.fixture
def swedish() -> Iterator[None]:
    i18n.set_language("sv")
    yield
    i18n.set_language(None)


def test_a_step_waiting_for_the_justering_links_to_the_meeting(swedish: None) -> None:
    line = Missing(
        "protokollsutdrag § 212 av sammanträdet 2023-12-05: väntar på att protokollet "
        "justeras 2023-12-12 (justeringsdatum i sammantraden/run-2023-12-05.yaml); gör det "
        "den dagen eller senare (avtalsgen utdrag sammantraden/run-2023-12-05.yaml)",
        Step("justering", "run-2023-12-05", 212),
    )
    item = _missing_item(line, str(line), "cases/RUN-00386-2023.yaml", "RUN-00386-2023")
    assert item["href"] == "/sammantraden/run-2023-12-05"
    assert item["link"] == "Sammanträdet" and item["permission"] == "read"
    assert item["text"].endswith("gör det den dagen eller senare"), item["text"]
