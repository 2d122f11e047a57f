"""A name that ends in a number right before an amount: 'bevilja {aktor_namn}
{belopp_arligen}' with the name 'Arktiska testbäddar 3' and 800 000 kronor a year reads 'Arktiska
testbäddar 3 800 000 kronor'. The fact check refuses the document (it states an amount that
is none of the case's) and says why, and how to write it so that it cannot be misread."""

from __future__ import annotations

from pathlib import Path

from conftest import edit, needs_soffice, run_cli


@needs_soffice
def test_a_name_s_number_run_into_an_amount_is_named_as_the_reason(cases: Path) -> None:
    case = cases / "exempel-arktiska-testbaddar.yaml"
    case.write_text(
        edit(
            case.read_text(encoding="utf-8"),
            (
                "  namn: Exempel Arktiska Testbäddar ekonomisk förening\n",
                "  namn: Arktiska testbäddar 3\n",
            ),
            ("      belopp_per_ar: 1000000\n", "      belopp_per_ar: 300000\n"),
        ),
        encoding="utf-8",
    )
    result = run_cli("build", str(case), "--output", str(cases.parent / "output"), lang="sv")
    assert result.returncode == 1
    # The agreement's clause Bakgrund: 'att bevilja {aktor_namn} {belopp_arligen} i …'.
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
