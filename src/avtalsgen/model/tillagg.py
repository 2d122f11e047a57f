"""A later decision on a running agreement: an extension (förlängning), a new amount from a
date, or an early end (upphörande), and the financing it leaves.

A meeting file's paragraph on a granted case may hold a ``tillagg``; the committee then
decides a change of the agreement, which a tilläggsavtal states. The change works month by
month on the financing the agreement follows (the decided one, as changed by the earlier
tillägg): the months before it keep their amounts, the months from it get the new facts,
and the payment plan follows from the date. What was due before the decision stays as the
agreement says: a change that would alter a payment due before the decision is refused.

Rules, each reported at the key to blame:

- förlängning: ``ny_slutdag`` after the current end, the last day of a month, by the
  program's years at a time (``avtal.forlangning.ar_per_period``) and within its longest
  financing (``max_ar``); the agreement has not ended
  before the decision; decided after a payment that paid for the agreement up to its end,
  the extension counts its own avtalsår and payments from its first day
  (:class:`~avtalsgen.model.money.ForlangdPeriod`), else it lengthens a shorter last
  avtalsår to a full year; the amount for the extension is ``belopp_per_ar``, or unchanged where
  the region's amount is the same every year; each co-financier's amount for the
  extension is given (``medfinansiarer``: their shares are conditions of the agreement,
  not decided by the region), per calendar year for one whose amounts are
  (``medfinansiarer_per_kalenderar``, the first year's for the months the extension adds);
- nytt belopp: from ``fran``, the first of a month inside the period and not before the
  decision, ``belopp_per_ar`` a year from then (of ``finansiar`` where the region's share
  has several, or a co-financier's) and the co-financiers' in ``medfinansiarer`` (0: one
  leaves the agreement);
- upphörande: ``sista_dag``, the last day of a month, not before the start nor the decision,
  before the current end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from pydantic import Field, ValidationError, model_validator

from avtalsgen.i18n import N_, _, format_amount, ngettext
from avtalsgen.model.money import (
    SCALE,
    Avsnitt,
    Finansiar,
    Finansiering,
    Finansieringsregler,
    ForlangdFinansiar,
    ForlangdPeriod,
    Kalenderarsbelopp,
    Period,
    add_months,
    compute_financing,
    month_end,
    monthly_amounts,
    stretches,
)
from avtalsgen.model.types import Datum, FieldProblems, Kronor, Loc, Namn, Strict


class Tillaggstyp(StrEnum):
    """What a later decision changes in a running agreement."""

    FORLANGNING = "forlangning"
    """An extension: the agreement runs to a later end (``ny_slutdag``)."""
    NYTT_BELOPP = "nytt_belopp"
    """A new amount a year (``belopp_per_ar``) from a date (``fran``)."""
    UPPHORANDE = "upphorande"
    """An early end: the agreement ends with ``sista_dag``."""


#: The change in words, as ``avtalsgen status`` shows it (translated where shown).
TILLAGGSTYP_TEXT: Final[dict[Tillaggstyp, str]] = {
    Tillaggstyp.FORLANGNING: N_("extension"),
    Tillaggstyp.NYTT_BELOPP: N_("new amount"),
    Tillaggstyp.UPPHORANDE: N_("early end"),
}


def change_outcome(typ: str, utfall: str) -> str:
    """A decision on a change of the running agreement in words, as ``avtalsgen status``
    and the case's page list it: ``change of the agreement: extension``, or, not granted,
    ``proposed change of the agreement, rejected: extension``."""
    from avtalsgen.model.decision import UTFALL_TEXT, Utfall

    change = _(TILLAGGSTYP_TEXT[Tillaggstyp(typ)])
    outcome = Utfall(utfall)
    if outcome.granted:
        return _("change of the agreement: {change}").format(change=change)
    return _("proposed change of the agreement, {utfall}: {change}").format(
        utfall=_(UTFALL_TEXT[outcome]), change=change
    )


#: The keys each type requires and allows (besides ``typ``).
_REQUIRED: Final[dict[Tillaggstyp, tuple[str, ...]]] = {
    Tillaggstyp.FORLANGNING: ("ny_slutdag",),
    Tillaggstyp.NYTT_BELOPP: ("fran",),
    Tillaggstyp.UPPHORANDE: ("sista_dag",),
}
_ALLOWED: Final[dict[Tillaggstyp, tuple[str, ...]]] = {
    Tillaggstyp.FORLANGNING: (
        "ny_slutdag",
        "belopp_per_ar",
        "belopp_per_avtalsar",
        "finansiar",
        "medfinansiarer",
        "medfinansiarer_per_kalenderar",
    ),
    Tillaggstyp.NYTT_BELOPP: (
        "fran",
        "belopp_per_ar",
        "belopp_per_avtalsar",
        "finansiar",
        "medfinansiarer",
    ),
    Tillaggstyp.UPPHORANDE: ("sista_dag",),
}
_KEYS: Final = (
    "ny_slutdag",
    "fran",
    "sista_dag",
    "belopp_per_ar",
    "belopp_per_avtalsar",
    "finansiar",
    "medfinansiarer",
    "medfinansiarer_per_kalenderar",
)


class Tillagg(Strict):
    """A change of the running agreement decided at a later meeting (a tilläggsavtal
    follows): ``{typ: forlangning, ny_slutdag: 2027-12-31}``, ``{typ: nytt_belopp, fran:
    2026-01-01, belopp_per_ar: 900000}`` or ``{typ: upphorande, sista_dag: 2026-06-30}``."""

    typ: Tillaggstyp
    """forlangning (extension), nytt_belopp (a new amount from a date) or upphorande (an
    early end)."""
    ny_slutdag: Datum | None = None
    """For forlangning: the agreement's new last day (the last day of a month)."""
    fran: Datum | None = None
    """For nytt_belopp: the first day of the new amount (the first of a month)."""
    sista_dag: Datum | None = None
    """For upphorande: the agreement's last day (the last day of a month)."""
    belopp_per_ar: Kronor | None = None
    """For nytt_belopp: the region's new amount a year; for forlangning: the amount a year
    for the extension (by default unchanged, where the region's amount is the same every
    year)."""
    belopp_per_avtalsar: list[Kronor] | None = Field(default=None, min_length=1)
    """Instead of one amount a year: one amount per avtalsår, in order, as a case's stepped
    amounts are given, from the avtalsår that begins on the new amount's first day (or, for
    an extension, the one the extension begins in, as a whole: a shorter last avtalsår
    lengthened, or, once a payment has paid for it, the extension's first avtalsår, from the
    day after the old end) to the last; a shorter last avtalsår gets the amount given."""
    finansiar: Namn | None = None
    """Which financier (by namn) ``belopp_per_ar`` is of: one of the region's, where its
    share has several, or a co-financier (0: it leaves the agreement from ``fran``)."""
    medfinansiarer: dict[Namn, Kronor] | None = None
    """Each co-financier by its name with its amount a year: for nytt_belopp from the new
    amount's first day (0: it leaves the agreement then); for forlangning during the
    extension (0: it does not co-finance the extension). An extension of a co-financed
    agreement gives every co-financier's, here or, for one whose amounts are per calendar
    year, under medfinansiarer_per_kalenderar: their shares are conditions of the
    agreement, which the region does not decide, and none is assumed to go on."""
    medfinansiarer_per_kalenderar: dict[Namn, list[Kalenderarsbelopp]] | None = None
    """For forlangning, instead of ``medfinansiarer`` for a co-financier whose amounts are
    given per calendar year: its amount for each calendar year the extension covers, as a
    case file's ``belopp_per_kalenderar`` (a list of ``ar`` and ``belopp``); the first year's
    for the months of it that the extension adds, the last year's for the months to the new
    end."""

    @model_validator(mode="after")
    def _keys_fit_the_type(self) -> Tillagg:
        problems: list[tuple[Loc, str]] = []
        for key in _REQUIRED[self.typ]:
            if getattr(self, key) is None:
                problems.append(
                    ((key,), _("a {typ} gives {key}").format(typ=self.typ.value, key=key))
                )
        if (
            self.typ is Tillaggstyp.NYTT_BELOPP
            and self.belopp_per_ar is None
            and self.belopp_per_avtalsar is None
            and not self.medfinansiarer
        ):
            problems.append(
                (
                    ("belopp_per_ar",),
                    _(
                        "a nytt_belopp gives belopp_per_ar (the region's new amount a year, or "
                        "finansiar's), or a co-financier's under medfinansiarer"
                    ),
                )
            )
        if self.belopp_per_ar is not None and self.belopp_per_avtalsar is not None:
            problems.append(
                (
                    ("belopp_per_avtalsar",),
                    _(
                        "give the amount one way only: belopp_per_ar (the same every avtalsår) "
                        "or belopp_per_avtalsar (one per avtalsår), not both"
                    ),
                )
            )
        for key in _KEYS:
            if key not in _ALLOWED[self.typ] and getattr(self, key) is not None:
                problems.append(
                    (
                        (key,),
                        _("{key} is not part of a {typ}; it takes {allowed}").format(
                            key=key, typ=self.typ.value, allowed=", ".join(_ALLOWED[self.typ])
                        ),
                    )
                )
        if problems:
            raise FieldProblems(problems)
        return self

    @property
    def datum(self) -> dt.date:
        """The date the change is about: the new end, the first day of the new amount, or
        the last day."""
        day = self.ny_slutdag or self.fran or self.sista_dag
        assert day is not None, "the validator requires the type's date"
        return day


