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
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from avtalsgen import i18n
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
