"""The agreement's Bakgrund states what the decision did and nothing it did not: it said
"och gav regionala utvecklingsdirektören i uppdrag att upprätta avtal enligt beslutet" of
every case, also of a decision whose points give no such mandate (found by qa14). The
points are free text, so the clause no longer restates a mandate: it states the grant and
that the agreement is made according to the decision, true of every decision it follows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CASES, REPO, edit, fold, run_cli
from pdftext import pdftotext
from warm_converter import converter_in

MANDATE = (
    "  - Regionala utvecklingsdirektören ges i uppdrag att upprätta avtal enligt detta beslut.\n"
)
GRANT = (
    "Regionala utvecklingsnämnden beslutade den 5 december 2023, § 212, i ärende med Dnr "
    "RUN-90001-2023 att bevilja Exempel Arktiska Testbäddar ekonomisk förening "
    "basfinansiering inom Norrbottens ekosystem med 1 500 000 kronor årligen under tiden "
    "från och med den 1 januari 2024 till och med den 31 december 2026. Detta avtal "
    "upprättas enligt beslutet."
)


def _background(pdf: Path) -> str:
    text = fold(pdftotext(pdf))
    start = text.index("Bakgrund")
    return text[start : text.index("Basfinansiering syftar", start)]


def test_background_of_a_decision_that_gives_the_mandate(built: Path) -> None:
    assert MANDATE in CASES["RUN-90001-2023"].read_text(encoding="utf-8")  # seed-like
    background = _background(built / "RUN-90001-2023" / "samarbetsavtal.pdf")
    assert background == f"Bakgrund {GRANT} "
    assert "i uppdrag" not in background


@pytest.mark.libreoffice
def test_background_of_a_decision_without_the_mandate(
    tmp_path: Path, session_converter: Path
) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    case = cases / "exempel-arktiska-testbaddar.yaml"
    case.write_text(edit(case.read_text(encoding="utf-8"), (MANDATE, "")), encoding="utf-8")
    output = tmp_path / "output"
    with converter_in(session_converter):
        result = run_cli(
            "build", str(case), "--only", "samarbetsavtal", "--output", str(output), lang="sv"
        )
    assert result.returncode == 0, result.stderr
    background = _background(output / "RUN-90001-2023" / "samarbetsavtal.pdf")
    assert background == f"Bakgrund {GRANT} "
    assert "i uppdrag" not in background and "utvecklingsdirektören" not in background
