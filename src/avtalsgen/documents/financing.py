"""The financing as the documents state it: the templates' view of one computed financing,
and the Swedish phrases its placeholders become.

Everything here is made from one :class:`~avtalsgen.model.money.Berakning` (the figures of
one financing): the beslutsförslag's from the proposal's, the agreement's from the one
decided. A phrase reads right for amounts that are the same every year ("2 000 000 kronor
årligen") and for amounts that change ("2 000 000 kronor avtalsår 1, 1 500 000 kronor
avtalsår 2 och 1 000 000 kronor avtalsår 3").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from avtalsgen.documents import format as fmt
from avtalsgen.documents.budgettables import Budgettabell, budget_tables
from avtalsgen.i18n import _, current_language, format_amount, join_words
from avtalsgen.model.money import (
    Avtalsar,
    Berakning,
    Budgetar,
    Finansiarsbelopp,
    Utbetalningsrad,
    Utbetalningssatt,
)

#: How each way of paying reads in running text ("Basfinansieringen betalas ut ...").
UTBETALNING: dict[Utbetalningssatt, str] = {
    "arsvis_i_forskott": "årsvis i förskott efter rekvisition",
    "kvartalsvis_i_forskott": "kvartalsvis i förskott efter rekvisition",
    "efter_godkand_rapport": (
        "årsvis, för det första avtalsåret i förskott och för varje följande avtalsår när "
        "Regionen har godkänt Aktörens rapport för avtalsåret före"
    ),
}
#: Which years a financing's region amounts are given for, as the rounding rule names them:
#: the remainder of a year's amount goes on that year's last part (see
#: :mod:`avtalsgen.model.money`).
Arsslag = Literal["avtalsar", "budgetar", "blandat"]
#: How rounded figures are paid, in the note under the agreement's tables
#: (:func:`rounding_note`) and in explain's Swedish, by the years the amounts are given for.
AVRUNDAT: dict[Arsslag, str] = {
    "avtalsar": (
        "varje delbelopp är avrundat nedåt till hela kronor, och det som återstår av ett "
        "avtalsårs belopp betalas ut med avtalsårets sista utbetalning"
    ),
    "budgetar": (
        "varje delbelopp är avrundat nedåt till hela kronor, och det som återstår av ett "
        "budgetårs belopp betalas ut med budgetårets sista utbetalning"
    ),
    "blandat": (
        "varje delbelopp är avrundat nedåt till hela kronor, och det som återstår av ett års "
        "belopp betalas ut med årets sista utbetalning (avtalsårets eller budgetårets, efter "
        "hur beloppet är angivet)"
    ),
}
#: The note under the beslutsförslag's budget years when a figure there was rounded: only
#: amounts given per avtalsår are divided over budget years (those given per calendar year
#: are the budget years' own).
BUDGETAR_AVRUNDADE = (
    "Beloppen anges i hela kronor: ett avtalsårs belopp fördelas på budgetåren efter antalet "
    "månader, med varje del avrundad nedåt till hela kronor, och det som återstår räknas till "
    "det budgetår där avtalsåret slutar."
)


def arsslag(figures: Berakning) -> Arsslag:
    """The years the region's amounts are given for: avtalsår, budget years, or both."""
    given = {row.kalenderar_angivna for row in figures.region}
    if given == {True}:
        return "budgetar"
    return "avtalsar" if given == {False} else "blandat"


def rounding_note(figures: Berakning) -> str:
    """The note under the agreement's tables when some figure was rounded."""
    return f"Beloppen anges i hela kronor: {AVRUNDAT[arsslag(figures)]}."


