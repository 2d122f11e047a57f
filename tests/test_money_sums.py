"""Every figure the documents state of a financing adds up, to the krona, for any amounts
and splits: a property test (hypothesis) over random periods (broken years, a single
month, up to six years), one or two region sources and up to two co-financiers, each
with its amounts the same every year, per avtalsår or per calendar year (awkward amounts
that do not divide by 12, 4 or a year's months), every way of paying, a later first
payment.

It checks the figures (:class:`~avtalsgen.model.money.Berakning`), the templates' view of
them (:func:`~avtalsgen.documents.financing.view`: the agreement's tables, the
beslutsförslag's budget years), the placeholders' text and ``avtalsgen explain``'s lines:
the payments within an avtalsår add up to its amount, the quarters of a calendar year to
its budget year, the avtalsår and budget years to the total, the sources to the region's
share of each year, and amounts as given stay as given.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import NO_CONVERTER, REPO, fold
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pdftext import pdftotext
from pydantic import ValidationError
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.documents.financing import explain_financing, money_placeholders, view
from avtalsgen.model.money import (
    SCALE,
    Berakning,
    Finansiering,
    Finansieringsregler,
    compute_financing,
    monthly_amounts,
)

NBSP = "\u00a0"
PAYING = ("arsvis_i_forskott", "kvartalsvis_i_forskott", "efter_godkand_rapport")

#: Amounts that do not divide: by 12, 4, 3, a year's months; small ones, zero, and large.
AMOUNT = st.one_of(
    st.integers(min_value=0, max_value=9_999_999),
    st.sampled_from([0, 1, 7, 11, 1_000_001, 1_234_567, 999_999, 333_334, 2_000_003]),
)


@st.composite
def financings(draw: st.DrawFn) -> Finansiering:
    start = dt.date(draw(st.integers(2024, 2030)), draw(st.integers(1, 12)), 1)
    months = draw(st.integers(1, 72))
    end_index = start.year * 12 + start.month - 1 + months
    end = dt.date(end_index // 12, end_index % 12 + 1, 1) - dt.timedelta(days=1)
    years = len(range(0, months, 12))
    calendar = list(range(start.year, end.year + 1))

    def amounts(region: bool, index: int) -> dict[str, Any]:
        form = draw(st.sampled_from(["belopp_per_ar", "belopp_per_avtalsar", "kalenderar"]))
        row: dict[str, Any] = (
            {"namn": f"Region {index}", "kalla": f"källa {index}"}
            if region
            else {"namn": f"Medfinansiär {index}", "slag": "kommun"}
        )
        if form == "belopp_per_ar":
            row["belopp_per_ar"] = draw(AMOUNT)
        elif form == "belopp_per_avtalsar":
            row["belopp_per_avtalsar"] = [draw(AMOUNT) for _ in range(years)]
        else:
            row["belopp_per_kalenderar"] = [{"ar": y, "belopp": draw(AMOUNT)} for y in calendar]
        return row

    rows = [amounts(True, n) for n in range(1, draw(st.integers(1, 2)) + 1)]
    rows += [amounts(False, n) for n in range(1, draw(st.integers(0, 2)) + 1)]
    utbetalning: dict[str, Any] = {"satt": draw(st.sampled_from(PAYING))}
    if draw(st.booleans()):
        utbetalning["forsta_datum"] = start + dt.timedelta(
            days=draw(st.integers(0, (end - start).days))
        )
    data = {"period": {"start": start, "slut": end}, "finansiarer": rows}
    data["utbetalning"] = utbetalning
    try:
        return Finansiering.model_validate(data)
    except ValidationError:  # the region's share 0 kronor over the period: refused
        assume(False)
        raise


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language(None)


def _within(start: dt.date, end: dt.date, first: dt.date, last: dt.date) -> bool:
    return first <= start and end <= last


def _figures(money: Finansiering) -> Berakning:
    return compute_financing(money, Finansieringsregler(kallor=[]))


PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@PROPERTY
@given(financings())
def test_the_figures_add_up_to_the_krona(money: Finansiering) -> None:
    figures = _figures(money)
    period = money.period
    region = figures.region
    # Each financier: its avtalsår and its budget years add up to its total, which is its
    # exact amount rounded down; amounts as given stay as given.
    for given_row, row in zip(money.finansiarer, figures.finansiarer, strict=True):
        exact = sum(monthly_amounts(given_row, period))
        assert row.summa == exact // SCALE
        assert sum(row.per_avtalsar) == row.summa == sum(row.per_budgetar)
        assert min(*row.per_avtalsar, *row.per_budgetar) >= 0
        if given_row.belopp_per_avtalsar is not None:
            assert list(row.per_avtalsar) == given_row.belopp_per_avtalsar
        if given_row.belopp_per_kalenderar is not None:
            assert list(row.per_budgetar) == [i.belopp for i in given_row.belopp_per_kalenderar]
        if given_row.belopp_per_ar is not None:
            for year, amount in zip(figures.avtalsar, row.per_avtalsar, strict=True):
                if year.manader == 12:
                    assert amount == given_row.belopp_per_ar
    # The sources add up to the region's share of each avtalsår and budget year; all the
    # financiers to the whole of each budget year.
    for index, year in enumerate(figures.avtalsar):
        assert year.belopp == sum(row.per_avtalsar[index] for row in region)
    for index, budget in enumerate(figures.budgetar):
        assert budget.region == sum(row.per_budgetar[index] for row in region)
        assert budget.belopp == sum(row.per_budgetar[index] for row in figures.finansiarer)
    assert figures.region_summa == sum(row.summa for row in region)
    assert figures.summa == sum(row.summa for row in figures.finansiarer)
    assert sum(y.belopp for y in figures.avtalsar) == figures.region_summa
    assert sum(y.region for y in figures.budgetar) == figures.region_summa
    assert sum(y.belopp for y in figures.budgetar) == figures.summa
    # The payment plan pays the region's share: the payments within an avtalsår (or a
    # budget year) add up to it, wherever no payment is for months of it and another's.
    payments = figures.utbetalningar
    assert sum(p.belopp for p in payments) == figures.region_summa
    assert min(p.belopp for p in payments) >= 0
    spans = [(y.start, y.slut, y.belopp) for y in figures.avtalsar] + [
        (max(period.start, dt.date(b.ar, 1, 1)), min(period.slut, dt.date(b.ar, 12, 31)), b.region)
        for b in figures.budgetar
    ]
    for first, last, amount in spans:
        inside = [p for p in payments if _within(p.start, p.slut, first, last)]
        straddling = [
            p for p in payments if p.start <= last and p.slut >= first and p not in inside
        ]
        if not straddling:
            assert sum(p.belopp for p in inside) == amount, (first, last)


def _amounts(text: str) -> list[int]:
    """The amounts in an English line of explain ('1,234,567 kr')."""
    return [int(a.replace(",", "")) for a in re.findall(r"(\d{1,3}(?:,\d{3})*) kr\b", text)]


@PROPERTY
@given(financings())
def test_the_documents_and_explain_state_figures_that_add_up(money: Finansiering) -> None:
    figures = _figures(money)
    shown = view(figures)
    # The agreement's tables: the region's amount per avtalsår and the payment plan, both
    # adding up to the total they are printed above.
    assert sum(y.belopp for y in shown.avtalsar) == shown.region_summa
    assert sum(p.belopp for p in shown.utbetalningar) == shown.region_summa
    # The beslutsförslag's budget years: each financier's row adds up to its total, each
    # column to the whole of the year.
    for row in shown.finansiarer:
        assert sum(row.per_budgetar) == row.summa
    for index, budget in enumerate(shown.budgetar):
        assert sum(row.per_budgetar[index] for row in shown.finansiarer) == budget.belopp
    assert sum(row.summa for row in shown.finansiarer) == shown.summa
    assert bool(shown.budgetar_not) is figures.budgetar_avrundade
    # The placeholders: the steps per avtalsår and per budget year add up to {totalt}.
    values = {k: v.replace(NBSP, " ") for k, v in money_placeholders(figures).items()}

    def kronor(text: str) -> list[int]:
        return [int(a.replace(" ", "")) for a in re.findall(r"(\d{1,3}(?: \d{3})*) kronor", text)]

    (total,) = kronor(values["totalt"])
    assert total == figures.region_summa
    if figures.region_per_ar is None:
        assert sum(kronor(values["belopp_per_avtalsar"])) == total
    assert sum(kronor(values["belopp_per_budgetar"])) == total
    # explain: its budget years' and payments' lines add up as the figures do.
    lines = [line.replace(NBSP, " ") for line in explain_financing(figures)]
    budget_head = lines.index("budget years (whole financing, region's share):")
    plan_head = next(i for i, line in enumerate(lines) if line.startswith("payment plan ("))
    per_year = [_amounts(line) for line in lines[budget_head + 1 : plan_head]]
    assert sum(whole for whole, _region in per_year) == figures.summa
    assert sum(share for _whole, share in per_year) == figures.region_summa
    plan = [
        _amounts(line)[-1] for line in lines[plan_head + 1 :] if not line.startswith("  rounded")
    ]
    assert plan == [p.belopp for p in figures.utbetalningar]
    assert sum(plan) == figures.region_summa


# --- the documents of an awkward case, through LibreOffice ---------------------------------

#: A case written from the schema with amounts that divide nowhere: a broken last year
#: (33 months), two region sources (one stepped, one the same every year), a co-financier
#: the same every year and one per calendar year, paid quarterly.
AWKWARD = """\
program: program/norrbottens-ekosystem.yaml
exempel: true
dnr: RUN-90010-2025
namnd: Regionala utvecklingsnämnden
datum: 2025-05-20
titel: Exempel – Norrbottens ekosystem – Udda belopp
aktor:
  namn: Exempel Udda Belopp AB
  organisationsnummer: null
  adress: {utdelningsadress: Storgatan 1, postnummer: 972 31, ort: Luleå}
  omrade: udda belopp i arktisk miljö
