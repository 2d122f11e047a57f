"""An agreement never contradicts itself on its length (qa17): a period of 10 years was
accepted while clause 4 said "sammanlagt 10 år" and clause 5 "förlängas med 3 år i taget,
till sammanlagt högst 9 års finansiering" (the program's ``avtal.forlangning.max_ar: 9``),
and a period of 7 years promised an extension of 3 years that the tilläggsavtal's rules
refuse. A period longer than the program's longest financing is refused at the case file's
period line; the clause on extension says what is left, and stays out when nothing is."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, edit, fold, needs_soffice, run_cli
from pdftext import pdftotext
from warm_converter import converter_in

from avtalsgen.documents.context import placeholder_values
from avtalsgen.input.load import load_case
from avtalsgen.model.agreement import choose_clauses

SEED = (REPO / "cases" / "RUN-00386-2023.yaml").read_text(encoding="utf-8")


def _case(cases: Path, slut: str, dnr: str = "RUN-00386-2023") -> Path:
    """The seed case with its period ending ``slut`` (the amount a year as it is)."""
    text = edit(
        SEED,
        ("slut: 2026-09-30", f"slut: {slut}"),
        ("  totalt: 6000000\n", ""),
        ("dnr: RUN-00386-2023", f"dnr: {dnr}"),
    )
    path = cases / f"{dnr}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_period_longer_than_the_program_allows_is_refused_at_its_line(cases: Path) -> None:
    path = _case(cases, "2033-09-30")
    line = path.read_text(encoding="utf-8").splitlines().index("    slut: 2033-09-30") + 1
    said = run_cli("check", str(path), lang="sv")
    assert said.returncode == 1
    assert said.stderr.splitlines()[0] == (
        f"{path}:{line}: finansiering.period.slut: perioden 2023-10-01–2033-09-30 är 10 år, "
        "längre än programmet medger: högst 9 års finansiering sammanlagt, förlängningar "
        "medräknade (programmets avtal.forlangning.max_ar); låt perioden sluta senast "
        "2032-09-30"
    )
    assert "Traceback" not in said.stderr
    # Nine years is the longest, and is accepted.
    assert run_cli("check", str(_case(cases, "2032-09-30"))).returncode == 0


@pytest.mark.parametrize(
    ("slut", "left", "longest", "extended"),
    [
        ("2026-09-30", "6", "9 år", True),  # three years: two extensions of three
        ("2026-03-31", "6", "8 år och 6 månader", True),  # two and a half: two
        ("2029-09-30", "3", "9 år", True),  # six: one
        # three and a half: one (a second: nine and a half)
        ("2027-03-31", "3", "6 år och 6 månader", True),
        ("2030-09-30", "0", "7 år", False),  # seven: three more would make ten
        ("2032-09-30", "0", "9 år", False),  # nine: none
    ],
)
def test_the_clause_on_extension_says_what_is_left(
    cases: Path, slut: str, left: str, longest: str, extended: bool
) -> None:
    loaded = load_case(_case(cases, slut))
    values = placeholder_values(loaded.arende, loaded.program)
    assert values["forlangning_kvar"] == left
    # The longest total the agreement can reach: its period and what is left, which add up.
    assert values["langsta_avtalstid"].replace("\u00a0", " ") == longest
    chosen = {val.id: val for val in choose_clauses(loaded.arende, loaded.program)}
    assert chosen["forlangning"].med is extended, chosen["forlangning"].skal


@needs_soffice
def test_the_agreement_promises_no_extension_it_cannot_give(
    cases: Path, session_converter: Path
) -> None:
    six = _case(cases, "2029-09-30", "RUN-94006-2023")
    seven = _case(cases, "2030-09-30", "RUN-94007-2023")
    thirty = _case(cases, "2026-03-31", "RUN-94030-2023")
    output = cases.parent / "output"
    with converter_in(session_converter):
        for path in (six, seven, thirty):
            made = run_cli(
                "build", str(path), "--only", "samarbetsavtal", "--output", str(output),
                "--templates", str(REPO / "templates"),
            )  # fmt: skip
            assert made.returncode == 0, made.stdout + made.stderr
    text = fold(pdftotext(output / "RUN-94006-2023" / "samarbetsavtal.pdf"))
    assert "sammanlagt 6 år. 5. Förlängning" in text
    assert (
        "Avtalet kan efter nytt beslut förlängas med 3 år i taget, med högst 3 år utöver "
        "avtalstiden, till en sammanlagd avtalstid om högst 9 år."
    ) in text
    # 30 months and 6 years more: 8 years and 6 months, not "högst 9 års finansiering".
    text = fold(pdftotext(output / "RUN-94030-2023" / "samarbetsavtal.pdf"))
    assert "sammanlagt 30 månader. 5. Förlängning" in text
    assert (
        "Avtalet kan efter nytt beslut förlängas med 3 år i taget, med högst 6 år utöver "
        "avtalstiden, till en sammanlagd avtalstid om högst 8 år och 6 månader."
    ) in text
    text = fold(pdftotext(output / "RUN-94007-2023" / "samarbetsavtal.pdf"))
    assert "sammanlagt 7 år. 5. Finansiering och utbetalning" in text
    assert "Förlängning" not in text
    assert "förlängas" not in text