@dataclass(frozen=True)
class Wording:
    """The phrases the financing is told in. :data:`DOCUMENTS` is the documents' Swedish,
    the one place it is written; ``avtalsgen explain`` tells the financing in it when it
    speaks Swedish (its own frame around them, "utbetalningsplan (...):", is its messages'),
    and in :data:`ENGLISH` when it speaks English. The English phrases are not gettext
    messages: their Swedish would be the documents' phrases written again."""

    amount: Callable[[int], str]
    """An amount in running text: ``2 000 000 kronor``."""
    join: Callable[[list[str]], str]
    """A list in running text: ``a, b och c``."""
    per_year: str
    """``{amount} årligen``"""
    for_year: str
    """``{amount} för {year}``"""
    in_avtalsar: str
    """``{amount} avtalsår {number}``"""
    avtalsar: str
    """``avtalsår {number}``: what a payment of a whole avtalsår is for."""
    after_report: str
    """``efter godkänd rapport för avtalsår {number}``"""
    in_all: str
    """``sammanlagt {amount}``"""
    rounding: Mapping[Arsslag, str]
    """How rounded figures are paid, by the years the amounts are given for."""
    payments: Mapping[Utbetalningssatt, str]
    """How each way of paying reads in running text."""


DOCUMENTS = Wording(
    amount=fmt.kronor,
    join=fmt.och,
    per_year="{amount} årligen",
    for_year="{amount} för {year}",
    in_avtalsar="{amount} avtalsår {number}",
    avtalsar="avtalsår {number}",
    after_report="efter godkänd rapport för avtalsår {number}",
    in_all="sammanlagt {amount}",
    rounding=AVRUNDAT,
    payments=UTBETALNING,
)


def _message_kronor(value: int) -> str:
    return f"{format_amount(value)}{fmt.NBSP}kronor"


ENGLISH = Wording(
    amount=_message_kronor,
    join=join_words,
    per_year="{amount} a year",
    for_year="{amount} for {year}",
    in_avtalsar="{amount} in avtalsår {number}",
    avtalsar="avtalsår {number}",
    after_report="after the approved report on avtalsår {number}",
    in_all="in all {amount}",
    rounding={
        "avtalsar": (
            "each part is rounded down to whole kronor, and what remains of an avtalsår's "
            "amount is paid with the avtalsår's last payment"
        ),
        "budgetar": (
            "each part is rounded down to whole kronor, and what remains of a budget year's "
            "amount is paid with the budget year's last payment"
        ),
        "blandat": (
            "each part is rounded down to whole kronor, and what remains of a year's amount "
            "is paid with the year's last payment (the avtalsår's or the budget year's, as "
            "the amount is given)"
        ),
    },
    payments={
        "arsvis_i_forskott": "yearly in advance, on request",
        "kvartalsvis_i_forskott": "quarterly in advance, on request",
        "efter_godkand_rapport": (
            "yearly: the first avtalsår in advance, each later one once the region has "
            "approved the actor's report on the avtalsår before"
        ),
    },
)


def explained() -> Wording:
    """The wording of ``avtalsgen explain``: the documents' in Swedish, else English."""
    return DOCUMENTS if current_language() == "sv" else ENGLISH


def per_avtalsar_steps(amounts: Sequence[int], wording: Wording = DOCUMENTS) -> str:
    """``2 000 000 kronor avtalsår 1, 1 500 000 kronor avtalsår 2 och ...``"""
    return wording.join(
        [
            wording.in_avtalsar.format(amount=wording.amount(a), number=n)
            for n, a in enumerate(amounts, 1)
        ]
    )


def per_kalenderar_steps(
    years: Sequence[int], amounts: Sequence[int], wording: Wording = DOCUMENTS
) -> str:
    """``500 000 kronor för 2023, 2 000 000 kronor för 2024 och ...``"""
    return wording.join(
        [
            wording.for_year.format(amount=wording.amount(a), year=y)
            for y, a in zip(years, amounts, strict=True)
        ]
    )