finansiering:
  period: {start: 2025-07-01, slut: 2028-03-31}
  finansiarer:
    - {namn: Region Norrbotten - ERP, kalla: ERP, belopp_per_avtalsar: [1000001, 750000, 333333]}
    - {namn: Region Norrbotten - RUM, kalla: regionala utvecklingsmedel, belopp_per_ar: 500001}
    - {namn: Luleå kommun, slag: kommun, belopp_per_ar: 250001}
    - namn: EU-projektet Udda
      slag: eu_projekt
      belopp_per_kalenderar:
        - {ar: 2025, belopp: 100001}
        - {ar: 2026, belopp: 200000}
        - {ar: 2027, belopp: 199999}
        - {ar: 2028, belopp: 50000}
  utbetalning: {satt: kvartalsvis_i_forskott}
beslutspunkter:
  - >-
    Regionala utvecklingsnämnden beslutar att {aktor_namn} beviljas {belopp_arligen} i
    basfinansiering inom Norrbottens ekosystem, sammanlagt {totalt}.
  - Medlen anvisas från {kalla_belopp}.
  - Basfinansieringen gäller under perioden {start} till {slut}.
  - Beloppet fördelas på budgetåren med {belopp_per_budgetar}.
  - Beslutet gäller under förutsättning av medfinansiering från {medfinansiering}.
