"""Financing as it is decided: financiers with their own amounts and sources, amounts that
change per year, the payment plan, the split per budget year, and the fact check of all of
it; through LibreOffice for the two examples (a co-financed case and a stepped one)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import docx
import pytest
from conftest import CASES, REPO, fold
from pdftext import pdftotext
from typer.testing import CliRunner, Result

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.documents.context import placeholder_values
from avtalsgen.errors import CaseError
from avtalsgen.input.load import load_case
from avtalsgen.model.money import Berakning, Finansiering, Finansieringsregler, compute_financing

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

runner = CliRunner()
CO_FINANCED = "RUN-90003-2025"
STEPPED = "RUN-90004-2024"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in the English of the source (documents are Swedish anyway)."""
    i18n.set_language("en")
    yield
    i18n.set_language(None)


def figures_of(dnr: str) -> Berakning:
    case = load_case(CASES[dnr])
    return compute_financing(case.arende.finansiering, case.program.finansiering)


def money(data: Mapping[str, object]) -> Finansiering:
    return Finansiering.model_validate(data)


def kr(amount: int) -> str:
    return f"{amount:,}".replace(",", " ")


# --- the figures ---------------------------------------------------------------------------


def test_stepped_amounts_over_a_broken_year_paid_quarterly_each_years_remainder_last() -> None:
    figures = figures_of(STEPPED)
    assert [(y.nummer, y.manader, y.belopp) for y in figures.avtalsar] == [
        (1, 12, 2_000_000), (2, 12, 1_500_000), (3, 5, 400_000),
    ]  # fmt: skip
    assert figures.region_per_ar is None and figures.trappstegad
    assert figures.region_summa == figures.summa == 3_900_000
    # 2024 holds five months of avtalsår 1 (2 000 000 × 5/12 = 833 333.33...); July 2025,
    # avtalsår 1's last part (166 666.67), takes what remains of its 2 000 000.
    assert [(y.ar, y.belopp, y.region) for y in figures.budgetar] == [
        (2024, 833_333, 833_333), (2025, 1_791_667, 1_791_667), (2026, 1_275_000, 1_275_000),
    ]  # fmt: skip
    payments = [(p.datum, p.belopp) for p in figures.utbetalningar]
    assert payments[0] == (dt.date(2024, 8, 1), 333_333)  # Aug-Sep of 2 000 000 a year
    assert payments[4] == (dt.date(2025, 7, 1), 416_667)  # July of year 1, Aug-Sep of year 2
    assert payments[-1] == (dt.date(2026, 10, 1), 240_000)  # Oct-Dec of 400 000 for 5 months
    # The quarters of each calendar year add up to the year's share, to the krona.
    for year in figures.budgetar:
        paid = [p.belopp for p in figures.utbetalningar if p.datum.year == year.ar]
        assert sum(paid) == year.region, year
    assert len(payments) == 10
    assert sum(amount for _, amount in payments) == figures.region_summa
    assert figures.avrundat and figures.budgetar_avrundade


def test_an_amount_that_does_not_divide_is_rounded_with_each_years_remainder_last() -> None:
    # The example: 1 234 567 kronor a year for 30 months, once refused.
    figures = compute_financing(
        money(
            {
                "period": {"start": "2025-01-01", "slut": "2027-06-30"},
                "finansiarer": [{"namn": "Region", "kalla": "ERP", "belopp_per_ar": 1234567}],
                "utbetalning": {"satt": "kvartalsvis_i_forskott"},
            }
        ),
        Finansieringsregler(),
    )
    assert [y.belopp for y in figures.avtalsar] == [1_234_567, 1_234_567, 617_283]
    assert figures.region_summa == 3_086_417  # 3 086 417.5 rounded down: never more
    assert figures.region_per_ar == 1_234_567
    # Each avtalsår's four quarters add up to it (1 234 567 / 4 = 308 641.75): the
    # remainder of each year on its last quarter, not the whole period's on the last.
    quarters = [p.belopp for p in figures.utbetalningar]
    assert quarters == [308_641] * 3 + [308_644] + [308_641] * 3 + [308_644] + [308_641, 308_642]
    assert [sum(quarters[:4]), sum(quarters[4:8]), sum(quarters[8:])] == [
        1_234_567, 1_234_567, 617_283,
    ]  # fmt: skip
    assert [y.belopp for y in figures.budgetar] == [1_234_567, 1_234_567, 617_283]
    assert figures.avrundat and figures.budgetar_avrundade