def arligen(row: Finansiarsbelopp, years: Sequence[int], wording: Wording = DOCUMENTS) -> str:
    """A financier's amounts in running text: ``250 000 kronor årligen`` when the same every
    year, else per avtalsår (or per calendar year, when given so)."""
    if row.per_ar is not None:
        return wording.per_year.format(amount=wording.amount(row.per_ar))
    if row.kalenderar_angivna:
        return per_kalenderar_steps(years, row.per_budgetar, wording)
    return per_avtalsar_steps(row.per_avtalsar, wording)


def _in_a_list(row: Finansiarsbelopp, years: Sequence[int]) -> str:
    """A financier's amounts as one item of a list: steps go in brackets after the total,
    so that their commas cannot run into the list's."""
    if row.per_ar is not None:
        return arligen(row, years)
    return f"{_sammanlagt(row.summa)} ({arligen(row, years)})"


def _sammanlagt(value: int) -> str:
    return DOCUMENTS.in_all.format(amount=fmt.kronor(value))


@dataclass(frozen=True)
class FinansiarRad:
    """One financier as the documents show it."""

    namn: str
    slag: str
    kalla: str
    """The region's source; empty for a co-financier."""
    region: bool
    per_avtalsar: tuple[int, ...]
    per_budgetar: tuple[int, ...]
    """Aligned with :attr:`Pengar.budgetar`."""
    summa: int


@dataclass(frozen=True)
class Betalning:
    """One row of the payment plan (utbetalningsplan)."""

    nummer: int
    datum: dt.date
    avser: str
    """What the payment is for: an avtalsår or the months of a quarter."""
    belopp: int


@dataclass(frozen=True)
class Pengar:
    """The financing as a template sees it (``finansiering`` in the beslutsförslag, the
    proposal's; ``avtal.finansiering`` in the agreement, the one decided)."""

    start: dt.date
    slut: dt.date
    finansiarer: tuple[FinansiarRad, ...]
    """Every financier, in the case's order."""
    region: tuple[FinansiarRad, ...]
    medfinansiarer: tuple[FinansiarRad, ...]
    avtalsar: tuple[Avtalsar, ...]
    """The region's share per avtalsår."""
    budgetar: tuple[Budgetar, ...]
    """What falls on each budget (calendar) year: the whole and the region's share."""
    budgetar_tabeller: tuple[Budgettabell, ...]
    """The split per budget year as the beslutsförslag's tables: the years spread over as
    many as hold their amounts without breaking one (see
    :mod:`avtalsgen.documents.budgettables`)."""
    utbetalningar: tuple[Betalning, ...]
    """The payment plan of the region's share."""
    utbetalning: str
    """How the region's share is paid out, in running text."""
    region_summa: int
    """What the committee grants."""
    summa: int
    """The whole financing, co-financiers included."""
    kallor: str
    """The region's sources in running text: ERP och regionala utvecklingsmedel."""
    noter: tuple[str, ...]
    """Sentences under the agreement's tables: a shorter last avtalsår, rounding."""
    budgetar_avrundade: bool
    """True when a figure of the split per budget year is rounded (see
    :data:`BUDGETAR_AVRUNDADE`)."""
    budgetar_not: str
    """The note under the budget years when a figure there is rounded, else empty."""


def _avser(payment: Utbetalningsrad, figures: Berakning, wording: Wording = DOCUMENTS) -> str:
    """What a payment is for: ``avtalsår 2, efter godkänd rapport för avtalsår 1``, or the
    months it covers."""
    years = [y for y in figures.avtalsar if y.start <= payment.start <= y.slut]
    whole_year = (
        len(years) == 1 and years[0].start == payment.start and years[0].slut == payment.slut
    )
    if whole_year:
        text = wording.avtalsar.format(number=years[0].nummer)
    else:
        text = fmt.intervall(payment.start, payment.slut)
    if payment.efter_rapport is not None:
        text += ", " + wording.after_report.format(number=payment.efter_rapport)
    return text