syfte: Syftet är att pröva hur udda belopp fördelas.
forsta_uppfoljning: våren 2026
extern_utvardering_senast: 2027-11-30
protokollsutdrag_till: [Regional utvecklingsdirektör]
avtal:
  datum: 2025-06-24
  undertecknare: {namn: Olle Exempelsson, titel: VD, ort: Luleå}
"""
AWKWARD_MEETING = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2025-06-12
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare: [Johan Exempelsson]
justeringsdatum: 2025-06-17
anslagsdatum: 2025-06-18
arenden: ..
paragrafer:
  - {paragraf: 91, dnr: RUN-90010-2025, beslut: enligt förslaget}
"""


def _kr(text: str) -> int:
    return int(text.replace(" ", ""))


@pytest.mark.libreoffice
def test_an_awkward_cases_documents_add_up(tmp_path: Path) -> None:
    """The beslutsförslag's budget years, the extract's decision, the agreement's amounts
    per avtalsår and its payment plan, as the PDFs read: every row and column adds up, the
    quarters of each avtalsår to its amount, the quarters of each calendar year to the
    region's budget year, the sources to the region's share."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    shutil.copytree(REPO / "cases" / "program", tmp_path / "cases" / "program")
    (tmp_path / "cases" / "sammantraden").mkdir()
    (tmp_path / "cases" / "udda.yaml").write_text(AWKWARD, encoding="utf-8")
    meeting = tmp_path / "cases" / "sammantraden" / "udda-2025-06-12.yaml"
    meeting.write_text(AWKWARD_MEETING, encoding="utf-8")
    output, templates = tmp_path / "output", REPO / "templates"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AVTALSGEN_CONVERTER_DIR", NO_CONVERTER)
        for argv in (
            ["utdrag", str(meeting)],
            ["build", str(tmp_path / "cases" / "udda.yaml")],
        ):
            result = CliRunner().invoke(
                app, [*argv, "--output", str(output), "--templates", str(templates)]
            )
            assert result.exit_code == 0, result.output
    folder = output / "RUN-90010-2025"
    number = r"(\d{1,3}(?: \d{3})*)"
    # The agreement: per avtalsår, and the payment plan by quarter.
    agreement = pdftotext(folder / "samarbetsavtal.pdf", "-raw")
    years = [
        (dt.date.fromisoformat(a), dt.date.fromisoformat(b), _kr(c))
        for a, b, c in re.findall(rf"Avtalsår \d (\S+)–(\S+) {number} kr", agreement)
    ]
    assert [amount for *_, amount in years] == [1_500_002, 1_250_001, 708_333]
    (total,) = re.findall(rf"Totalt 2025-07-01–2028-03-31 {number} kr", agreement)
    assert sum(amount for *_, amount in years) == _kr(total) == 3_458_336
    plan = [
        (dt.date.fromisoformat(day), _kr(amount))
        for day, amount in re.findall(
            rf"^\d+ \d{{4}}-\d\d-\d\d–\S+ (\d{{4}}-\d\d-\d\d) {number} kr$", agreement, re.M
        )
    ]
    assert len(plan) == 11
    for start, end, amount in years:
        assert sum(paid for day, paid in plan if start <= day <= end) == amount, start
    assert re.search(rf"Totalt {number} kr\n", agreement)[1] == "3 458 336"  # type: ignore[index]
    assert (
        "det som återstår av ett avtalsårs belopp betalas ut med avtalsårets sista utbetalning"
    ) in fold(agreement)
    # The beslutsförslag's budget years: rows to totals, columns to the whole of each year,
    # the region's rows to the payments of the calendar year.
    proposal = fold(pdftotext(folder / "beslutsforslag.pdf", "-raw"))
    matrix = proposal[proposal.index("Finansiär 2025 2026 2027 2028 Totalt") :]
    layout = pdftotext(folder / "beslutsforslag.pdf", "-layout")
    table = layout[layout.index("Fördelning per budgetår") :]
    rows = {}
    for line in table.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == 6 and re.fullmatch(number, cells[1]):
            rows[cells[0]] = [_kr(cell) for cell in cells[1:]]
    assert list(rows) == [
        "Region Norrbotten - ERP", "Region Norrbotten - RUM", "Luleå kommun",
        "EU-projektet Udda", "Totalt",
    ]  # fmt: skip
    assert rows["Region Norrbotten - ERP"] == [500_000, 875_001, 597_222, 111_111, 2_083_334]
    assert rows["EU-projektet Udda"] == [100_001, 200_000, 199_999, 50_000, 550_000]
    for amounts in rows.values():
        assert sum(amounts[:4]) == amounts[4], amounts
    financiers = [amounts for name, amounts in rows.items() if name != "Totalt"]
    columns = [sum(column) for column in zip(*financiers, strict=True)]
    assert columns == rows["Totalt"] == [975_001, 1_825_003, 1_547_223, 348_611, 4_695_838]
    erp, rum = rows["Region Norrbotten - ERP"], rows["Region Norrbotten - RUM"]
    region = [a + b for a, b in zip(erp, rum, strict=True)]
    for year, share in zip((2025, 2026, 2027, 2028), region, strict=False):
        assert sum(paid for day, paid in plan if day.year == year) == share, year
    assert "räknas till det budgetår där avtalsåret slutar" in matrix
    # The decision, in the beslutsförslag and the extract alike.
    extract = fold(pdftotext(folder / "protokollsutdrag-91.pdf", "-raw"))
    for text in (proposal, extract):
        assert (
            "beviljas 1 500 002 kronor avtalsår 1, 1 250 001 kronor avtalsår 2 och 708 333 "
            "kronor avtalsår 3 i basfinansiering inom Norrbottens ekosystem, sammanlagt "
            "3 458 336 kronor."
        ) in text
        assert (
            "Beloppet fördelas på budgetåren med 750 000 kronor för 2025, 1 375 002 kronor för "
            "2026, 1 097 223 kronor för 2027 och 236 111 kronor för 2028."
        ) in text
