"""The financing as it is decided: who pays how much each year, from what, and when.

One value, :class:`Finansiering`, holds a financing: the period, and the financiers, each
with its own amounts (the same every year, a list per avtalsår or a list per calendar year)
and, for the region, the appropriation (källa) its share comes from; and, when the case
departs from the program's rule, how the region's share is paid out. The same type serves
wherever financing is decided:

- the case file holds the financing as *proposed*: the beslutsförslag states it and nothing
  after the proposal changes what the beslutsförslag says;
- a decision that grants the proposal with changes (bifall med ändring: another amount,
  period, source or set of financiers) holds a :class:`Finansiering` of its own, validated
  by the same rules, which replaces the case's for everything after the decision (the
  agreement, its payment plan, the fact check of the agreement).

Nothing is typed twice: every figure a document states comes from :func:`compute_financing`,
which takes one such value, the program's rules (:class:`Finansieringsregler`) and nothing
else, so that it gives the proposal's figures from the case's value and the decision's from
the decision's. The checks that need facts beyond the value (a source the program names, a
payment before the decision) are :func:`financing_problems`, reported at the value's own
locations so that they can point into a case file or a meeting file alike.

The rounding rule is fixed and stated in the documents, and there is one: amounts are whole
kronor. A financier's amounts are given per year: per avtalsår (``belopp_per_ar``,
``belopp_per_avtalsar``) or per calendar year (``belopp_per_kalenderar``). The total is the
exact sum rounded down; each such year gets its exact amount (a whole number of kronor as
given, or a shorter last avtalsår's share rounded down), the last year what remains of the
total. Each year's amount is then divided into *parts*: the months it shares with one
avtalsår, one budget (calendar) year and, for the region's share, one payment; each part is
rounded down to whole kronor and the last part of the year gets what remains of the year's
amount. Every other figure is a sum of parts: a financier per avtalsår, per budget year and
per payment, the region's share (the sum of its sources), the whole financing. So the
payments within an avtalsår add up to it, the avtalsår and the budget years to the total,
the sources to the region's share of each year, to the krona.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from pydantic import Field, SerializeAsAny, field_validator, model_validator

from avtalsgen.i18n import _, format_amount, ngettext
from avtalsgen.model.prose import DecidedText
from avtalsgen.model.types import Datum, FieldProblems, Kronor, Loc, Namn, Strict

#: Who a financier is: the region itself, or a co-financier (medfinansiär).
Slag = Literal["region", "kommun", "universitet", "eu_projekt", "egen_insats", "annan"]
#: How the region's share is paid out.
Utbetalningssatt = Literal["arsvis_i_forskott", "kvartalsvis_i_forskott", "efter_godkand_rapport"]

#: The first and last calendar years an amount may be given for (a typing mistake guard).
FIRST_YEAR = 2000
LAST_YEAR = 2100


class OldFinancingForm(ValueError):
    """A financing written in the form before each financier had its own amounts and
    source (one ``belopp_per_ar`` and ``kalla`` for all, a ``belopp`` over the period per
    financier); :mod:`avtalsgen.input.migrate` says how to rewrite it."""

    def __init__(self, value: Mapping[str, Any]) -> None:
        super().__init__(
            _(
                "written in the old form (one belopp_per_ar and kalla for the whole "
                "financing); give each financier its own amounts and source"
            )
        )
        self.value = value


def _old_form(value: object) -> bool:
    if not isinstance(value, Mapping):
        return False
    if "belopp_per_ar" in value or "kalla" in value:
        return True
    rows = value.get("finansiarer")
    return isinstance(rows, list) and any(isinstance(r, Mapping) and "belopp" in r for r in rows)


# --- the period --------------------------------------------------------------------------


class Period(Strict):
    """The financing period: from the first day of a month to the last day of a month."""

    start: Datum
    """First day of the period (the first of a month), YYYY-MM-DD."""
    slut: Datum
    """Last day of the period (the last day of a month), YYYY-MM-DD."""

    @model_validator(mode="after")
    def _whole_months(self) -> Period:
        problems: list[tuple[Loc, str]] = []
        if self.slut < self.start and self.slut.day == 1 and self.start == _month_end(self.start):
            # The two dates typed in each other's place (a whole-month period backwards):
            # one problem, saying so, not a wrong first day besides.
            raise FieldProblems(
                [
                    (
                        ("slut",),
                        _(
                            "the period ends ({end}) before it starts ({start}): the two dates "
                            "seem swapped; write start: {end} and slut: {start}"
                        ).format(end=self.slut, start=self.start),
                    )
                ]
            )
        if self.start.day != 1:
            problems.append(
                (
                    ("start",),
                    _(
                        "the period must start on the first of a month, got {date}: write "
                        "{first} or {next}"
                    ).format(
                        date=self.start,
                        first=self.start.replace(day=1),
                        next=_month_end(self.start) + dt.timedelta(days=1),
                    ),
                )
            )
        if self.slut <= self.start:
            problems.append(
                (
                    ("slut",),
                    _(
                        "the period ends ({end}) before it starts ({start}): write the period's "
                        "last day under slut, after its first day"
                    ).format(end=self.slut, start=self.start),
                )
            )
        elif self.slut != _month_end(self.slut):
            problems.append(
                (
                    ("slut",),
                    _(
                        "the period must end on the last day of a month, got {date} "
                        "(the month ends on {last})"
                    ).format(date=self.slut, last=_month_end(self.slut)),
                )
            )
        if problems:
            raise FieldProblems(problems)
        return self

    @property
    def manader(self) -> int:
        """Number of months in the period."""
        return (self.slut.year - self.start.year) * 12 + self.slut.month - self.start.month + 1

    @property
    def ar(self) -> Fraction:
        """Length of the period in years (may be broken, e.g. 5/2)."""
        return Fraction(self.manader, 12)

    @property
    def kalenderar(self) -> tuple[int, ...]:
        """The calendar (budget) years the period touches, in order."""
        return tuple(range(self.start.year, self.slut.year + 1))

    def months(self) -> list[dt.date]:
        """The first day of every month of the period, in order."""
        return [_add_months(self.start, index) for index in range(self.manader)]

    @property
    def restarts(self) -> tuple[dt.date, ...]:
        """The days, besides the start, from which avtalsår and payments are counted anew:
        none (an extension's: :class:`ForlangdPeriod`)."""
        return ()

    def avtalsar(self) -> list[tuple[dt.date, dt.date]]:
        """Each avtalsår (agreement year, twelve months from the period's start; the last may
        be shorter): its first and last day."""
        years = []
        start = self.start
        while start <= self.slut:
            following = _add_months(start, 12)
            years.append((start, min(following - dt.timedelta(days=1), self.slut)))
            start = following
        return years


class ForlangdPeriod(Period):
    """A period an extension has lengthened after a payment that paid for the agreement up
    to its end: the extension's avtalsår and payments are counted anew from its first day,
    so what was paid keeps its months and its amount (a last avtalsår shorter than twelve
    months stays as it was, and a quarter's payment stays the part of the quarter up to the
    old end). Made by a change of a running agreement (:mod:`avtalsgen.model.tillagg`),
    never read from a file."""

    avtalsar_fran: tuple[Datum, ...]
    """The days, besides the period's start, from which avtalsår and payments are counted
    anew: the first day of each such extension (the first of a month, inside the period)."""

    @property
    def restarts(self) -> tuple[dt.date, ...]:
        """The days of :attr:`avtalsar_fran`."""
        return self.avtalsar_fran

    @model_validator(mode="after")
    def _restarts_inside(self) -> ForlangdPeriod:
        for day in self.avtalsar_fran:
            assert day.day == 1 and self.start < day <= self.slut, day
        return self

    def avtalsar(self) -> list[tuple[dt.date, dt.date]]:
        """Each avtalsår: twelve months from the period's start or from a day of
        :attr:`avtalsar_fran`, whichever comes first; the one before such a day, and the
        last, may be shorter."""
        years = []
        start = self.start
        while start <= self.slut:
            following = _add_months(start, 12)
            following = min([day for day in self.avtalsar_fran if day > start] + [following])
            years.append((start, min(following - dt.timedelta(days=1), self.slut)))
            start = following
        return years


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return _add_months(dt.date(day.year, day.month, 1), 1) - dt.timedelta(days=1)


def _months_between(start: dt.date, end: dt.date) -> int:
    """Months from the month of ``start`` to the month of ``end``, both included."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


# --- the financiers ----------------------------------------------------------------------


class Kalenderarsbelopp(Strict):
    """A financier's amount for one calendar year (budgetår)."""

    ar: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    """The calendar year, e.g. 2025; the period must cover it (in whole or in part)."""
    belopp: Kronor
    """The amount for that year, in whole kronor (only the months of the year that the
    period covers)."""


class Finansiar(Strict):
    """One financier and its amounts: the region from one of its appropriations, or a
    co-financier (a kommun, a universitet, an EU project, the actor's own contribution).

    Give the amounts in exactly one of three ways: ``belopp_per_ar`` (the same amount every
    avtalsår; a last, shorter avtalsår gets its share by months), ``belopp_per_avtalsar``
    (one amount per avtalsår, in order, the shorter last year included) or
    ``belopp_per_kalenderar`` (one amount per calendar year the period covers). The
    financier's total is computed from them.
    """

    namn: Namn
    """The financier as the Finansiering table names it, e.g. Region Norrbotten - ERP or
    Luleå kommun; each financier's name is used once."""
    slag: Slag = "region"
    """Who the financier is: region (Region Norrbotten's own share, which the committee
    decides: needs a källa), or a co-financier (medfinansiär) whose share is a condition of
    the agreement: kommun, universitet, eu_projekt (an EU project), egen_insats (the actor's
    own contribution) or annan (another financier)."""
    kalla: Namn | None = None
    """Only for the region: the appropriation the money comes from (källa), one of those the
    program file lists under finansiering.kallor, e.g. ERP or regionala utvecklingsmedel."""
    belopp_per_ar: Kronor | None = None
    """The same amount every avtalsår (twelve months from the period's start), whole kronor,
    e.g. 2000000. A last avtalsår of fewer months gets its share by months."""
    belopp_per_avtalsar: list[Kronor] | None = Field(default=None, min_length=1)
    """One amount per avtalsår, in order, e.g. [2000000, 1500000, 1000000]: as many as the
    period has avtalsår (a last, shorter year counts as one and gets the amount given)."""
    belopp_per_kalenderar: list[Kalenderarsbelopp] | None = Field(default=None, min_length=1)
    """One amount per calendar year (budgetår), for every year the period covers and no
    other, e.g. [{ar: 2024, belopp: 500000}, {ar: 2025, belopp: 2000000}]."""
    totalt: Kronor | None = None
    """Optional: the financier's total as a source states it; checked against the amounts."""
    villkor: DecidedText | None = None
    """Only for a co-financier: a condition its share comes with, as the decision states it,
    written to follow "under förutsättning att", e.g. "Luleå kommun har beslutat om sin
    medfinansiering senast 2026-06-30". The samarbetsavtal states it in its clause on
    co-financing: "Regionens finansiering lämnas även under förutsättning att …"."""

    @field_validator("belopp_per_ar", mode="before")
    @classmethod
    def _one_amount_a_year(cls, value: Any) -> Any:
        if isinstance(value, list):
            raise ValueError(
                _(
                    "belopp_per_ar is one amount, the same every avtalsår; write amounts that "
                    "differ from year to year as belopp_per_avtalsar: {amounts} (one per "
                    "avtalsår) or as belopp_per_kalenderar (one per calendar year)"
                ).format(amounts="[" + ", ".join(str(item) for item in value) + "]")
            )
        return value

    def _amount_keys(self) -> list[str]:
        """The keys of this financier's amounts that are given (one, when valid)."""
        forms = {
            "belopp_per_ar": self.belopp_per_ar,
            "belopp_per_avtalsar": self.belopp_per_avtalsar,
            "belopp_per_kalenderar": self.belopp_per_kalenderar,
        }
        return [name for name, value in forms.items() if value is not None]

    @model_validator(mode="after")
    def _one_form_and_a_source(self) -> Finansiar:
        problems: list[tuple[Loc, str]] = []
        given = self._amount_keys()
        if not given:
            problems.append(
                (
                    (),
                    _(
                        "give the amounts as one of belopp_per_ar (the same every avtalsår), "
                        "belopp_per_avtalsar (a list per avtalsår) or belopp_per_kalenderar "
                        "(a list per calendar year)"
                    ),
                )
            )
        elif len(given) > 1:
            problems.append(
                (
                    (given[1],),
                    _("give the amounts one way only: {first} or {second}, not both").format(
                        first=given[0], second=given[1]
                    ),
                )
            )
        if self.slag == "region" and self.kalla is None:
            problems.append(
                (
                    ("kalla",),
                    _(
                        "the region's share needs its källa (kalla: the appropriation, e.g. "
                        "ERP); a co-financier gives its slag instead (kommun, universitet, "
                        "eu_projekt, egen_insats or annan)"
                    ),
                )
            )
        if self.slag != "region" and self.kalla is not None:
            problems.append(
                (
                    ("kalla",),
                    _(
                        "only the region's share has a källa from the program; a "
                        "co-financier ({slag}) is named by its namn: remove kalla"
                    ).format(slag=self.slag),
                )
            )
        if self.slag == "region" and self.villkor is not None:
            problems.append(
                (
                    ("villkor",),
                    _(
                        "the region decides its own share; a villkor belongs to a "
                        "co-financier's share (a condition of the agreement): move it to "
                        "the co-financier it concerns"
                    ),
                )
            )
        if self.belopp_per_kalenderar is not None:
            seen: dict[int, int] = {}
            for index, item in enumerate(self.belopp_per_kalenderar):
                if item.ar in seen:
                    problems.append(
                        (
                            ("belopp_per_kalenderar", index, "ar"),
                            _("{year} is given twice (first as item {first})").format(
                                year=item.ar, first=seen[item.ar] + 1
                            ),
                        )
                    )
                else:
                    seen[item.ar] = index
        if problems:
            raise FieldProblems(problems)
        return self

    @property
    def region(self) -> bool:
        """True for the region's own share (decided by the committee), False for a
        co-financier's (a condition of the agreement)."""
        return self.slag == "region"


class Avsnitt(Strict):
    """A financier's amounts for one stretch of a :class:`ForlangdPeriod`: from its start
    to the day before the first day its avtalsår are counted anew, between two such days,
    or from the last to its end; in one of the three forms of :class:`Finansiar`, over that
    stretch alone (its own avtalsår and calendar years)."""

    belopp_per_ar: Kronor | None = None
    """The same amount every avtalsår of the stretch."""
    belopp_per_avtalsar: list[Kronor] | None = None
    """One amount per avtalsår of the stretch."""
    belopp_per_kalenderar: list[Kalenderarsbelopp] | None = None
    """One amount per calendar year of the stretch (only its months of each)."""

    @model_validator(mode="after")
    def _one_form(self) -> Avsnitt:
        forms = {
            "belopp_per_ar": self.belopp_per_ar,
            "belopp_per_avtalsar": self.belopp_per_avtalsar,
            "belopp_per_kalenderar": self.belopp_per_kalenderar,
        }
        given = [name for name, value in forms.items() if value is not None]
        if len(given) != 1:
            raise FieldProblems(
                [
                    (
                        tuple(given[1:2]),
                        _(
                            "a stretch's amounts are given one way: belopp_per_ar, "
                            "belopp_per_avtalsar or belopp_per_kalenderar (given: {given})"
                        ).format(given=", ".join(given) or "-"),
                    )
                ]
            )
        return self


class ForlangdFinansiar(Finansiar):
    """A financier of an agreement that an extension counted anew (the period a
    :class:`ForlangdPeriod`), whose amounts no one form holds exactly over the whole
    period: its amounts per stretch (:attr:`avsnitt`), so that what the agreement had
    before the extension keeps its exact months, and what was paid its amount (e.g. a
    shorter last avtalsår's share of 1 000 000 kronor a year, 416 666.67 kronor for five
    months, paid quarterly, and 900 000 kronor a year for the extension: restated as
    416 666 kronor for the avtalsår, its quarter's payment of 250 000 kronor would have
    become 249 999). Made by a change of a running agreement (:mod:`avtalsgen.model.tillagg`),
    never read from a file; the three amount keys are None."""

    avsnitt: tuple[Avsnitt, ...]
    """The amounts of each stretch of the period, in order: one more than the period's
    :attr:`~ForlangdPeriod.avtalsar_fran`."""

    def _amount_keys(self) -> list[str]:
        """The amount keys given: its stretches', beside any of the three (none, when
        valid)."""
        return [*super()._amount_keys(), "avsnitt"]


class Utbetalning(Strict):
    """How this financing's region share is paid out, where it departs from the program's
    rule (program file: finansiering.utbetalning)."""

    satt: Utbetalningssatt | None = None
    """arsvis_i_forskott (one payment per avtalsår, in advance, on request),
    kvartalsvis_i_forskott (one payment per calendar quarter, in advance) or
    efter_godkand_rapport (one payment per avtalsår; from the second on, after the region
    has approved the report on the year before). Null: the program's rule."""
    forsta_datum: Datum | None = None
    """The date of the first payment when it cannot be the period's first day (e.g. the
    decision or the agreement comes later): every payment due before it is made with it.
    On or after the decision, and within the period."""


class Finansiering(Strict):
    """The financing: the period and every financier with its own amounts; the totals are
    computed, never typed twice.

    The committee grants the region's share (the financiers of slag region, each from its
    källa); the co-financiers' shares are conditions of the agreement. A decision that
    changes the financing (bifall med ändring) holds a value of this same type, which
    replaces the case's for the agreement: see :mod:`avtalsgen.model.money`.
    """

    # Dumped as what it is: an extension's ForlangdPeriod keeps its avtalsar_fran (a
    # packet's facts are digests of the dump, and another avtalsår table is another fact).
    # A file's period is a Period, and the schema is Period's.
    period: SerializeAsAny[Period]
    """The period the financing covers."""
    finansiarer: list[SerializeAsAny[Finansiar]] = Field(min_length=1)
    """Every financier, the region's share (one row per källa) first: the Finansiering
    table lists them in this order, each with its total."""
    utbetalning: Utbetalning = Utbetalning()
    """How the region's share is paid out, where this financing departs from the program's
    rule; by default the program's."""
    totalt: Kronor | None = None
    """Optional: the whole financing (every financier) as a source states it; checked
    against the financiers' amounts."""

    @model_validator(mode="before")
    @classmethod
    def _not_the_old_form(cls, value: Any) -> Any:
        if _old_form(value):
            raise OldFinancingForm(value)
        return value

    @model_validator(mode="after")
    def _fits_the_period(self) -> Finansiering:
        problems: list[tuple[Loc, str]] = []
        names: dict[str, int] = {}
        for index, row in enumerate(self.finansiarer):
            key = row.namn.casefold()
            if key in names:
                problems.append(
                    (
                        ("finansiarer", index, "namn"),
                        _(
                            "'{name}' is already financier {first}: give each financier once "
                            "(a financier with several sources is one row per source, each "
                            "with its own name)"
                        ).format(name=row.namn, first=names[key] + 1),
                    )
                )
            else:
                names[key] = index
            problems += [
                (("finansiarer", index, *loc), message)
                for loc, message in _amount_problems(row, self.period)
            ]
        if not any(row.region for row in self.finansiarer):
            problems.append(
                (
                    ("finansiarer",),
                    _(
                        "no financier is the region (slag: region, with its kalla): the "
                        "committee's decision grants the region's share"
                    ),
                )
            )
        if not problems:
            problems += _total_problems(self)
        first = self.utbetalning.forsta_datum
        if first is not None and first > self.period.slut:
            problems.append(
                (
                    ("utbetalning", "forsta_datum"),
                    _(
                        "the first payment ({date}) would fall after the period ends "
                        "({end}); payments are made within the period"
                    ).format(date=first, end=self.period.slut),
                )
            )
        if problems:
            raise FieldProblems(problems)
        return self

    @property
    def region(self) -> tuple[Finansiar, ...]:
        """The region's own share: its financiers, one per källa."""
        return tuple(row for row in self.finansiarer if row.region)

    @property
    def medfinansiarer(self) -> tuple[Finansiar, ...]:
        """The co-financiers, whose shares are conditions of the agreement."""
        return tuple(row for row in self.finansiarer if not row.region)

    @property
    def kallor(self) -> tuple[str, ...]:
        """The region's sources, in the order of its financiers, each once."""
        return tuple(dict.fromkeys(row.kalla for row in self.region if row.kalla))

    @property
    def summa(self) -> int:
        """The whole financing over the period, every financier (rounded as the documents
        state it; see :func:`compute_financing`)."""
        return sum(_total(_monthly(row, self.period)) for row in self.finansiarer)


def stretches(period: Period) -> list[Period]:
    """The stretches of ``period`` between the days its avtalsår are counted anew (one, the
    period itself, when there are none), each a period of its own."""
    starts = [period.start, *period.restarts]
    ends = [day - dt.timedelta(days=1) for day in period.restarts] + [period.slut]
    return [Period(start=start, slut=end) for start, end in zip(starts, ends, strict=True)]


def _amount_problems(row: Finansiar, period: Period) -> list[tuple[Loc, str]]:
    """Amounts of one financier that do not fit the period, by location in the row."""
    if isinstance(row, ForlangdFinansiar):
        parts = stretches(period)
        assert len(parts) == len(row.avsnitt), (period, row)
        problems = [
            (("avsnitt", index, *loc), message)
            for index, (amounts, part) in enumerate(zip(row.avsnitt, parts, strict=True))
            for loc, message in _form_problems(amounts, part)
        ]
    else:
        problems = _form_problems(row, period)
    if row.slag == "region" and not problems and _total(_monthly(row, period)) == 0:
        problems.append(((), _("the region's share is 0 kronor over the whole period")))
    return problems


def _form_problems(row: Finansiar | Avsnitt, period: Period) -> list[tuple[Loc, str]]:
    """Amounts in one form that do not fit ``period``, by location in ``row``."""
    problems: list[tuple[Loc, str]] = []
    if row.belopp_per_avtalsar is not None:
        years = period.avtalsar()
        given = len(row.belopp_per_avtalsar)
        if given != len(years):
            last_start, last_end = years[-1]
            months = _months_between(last_start, last_end)
            shorter = (
                ngettext(
                    " (the last of {months} month)", " (the last of {months} months)", months
                ).format(months=months)
                if months < 12
                else ""
            )
            problems.append(
                (
                    ("belopp_per_avtalsar",),
                    ngettext(
                        "the period {start}–{end} has {count} avtalsår{shorter}, but {given} "
                        "amounts are given: give one amount per avtalsår",
                        "the period {start}–{end} has {count} avtalsår{shorter}, but {given} "
                        "amounts are given: give one amount per avtalsår",
                        len(years),
                    ).format(
                        start=period.start,
                        end=period.slut,
                        count=len(years),
                        shorter=shorter,
                        given=given,
                    ),
                )
            )
    if row.belopp_per_kalenderar is not None:
        covered = period.kalenderar
        years_given = {item.ar for item in row.belopp_per_kalenderar}
        for index, item in enumerate(row.belopp_per_kalenderar):
            if item.ar not in covered:
                problems.append(
                    (
                        ("belopp_per_kalenderar", index, "ar"),
                        _(
                            "{year} is outside the period {start}–{end}, which covers {years}"
                        ).format(
                            year=item.ar,
                            start=period.start,
                            end=period.slut,
                            years=", ".join(map(str, covered)),
                        ),
                    )
                )
        missing = [year for year in covered if year not in years_given]
        if missing:
            problems.append(
                (
                    ("belopp_per_kalenderar",),
                    _(
                        "no amount for {missing}: the period {start}–{end} covers {years}; "
                        "give an amount (0 if none) for each"
                    ).format(
                        missing=", ".join(map(str, missing)),
                        start=period.start,
                        end=period.slut,
                        years=", ".join(map(str, covered)),
                    ),
                )
            )
    return problems


def _total_problems(money: Finansiering) -> list[tuple[Loc, str]]:
    """Stated totals (of a financier, of the whole) that the amounts do not add up to."""
    problems: list[tuple[Loc, str]] = []
    totals = [_total(_monthly(row, money.period)) for row in money.finansiarer]
    for index, (row, total) in enumerate(zip(money.finansiarer, totals, strict=True)):
        if row.totalt is not None and row.totalt != total:
            problems.append(
                (
                    ("finansiarer", index, "totalt"),
                    (
                        _(
                            "{name}'s amounts add up to {total} kronor, {difference} kronor "
                            "less than totalt {stated}"
                        )
                        if total < row.totalt
                        else _(
                            "{name}'s amounts add up to {total} kronor, {difference} kronor "
                            "more than totalt {stated}"
                        )
                    ).format(
                        name=row.namn,
                        total=format_amount(total),
                        difference=format_amount(abs(row.totalt - total)),
                        stated=format_amount(row.totalt),
                    ),
                )
            )
    whole = sum(totals)
    if money.totalt is not None and money.totalt != whole:
        parts = " + ".join(
            f"{row.namn} {format_amount(total)}"
            for row, total in zip(money.finansiarer, totals, strict=True)
        )
        problems.append(
            (
                ("totalt",),
                (
                    _(
                        "the financiers add up to {whole} kronor ({parts}), {difference} kronor "
                        "less than totalt {stated}"
                    )
                    if whole < money.totalt
                    else _(
                        "the financiers add up to {whole} kronor ({parts}), {difference} kronor "
                        "more than totalt {stated}"
                    )
                ).format(
                    whole=format_amount(whole),
                    parts=parts,
                    difference=format_amount(abs(money.totalt - whole)),
                    stated=format_amount(money.totalt),
                ),
            )
        )
    return problems


# --- the program's rules -----------------------------------------------------------------


class Kalla(Strict):
    """An appropriation the region grants base financing from."""

    namn: Namn
    """The source as decisions name it ("Medlen anvisas från ..."), e.g. ERP or regionala
    utvecklingsmedel; a case's kalla must be written the same way."""
    beskrivning: Namn | None = None
    """What the appropriation is, for those who write case files; not printed."""


class Finansieringsregler(Strict):
    """The program's rules for financing: the sources the region grants from and how its
    share is paid out unless a case says otherwise."""

    kallor: list[Kalla] = Field(default_factory=list)
    """The appropriations (källor) a case's region share may come from."""
    utbetalning: Utbetalningssatt = "arsvis_i_forskott"
    """How the region's share is paid out unless a case says otherwise:
    arsvis_i_forskott (yearly in advance, on request), kvartalsvis_i_forskott (quarterly in
    advance) or efter_godkand_rapport (yearly; from the second avtalsår on, after the region
    has approved the report on the year before)."""
    benamning: Namn = "bidraget"
    """The grant's name in running text, in the definite form, as the minutes say how it is
    paid out ("basfinansieringen ska betalas ut kvartalsvis i förskott"), e.g.
    basfinansieringen or verksamhetsbidraget; bidraget when not given."""
    benamning_obestamd: Namn | None = None
    """The grant's name in the indefinite form, as the documents' properties name it (a
    keyword, and the packet's subject "Basfinansiering inom <program>: …"), e.g.
    basfinansiering or verksamhetsbidrag. When not given it is made from benamning where
    that is certain (one word ending in -ingen, -bidraget, -stödet or -anslaget: the ending
    -en or -et dropped); otherwise it must be given."""

    @property
    def obestamd(self) -> str:
        """The grant's name in the indefinite form (:attr:`benamning_obestamd`)."""
        found = self.benamning_obestamd or indefinite(self.benamning)
        assert found is not None, "refused by _indefinite_known"
        return found

    @model_validator(mode="after")
    def _indefinite_known(self) -> Finansieringsregler:
        if self.benamning_obestamd is None and indefinite(self.benamning) is None:
            raise FieldProblems(
                [
                    (
                        ("benamning_obestamd",),
                        _(
                            "the indefinite form of '{name}' cannot be made from it with "
                            "certainty, and the documents' properties name the grant by it: "
                            "write it under benamning_obestamd (e.g. verksamhetsbidrag for "
                            "verksamhetsbidraget)"
                        ).format(name=self.benamning),
                    )
                ]
            )
        return self

    @model_validator(mode="after")
    def _unique_sources(self) -> Finansieringsregler:
        seen: set[str] = set()
        for index, source in enumerate(self.kallor):
            if source.namn.casefold() in seen:
                raise FieldProblems(
                    [
                        (
                            ("kallor", index, "namn"),
                            _("the source '{name}' is listed twice").format(name=source.namn),
                        )
                    ]
                )
            seen.add(source.namn.casefold())
        return self


#: The endings of a grant's name in the definite form whose indefinite form is certain: a
#: noun in -ing takes -en (finansieringen), bidrag, stöd and anslag take -et.
_DEFINITE_ENDINGS = (("ingen", "en"), ("bidraget", "et"), ("stödet", "et"), ("anslaget", "et"))


def indefinite(definite: str) -> str | None:
    """The indefinite form of a grant's one-word name in the definite form, where its ending
    makes it certain (basfinansieringen: basfinansiering), else None."""
    if " " in definite.strip():
        return None
    for ending, article in _DEFINITE_ENDINGS:
        if definite.endswith(ending):
            return definite[: -len(article)]
    return None


def financing_problems(
    money: Finansiering, regler: Finansieringsregler, beslutsdatum: dt.date | None
) -> list[tuple[Loc, str]]:
    """What a valid financing breaks of the program's rules and the decision's date, by
    location in the financing: a source the program does not name, a first payment before
    the decision."""
    problems: list[tuple[Loc, str]] = []
    known = {source.namn: source for source in regler.kallor}
    for index, row in enumerate(money.finansiarer):
        if row.kalla is None or row.kalla in known:
            continue
        if not known:
            message = _(
                "the program file names no sources: list the appropriations the region grants "
                "from under finansiering: kallor: (e.g. - namn: ERP) in the program file"
            )
        else:
            close = difflib.get_close_matches(row.kalla, list(known), n=1, cutoff=0.6)
            hint = _(" (did you mean {name}?)").format(name=close[0]) if close else ""
            message = _(
                "'{source}' is not a source the program names{hint}; the program's sources "
                "are {sources}"
            ).format(source=row.kalla, hint=hint, sources=", ".join(known))
        problems.append((("finansiarer", index, "kalla"), message))
    if beslutsdatum is not None:
        first = money.utbetalning.forsta_datum
        day = first or money.period.start
        if day < beslutsdatum:
            if first is not None:
                loc: Loc = ("utbetalning", "forsta_datum")
                message = _(
                    "the first payment ({date}) would be made before the decision "
                    "({decided}); payments are made on or after the decision"
                ).format(date=day, decided=beslutsdatum)
            else:
                loc = ("period", "start")
                message = _(
                    "the first payment would be made when the period starts ({date}), before "
                    "the decision ({decided}); give utbetalning: forsta_datum: on or after "
                    "the decision (the payments due before it are made with it)"
                ).format(date=day, decided=beslutsdatum)
            problems.append((loc, message))
    return problems


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Avtalsar:
    """One avtalsår of the region's share: its dates, months and amount."""

    nummer: int
    start: dt.date
    slut: dt.date
    manader: int
    belopp: int


@dataclass(frozen=True)
class Budgetar:
    """One calendar (budget) year: what falls on it of the whole financing and of the
    region's share, by the months of the year the period covers."""

    ar: int
    belopp: int
    region: int


@dataclass(frozen=True)
class Utbetalningsrad:
    """One payment of the region's share: when, how much, and the months it is for."""

    nummer: int
    datum: dt.date
    belopp: int
    start: dt.date
    slut: dt.date
    efter_rapport: int | None
    """For a payment after an approved report: the avtalsår the report is on."""


@dataclass(frozen=True)
class Finansiarsbelopp:
    """One financier's figures: per avtalsår, per budget year, the total, and the amount per
    year when it is the same every year."""

    namn: str
    slag: str
    kalla: str | None
    region: bool
    per_ar: int | None
    """The amount per (twelve-month) year when it is the same all through; else None."""
    per_avtalsar: tuple[int, ...]
    per_budgetar: tuple[int, ...]
    summa: int
    kalenderar_angivna: bool
    """True when the amounts were given per calendar year (they read best that way)."""


@dataclass(frozen=True)
class Berakning:
    """Every figure of one financing: what the documents state, computed once."""

    period: Period
    finansiarer: tuple[Finansiarsbelopp, ...]
    avtalsar: tuple[Avtalsar, ...]
    """The region's share per avtalsår."""
    budgetar: tuple[Budgetar, ...]
    utbetalningssatt: Utbetalningssatt
    utbetalningar: tuple[Utbetalningsrad, ...]
    region_summa: int
    """What the committee grants: the region's share over the period."""
    summa: int
    """The whole financing, every financier."""
    region_per_ar: int | None
    """The region's amount per year when it is the same all through; else None (stepped)."""
    avrundat: bool
    """True when a financier's total, an avtalsår or a payment was rounded down to whole
    kronor (the remainder on the last)."""
    budgetar_avrundade: bool
    """True when the split per budget year was rounded down to whole kronor (the remainder on
    the last budget year)."""

    @property
    def region(self) -> tuple[Finansiarsbelopp, ...]:
        """The region's own share, one row per källa."""
        return tuple(row for row in self.finansiarer if row.region)

    @property
    def medfinansiarer(self) -> tuple[Finansiarsbelopp, ...]:
        """The co-financiers."""
        return tuple(row for row in self.finansiarer if not row.region)

    @property
    def kallor(self) -> tuple[str, ...]:
        """The region's sources, each once, in order."""
        return tuple(dict.fromkeys(row.kalla for row in self.region if row.kalla))

    @property
    def trappstegad(self) -> bool:
        """True when the region's amount changes from year to year."""
        return self.region_per_ar is None

    @property
    def kalenderar_angivna(self) -> bool:
        """True when every region amount was given per calendar year."""
        return all(row.kalenderar_angivna for row in self.region)

    def amounts(self) -> set[int]:
        """Every amount the figures hold: each financier's per year, avtalsår, budget year
        and total; the region's and the whole's per avtalsår, budget year, payment and total."""
        found = {self.region_summa, self.summa}
        for row in self.finansiarer:
            found |= {*row.per_avtalsar, *row.per_budgetar, row.summa}
            if row.per_ar is not None:
                found.add(row.per_ar)
        if self.region_per_ar is not None:
            found.add(self.region_per_ar)
        found |= {year.belopp for year in self.avtalsar}
        found |= {year.belopp for year in self.budgetar} | {year.region for year in self.budgetar}
        found |= {payment.belopp for payment in self.utbetalningar}
        return found


#: Exact amounts are counted in 1/27 720 of a krona (the least common multiple of 1 to 12):
#: a month's share of an amount for 12 months, or for any other number of months up to 12, is
#: then a whole number, and the sums are exact integer arithmetic (Fractions took 10 ms a
#: financing, these 0.2 ms).
SCALE = 27_720


def _monthly(row: Finansiar, period: Period) -> list[int]:
    """The financier's exact amount for each month of the period, in 1/:data:`SCALE` kronor."""
    if isinstance(row, ForlangdFinansiar):
        return [
            amount
            for amounts, part in zip(row.avsnitt, stretches(period), strict=True)
            for amount in _monthly_of(amounts, part)
        ]
    return _monthly_of(row, period)


def _monthly_of(row: Finansiar | Avsnitt, period: Period) -> list[int]:
    """The exact amount for each month of ``period`` of amounts in one form."""
    count = period.manader
    if row.belopp_per_ar is not None:
        return [row.belopp_per_ar * (SCALE // 12)] * count
    if row.belopp_per_avtalsar is not None:
        result: list[int] = []
        for (start, end), amount in zip(period.avtalsar(), row.belopp_per_avtalsar, strict=False):
            months = _months_between(start, end)
            result += [amount * (SCALE // months)] * months
        return result + [0] * (count - len(result))
    per_year = {item.ar: item.belopp for item in row.belopp_per_kalenderar or ()}
    months_in = {
        year: _months_between(max(period.start, dt.date(year, 1, 1)),
                              min(period.slut, dt.date(year, 12, 31)))
        for year in period.kalenderar
    }  # fmt: skip
    return [
        per_year.get(month.year, 0) * (SCALE // months_in[month.year]) for month in period.months()
    ]


def _total(monthly: Sequence[int]) -> int:
    """A financier's total: its exact sum rounded down to whole kronor."""
    return sum(monthly) // SCALE


def _split(total: int, shares: Sequence[int]) -> list[int]:
    """``total`` split into whole kronor by exact ``shares``: each part rounded down, the
    remainder on the last."""
    parts = [share // SCALE for share in shares[:-1]]
    parts.append(total - sum(parts))
    return parts


def _parts(monthly: Sequence[int], years: Sequence[int], parts: Sequence[int]) -> list[int]:
    """Each part's amount in whole kronor (see the module's rounding rule): the total split
    over the years the amounts are given for (``years``: each month's, counting from 0),
    then each year's amount over its parts (``parts``: each month's, counting from 0; a part
    lies in one year), each rounded down and the remainder of the year on its last part."""
    per_year = _split(_total(monthly), _grouped(monthly, years))
    exact = _grouped(monthly, parts)
    year_of = {part: year for part, year in zip(parts, years, strict=True)}
    result: list[int] = []
    for year, amount in enumerate(per_year):
        members = [part for part in range(len(exact)) if year_of[part] == year]
        result += _split(amount, [exact[part] for part in members])
    return result


def _sums(amounts: Sequence[int], keys: Sequence[int]) -> list[int]:
    """Sums of the parts' ``amounts`` by ``keys`` (each part's group, counting from 0)."""
    sums = [0] * (max(keys) + 1 if keys else 0)
    for key, amount in zip(keys, amounts, strict=True):
        sums[key] += amount
    return sums


def _rounded(figures: Sequence[int], exact: Sequence[int]) -> bool:
    """True when a figure is not its exact amount (it was rounded)."""
    return any(figure * SCALE != amount for figure, amount in zip(figures, exact, strict=True))


def _of_parts(keys: Sequence[int], parts: Sequence[int]) -> list[int]:
    """Each part's key, from each month's ``keys`` (every month of a part has the same)."""
    found: dict[int, int] = {}
    for key, part in zip(keys, parts, strict=True):
        found.setdefault(part, key)
    return [found[part] for part in range(len(found))]


def _numbered(keys: Sequence[tuple[int, ...]]) -> list[int]:
    """Each month's part, counting from 0: consecutive months with the same ``keys``."""
    numbers: list[int] = []
    for index, key in enumerate(keys):
        numbers.append(0 if index == 0 else numbers[-1] + (key != keys[index - 1]))
    return numbers


def _grouped(monthly: Sequence[int], keys: Sequence[int]) -> list[int]:
    """Sums of ``monthly`` over consecutive months with the same key (``keys`` give each
    month's group, counting from 0)."""
    sums = [0] * (keys[-1] + 1 if keys else 0)
    for key, amount in zip(keys, monthly, strict=True):
        sums[key] += amount
    return sums


def _constant(monthly: Sequence[int]) -> int | None:
    """The amount a year when every month has the same, in whole kronor; else None."""
    if not monthly or any(amount != monthly[0] for amount in monthly):
        return None
    yearly, rest = divmod(monthly[0] * 12, SCALE)
    return None if rest else yearly


def _columns(rows: Sequence[Sequence[int]], count: int) -> list[int]:
    return [sum(column) for column in zip(*rows, strict=True)] if rows else [0] * count


def region_per_ar(money: Finansiering) -> int | None:
    """The region's amount per (twelve-month) year when it is the same all through the
    period; None when it changes from year to year (stepped)."""
    rows = [_monthly(row, money.period) for row in money.region]
    return _constant(_columns(rows, money.period.manader))


#: The figures of the financings computed lately, by the identity of the (immutable) values:
#: a build asks for the same financing's figures for each document and check.
_COMPUTED: list[tuple[Finansiering, Finansieringsregler, Berakning]] = []


def compute_financing(money: Finansiering, regler: Finansieringsregler) -> Berakning:
    """Every figure of ``money``: each financier per avtalsår and budget year, the region's
    share per avtalsår, the split per budget year, the payment plan (by the program's rule
    unless ``money`` has its own), and the totals. Every split adds up to its total to the
    krona (each part rounded down, the remainder on the last)."""
    for known, rules, figures in _COMPUTED:
        if known is money and rules is regler:
            return figures
    figures = _compute(money, regler)
    _COMPUTED.insert(0, (money, regler, figures))
    del _COMPUTED[8:]
    return figures


def _compute(money: Finansiering, regler: Finansieringsregler) -> Berakning:
    period = money.period
    months = period.months()
    year_starts = [start for start, _end in period.avtalsar()]
    satt = money.utbetalning.satt or regler.utbetalning
    groups = _payment_groups(period, satt, money.utbetalning.forsta_datum)
    # Each month's avtalsår, budget year and payment, counting from 0.
    by_year = [sum(1 for start in year_starts if start <= month) - 1 for month in months]
    by_budget = [month.year - period.start.year for month in months]
    by_payment = [
        max(index for index, group in enumerate(groups) if group[1] <= month) for month in months
    ]
    rows: list[Finansiarsbelopp] = []
    region_monthly: list[list[int]] = []
    region_payments = [0] * len(groups)
    rounded = budget_rounded = False
    for row in money.finansiarer:
        monthly = _monthly(row, period)
        # The years the amounts are given for, and the parts of each: the months a year
        # shares with one avtalsår, one budget year and (the region's share) one payment.
        years = _year_keys(row, period, by_year, by_budget)
        keys = list(zip(by_year, by_budget, by_payment if row.region else by_year, strict=True))
        parts = _numbered(keys)
        amounts = _parts(monthly, years, parts)
        per_year = _sums(amounts, _of_parts(by_year, parts))
        per_budget = _sums(amounts, _of_parts(by_budget, parts))
        total = sum(amounts)
        rounded |= _rounded([total], [sum(monthly)])
        rounded |= _rounded(per_year, _grouped(monthly, by_year))
        budget_rounded |= _rounded(per_budget, _grouped(monthly, by_budget))
        if row.region:
            region_monthly.append(monthly)
            paid = _sums(amounts, _of_parts(by_payment, parts))
            rounded |= _rounded(paid, _grouped(monthly, by_payment))
            region_payments = [a + b for a, b in zip(region_payments, paid, strict=True)]
        rows.append(
            Finansiarsbelopp(
                namn=row.namn,
                slag=row.slag,
                kalla=row.kalla,
                region=row.region,
                per_ar=_constant(monthly),
                per_avtalsar=tuple(per_year),
                per_budgetar=tuple(per_budget),
                summa=total,
                kalenderar_angivna=all(
                    form.belopp_per_kalenderar is not None for form in _forms(row)
                ),
            )
        )
    region_rows = [row for row in rows if row.region]
    avtalsar = tuple(
        Avtalsar(
            nummer=number,
            start=start,
            slut=end,
            manader=_months_between(start, end),
            belopp=sum(row.per_avtalsar[number - 1] for row in region_rows),
        )
        for number, (start, end) in enumerate(period.avtalsar(), 1)
    )
    budgetar = tuple(
        Budgetar(
            ar=year,
            belopp=sum(row.per_budgetar[index] for row in rows),
            region=sum(row.per_budgetar[index] for row in region_rows),
        )
        for index, year in enumerate(period.kalenderar)
    )
    payments = tuple(
        Utbetalningsrad(
            nummer=number,
            datum=group[0],
            belopp=amount,
            start=group[1],
            slut=group[2],
            efter_rapport=group[3],
        )
        for number, (group, amount) in enumerate(zip(groups, region_payments, strict=True), 1)
    )
    return Berakning(
        period=period,
        finansiarer=tuple(rows),
        avtalsar=avtalsar,
        budgetar=budgetar,
        utbetalningssatt=satt,
        utbetalningar=payments,
        region_summa=sum(row.summa for row in region_rows),
        summa=sum(row.summa for row in rows),
        region_per_ar=_constant(_columns(region_monthly, len(months))),
        avrundat=rounded,
        budgetar_avrundade=budget_rounded,
    )


def _forms(row: Finansiar) -> tuple[Finansiar | Avsnitt, ...]:
    """The amounts of ``row`` in their forms: its own, or each stretch's."""
    return row.avsnitt if isinstance(row, ForlangdFinansiar) else (row,)


def _year_keys(
    row: Finansiar, period: Period, by_year: Sequence[int], by_budget: Sequence[int]
) -> list[int]:
    """Each month's year that ``row``'s amounts are given for, counting from 0: its budget
    year where they are given per calendar year, else its avtalsår (per stretch, for a
    :class:`ForlangdFinansiar`)."""
    if not isinstance(row, ForlangdFinansiar):
        return list(by_budget if row.belopp_per_kalenderar is not None else by_year)
    keys: list[tuple[int, int]] = []
    month = 0
    for index, (form, part) in enumerate(zip(row.avsnitt, stretches(period), strict=True)):
        chosen = by_budget if form.belopp_per_kalenderar is not None else by_year
        keys += [(index, chosen[month + offset]) for offset in range(part.manader)]
        month += part.manader
    return _numbered(keys)


#: One payment before amounts: (date, first month, last day, the avtalsår reported on).
_Group = tuple[dt.date, dt.date, dt.date, int | None]


def _payment_groups(period: Period, satt: Utbetalningssatt, first: dt.date | None) -> list[_Group]:
    """The payments of a plan: when each is made and which months it pays for. Payments
    due before ``first`` (the first payment's date, if later than the period's start) are
    made with it."""
    groups: list[_Group] = []
    if satt == "kvartalsvis_i_forskott":
        start = period.start
        while start <= period.slut:
            quarter_end = _add_months(dt.date(start.year, (start.month - 1) // 3 * 3 + 1, 1), 3)
            # An extension counted anew begins a payment of its own (the quarter's payment
            # up to the old end was made).
            following = min([day for day in period.restarts if day > start] + [quarter_end])
            end = min(following - dt.timedelta(days=1), period.slut)
            groups.append((start, start, end, None))
            start = following
    else:
        for number, (start, end) in enumerate(period.avtalsar(), 1):
            report = number - 1 if satt == "efter_godkand_rapport" and number > 1 else None
            groups.append((start, start, end, report))
    if first is None:
        return groups
    if first <= period.start:  # paid before the period starts: the first payment's date
        return [(first, *groups[0][1:]), *groups[1:]]
    due = [group for group in groups if group[0] <= first]
    later = groups[len(due) :]
    merged: _Group = (first, due[0][1], due[-1][2], due[-1][3])
    return [merged, *later]


# --- for changes of a running agreement (:mod:`avtalsgen.model.tillagg`) --------------------


def monthly_amounts(row: Finansiar, period: Period) -> list[int]:
    """The financier's exact amount for each month of ``period``, in 1/:data:`SCALE`
    kronor (a change of a running agreement works month by month)."""
    return _monthly(row, period)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month of ``day``."""
    return _month_end(day)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after the month of ``day``."""
    return _add_months(day, months)