def test_two_sources_paid_quarterly_add_up_within_each_avtalsar() -> None:
    """Each split was rounded on its own: with two region sources avtalsår 1 read 1 900 001
    kronor while its four payments came to 1 900 000, and the last payment took every
    year's remainder (475 003)."""
    figures = compute_financing(
        money(
            {
                "period": {"start": "2024-01-01", "slut": "2026-12-31"},
                "finansiarer": [
                    {"namn": "Region - ERP", "kalla": "ERP", "belopp_per_ar": 1000001},
                    {"namn": "Region - RUM", "kalla": "RUM", "belopp_per_ar": 900000},
                ],
                "utbetalning": {"satt": "kvartalsvis_i_forskott"},
            }
        ),
        Finansieringsregler(),
    )
    assert [y.belopp for y in figures.avtalsar] == [1_900_001] * 3
    for year in figures.avtalsar:
        paid = [p.belopp for p in figures.utbetalningar if year.start <= p.datum <= year.slut]
        assert paid == [475_000, 475_000, 475_000, 475_001], year
    assert [y.region for y in figures.budgetar] == [1_900_001] * 3
    # The sources add up to the region's share of each year, and to its total.
    erp, rum = figures.region
    assert erp.per_avtalsar == (1_000_001,) * 3 and rum.per_avtalsar == (900_000,) * 3
    assert figures.region_summa == 5_700_003 == sum(p.belopp for p in figures.utbetalningar)


def test_co_financiers_are_conditions_and_the_region_grants_its_share() -> None:
    figures = figures_of(CO_FINANCED)
    assert figures.region_summa == 3_000_000
    assert figures.summa == 5_400_000 == sum(row.summa for row in figures.finansiarer)
    assert [(row.namn, row.region, row.summa) for row in figures.finansiarer] == [
        ("Region Norrbotten - ERP", True, 3_000_000),
        ("Luleå kommun", False, 750_000),
        ("Piteå kommun", False, 750_000),
        ("EU-projektet Exempel Smart Arktis", False, 600_000),
        ("Smarta samhällen Norrbotten (egen insats)", False, 300_000),
    ]
    # Calendar-year amounts stay as given; the avtalsår from July take half of each.
    eu = figures.finansiarer[3]
    assert eu.per_budgetar == (100_000, 250_000, 150_000, 100_000)
    assert eu.per_avtalsar == (225_000, 200_000, 175_000)
    assert [(y.ar, y.belopp, y.region) for y in figures.budgetar] == [
        (2025, 900_000, 500_000), (2026, 1_850_000, 1_000_000),
        (2027, 1_750_000, 1_000_000), (2028, 900_000, 500_000),
    ]  # fmt: skip
    # The payment plan pays the region's share only, yearly in advance (the program's rule).
    assert [(p.datum, p.belopp) for p in figures.utbetalningar] == [
        (dt.date(2025, 7, 1), 1_000_000),
        (dt.date(2026, 7, 1), 1_000_000),
        (dt.date(2027, 7, 1), 1_000_000),
    ]
    assert not figures.avrundat and not figures.budgetar_avrundade


