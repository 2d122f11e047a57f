"""A paragraph is published with the basis it really has: the case's beslutsförslag goes
with the extract of the decision it proposed, not with a later paragraph that changes the
running agreement (found by a new user: a förlängning's § was published with the case's
2023 beslutsförslag, as if that were its basis). What ``publicera`` plans for each paragraph
whose extract is certified, without LibreOffice: the records and signatures are given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from avtalsgen.build.workspace import Workspace
from avtalsgen.meetings import publicering
from avtalsgen.meetings.extract import SIGNATURE_FIELD
from avtalsgen.meetings.justering import load_meeting


@pytest.fixture
def certified(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every paragraph's extract made, version 1, and certified."""

    def recorded(versions: Any, _record_file: Path) -> tuple[Any, Any]:
        # The notice of its justering is up (published no earlier: test_publicering).
        up = dt.date(2000, 1, 1)
        return SimpleNamespace(paragraf=versions[-1], anslagsdatum=up), SimpleNamespace(nummer=1)

    monkeypatch.setattr(publicering, "read_record", lambda path: {"versioner": [path.stem]})
    monkeypatch.setattr(publicering, "_recorded", recorded)
    monkeypatch.setattr(publicering, "signed_fields", lambda path: {SIGNATURE_FIELD: True})


def planned(meeting: Path, output: Path) -> list[tuple[str, int, str]]:
    _results, jobs = publicering._plan(load_meeting(meeting), Workspace(output))
    return [(job.dnr, job.paragraf, job.document) for job in jobs]


def test_a_change_of_the_running_agreement_is_published_without_the_beslutsforslag(
    cases: Path, tmp_path: Path, certified: None
) -> None:
    # § 102 extends RUN-90001-2023's agreement, granted in 2023 on its beslutsförslag.
    meeting = cases / "sammantraden" / "exempel-run-2026-06-16.yaml"
    assert planned(meeting, tmp_path / "output") == [("RUN-90001-2023", 102, "protokollsutdrag")]


def test_the_granting_paragraph_is_published_with_its_beslutsforslag(
    cases: Path, tmp_path: Path, certified: None
) -> None:
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    assert planned(meeting, tmp_path / "output") == [
        ("RUN-00386-2023", 211, "protokollsutdrag"),
        ("RUN-00386-2023", 211, "beslutsforslag"),
        ("RUN-90001-2023", 212, "protokollsutdrag"),
        ("RUN-90001-2023", 212, "beslutsforslag"),
    ]
