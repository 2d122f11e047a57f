"""Extensions across random schedules (a property test of :func:`apply_change`): an
agreement of any length from the first of any month, paid yearly, quarterly or after an
approved report, with one or two region financiers of any amounts a year, extended by any
number of months on any day of its period, with its amount or another. Whatever the
extension is decided after (a short last avtalsår whose share is not whole kronor, a
quarter paid up to the old end), an extension accepted changes no payment due before the
decision, its figures add up to the krona (avtalsår, budget years and payments to the
total; each financier's total to the agreement's exact amounts before plus the extension's,
rounded down once), and no date falls outside the period. An extension after
a payment that paid for the agreement up to its end (it counts its avtalsår anew) is
always accepted: the refusal at belopp_per_ar of 1e62ccb (another amount after a paid
quarter of a short year whose share is not whole kronor) is gone."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avtalsgen.model.money import (
    SCALE,
    Finansiering,
    Finansieringsregler,
    add_months,
    compute_financing,
    month_end,
    monthly_amounts,
)
from avtalsgen.model.tillagg import Tillagg, apply_change

RULES = Finansieringsregler()
SATT = ("arsvis_i_forskott", "kvartalsvis_i_forskott", "efter_godkand_rapport")


@st.composite
def extensions(draw: st.DrawFn) -> tuple[Finansiering, Tillagg, dt.date]:
    start = dt.date(draw(st.integers(2020, 2026)), draw(st.integers(1, 12)), 1)
    months = draw(st.integers(1, 48))
    end = month_end(add_months(start, months - 1))
    amounts = draw(st.lists(st.integers(100, 3_000_000), min_size=1, max_size=2))
    money = Finansiering.model_validate(
        {
            "period": {"start": start, "slut": end},
            "finansiarer": [
                {"namn": f"Region Norrbotten - källa {index}", "kalla": f"källa {index}",
                 "belopp_per_ar": amount}
                for index, amount in enumerate(amounts)
            ],
            "utbetalning": {"satt": draw(st.sampled_from(SATT))},
        }
    )  # fmt: skip
    decided = start + dt.timedelta(days=draw(st.integers(0, (end - start).days)))
    added = draw(st.integers(1, 48))
    change: dict[str, object] = {
        "typ": "forlangning",
        "ny_slutdag": month_end(add_months(end, added)),
    }
    if len(amounts) == 1 and draw(st.booleans()):
        change["belopp_per_ar"] = draw(st.integers(0, 3_000_000))
    return money, Tillagg.model_validate(change), decided


def _paid_to_the_end(money: Finansiering, decided: dt.date) -> bool:
    plan = compute_financing(money, RULES).utbetalningar
    return any(p.datum < decided and p.slut >= money.period.slut for p in plan)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extensions())
def test_an_extension_keeps_what_was_paid_and_adds_up(
    case: tuple[Finansiering, Tillagg, dt.date],
) -> None:
    money, tillagg, decided = case
    andring, problems = apply_change(money, tillagg, RULES, beslutsdatum=decided,
                                     max_ar=None, forlangning_tillaten=True)  # fmt: skip
    if _paid_to_the_end(money, decided):
        assert problems == [], problems
    if andring is None:
        return
    before, after = compute_financing(money, RULES), compute_financing(andring.efter, RULES)
    period = andring.efter.period
    assert (period.start, period.slut) == (money.period.start, tillagg.ny_slutdag)
    # Every payment due before the decision is unchanged.
    made = [p for p in before.utbetalningar if p.datum < decided]
    kept = {(p.datum, p.belopp, p.start, p.slut) for p in after.utbetalningar}
    for payment in made:
        assert (payment.datum, payment.belopp, payment.start, payment.slut) in kept, payment
    # The figures add up to the krona.
    total = after.region_summa
    assert total == after.summa
    assert sum(year.belopp for year in after.avtalsar) == total
    assert sum(year.region for year in after.budgetar) == total
    assert sum(payment.belopp for payment in after.utbetalningar) == total
    # ... and to the decided amounts: the agreement's months as before, the extension's at
    # its amount (or unchanged), the whole rounded down to whole kronor once.
    for old in money.finansiarer:
        exact = monthly_amounts(old, money.period)
        rate = exact[-1] if tillagg.belopp_per_ar is None else tillagg.belopp_per_ar * (SCALE // 12)
        expected = sum(exact) + rate * (period.manader - money.period.manader)
        row = next(row for row in after.finansiarer if row.namn == old.namn)
        assert row.summa == expected // SCALE, (row, expected / SCALE)
    # No date outside the period; every month paid for once.
    for payment in after.utbetalningar:
        assert period.start <= payment.start <= payment.slut <= period.slut, payment
        assert period.start <= payment.datum <= period.slut, payment
    covered = [(p.start, p.slut) for p in after.utbetalningar]
    assert covered[0][0] == period.start and covered[-1][1] == period.slut
    for (_s, last), (following, _e) in itertools.pairwise(covered):
        assert following == last + dt.timedelta(days=1)
    for year in after.avtalsar:
        assert period.start <= year.start <= year.slut <= period.slut, year