@dataclass(frozen=True)
class Andring:
    """A change applied: the financing before and after it and the first day it changes."""

    tillagg: Tillagg
    fore: Finansiering
    """The financing the agreement followed before the change."""
    efter: Finansiering
    """The financing after it: the months before :attr:`fran` as before."""
    fran: dt.date
    """The first day whose facts change (the day after the old end, for an extension; the
    day after the new end, for an early end)."""


def apply_change(
    money: Finansiering, tillagg: Tillagg, regler: Finansieringsregler, *,
    beslutsdatum: dt.date, max_ar: int | None, forlangning_tillaten: bool,
    ar_per_period: int | None = None,
) -> tuple[Andring | None, list[tuple[Loc, str]]]:  # fmt: skip
    """The financing after ``tillagg`` on ``money`` decided on ``beslutsdatum``, or the
    problems (relative to the ``tillagg`` key) that refuse it. ``max_ar`` is the program's
    longest financing in years (None: no limit), ``forlangning_tillaten`` whether the
    program allows an extension at all, ``ar_per_period`` the years an extension adds
    (the agreement's clause: "förlängas med 3 år i taget"; None: any whole months)."""
    period = money.period
    problems: list[tuple[Loc, str]] = []
    region = [row for row in money.finansiarer if row.region]
    chosen = _chosen(region, tillagg, problems, money.finansiarer)
    given = given_amounts(money, tillagg, problems)
    typ = tillagg.typ
    restart = False
    if typ is Tillaggstyp.FORLANGNING:
        new_end = tillagg.ny_slutdag
        assert new_end is not None
        fran = period.slut + dt.timedelta(days=1)
        new_period_end = new_end
        restart = _paid_to_the_end(money, regler, beslutsdatum)
        if new_end != month_end(new_end):
            problems.append(
                (
                    ("ny_slutdag",),
                    _(
                        "an agreement ends on the last day of a month, got {date} (the month "
                        "ends on {last})"
                    ).format(date=new_end, last=month_end(new_end)),
                )
            )
        if new_end <= period.slut:
            problems.append(
                (
                    ("ny_slutdag",),
                    _(
                        "the extension's end ({date}) is not after the agreement's current end "
                        "({end}): write a ny_slutdag after {end}"
                    ).format(end=period.slut, date=new_end),
                )
            )
        if beslutsdatum > period.slut:
            problems.append(
                (
                    ("typ",),
                    _(
                        "the agreement ended on {end}, before the decision ({decided}); an "
                        "agreement that has ended is not extended: a new agreement is a new "
                        "ärende"
                    ).format(end=period.slut, decided=beslutsdatum),
                )
            )
        if not forlangning_tillaten:
            problems.append(
                (
                    ("typ",),
                    _("the program allows no extension (its avtal.forlangning is not given)"),
                )
            )
        elif (
            ar_per_period is not None
            and new_end > period.slut
            and new_end != month_end(add_months(period.slut, 12 * ar_per_period))
        ):
            problems.append(
                (
                    ("ny_slutdag",),
                    _(
                        "the agreement is extended by {years} years at a time (its clause on "
                        "extension): from {end} the new end is {expected}, got {date}"
                    ).format(
                        years=ar_per_period,
                        end=period.slut,
                        expected=month_end(add_months(period.slut, 12 * ar_per_period)),
                        date=new_end,
                    ),
                )
            )
        elif max_ar is not None and _months(period.start, new_end) > max_ar * 12:
            problems.append(
                (
                    ("ny_slutdag",),
                    _(
                        "the program allows at most {years} years of financing in all; "
                        "{start}–{date} is longer, and an extension is by {step} years at a "
                        "time: the agreement, ending {end}, cannot be extended further (a new "
                        "agreement is a new ärende)"
                    ).format(
                        years=max_ar,
                        start=period.start,
                        date=new_end,
                        step=ar_per_period,
                        end=period.slut,
                    ),
                )
            )
        if not restart:
            problems += _extension_inside_last_year(money, tillagg, chosen)
        _calendar_years_given(money, tillagg, new_end, problems)
        unnamed = [
            row
            for row in money.finansiarer
            if not row.region
            and row.namn not in given
            and row.namn not in (tillagg.medfinansiarer_per_kalenderar or {})
        ]
        if unnamed:
            problems.append(
                (
                    ("medfinansiarer",),
                    _(
                        "the agreement has co-financiers ({names}), whose shares for an "
                        "extension are conditions of the agreement, not the region's to "
                        "decide: give each one's amount a year for the extension under "
                        "medfinansiarer, e.g. medfinansiarer: {{{example}}} (0 for one that "
                        "does not co-finance the extension)"
                    ).format(
                        names=", ".join(row.namn for row in unnamed),
                        example=", ".join(
                            f"{row.namn}: {row.belopp_per_ar or 0}" for row in unnamed
                        ),
                    ),
                )
            )
    elif typ is Tillaggstyp.NYTT_BELOPP:
        fran = tillagg.fran  # type: ignore[assignment]
        assert fran is not None
        new_period_end = period.slut
        if fran.day != 1:
            problems.append(
                (
                    ("fran",),
                    _("a new amount starts on the first of a month, got {date}").format(date=fran),
                )
            )
        if not period.start < fran <= period.slut:
            problems.append(
                (
                    ("fran",),
                    _(
                        "a new amount starts after the agreement's first day and within its "
                        "period ({start}–{end}); {date} is not"
                    ).format(date=fran, start=period.start, end=period.slut),
                )
            )
        elif fran < beslutsdatum:
            problems.append(
                (
                    ("fran",),
                    _("the change from {date} is dated before the decision ({decided})").format(
                        date=fran, decided=beslutsdatum
                    ),
                )
            )
    else:
        last = tillagg.sista_dag
        assert last is not None
        fran = last + dt.timedelta(days=1)
        new_period_end = last
        if last != month_end(last):
            problems.append(
                (
                    ("sista_dag",),
                    _(
                        "an agreement ends on the last day of a month, got {date} (the month "
                        "ends on {last})"
                    ).format(date=last, last=month_end(last)),
                )
            )
        if last < period.start:
            problems.append(
                (
                    ("sista_dag",),
                    _("the agreement would end ({date}) before it starts ({start})").format(
                        date=last, start=period.start
                    ),
                )
            )
        elif last >= period.slut:
            problems.append(
                (
                    ("sista_dag",),
                    _(
                        "the early end ({date}) is not before the agreement's current end "
                        "({end}): write a sista_dag before {end}"
                    ).format(end=period.slut, date=last),
                )
            )
        elif last < beslutsdatum:
            problems.append(
                (
                    ("sista_dag",),
                    _("the early end ({date}) is dated before the decision ({decided})").format(
                        date=last, decided=beslutsdatum
                    ),
                )
            )
    if problems:
        return None, problems
    new_period = _changed_period(period, new_period_end, fran if restart else None)
    rows: list[Finansiar] = []
    steps = tillagg.belopp_per_avtalsar
    calendar = tillagg.medfinansiarer_per_kalenderar or {}
    for row in money.finansiarer:
        if typ is Tillaggstyp.FORLANGNING and row.namn in calendar:
            rows.append(_extended_per_calendar_year(row, calendar[row.namn]))
            continue
        if (
            typ is Tillaggstyp.FORLANGNING
            and row.belopp_per_kalenderar is not None
            and given.get(row.namn) == 0
        ):  # it does not co-finance the extension: its years keep their amounts
            years = range(fran.year, new_period_end.year + 1)
            rows.append(_extended_per_calendar_year(row, [Kalenderarsbelopp(ar=y, belopp=0)
                                                          for y in years]))  # fmt: skip
            continue
        monthly = monthly_amounts(row, period)
        months = new_period.manader
        if steps is not None and row is chosen:
            monthly = _stepped(monthly, new_period, fran, steps, typ, problems)
        elif typ is Tillaggstyp.FORLANGNING:
            rate = _rate(row, monthly, given, problems)
            monthly = monthly + [rate] * (months - len(monthly))
        elif typ is Tillaggstyp.NYTT_BELOPP:
            if row.namn in given:
                before = _months(period.start, fran) - 1
                monthly = monthly[:before] + [given[row.namn] * (SCALE // 12)] * (
                    len(monthly) - before
                )
        else:
            monthly = monthly[:months]
        # A new amount inside an avtalsår is its date's fault; else the change's.
        at: Loc = ("fran",) if typ is Tillaggstyp.NYTT_BELOPP else ("typ",)
        earliest = beslutsdatum if typ is Tillaggstyp.NYTT_BELOPP else None
        count = len(problems)
        rows.append(_expressed(row, monthly, new_period, problems, at, earliest))
        if len(problems) > count and typ is Tillaggstyp.FORLANGNING and not row.region:
            problems[count:] = (
                _co_financier_extension_problem(
                    row, monthly_amounts(row, period), period, new_period_end, fran
                )
                or problems[count:]
            )
    if problems:
        return None, problems
    if typ is Tillaggstyp.NYTT_BELOPP and rows == list(money.finansiarer):
        key: Loc = (
            ("belopp_per_ar",)
            if tillagg.belopp_per_ar is not None
            else ("belopp_per_avtalsar",)
            if steps is not None
            else ("medfinansiarer",)
        )
        return None, [
            (
                key,
                _("the amounts from {date} are those already: {amounts}").format(
                    date=fran,
                    amounts=", ".join(
                        [f"{name} {format_amount(amount)}" for name, amount in given.items()]
                        + (
                            [f"{chosen.namn} " + ", ".join(map(format_amount, steps))]
                            if steps is not None and chosen is not None
                            else []
                        )
                    ),
                ),
            )
        ]
    try:
        after = Finansiering.model_validate(
            {
                **money.model_dump(exclude_none=True),
                "period": new_period,
                # As they are: a ForlangdFinansiar's stretches are no file's keys.
                "finansiarer": rows,
                "totalt": None,
            }
        )
    except ValidationError as exc:
        return None, [(("typ",), _("the changed financing is not valid: {error}").format(
            error="; ".join(str(e["msg"]) for e in exc.errors())))]  # fmt: skip
    problems += _paid_before(money, after, regler, beslutsdatum, typ, _amount_key(tillagg))
    if problems:
        return None, problems
    return Andring(tillagg, money, after, fran), []


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _paid_to_the_end(
    money: Finansiering, regler: Finansieringsregler, beslutsdatum: dt.date
) -> bool:
    """Whether a payment due before the decision paid for the agreement up to its end: an
    extension then leaves what was paid as it was and counts its own avtalsår and payments
    from its first day (else it lengthens a last avtalsår shorter than twelve months to a
    full year, and a quarter's payment to the whole quarter)."""
    payments = compute_financing(money, regler).utbetalningar
    return any(p.datum < beslutsdatum and p.slut >= money.period.slut for p in payments)


def _changed_period(period: Period, end: dt.date, restart: dt.date | None) -> Period:
    """The period to ``end`` (the same start), with the days from which earlier extensions
    counted avtalsår anew that lie in it, and ``restart`` (an extension's first day, when
    its avtalsår are counted from it)."""
    days = tuple(day for day in period.restarts if day <= end)
    if restart is not None:
        days += (restart,)
    if not days:
        return Period(start=period.start, slut=end)
    return ForlangdPeriod(start=period.start, slut=end, avtalsar_fran=days)


def _chosen(
    region: list[Finansiar],
    tillagg: Tillagg,
    problems: list[tuple[Loc, str]],
    rows: list[Finansiar] | None = None,
) -> Finansiar | None:
    """The financier whose amount ``belopp_per_ar`` gives (None: no amount given): the
    region's, or the one ``finansiar`` names among ``rows`` (every financier)."""
    if tillagg.belopp_per_ar is None and tillagg.belopp_per_avtalsar is None:
        return None
    if tillagg.finansiar is not None:
        every = rows if rows is not None else region
        found = next((row for row in every if row.namn == tillagg.finansiar), None)
        if found is None:
            problems.append(
                (
                    ("finansiar",),
                    _(
                        "the agreement has no financier '{name}'; the region's share has "
                        "{names}{others}"
                    ).format(
                        name=tillagg.finansiar,
                        names=", ".join(row.namn for row in region),
                        others=_(", and its co-financiers are {names}").format(
                            names=", ".join(row.namn for row in every if not row.region)
                        )
                        if any(not row.region for row in every)
                        else "",
                    ),
                )
            )
        return found
    if len(region) > 1:
        problems.append(
            (
                ("finansiar",),
                _(
                    "the region's share has several financiers ({names}): name the one whose "
                    "amount changes"
                ).format(names=", ".join(row.namn for row in region)),
            )
        )
        return None
    return region[0] if region else None


def named_amounts(tillagg: Tillagg) -> set[int]:
    """Every amount ``tillagg`` names: the region's (or ``finansiar``'s) a year or per
    avtalsår, the co-financiers' a year and per calendar year (what a document stating
    the change may say besides the figures of the financing)."""
    return {
        *(() if tillagg.belopp_per_ar is None else (tillagg.belopp_per_ar,)),
        *(tillagg.medfinansiarer or {}).values(),
        *(
            year.belopp
            for years in (tillagg.medfinansiarer_per_kalenderar or {}).values()
            for year in years
        ),
        *(tillagg.belopp_per_avtalsar or ()),
    }


def given_amounts(
    money: Finansiering, tillagg: Tillagg, problems: list[tuple[Loc, str]] | None = None
) -> dict[str, int]:
    """The amounts a year ``tillagg`` gives, by financier: ``belopp_per_ar`` of the region
    (or of ``finansiar``) and each of ``medfinansiarer``; what does not fit the agreement's
    financiers goes to ``problems``."""
    found: list[tuple[Loc, str]] = problems if problems is not None else []
    region = [row for row in money.finansiarer if row.region]
    given: dict[str, int] = {}
    chosen = _chosen(region, tillagg, [], money.finansiarer)
    if chosen is not None and tillagg.belopp_per_ar is not None:
        given[chosen.namn] = tillagg.belopp_per_ar
    others = [row.namn for row in money.finansiarer if not row.region]
    for name, amount in (tillagg.medfinansiarer or {}).items():
        row = next((row for row in money.finansiarer if row.namn == name), None)
        if row is None or row.region:
            found.append(
                (
                    ("medfinansiarer", name),
                    (
                        _(
                            "{name} is the region's share, which the committee decides: give "
                            "its amount in belopp_per_ar (with finansiar: {name})"
                        )
                        if row is not None
                        else _("the agreement has no co-financier '{name}'; it has {names}")
                    ).format(name=name, names=", ".join(others) or "–"),
                )
            )
            continue
        if name in given:
            found.append(
                (
                    ("medfinansiarer", name),
                    _("{name} is given belopp_per_ar already (finansiar): give it once").format(
                        name=name
                    ),
                )
            )
            continue
        given[name] = amount
    return given


def _calendar_years_given(
    money: Finansiering, tillagg: Tillagg, new_end: dt.date, problems: list[tuple[Loc, str]]
) -> None:
    """Whether the co-financiers' amounts per calendar year for an extension fit the
    agreement; what does not fit goes to ``problems``: a name that is not a
    co-financier whose amounts are per calendar year, one given both ways, years that are
    not those the extension covers, an amount for the year the agreement ends inside that
    would change its months already agreed (:func:`_first_year_rate`)."""
    given = tillagg.medfinansiarer_per_kalenderar or {}
    rows = {row.namn: row for row in money.finansiarer}
    first = money.period.slut + dt.timedelta(days=1)
    expected = list(range(first.year, new_end.year + 1))
    for name, years in given.items():
        at: Loc = ("medfinansiarer_per_kalenderar", name)
        row = rows.get(name)
        if row is None or row.region or row.belopp_per_kalenderar is None:
            problems.append(
                (
                    at,
                    _(
                        "{name} is not a co-financier of the agreement whose amounts are "
                        "given per calendar year; those are: {names} (the others' amounts a "
                        "year go under medfinansiarer)"
                    ).format(
                        name=name,
                        names=", ".join(
                            r.namn
                            for r in money.finansiarer
                            if not r.region and r.belopp_per_kalenderar is not None
                        )
                        or "-",
                    ),
                )
            )
            continue
        if name in (tillagg.medfinansiarer or {}):
            problems.append(
                (at, _("{name} is given under medfinansiarer too: give it once").format(name=name))
            )
            continue
        if [year.ar for year in years] != expected:
            problems.append(
                (
                    at,
                    _(
                        "the extension ({start}–{end}) covers the calendar years {expected}: "
                        "give one amount for each, in order (the first for the months of it "
                        "from {start}), got {got}"
                    ).format(
                        start=first,
                        end=new_end,
                        expected=", ".join(map(str, expected)),
                        got=", ".join(str(year.ar) for year in years) or "-",
                    ),
                )
            )
            continue
        rate = _first_year_rate(row, years[0], money.period, new_end)
        if rate is not None:
            problems.append((at, rate))


def _first_year_rate(
    row: Finansiar, first: Kalenderarsbelopp, period: Period, new_end: dt.date
) -> str | None:
    """Why the extension's amount ``first`` for the calendar year the agreement ends
    inside does not fit, or None: that year's amount is spread evenly over its months, so
    the extension's months of it must have the agreed months' rate, else the months already
    agreed would change."""
    if period.slut.month == 12:
        return None
    year = period.slut.year
    agreed = _months(max(period.start, dt.date(year, 1, 1)), period.slut)
    added = _months(period.slut + dt.timedelta(days=1), min(new_end, dt.date(year, 12, 31)))
    amount = {item.ar: item.belopp for item in row.belopp_per_kalenderar or ()}.get(year, 0)
    if first.belopp * agreed == amount * added:
        return None
    keep, rest = divmod(amount * added, agreed)
    message = _(
        "the agreement gives {name} {amount} kronor for its {agreed} months of {year} (until "
        "{end}); one amount a calendar year is spread evenly over its months, so the "
        "extension's amount for its {added} months of {year} must keep that rate, or the "
        "months already agreed would change"
    ).format(name=row.namn, amount=format_amount(amount), agreed=agreed, year=year,
             end=period.slut, added=added)  # fmt: skip
    if not rest:
        message += _(": give {amount} for {year}").format(amount=keep, year=year)
    return message


def _extended_per_calendar_year(row: Finansiar, years: list[Kalenderarsbelopp]) -> Finansiar:
    """A co-financier's row whose amounts are per calendar year, with the extension's
    ``years`` after them: a year the agreement covers in part and the extension goes on
    into takes both amounts (its amount is the year's, whichever months give it; the
    extension's part keeps the agreed months' rate, :func:`_first_year_rate`)."""
    amounts = {year.ar: year.belopp for year in row.belopp_per_kalenderar or ()}
    for year in years:
        amounts[year.ar] = amounts.get(year.ar, 0) + year.belopp
    return Finansiar.model_validate(
        {
            **row.model_dump(
                exclude_none=True,
                exclude=_AMOUNT_KEYS,
            ),
            "belopp_per_kalenderar": [
                {"ar": year, "belopp": amount} for year, amount in sorted(amounts.items())
            ],
        }
    )  # fmt: skip


def _extension_inside_last_year(
    money: Finansiering, tillagg: Tillagg, chosen: Finansiar | None
) -> list[tuple[Loc, str]]:
    """An extension of an agreement whose last avtalsår is shorter than twelve months
    begins inside it (it lengthens that avtalsår): the amount given for the extension must
    then be that avtalsår's own, by months, as an amount may not change inside an avtalsår.
    The message says which, instead of naming every avtalsår's first day as if a date had
    been given."""
    if chosen is None or tillagg.belopp_per_ar is None:
        return []
    period = money.period
    number, (start, end) = len(period.avtalsar()), period.avtalsar()[-1]
    months = _months(start, end)
    monthly = monthly_amounts(chosen, period)
    if months >= 12 or not monthly or monthly[-1] == tillagg.belopp_per_ar * (SCALE // 12):
        return []
    yearly, rest = divmod(monthly[-1] * 12, SCALE)
    message = _short_last_year(number, start, end, chosen.namn)
    if not rest:
        message += _(": give belopp_per_ar {amount}").format(amount=yearly)
    return [(("belopp_per_ar",), message)]


def _short_last_year(number: int, start: dt.date, end: dt.date, name: str) -> str:
    """That the agreement's last avtalsår ``number`` (``start``–``end``, under twelve
    months) goes on into the extension, so the extension's amount of ``name`` is that
    avtalsår's: said alike for the region's financier and a co-financier."""
    months = _months(start, end)
    return ngettext(
        "the agreement's last avtalsår {number} ({start}–{end}) is {months} month, and the "
        "extension goes on with it to a full year; an amount does not change inside an "
        "avtalsår, so the extension's amount of {name} is that of avtalsår {number}",
        "the agreement's last avtalsår {number} ({start}–{end}) is {months} months, and the "
        "extension goes on with it to a full year; an amount does not change inside an "
        "avtalsår, so the extension's amount of {name} is that of avtalsår {number}",
        months,
    ).format(number=number, start=start, end=end, months=months, name=name)


def _co_financier_extension_problem(
    row: Finansiar,
    monthly: list[int],
    period: Period,
    new_end: dt.date,
    fran: dt.date,
) -> list[tuple[Loc, str]]:
    """What an extension's amount for co-financier ``row`` (``monthly``: its amounts a
    month over ``period``, before the extension) cannot be, said for its kind of amounts:
    per calendar year with the last year partly covered, or (per avtalsår, the same every
    year or stepped) a last avtalsår shorter than twelve months that the extension goes
    on with. An empty list where neither is so (the caller's problems then stand)."""
    at: Loc = ("medfinansiarer", row.namn)
    if row.belopp_per_kalenderar is not None:
        # The year's amount is spread over the months the period covers of it, which an
        # extension from inside the year would change.
        return [
            (
                at,
                _(
                    "the amounts of {name} are given per calendar year and the agreement "
                    "covers {year} only until {end}: one amount a year does not say what "
                    "it gives for the rest of {year}; give its amount for each calendar "
                    "year of the extension under medfinansiarer_per_kalenderar instead, "
                    "e.g. medfinansiarer_per_kalenderar: {{{name}: [{example}]}}, the "
                    "first for {first}–{year_end}, the months of {year} that the "
                    "extension adds"
                ).format(
                    name=row.namn,
                    year=period.slut.year,
                    end=period.slut,
                    example=", ".join(
                        f"{{ar: {year}, belopp: …}}"
                        for year in range(period.slut.year, new_end.year + 1)
                    ),
                    first=fran,
                    year_end=dt.date(period.slut.year, 12, 31),
                ),
            )
        ]
    years = period.avtalsar()
    number, (start, end) = len(years), years[-1]
    months = _months(start, end)
    if months >= 12 or not monthly:
        return []
    message = _short_last_year(number, start, end, row.namn)
    yearly, rest = divmod(monthly[-1] * 12, SCALE)
    if not rest:
        message += _(": give {name}: {amount} under medfinansiarer").format(
            name=row.namn, amount=yearly
        )
    return [(at, message)]


def _stepped(
    monthly: list[int],
    period: Period,
    fran: dt.date,
    steps: list[int],
    typ: Tillaggstyp,
    problems: list[tuple[Loc, str]],
) -> list[int]:
    """A financier's amounts a month over ``period`` (the period after the change) with
    ``steps``, one amount per avtalsår from the one ``fran`` begins (a new amount) or lies
    in (an extension: that avtalsår as a whole); the months before it as ``monthly``."""
    years = period.avtalsar()
    if typ is Tillaggstyp.NYTT_BELOPP:
        first = next((i for i, (start, _end) in enumerate(years) if start == fran), None)
        if first is None:
            problems.append(
                (
                    ("fran",),
                    _(
                        "amounts per avtalsår begin with an avtalsår, and none begins on "
                        "{date}; they begin on {starts}"
                    ).format(
                        date=fran,
                        starts=", ".join(start.isoformat() for start, _end in years[1:]),
                    ),
                )
            )
            return monthly
    else:
        first = next(i for i, (start, end) in enumerate(years) if start <= fran <= end)
    wanted = years[first:]
    if len(steps) != len(wanted):
        problems.append(
            (
                ("belopp_per_avtalsar",),
                ngettext(
                    "from {start} the agreement has {count} avtalsår ({years}), but {given} "
                    "amounts are given: give one amount per avtalsår",
                    "from {start} the agreement has {count} avtalsår ({years}), but {given} "
                    "amounts are given: give one amount per avtalsår",
                    len(wanted),
                ).format(
                    start=wanted[0][0],
                    count=len(wanted),
                    years=", ".join(
                        f"{first + 1 + i}: {start}–{end}" for i, (start, end) in enumerate(wanted)
                    ),
                    given=len(steps),
                ),
            )
        )
        return monthly
    before = _months(period.start, wanted[0][0]) - 1
    result = list(monthly[:before])
    for (start, end), amount in zip(wanted, steps, strict=True):
        count = _months(start, end)
        result += [amount * (SCALE // count)] * count
    return result


def _rate(
    row: Finansiar,
    monthly: list[int],
    given: dict[str, int],
    problems: list[tuple[Loc, str]],
) -> int:
    """A financier's amount a month during an extension: the amount given, or the
    region's amount a month when that is the same all through the period (a co-financier
    not given is reported by the caller)."""
    if row.namn in given:
        return given[row.namn] * (SCALE // 12)
    if not row.region:
        return 0
    if monthly and all(amount == monthly[0] for amount in monthly):
        return monthly[0]
    problems.append(
        (
            ("belopp_per_ar",),
            _(
                "the amount of {name} changes from year to year, so 'unchanged' says nothing "
                "for the extension: give belopp_per_ar"
            ).format(name=row.namn),
        )
    )
    return 0


def _expressed(
    row: Finansiar,
    monthly: list[int],
    period: Period,
    problems: list[tuple[Loc, str]],
    at: Loc = ("typ",),
    earliest: dt.date | None = None,
) -> Finansiar:
    """``row`` with amounts that give ``monthly`` over ``period``: the same every year, a
    list per avtalsår, or per calendar year, whichever holds them exactly. ``earliest`` (a
    new amount's decision) leaves out of the message's dates those a new amount cannot take
    effect from: the period's first day and the avtalsår begun before the decision."""
    base = row.model_dump(exclude_none=True, exclude=_AMOUNT_KEYS)
    if monthly and all(amount == monthly[0] for amount in monthly):
        yearly, rest = divmod(monthly[0] * 12, SCALE)
        if not rest:
            return Finansiar.model_validate({**base, "belopp_per_ar": yearly})
    if period.restarts and row.region:
        # Exactly, before any form that rounds a shorter avtalsår's share: the months
        # before an extension were paid as they are. (A co-financier's amounts per
        # calendar year are given so for the extension too: _calendar_years_given.)
        exact = _uniform_sums(monthly, [start for start, _end in period.avtalsar()], period)
        if exact is not None:
            return Finansiar.model_validate({**base, "belopp_per_avtalsar": exact})
        per_stretch = _per_stretch(monthly, period)
        if per_stretch is not None:
            return ForlangdFinansiar.model_validate({**base, "avsnitt": per_stretch})
    per_year = _uniform_sums(
        monthly, [start for start, _end in period.avtalsar()], period, round_short=True
    )
    if per_year is not None:
        return Finansiar.model_validate({**base, "belopp_per_avtalsar": per_year})
    starts = [max(period.start, dt.date(year, 1, 1)) for year in period.kalenderar]
    per_calendar = _uniform_sums(monthly, starts, period, round_last=True)
    if per_calendar is not None:
        return Finansiar.model_validate(
            {
                **base,
                "belopp_per_kalenderar": [
                    Kalenderarsbelopp(ar=year, belopp=amount).model_dump()
                    for year, amount in zip(period.kalenderar, per_calendar, strict=True)
                ],
            }
        )
    starts = [
        start
        for start, _end in period.avtalsar()
        if earliest is None or (start > period.start and start >= earliest)
    ]
    if not starts and earliest is not None:
        problems.append(
            (
                at,
                _(
                    "the amount of {name} would change inside an avtalsår; a new amount takes "
                    "effect at the start of an avtalsår, and none begins after the decision "
                    "({decided}) within the agreement's period"
                ).format(name=row.namn, decided=earliest),
            )
        )
        return row
    years = ", ".join(start.isoformat() for start in starts)
    problems.append(
        (
            at,
            _(
                "the amount of {name} would change inside an avtalsår; a new amount takes "
                "effect at the start of an avtalsår ({starts})"
            ).format(name=row.namn, starts=years),
        )
    )
    return row


#: A financier's keys that hold its amounts (and their total), left out where a change
#: gives it other amounts.
_AMOUNT_KEYS = {"belopp_per_ar", "belopp_per_avtalsar", "belopp_per_kalenderar", "avsnitt",
                "totalt"}  # fmt: skip


def _per_stretch(monthly: list[int], period: Period) -> tuple[Avsnitt, ...] | None:
    """Amounts for each stretch of ``period`` (:func:`~avtalsgen.model.money.stretches`)
    that give ``monthly`` exactly, each the same every year, per avtalsår or per calendar
    year of its stretch; None when a stretch has no such form."""
    found: list[Avsnitt] = []
    first = 0
    for part in stretches(period):
        months = monthly[first : first + part.manader]
        first += part.manader
        yearly, rest = divmod(months[0] * 12, SCALE)
        if all(amount == months[0] for amount in months) and not rest:
            found.append(Avsnitt(belopp_per_ar=yearly))
            continue
        per_year = _uniform_sums(months, [start for start, _end in part.avtalsar()], part)
        if per_year is not None:
            found.append(Avsnitt(belopp_per_avtalsar=per_year))
            continue
        starts = [max(part.start, dt.date(year, 1, 1)) for year in part.kalenderar]
        per_calendar = _uniform_sums(months, starts, part)
        if per_calendar is None:
            return None
        found.append(
            Avsnitt(
                belopp_per_kalenderar=[
                    Kalenderarsbelopp(ar=year, belopp=amount)
                    for year, amount in zip(part.kalenderar, per_calendar, strict=True)
                ]
            )
        )
    return tuple(found)


def _uniform_sums(
    monthly: list[int],
    starts: list[dt.date],
    period: Period,
    *,
    round_last: bool = False,
    round_short: bool = False,
) -> list[int] | None:
    """The sums of ``monthly`` over the parts that begin at ``starts``, in whole kronor, if
    every part has the same amount each month; else None. With ``round_last`` the last part
    may be a share of a yearly amount that is not whole kronor (a last avtalsår or calendar
    year of fewer months, as an early end leaves it): it is rounded down, as the share of
    ``belopp_per_ar`` in such a year is. With ``round_short`` (the parts are avtalsår) so
    may any part of fewer months: the last, or one an extension counted the avtalsår
    anew after (:class:`~avtalsgen.model.money.ForlangdPeriod`)."""
    sums = []
    ends = [*starts[1:], add_months(period.slut, 1)]
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        first = _months(period.start, start) - 1
        count = _months(start, end) - 1
        part = monthly[first : first + count]
        if not part or any(amount != part[0] for amount in part):
            return None
        total, rest = divmod(sum(part), SCALE)
        last = round_last and index == len(starts) - 1
        if rest and not ((last or round_short) and count < 12):
            return None
        sums.append(total)
    return sums


def _amount_key(tillagg: Tillagg) -> Loc:
    """The key of the amount ``tillagg`` gives for the region (``typ`` when none)."""
    if tillagg.belopp_per_avtalsar is not None:
        return ("belopp_per_avtalsar",)
    return ("belopp_per_ar",) if tillagg.belopp_per_ar is not None else ("typ",)


def _extension_changes_paid(paid: dict[str, object], changed: int, end: dt.date) -> str:
    """Why an extension that would change a payment made before the decision is refused:
    its amount differs from the agreement's, and the agreement's months up to ``end``,
    their amounts not whole kronor a year (a shorter avtalsår's share), are restated as
    whole kronor spread evenly over their months, which divides them over their payments
    otherwise. The same extension with the agreement's amount keeps them."""
    return _(
        "the payment of {date} ({amount} kronor, for {start}–{end}) was due before the "
        "decision ({decided}) and would be {changed} kronor: with another amount for the "
        "extension, the agreement's amounts up to {old_end}, a share of a yearly amount that "
        "is not whole kronor, are restated in whole kronor and divided over their payments "
        "otherwise, and what has been paid stays as the agreement says. avtalsgen can state "
        "this extension with the agreement's amount (without belopp_per_ar), not with "
        "another: write its tilläggsavtal by hand"
    ).format(**paid, changed=format_amount(changed), old_end=end)


def _earliest(money: Finansiering, day: dt.date, typ: Tillaggstyp) -> dt.date:
    """The first day a change may take effect from ``day`` on: for a new amount, the start
    of an avtalsår (an amount does not change inside one)."""
    if typ is not Tillaggstyp.NYTT_BELOPP:
        return day
    starts = [start for start, _end in money.period.avtalsar() if start >= day]
    return starts[0] if starts else add_months(money.period.slut, 1).replace(day=1)


def _paid_before(
    before: Finansiering,
    after: Finansiering,
    regler: Finansieringsregler,
    beslutsdatum: dt.date,
    typ: Tillaggstyp = Tillaggstyp.NYTT_BELOPP,
    amount_key: Loc = ("typ",),
) -> list[tuple[Loc, str]]:
    """A payment due before the decision must stay as the agreement says it: reported at
    the date to move (an early end's last day, a new amount's first), with the earliest
    that fits; for an extension, at its amount (``amount_key``), which alone can change a
    payment made (:func:`_extension_changes_paid`)."""
    old = compute_financing(before, regler).utbetalningar
    plan = compute_financing(after, regler).utbetalningar
    new = {(p.datum, p.belopp, p.start, p.slut) for p in plan}
    for payment in old:
        if payment.datum >= beslutsdatum:
            continue
        if (payment.datum, payment.belopp, payment.start, payment.slut) not in new:
            paid = {"date": payment.datum, "amount": format_amount(payment.belopp),
                    "start": payment.start, "end": payment.slut,
                    "decided": beslutsdatum}  # fmt: skip
            if typ is Tillaggstyp.FORLANGNING:
                changed = next((p.belopp for p in plan if p.datum == payment.datum), 0)
                return [(amount_key, _extension_changes_paid(paid, changed, before.period.slut))]
            if typ is Tillaggstyp.UPPHORANDE and payment.slut >= before.period.slut:
                return [
                    (
                        ("sista_dag",),
                        _(
                            "the payment of {date} ({amount} kronor, for {start}–{end}) was "
                            "due before the decision ({decided}) and pays for the agreement's "
                            "time up to its end; an early end comes after what has been paid "
                            "for, so no day before {end} is left to end it on"
                        ).format(**paid),
                    )
                ]
            if typ is Tillaggstyp.UPPHORANDE:
                return [
                    (
                        ("sista_dag",),
                        _(
                            "the payment of {date} ({amount} kronor, for {start}–{end}) was "
                            "due before the decision ({decided}) and would change; an early "
                            "end comes after what has been paid for: {end} at the earliest"
                        ).format(**paid),
                    )
                ]
            later = _earliest(after, payment.slut + dt.timedelta(days=1), typ)
            if typ is Tillaggstyp.NYTT_BELOPP and later > before.period.slut:
                return [
                    (
                        ("fran",),
                        _(
                            "the payment of {date} ({amount} kronor, for {start}–{end}) was "
                            "due before the decision ({decided}) and would change; a new "
                            "amount takes effect at the start of an avtalsår after what has "
                            "been paid for, and the agreement ends ({last}) before another "
                            "begins: no new amount can apply"
                        ).format(**paid, last=before.period.slut),
                    )
                ]
            return [
                (
                    ("fran",) if typ is Tillaggstyp.NYTT_BELOPP else ("typ",),
                    _(
                        "the payment of {date} ({amount} kronor, for {start}–{end}) was due "
                        "before the decision ({decided}) and would change; a change takes "
                        "effect after what has been paid for, from {next} at the earliest"
                    ).format(**paid, next=later),
                )
            ]
    return []