def shorter_year_note(figures: Berakning) -> str | None:
    """The note on a last avtalsår shorter than twelve months whose amount is its months'
    share of a year's; None when the last avtalsår is a whole year (or the only one)."""
    last = figures.avtalsar[-1]
    if last.manader < 12 and len(figures.avtalsar) > 1:
        return (
            f"Avtalsår {last.nummer} omfattar {last.manader} månader och ger ett belopp i "
            "proportion till antalet månader."
        )
    return None


def _notes(figures: Berakning) -> tuple[str, ...]:
    notes = []
    # Amounts given per avtalsår are taken as given, a shorter last year's too.
    note = shorter_year_note(figures) if figures.region_per_ar is not None else None
    if note is not None:
        notes.append(note)
    if figures.avrundat:
        notes.append(rounding_note(figures))
    return tuple(notes)


def view(figures: Berakning) -> Pengar:
    """The templates' view of one computed financing."""
    rows = tuple(
        FinansiarRad(
            namn=row.namn,
            slag=row.slag,
            kalla=row.kalla or "",
            region=row.region,
            per_avtalsar=row.per_avtalsar,
            per_budgetar=row.per_budgetar,
            summa=row.summa,
        )
        for row in figures.finansiarer
    )
    return Pengar(
        start=figures.period.start,
        slut=figures.period.slut,
        finansiarer=rows,
        region=tuple(row for row in rows if row.region),
        medfinansiarer=tuple(row for row in rows if not row.region),
        avtalsar=figures.avtalsar,
        budgetar=figures.budgetar,
        budgetar_tabeller=budget_tables(figures),
        utbetalningar=tuple(
            # A table cell: 'Avtalsår 2', an interval as it is.
            Betalning(p.nummer, p.datum, _capitalised(_avser(p, figures)), p.belopp)
            for p in figures.utbetalningar
        ),
        utbetalning=UTBETALNING[figures.utbetalningssatt],
        region_summa=figures.region_summa,
        summa=figures.summa,
        kallor=fmt.och(figures.kallor),
        noter=_notes(figures),
        budgetar_avrundade=figures.budgetar_avrundade,
        budgetar_not=BUDGETAR_AVRUNDADE if figures.budgetar_avrundade else "",
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def region_arligen(figures: Berakning) -> str:
    """The region's amounts in running text (``{belopp_arligen}``)."""
    if figures.region_per_ar is not None:
        return DOCUMENTS.per_year.format(amount=fmt.kronor(figures.region_per_ar))
    if figures.kalenderar_angivna:
        return per_kalenderar_steps(
            [y.ar for y in figures.budgetar], [y.region for y in figures.budgetar]
        )
    return per_avtalsar_steps([year.belopp for year in figures.avtalsar])


def region_per_avtalsar(figures: Berakning) -> str:
    """``{belopp_per_avtalsar}``: ``2 000 000 kronor per avtalsår``, or the steps."""
    if figures.region_per_ar is not None:
        return f"{fmt.kronor(figures.region_per_ar)} per avtalsår"
    return per_avtalsar_steps([year.belopp for year in figures.avtalsar])


def kalla_belopp(figures: Berakning) -> str:
    """The region's sources with what each gives: ``ERP`` for one source, else ``ERP
    (1 000 000 kronor årligen) och regionala utvecklingsmedel (500 000 kronor årligen)``, a
    source whose amount changes as ``ERP (2 000 000 kronor avtalsår 1 och 1 000 000 kronor
    avtalsår 2, sammanlagt 3 000 000 kronor)``."""
    years = [y.ar for y in figures.budgetar]
    sources: dict[str, list[Finansiarsbelopp]] = {}
    for row in figures.region:
        sources.setdefault(row.kalla or "", []).append(row)
    if len(sources) == 1:
        return next(iter(sources))
    parts = []
    for source, rows in sources.items():
        if len(rows) == 1 and rows[0].per_ar is not None:
            parts.append(f"{source} ({arligen(rows[0], years)})")
        elif len(rows) == 1:
            # The steps and the total in one pair of brackets (not nested ones: "ERP
            # (sammanlagt 2 083 334 kronor (1 000 001 kronor avtalsår 1, ...))").
            steps, total = arligen(rows[0], years), _sammanlagt(rows[0].summa)
            parts.append(f"{source} ({steps}, {total})")
        else:
            parts.append(f"{source} ({_sammanlagt(sum(r.summa for r in rows))})")
    return fmt.och(parts)


def money_placeholders(figures: Berakning) -> dict[str, str]:
    """The value of every placeholder about money, for one computed financing."""
    years = [y.ar for y in figures.budgetar]
    values = {
        "belopp_arligen": region_arligen(figures),
        "belopp_per_avtalsar": region_per_avtalsar(figures),
        "belopp_per_budgetar": per_kalenderar_steps(years, [y.region for y in figures.budgetar]),
        "totalt": fmt.kronor(figures.region_summa),
        "totalt_finansiering": fmt.kronor(figures.summa),
        "kalla": fmt.och(figures.kallor),
        "kalla_belopp": kalla_belopp(figures),
        "medfinansiering": fmt.och(
            [f"{row.namn} med {_in_a_list(row, years)}" for row in figures.medfinansiarer]
        ),
        "utbetalning": UTBETALNING[figures.utbetalningssatt],
    }
    if figures.region_per_ar is not None:  # a stepped case may not use it (checked at load)
        values["belopp_per_ar"] = fmt.kronor(figures.region_per_ar)
    return values


def message_kr(value: int) -> str:
    """An amount in explain's own tables, grouped as the user's language writes it:
    ``1 791 667 kr`` (the documents' form) or ``1,791,667 kr``."""
    return f"{format_amount(value)}{fmt.NBSP}kr"


def explain_financing(figures: Berakning, after_payments: Sequence[str] = ()) -> list[str]:
    """The financing as ``avtalsgen explain`` lists it: each financier with its amounts and
    total, the totals, the split per budget year and the payment plan, in the user's
    language (amounts grouped as it writes them: the documents are Swedish whatever the
    language, explain's words are the user's). ``after_payments``, where given, holds a
    text for each payment of the plan, in its order, written at the end of its row."""
    years = [year.ar for year in figures.budgetar]
    period = figures.period
    wording = explained()
    lines = [
        _("financing {period} ({months} months, {count} avtalsår):").format(
            period=fmt.intervall(period.start, period.slut),
            months=period.manader,
            count=len(figures.avtalsar),
        )
    ]
    for row in figures.finansiarer:
        who = (
            _("region, source {source}").format(source=row.kalla)
            if row.region
            else _("co-financier, {slag}").format(slag=row.slag)
        )
        lines.append(
            f"  {row.namn} ({who}): {arligen(row, years, wording)}; "
            + wording.in_all.format(amount=wording.amount(row.summa))
        )
    lines.append(
        "  "
        + _("the region grants {region}; the whole financing is {whole}").format(
            region=wording.amount(figures.region_summa), whole=wording.amount(figures.summa)
        )
    )
    lines.append(_("budget years (whole financing, region's share):"))
    lines += [f"  {y.ar}  {message_kr(y.belopp)}  {message_kr(y.region)}" for y in figures.budgetar]
    how = wording.payments[figures.utbetalningssatt]
    lines.append(_("payment plan ({how}):").format(how=how))
    payments = figures.utbetalningar
    afters = after_payments or [""] * len(payments)
    for payment, after in zip(payments, afters, strict=True):
        lines.append(
            f"  {payment.nummer:>2}  {fmt.iso(payment.datum)}  "
            f"{_avser(payment, figures, wording)}  {message_kr(payment.belopp)}{after}"
        )
    if figures.avrundat:
        lines.append("  " + _("rounded: {rule}").format(rule=wording.rounding[arsslag(figures)]))
    return lines
