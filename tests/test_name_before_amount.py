"""A name that ends in a number right before an amount: 'bevilja {aktor_namn}
{belopp_arligen}' with the name 'Arktiska testbäddar 3' and 800 000 kronor a year reads 'Arktiska
testbäddar 3 800 000 kronor'. The fact check refuses the document (it states an amount that
is none of the case's) and says why, and how to write it so that it cannot be misread.

The shipped Bakgrund puts words between the name and the amount ('bevilja {aktor_namn}
basfinansiering inom {program} med {belopp_arligen}'), so an actor whose legal name ends in a
number ('Testbädd 2030 AB') is built; a clause a case writes itself may still run them
together, and is refused as before."""

from __future__ import annotations

from pathlib import Path

from conftest import edit, fold, needs_soffice, run_cli
from pdftext import pdftotext

ARKTISKA = "  namn: Exempel Arktiska Testbäddar ekonomisk förening\n"
#: The Bakgrund as it was shipped until the name and the amount were kept apart.
RUN_TOGETHER = (
    "    ersatt:\n"
    "      - id: bakgrund\n"
    "        text: |\n"
    "          {namnd} beslutade {beslut_datum}, § {beslut_paragraf}, att bevilja {aktor_namn}\n"
    "          {belopp_arligen} i basfinansiering.\n"
)


@needs_soffice
def test_a_name_s_number_run_into_an_amount_is_named_as_the_reason(cases: Path) -> None:
    case = cases / "exempel-arktiska-testbaddar.yaml"
    case.write_text(
        edit(
            case.read_text(encoding="utf-8"),
            ("    ersatt:\n", RUN_TOGETHER),
            (ARKTISKA, "  namn: Arktiska testbäddar 3\n"),
            ("      belopp_per_ar: 1000000\n", "      belopp_per_ar: 300000\n"),
        ),
        encoding="utf-8",
    )
    assert "          {belopp_arligen} i basfinansiering.\n      - id: rapportering" in (
        case.read_text(encoding="utf-8")
    )
    result = run_cli("build", str(case), "--output", str(cases.parent / "output"), lang="sv")
    assert result.returncode == 1
    # The case's own Bakgrund: 'att bevilja {aktor_namn} {belopp_arligen} i …'.
    assert (
        "samarbetsavtal.pdf: belopp: dokumentet anger 3 800 000 kr/kronor, som inte är något av "
        "beloppen i beslutet (de närmaste: 500 000, 800 000, 900 000, 1 500 000, 2 400 000; 6 i "
        "allt): "
        "namnet 'Arktiska testbäddar 3' slutar på ett tal och beloppet 800 000 står direkt "
        "efter det, så att 'Arktiska testbäddar 3 800 000' läses som 3 800 000; skriv ett ord "
        "mellan dem i texten som sätter beloppet direkt efter namnet (ett belopps platshållare "
        "direkt efter {aktor} eller {aktor_namn}), till exempel 'bevilja {aktor} ett bidrag om "
        "{belopp_arligen}', eller ge namnet utan talet i slutet"
    ) in (result.stdout + result.stderr).splitlines()


@needs_soffice
def test_a_legal_name_ending_in_a_number_builds_with_the_shipped_clauses(cases: Path) -> None:
    case = cases / "exempel-arktiska-testbaddar.yaml"
    case.write_text(
        edit(case.read_text(encoding="utf-8"), (ARKTISKA, "  namn: Testbädd 2030 AB\n")),
        encoding="utf-8",
    )
    output = cases.parent / "output"
    result = run_cli("build", str(case), "--output", str(output), lang="sv")
    assert result.returncode == 0, result.stdout + result.stderr
    agreement = fold(pdftotext(output / "RUN-90001-2023" / "samarbetsavtal.pdf"))
    assert (
        "Regionala utvecklingsnämnden beslutade den 5 december 2023, § 212, i ärende med Dnr "
        "RUN-90001-2023 att bevilja Testbädd 2030 AB basfinansiering inom Norrbottens ekosystem "
        "med 1 500 000 kronor årligen under tiden från och med den 1 januari 2024 till och med "
        "den 31 december 2026. Detta avtal upprättas enligt beslutet."
    ) in agreement
    assert "2030 1 500 000" not in agreement