def test_a_first_payment_after_the_start_takes_the_payments_due_before_it() -> None:
    figures = compute_financing(
        money(
            {
                "period": {"start": "2024-01-01", "slut": "2024-12-31"},
                "finansiarer": [{"namn": "Region", "kalla": "ERP", "belopp_per_ar": 1200000}],
                "utbetalning": {"satt": "kvartalsvis_i_forskott", "forsta_datum": "2024-05-15"},
            }
        ),
        Finansieringsregler(),
    )
    assert [(p.datum, p.belopp, p.start, p.slut) for p in figures.utbetalningar] == [
        (dt.date(2024, 5, 15), 600_000, dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        (dt.date(2024, 7, 1), 300_000, dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        (dt.date(2024, 10, 1), 300_000, dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
    ]


def test_payment_after_an_approved_report() -> None:
    data = {
        "period": {"start": "2024-01-01", "slut": "2026-12-31"},
        "finansiarer": [{"namn": "Region", "kalla": "ERP", "belopp_per_avtalsar": [3, 2, 1]}],
    }
    rules = Finansieringsregler(utbetalning="efter_godkand_rapport")
    figures = compute_financing(money(data), rules)
    assert [p.efter_rapport for p in figures.utbetalningar] == [None, 1, 2]
    text = explain_text(figures)
    assert "2  2025-01-01  avtalsår 2, after the approved report on avtalsår 1  2 kr" in text
    assert "payment plan (yearly: the first avtalsår in advance, each later one once" in text
    i18n.set_language("sv")
    swedish = explain_text(figures)
    assert "2  2025-01-01  avtalsår 2, efter godkänd rapport för avtalsår 1  2 kr" in swedish
    # explain's Swedish is the documents' wording, not a translation written again.
    from avtalsgen.documents.financing import DOCUMENTS, UTBETALNING, explained, view

    assert explained() is DOCUMENTS
    assert f"utbetalningsplan ({UTBETALNING['efter_godkand_rapport']}):" in swedish
    table = view(figures).utbetalningar[1].avser
    assert table == "Avtalsår 2, efter godkänd rapport för avtalsår 1"


def test_a_text_after_each_payment_ends_that_payment_s_row() -> None:
    """What explain writes after each payment of a plan in force (the decision that set it)
    ends that payment's own row, whatever follows the plan (here a line on its rounding)."""
    from avtalsgen.documents.financing import explain_financing

    figures = figures_of(STEPPED)
    assert figures.avrundat
    plain = explain_financing(figures)
    rows = [line for line in plain if re.match(r"  [ \d]\d  \d{4}-\d\d-\d\d  ", line)]
    assert [row.split()[1] for row in rows] == [p.datum.isoformat() for p in figures.utbetalningar]
    afters = [f"  <{payment.nummer}>" for payment in figures.utbetalningar]
    assert explain_financing(figures, afters) == [
        f"{line}  <{line.split()[0]}>" if line in rows else line for line in plain
    ]
    with pytest.raises(ValueError, match="shorter"):
        explain_financing(figures, afters[1:])


def explain_text(figures: Berakning) -> str:
    from avtalsgen.documents.financing import explain_financing

    return "\n".join(explain_financing(figures)).replace(NBSP, " ")


# --- the placeholders ---------------------------------------------------------------------------


def test_placeholders_read_right_for_stepped_and_co_financed_amounts() -> None:
    stepped = load_case(CASES[STEPPED])
    values = {
        k: v.replace(NBSP, " ")
        for k, v in placeholder_values(stepped.arende, stepped.program).items()
    }
    steps = "2 000 000 kronor avtalsår 1, 1 500 000 kronor avtalsår 2 och 400 000 kronor avtalsår 3"
    assert values["belopp_arligen"] == steps
    assert values["belopp_per_avtalsar"] == steps
    assert "belopp_per_ar" not in values  # refused at load where used (see test_invalid_cases)
    assert values["belopp_per_budgetar"] == (
        "833 333 kronor för 2024, 1 791 667 kronor för 2025 och 1 275 000 kronor för 2026"
    )
    assert values["utbetalning"] == "kvartalsvis i förskott efter rekvisition"
    co = load_case(CASES[CO_FINANCED])
    values = {k: v.replace(NBSP, " ") for k, v in placeholder_values(co.arende, co.program).items()}
    assert values["belopp_arligen"] == "1 000 000 kronor årligen"
    assert values["totalt"] == "3 000 000 kronor"
    assert values["totalt_finansiering"] == "5 400 000 kronor"
    assert values["medfinansiering"] == (
        "Luleå kommun med 250 000 kronor årligen, Piteå kommun med 250 000 kronor årligen, "
        "EU-projektet Exempel Smart Arktis med sammanlagt 600 000 kronor (100 000 kronor för "
        "2025, 250 000 kronor för 2026, 150 000 kronor för 2027 och 100 000 kronor för 2028) "
        "och Smarta samhällen Norrbotten (egen insats) med 100 000 kronor årligen"
    )
    arktiska = load_case(CASES["RUN-90001-2023"])
    values = placeholder_values(arktiska.arende, arktiska.program)
    assert values["kalla"] == "ERP och regionala utvecklingsmedel"
    assert values["kalla_belopp"].replace(NBSP, " ") == (
        "ERP (1 000 000 kronor årligen) och regionala utvecklingsmedel (500 000 kronor årligen)"
    )


def test_a_stepped_source_among_several_reads_without_brackets_in_brackets(
    tmp_path: Path,
) -> None:
    """{kalla_belopp} read "från ERP (sammanlagt 2 083 334 kronor (1 000 001 kronor avtalsår
    1, 750 000 kronor avtalsår 2 och 333 333 kronor avtalsår 3)) och regionala
    utvecklingsmedel (...)" in a decision point."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    path = tmp_path / "cases" / CASES["RUN-90001-2023"].name
    text = path.read_text(encoding="utf-8")
    stepped = "belopp_per_avtalsar: [1000000, 750000, 500000]"
    path.write_text(text.replace("belopp_per_ar: 1000000", stepped, 1), encoding="utf-8")
    case = load_case(path)
    values = placeholder_values(case.arende, case.program)
    assert values["kalla_belopp"].replace(NBSP, " ") == (
        "ERP (1 000 000 kronor avtalsår 1, 750 000 kronor avtalsår 2 och 500 000 kronor "
        "avtalsår 3, sammanlagt 2 250 000 kronor) och regionala utvecklingsmedel "
        "(500 000 kronor årligen)"
    )


def test_explain_states_each_financier_the_budget_years_and_the_payment_plan() -> None:
    """explain's own words are the user's: in English its amounts are grouped and worded as
    English writes them ("2,000,000 kronor in avtalsår 1", "a year", "source"); it printed
    the documents' Swedish ("2 000 000 kronor avtalsår 1 ... och ...", "källa", "årligen",
    "kvartalsvis i förskott efter rekvisition") inside English sentences."""
    result = runner.invoke(app, ["explain", str(CASES[STEPPED])])
    assert result.exit_code == 0, result.output
    text = result.stdout.replace(NBSP, " ")
    assert (
        "  Region Norrbotten - ERP (region, source ERP): 2,000,000 kronor in avtalsår 1, "
        "1,500,000 kronor in avtalsår 2 and 400,000 kronor in avtalsår 3; in all "
        "3,900,000 kronor"
    ) in text
    assert "  avtalsår 1  2024-08-01–2025-07-31  12 months  2,000,000 kr" in text
    assert "  2025  1,791,667 kr  1,791,667 kr" in text
    assert "payment plan (quarterly in advance, on request):" in text
    assert "  10  2026-10-01  2026-10-01–2026-12-31  240,000 kr" in text
    assert (
        "rounded: each part is rounded down to whole kronor, and what remains of an avtalsår's "
        "amount is paid with the avtalsår's last payment"
    ) in text
    money = text[text.index("the region's amount per avtalsår:") :]  # above: clause headings
    for swedish in ("källa", "årligen", " och ", "förskott", "000 000", "Avtalsår", "sammanlagt"):
        assert swedish not in money, swedish
    co = runner.invoke(app, ["explain", str(CASES[CO_FINANCED])]).stdout.replace(NBSP, " ")
    assert (
        "  Luleå kommun (co-financier, kommun): 250,000 kronor a year; in all 750,000 kronor" in co
    )
    assert "  the region grants 3,000,000 kronor; the whole financing is 5,400,000 kronor" in co
    assert "100,000 kronor for 2025, 250,000 kronor for 2026, 150,000 kronor for 2027" in co
    # In Swedish, explain writes the amounts as the documents do (no-break spaces).
    sv = runner.invoke(app, ["--lang", "sv", "explain", str(CASES[STEPPED])]).stdout
    assert (
        "  Region Norrbotten - ERP (regionen, källa ERP): 2\u00a0000\u00a0000\u00a0kronor "
        "avtalsår 1, 1\u00a0500\u00a0000\u00a0kronor avtalsår 2 och 400\u00a0000\u00a0kronor "
        "avtalsår 3; sammanlagt 3\u00a0900\u00a0000\u00a0kronor"
    ) in sv
    assert "utbetalningsplan (kvartalsvis i förskott efter rekvisition):" in sv
    assert "  2025  1\u00a0791\u00a0667\u00a0kr  1\u00a0791\u00a0667\u00a0kr" in sv


def test_explain_follows_the_decision_as_the_agreement_does() -> None:
    """`explain` printed the proposal's 800 000 kronor a year as the agreement's payment plan
    of a case granted with 600 000 (the samarbetsavtal states 600 000), and the clauses of
    an agreement for a rejected case without a word."""
    amended = runner.invoke(app, ["--lang", "sv", "explain", str(CASES["RUN-90002-2024"])])
    assert amended.exit_code == 0, amended.output
    text = amended.stdout.replace(NBSP, " ")
    assert "enligt beslutet: § 187 vid sammanträdet 2024-11-26 (bifall med ändring)\n" in text
    # The table of amounts per avtalsår, named as the agreement names it: not "betalningsplan",
    # which read as another word for the utbetalningsplan below it.
    assert "regionens belopp per avtalsår:\n  avtalsår 1  2025-01-01–2025-12-31  12 månader" in text
    assert "  avtalsår 1  2025-01-01–2025-12-31  12 månader  600 000 kr\n" in text
    assert "betalningsplan:" not in text
    assert "regionen beviljar 1 500 000 kronor; hela finansieringen är 1 500 000 kronor" in text
    assert "   1  2025-01-01  avtalsår 1  600 000 kr\n" in text
    assert "800 000" not in text and "2 000 000" not in text
    rejected = runner.invoke(
        app, ["--lang", "sv", "explain", str(REPO / "cases" / "exempel-matkluster.yaml")]
    )
    assert rejected.exit_code == 0, rejected.output
    assert rejected.stdout.splitlines()[1] == (
        "inget avtal följer: § 195 vid sammanträdet 2024-12-10 (avslag); nedan avtalet så som "
        "det föreslogs"
    )
    later = runner.invoke(app, ["--lang", "sv", "explain", str(CASES["RUN-90001-2023"])])
    assert later.stdout.splitlines()[1:3] == [
        "enligt beslutet: § 212 vid sammanträdet 2023-12-05 (bifall)",
        "ändrat genom § 102 vid sammanträdet 2026-06-16: tilläggsavtal nr 1 anger avtalet så "
        "som det lyder efter ändringen; nedan avtalet så som det beviljades",
    ]


# --- migration ---------------------------------------------------------------------------------

#: The seed case's financing as it was written before financiers had amounts of their own.
OLD_SEED = """\
finansiering:
  belopp_per_ar: 2000000
  kalla: ERP
  period:
    start: 2023-10-01
    slut: 2026-09-30
  finansiarer:
    - namn: Region Norrbotten - ERP
      belopp: 6000000
  totalt: 6000000
"""
#: The example that stated one source for two.
OLD_ARKTISKA = """\
finansiering:
  belopp_per_ar: 1500000
  kalla: ERP
  period:
    start: 2024-01-01
    slut: 2026-12-31
  finansiarer:
    - namn: Region Norrbotten - ERP
      belopp: 3000000
    - namn: Region Norrbotten - regionala utvecklingsmedel
      belopp: 1500000
"""


def _with_old_financing(tmp_path: Path, case: Path, old: str) -> Path:
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    copy = tmp_path / "cases" / case.name
    text = copy.read_text(encoding="utf-8")
    start = text.index("finansiering:\n")
    end = text.index("\n\n", start) + 1
    copy.write_text(text[:start] + old + text[end:], encoding="utf-8")
    return copy


def test_an_old_case_file_is_told_exactly_how_to_rewrite_its_financing(tmp_path: Path) -> None:
    case = _with_old_financing(tmp_path, CASES["RUN-00386-2023"], OLD_SEED)
    with pytest.raises(CaseError) as info:
        load_case(case)
    assert info.value.problems == [
        f"{case}:20: finansiering: written in the old form (one belopp_per_ar and kalla for "
        "the whole financing, each financier's belopp over the whole period); each financier "
        "now has its own amounts and source. Write instead of lines 20–29:\n"
        "    finansiering:\n"
        "      period:\n"
        "        start: 2023-10-01\n"
        "        slut: 2026-09-30\n"
        "      finansiarer:\n"
        "        - namn: Region Norrbotten - ERP\n"
        "          kalla: ERP\n"
        "          belopp_per_ar: 2000000\n"
        "      totalt: 6000000"
    ]
    # Pasting the rewrite (without its indentation) makes the file load as before.
    rewrite = info.value.problems[0].split(":\n", 1)[1]
    fixed = "\n".join(line[4:] for line in rewrite.splitlines()) + "\n"
    text = case.read_text(encoding="utf-8").replace(OLD_SEED, fixed)
    case.write_text(text, encoding="utf-8")
    loaded = load_case(case)
    assert loaded.arende.finansiering.summa == 6_000_000


def test_an_old_file_with_two_sources_gets_one_source_per_financier(tmp_path: Path) -> None:
    case = _with_old_financing(tmp_path, CASES["RUN-90001-2023"], OLD_ARKTISKA)
    with pytest.raises(CaseError) as info:
        load_case(case)
    (problem,) = info.value.problems
    assert problem.endswith(
        "        - namn: Region Norrbotten - ERP\n"
        "          kalla: ERP\n"
        "          belopp_per_ar: 1000000\n"
        "        - namn: Region Norrbotten - regionala utvecklingsmedel\n"
        "          kalla: regionala utvecklingsmedel  # check: a source the program file lists\n"
        "          belopp_per_ar: 500000"
    ), problem


def test_the_old_form_message_in_swedish(tmp_path: Path) -> None:
    case = _with_old_financing(tmp_path, CASES["RUN-00386-2023"], OLD_SEED)
    i18n.set_language("sv")
    with pytest.raises(CaseError) as info:
        load_case(case)
    assert info.value.problems[0].startswith(
        f"{case}:20: finansiering: skriven i den gamla formen (ett belopp_per_ar och en kalla "
        "för hela finansieringen, varje finansiärs belopp för hela perioden); nu har varje "
        "finansiär egna belopp och egen källa. Skriv i stället för raderna 20–29:\n"
    )


def test_the_schema_describes_the_financing_for_the_forms() -> None:
    import json

    schema = json.loads(runner.invoke(app, ["schema", "arende"]).stdout)
    financier = schema["$defs"]["Finansiar"]["properties"]
    assert financier["slag"]["enum"] == [
        "region", "kommun", "universitet", "eu_projekt", "egen_insats", "annan",
    ]  # fmt: skip
    for name in ("namn", "slag", "kalla", "belopp_per_ar", "belopp_per_avtalsar",
                 "belopp_per_kalenderar", "totalt"):  # fmt: skip
        assert financier[name]["description"], name
    assert "avtalsår" in financier["belopp_per_avtalsar"]["description"]
    program = json.loads(runner.invoke(app, ["schema", "program"]).stdout)
    rules = program["$defs"]["Finansieringsregler"]["properties"]
    assert rules["utbetalning"]["enum"] == [
        "arsvis_i_forskott", "kvartalsvis_i_forskott", "efter_godkand_rapport",
    ]  # fmt: skip


# --- end to end, through LibreOffice ----------------------------------------------------------


def pdf(built: Path, dnr: str, document: str) -> str:
    """The PDF's text in the order it is drawn (a table row's wrapped cells stay together)."""
    return fold(pdftotext(built / dnr / f"{document}.pdf", "-raw"))


def amounts(text: str) -> list[int]:
    return [int(a.replace(" ", "")) for a in re.findall(r"\d{1,3}(?: \d{3})*", text)]


@pytest.mark.libreoffice
@pytest.mark.parametrize("dnr", [CO_FINANCED, STEPPED])
def test_the_beslutsforslag_states_every_financier_and_the_budget_years(
    built: Path, dnr: str
) -> None:
    figures = figures_of(dnr)
    text = pdf(built, dnr, "beslutsforslag")
    table = text[text.index("Finansiär Belopp") :]
    for row in figures.finansiarer:
        assert f"{row.namn} {kr(row.summa)}" in table
    assert f"Totalt {kr(figures.summa)} kr" in table
    # Fördelning per budgetår: a column per year, a row per financier and the totals.
    matrix = table[table.index("Fördelning per budgetår") :]
    years = " ".join(str(y.ar) for y in figures.budgetar)
    assert f"Finansiär {years} Totalt" in matrix
    rows = []
    for row in figures.finansiarer:
        cells = [*row.per_budgetar, row.summa]
        expected = f"{row.namn} {' '.join(kr(c) for c in cells)}"
        assert expected in matrix, expected
        assert sum(row.per_budgetar) == row.summa
        rows.append(row.per_budgetar)
    sums = [sum(column) for column in zip(*rows, strict=True)]
    totals = f"Totalt {' '.join(kr(c) for c in (*sums, figures.summa))}"
    assert totals in matrix
    assert sum(sums) == figures.summa
    rule = "och det som återstår räknas till det budgetår där avtalsåret slutar."
    assert (rule in matrix) is figures.budgetar_avrundade


@pytest.mark.libreoffice
def test_the_decision_grants_only_the_regions_share_and_names_the_co_financing(
    built: Path,
) -> None:
    text = pdf(built, CO_FINANCED, "beslutsforslag")
    assert (
        "1. Regionala utvecklingsnämnden beslutar att Exempel Smarta Samhällen ideell "
        "förening beviljas 1 000 000 kronor årligen i basfinansiering inom Norrbottens "
        "ekosystem, sammanlagt 3 000 000 kronor. 2. Medlen anvisas från ERP."
    ) in text
    assert (
        "4. Beslutet gäller under förutsättning av medfinansiering från Luleå kommun med " in text
    )
    stepped = pdf(built, STEPPED, "beslutsforslag")
    assert (
        "beviljas 2 000 000 kronor avtalsår 1, 1 500 000 kronor avtalsår 2 och 400 000 kronor "
        "avtalsår 3 i basfinansiering inom Norrbottens ekosystem, sammanlagt 3 900 000 kronor."
    ) in stepped
    assert (
        "4. Beloppet fördelas på budgetåren med 833 333 kronor för 2024, 1 791 667 kronor för "
        "2025 och 1 275 000 kronor för 2026."
    ) in stepped


@pytest.mark.libreoffice
@pytest.mark.parametrize("dnr", [CO_FINANCED, STEPPED])
def test_the_agreement_states_what_the_region_pays_and_when(built: Path, dnr: str) -> None:
    figures = figures_of(dnr)
    text = pdf(built, dnr, "samarbetsavtal")
    clause = text[text.index("Finansiering och utbetalning") :]
    # Per avtalsår: the rows add up to the region's total.
    rows = re.findall(
        r"Avtalsår (\d+) (\d{4}-\d\d-\d\d)–(\d{4}-\d\d-\d\d) ((?:\d{1,3} )*\d{1,3}) kr", clause
    )
    assert [int(a.replace(" ", "")) for *_, a in rows] == [y.belopp for y in figures.avtalsar]
    assert sum(y.belopp for y in figures.avtalsar) == figures.region_summa
    # The payment plan: one row per payment, with its date, adding up to the krona.
    plan = clause[clause.index("Utbetalningsplan Utbetalning Avser Datum Belopp") :]
    payments = re.findall(
        r"(\d+) (Avtalsår \d+|\d{4}-\d\d-\d\d–\d{4}-\d\d-\d\d) (\d{4}-\d\d-\d\d) "
        r"((?:\d{1,3} )*\d{1,3}) kr",
        plan,
    )
    assert [(int(n), d, int(a.replace(" ", ""))) for n, _, d, a in payments] == [
        (p.nummer, p.datum.isoformat(), p.belopp) for p in figures.utbetalningar
    ]
    assert sum(p.belopp for p in figures.utbetalningar) == figures.region_summa
    assert f"Totalt {kr(figures.region_summa)} kr" in plan
    rule = "det som återstår av ett avtalsårs belopp betalas ut med avtalsårets sista utbetalning"
    assert (rule in plan) is figures.avrundat


@pytest.mark.libreoffice
def test_the_agreement_names_co_financing_as_a_condition(built: Path) -> None:
    text = pdf(built, CO_FINANCED, "samarbetsavtal")
    assert (
        "Regionen lämnar Aktören basfinansiering med 1 000 000 kronor per avtalsår, sammanlagt "
        "3 000 000 kronor under avtalstiden. Medlen anvisas från ERP."
    ) in text
    assert (
        "7. Medfinansiering Regionens finansiering enligt punkt 6 lämnas under förutsättning "
        "att övriga finansiärer bidrar till verksamheten under avtalstiden: Luleå kommun med "
        "250 000 kronor årligen, Piteå kommun med 250 000 kronor årligen"
    ) in text
    assert "Den samlade finansieringen uppgår därmed till 5 400 000 kronor." in text
    # Only the region's money is in the payment plan.
    assert "Luleå kommun" not in text[text.index("Utbetalningsplan") : text.index("7. Medfin")]
    stepped = pdf(built, STEPPED, "samarbetsavtal")
    assert "Medfinansiering" not in stepped
    assert (
        "Regionen lämnar Aktören basfinansiering med 2 000 000 kronor avtalsår 1, 1 500 000 "
        "kronor avtalsår 2 och 400 000 kronor avtalsår 3, sammanlagt 3 900 000 kronor under "
        "avtalstiden."
    ) in stepped
    assert "betalas ut kvartalsvis i förskott efter rekvisition" in stepped


def _proposal_with(tmp_path: Path, old: str, new: str) -> tuple[Result, Path]:
    """The co-financed case's beslutsförslag built with the template's run ``old`` (the
    first, in the Finansiering table) written ``new``: the build's result, and its output
    folder."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    path = templates / "beslutsforslag.docx"
    word = docx.Document(str(path))
    found = [
        piece
        for table in word.tables
        for cell in table._cells
        for paragraph in cell.paragraphs
        for piece in paragraph.runs
        if piece.text == old
    ]
    assert found, old
    found[0].text = new  # the first: the Finansiering table's
    word.save(str(path))
    output = tmp_path / "output"
    result = runner.invoke(
        app,
        ["build", str(CASES[CO_FINANCED]), "--output", str(output), "--templates", str(templates),
         "--only", "beslutsforslag"],
    )  # fmt: skip
    return result, output


@pytest.mark.libreoffice
def test_the_fact_check_refuses_the_regions_share_printed_as_the_whole(tmp_path: Path) -> None:
    result, output = _proposal_with(
        tmp_path, "{{ finansiering.summa|kr }}", "{{ finansiering.region_summa|kr }}"
    )
    assert result.exit_code == 1
    assert "beslutsforslag.pdf: totalt: the document does not state 'Totalt 5 400 000 kr'" in (
        result.stderr
    )
    assert (
        "beslutsforslag.pdf: totalt: the document states the region's share (3 000 000 kr) as "
        "the total; the whole financing is 5 400 000 kr"
    ) in result.stderr
    assert not any(output.rglob("*.pdf")), "a build that fails the fact check writes nothing"


@pytest.mark.libreoffice
def test_the_fact_check_refuses_a_financiers_row_with_another_amount(tmp_path: Path) -> None:
    result, output = _proposal_with(
        tmp_path, "{{ rad.summa|belopp }}", "{{ (rad.summa + 1000)|belopp }}"
    )
    assert result.exit_code == 1
    assert (
        "beslutsforslag.pdf: finansiär Luleå kommun: the document does not state "
        "'Luleå kommun 750 000'"
    ) in result.stderr
    assert (
        "beslutsforslag.pdf: Luleå kommun: the document states 751,000 for it, which is none of "
        "its figures (125,000, 250,000, 750,000)"
    ) in result.stderr
    assert not any(output.rglob("*.pdf"))
