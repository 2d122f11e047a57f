"""What the tilläggsavtal states: the agreement it changes (parties, Dnr, its date and the
decision behind it), the change and from when, what stays unchanged, the payment plan from
the first payment that changes, and the signature blocks.

The texts are written here from the facts (as the agreement's clauses are filled in from
the program's): the template lays them out, numbered as §-points. Every figure comes from
:func:`~avtalsgen.model.money.compute_financing` of the financing before and after the
change, computed once (:class:`Change`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from avtalsgen.documents import format as fmt
from avtalsgen.documents.context import Underskrift, figures, signature
from avtalsgen.documents.financing import (
    Betalning,
    Pengar,
    per_kalenderar_steps,
    shorter_year_note,
    view,
)
from avtalsgen.input.load import LoadedCase
from avtalsgen.model import Arende, Program
from avtalsgen.model.decision import Utfall
from avtalsgen.model.money import SCALE, Avtalsar, Berakning, Finansiering, monthly_amounts
from avtalsgen.model.prose import Block, BlockKind, Span
from avtalsgen.model.tillagg import Andring, Tillagg, Tillaggstyp, given_amounts

#: What each kind of change is called in a document's properties (keywords, subject).
CHANGE_WORDS = {
    Tillaggstyp.FORLANGNING: "förlängning",
    Tillaggstyp.NYTT_BELOPP: "nytt belopp",
    Tillaggstyp.UPPHORANDE: "förtida upphörande",
}


@dataclass(frozen=True)
class Punkt:
    """One §-point of the tilläggsavtal: its number, heading and paragraphs."""

    nummer: int
    rubrik: str
    text: tuple[Block, ...]
    typ: str = "text"
    """``text``; ``finansiering`` (the tables follow); ``underskrifter`` (the signatures)."""


@dataclass(frozen=True)
class Tillaggsavtal:
    """The tilläggsavtal as the template sees it."""

    nummer: int
    rubrik: str
    """"Tilläggsavtal nr 1"."""
    underrubrik: str
    """"till samarbetsavtal om basfinansiering inom …"."""
    punkter: tuple[Punkt, ...]
    avtalsar: tuple[Avtalsar, ...]
    """The region's share per avtalsår after the change."""
    utbetalningar: tuple[Betalning, ...]
    """The payments from the first one the change alters (or adds)."""
    fran: dt.date | None
    """The date of the first payment in :attr:`utbetalningar` (None: no payment follows)."""
    finansiering: Pengar
    """The financing after the change."""
    underskrifter: tuple[Underskrift, ...]
    typ: Tillaggstyp
    """What it changes: an extension, a new amount or an early end."""


@dataclass(frozen=True)
class TillaggContext:
    """Everything the tilläggsavtal's template may use."""

    arende: Arende
    program: Program
    tillagg: Tillaggsavtal
    sekretess: str = ""
    """The secrecy marking of the paragraphs under sekretess whose facts it states (the
    agreement's and the changes' up to its own), as :attr:`Context.sekretess`."""


@dataclass(frozen=True)
class Change:
    """A change of the running agreement with every figure of the financing before and
    after it (:func:`change_of`)."""

    andring: Andring
    before: Berakning
    after: Berakning


def change_of(andring: Andring, program: Program) -> Change:
    """``andring`` with its figures under the program's rules, computed once."""
    return Change(andring, figures(andring.fore, program), figures(andring.efter, program))


def _paragraphs(lines: tuple[str, ...]) -> tuple[Block, ...]:
    return tuple(Block(BlockKind.STYCKE, (Span(line),)) for line in lines)


def from_sources(after: Berakning) -> str:
    """`` och anvisas från ERP`` where the region's share has one financier (several are
    named with their amounts)."""
    if len([row for row in after.finansiarer if row.region]) > 1:
        return ""
    return f" och anvisas från {fmt.och(after.kallor)}"


def _given(change: Change) -> dict[str, int]:
    """The amounts a year the change gives, by financier (the region's and the
    co-financiers')."""
    return given_amounts(change.andring.fore, change.andring.tillagg)


def _stepped_name(change: Change) -> str | None:
    """The financier whose amounts per avtalsår the change gives (None: none given)."""
    tillagg = change.andring.tillagg
    if tillagg.belopp_per_avtalsar is None:
        return None
    if tillagg.finansiar is not None:
        return tillagg.finansiar
    return next((row.namn for row in change.before.finansiarer if row.region), None)


def region_given(change: Change) -> bool:
    """Whether the change gives an amount of the region's own share."""
    given = _given(change)
    stepped = _stepped_name(change)
    return any(
        row.region and (row.namn in given or row.namn == stepped)
        for row in change.before.finansiarer
    )


def _steps(change: Change) -> str:
    """The amounts per avtalsår the change gives, from the first avtalsår it changes
    (Swedish): ``1 200 000 kronor för avtalsår 2 (1 augusti 2025–31 juli 2026) i stället
    för 1 500 000 kronor och 400 000 kronor för avtalsår 3 (1 augusti 2026–31 december
    2026), oförändrat``; the amount before the change where the avtalsår is the same. The
    avtalsår's dates as running text writes them: the sentence is running text."""
    name = _stepped_name(change)
    after = next((row for row in change.after.finansiarer if row.namn == name), None)
    before = next((row for row in change.before.finansiarer if row.namn == name), None)
    if after is None or before is None:
        return ""
    old = {
        (year.start, year.slut): amount
        for year, amount in zip(change.before.avtalsar, before.per_avtalsar, strict=False)
    }
    fran = change.andring.fran
    parts = []
    for year, amount in zip(change.after.avtalsar, after.per_avtalsar, strict=False):
        if year.slut < fran:
            continue
        text = (
            f"{fmt.kronor(amount)} för avtalsår {year.nummer} "
            f"({fmt.intervall_text(year.start, year.slut)})"
        )
        was = old.get((year.start, year.slut))
        if was is not None and was == amount:
            text += ", oförändrat"
        elif was is not None:
            text += f" i stället för {fmt.kronor(was)}"
        else:  # an avtalsår an extension lengthens: what it was
            shorter = next(((start, end) for start, end in old if start == year.start), None)
            if shorter is not None:
                text += (
                    f" i stället för {fmt.kronor(old[shorter])} för "
                    f"{fmt.intervall_text(shorter[0], shorter[1])}"
                )
        parts.append(text)
    return fmt.och(parts)


def cofinancier_changes(change: Change) -> list[str]:
    """Each co-financier's share the change gives, in words to follow "så att" (Swedish):
    ``Luleå kommuns medfinansiering upphör``, ``Piteå kommuns medfinansiering är 100 000
    kronor årligen i stället för 250 000 kronor årligen``."""
    given = _given(change)
    found = []
    for row in change.before.medfinansiarer:
        if row.namn not in given:
            continue
        amount = given[row.namn]
        owner = fmt.genitive(row.namn)
        if amount == 0:
            found.append(f"{owner} medfinansiering upphör")
            continue
        text = f"{owner} medfinansiering är {fmt.kronor(amount)} årligen"
        if row.per_ar is not None:
            text += f" i stället för {fmt.kronor(row.per_ar)} årligen"
        found.append(text)
    return found


def _calendar_years(tillagg: Tillagg, fran: dt.date | None) -> dict[str, str]:
    """The amounts per calendar year an extension from ``fran`` gives co-financiers, in
    words, by name: ``100 000 kronor för 2028 (från och med den 1 juli 2028), 250 000
    kronor för 2029 och 100 000 kronor för 2031 (till och med den 30 juni 2031)``: a year
    the extension covers in part says which part (its first year's only where ``fran``
    is known)."""
    end = tillagg.ny_slutdag
    found = {}
    for name, years in (tillagg.medfinansiarer_per_kalenderar or {}).items():
        parts = []
        for year in years:
            text = f"{fmt.kronor(year.belopp)} för {year.ar}"
            if fran is not None and year.ar == fran.year and (fran.month, fran.day) != (1, 1):
                text += f" (från och med {fmt.datum_text(fran)})"
            elif end is not None and year.ar == end.year and (end.month, end.day) != (12, 31):
                text += f" (till och med {fmt.datum_text(end)})"
            parts.append(text)
        found[name] = fmt.och(parts)
    return found


def _goes_on(name: str, change: Change) -> bool:
    """Whether the co-financier ``name`` co-finances the extension: an amount a year, or
    an amount for some calendar year of it, that is not 0. The tilläggsavtal's condition
    and its "medfinansierar inte förlängningen" both ask this, so they cannot both name it."""
    calendar = change.andring.tillagg.medfinansiarer_per_kalenderar or {}
    return bool(_given(change).get(name)) or any(year.belopp for year in calendar.get(name, ()))


def extension_cofinancing(change: Change) -> str:
    """The co-financiers' amounts a year during an extension, as conditions (Swedish):
    ``under förutsättning av medfinansiering under förlängningen från Luleå kommun med
    250 000 kronor årligen``, and per calendar year where given so; empty when none goes
    on."""
    given = _given(change)
    calendar = _calendar_years(change.andring.tillagg, change.andring.fran)
    going = [
        f"{row.namn} med {calendar[row.namn]}"
        if row.namn in calendar
        else f"{row.namn} med {fmt.kronor(given[row.namn])} årligen"
        for row in change.before.medfinansiarer
        if _goes_on(row.namn, change)
    ]
    if not going:
        return ""
    return f"under förutsättning av medfinansiering under förlängningen från {fmt.och(going)}"


def _extension_cofinancing_text(change: Change) -> tuple[str, ...]:
    """What the tilläggsavtal says of the co-financiers during an extension."""
    if not change.before.medfinansiarer:
        return ()
    ending = [row.namn for row in change.before.medfinansiarer if not _goes_on(row.namn, change)]
    lines = []
    going = extension_cofinancing(change)
    if going:
        lines.append(f"Regionens bidrag för förlängningen lämnas {going}.")
    if ending:
        lines.append(
            f"{fmt.och(ending)} medfinansierar inte förlängningen; "
            f"{'dess' if len(ending) == 1 else 'deras'} bidrag enligt avtalet avser tiden till "
            f"och med {fmt.datum_text(change.before.period.slut)}."
        )
    return tuple(lines)


def change_text(change: Change) -> tuple[str, ...]:
    """What changes and from when, in the tilläggsavtal's words (Swedish): dates in
    running text as running text writes them (``den 31 december 2029``)."""
    andring, before, after = change.andring, change.before, change.after
    tillagg = andring.tillagg
    old, new = before.period, after.period
    total = (
        f"Regionens bidrag för hela avtalstiden, {fmt.period_text(new.start, new.slut)}, uppgår "
        f"därmed till sammanlagt {fmt.kronor(after.region_summa)} i stället för "
        f"{fmt.kronor(before.region_summa)}."
    )
    # The agreement states the whole financing, co-financiers included: it changes too.
    whole = (
        (f"Den samlade finansieringen, medfinansieringen inräknad, uppgår därmed till "
         f"{fmt.kronor(after.summa)} i stället för {fmt.kronor(before.summa)}.",)
        if after.medfinansiarer and after.summa != before.summa
        else ()
    )  # fmt: skip
    # The region budgets per calendar year: what falls on each, as the extract says it.
    split = tuple(text for text in (budget_split_text(andring, "Regionens bidrag"),) if text)
    if tillagg.typ is Tillaggstyp.FORLANGNING:
        return (
            f"Avtalstiden förlängs till och med {fmt.datum_text(new.slut)}. Avtalet gäller "
            f"därmed {fmt.period_text(new.start, new.slut)} i stället för till och med "
            f"{fmt.datum_text(old.slut)}. {extension_years(change)}",
            f"{extension_lead(change, 'Regionens bidrag', years_said=True)} är "
            f"{extension_amount(change)}{from_sources(after)}.",
            *_extension_cofinancing_text(change),
            total,
            *whole,
            *split,
        )
    # The sources, as the decision's extract states them (a förlängning names them with
    # the extension's amount).
    total_from = f"{total[:-1]}, och medlen anvisas från {fmt.och(after.kallor)}."
    if tillagg.typ is Tillaggstyp.NYTT_BELOPP:
        since = f"Från och med {fmt.datum_text(andring.fran)}"
        region: tuple[str, ...] = (f"{since} är Regionens bidrag {new_amount(change)}.",)
        if not region_given(change):
            region = ()
            total_from = (
                f"Regionens bidrag är oförändrat: för hela avtalstiden, "
                f"{fmt.period_text(new.start, new.slut)}, sammanlagt "
                f"{fmt.kronor(after.region_summa)} från {fmt.och(after.kallor)}."
            )
        cofinanced = tuple(f"{since} {line}." for line in _inverted(cofinancier_changes(change)))
        return (*region, *cofinanced, total_from, *whole, *(split if region else ()))
    shares = fmt.och([f"{row.namn} med sammanlagt {fmt.kronor(row.summa)}"
                   for row in after.medfinansiarer])  # fmt: skip
    cofinanced = (
        (f"Övriga finansiärers bidrag enligt avtalet avser tiden till och med "
         f"{fmt.datum_text(new.slut)}: {shares}.",)
        if after.medfinansiarer
        else ()
    )  # fmt: skip
    return (
        f"Avtalet upphör att gälla i förtid, med utgången av {fmt.datum_text(new.slut)} i "
        f"stället för {fmt.datum_text(old.slut)}. Avtalet gäller därmed "
        f"{fmt.period_text(new.start, new.slut)}.",
        f"Utbetalningar för tiden efter {fmt.datum_text(new.slut)} görs inte.",
        total_from,
        *cofinanced,
        *whole,
    )


def _inverted(lines: list[str]) -> list[str]:
    """Clauses of :func:`cofinancier_changes` after a fronted adverbial ("Från och med …"):
    the verb before its subject (``upphör Luleå kommuns medfinansiering``)."""
    found = []
    for line in lines:
        subject, _sep, rest = line.partition(" medfinansiering ")
        verb, _space, tail = rest.partition(" ")
        found.append(f"{verb} {subject} medfinansiering{' ' + tail if tail else ''}")
    return found


def end_terms(change: Change, arende: Arende, program: Program) -> tuple[str, ...]:
    """What an early end means for the actor's commitments, citing the agreement's clauses
    by number and heading as the agreement has them (not what they do not say: the
    agreement may know no final report), and for its external evaluation when its date
    falls after the new end (the agreement's date stays: it evaluates the financing as it
    ran, and the actor takes part in it as the clause says). Empty for other changes."""
    if change.andring.tillagg.typ is not Tillaggstyp.UPPHORANDE:
        return ()
    from avtalsgen.model.agreement import choose_clauses

    slut = change.after.period.slut
    chosen = [val for val in choose_clauses(arende, program) if val.med]
    clauses = {val.id: (number, val.rubrik) for number, val in enumerate(chosen, 1)}
    cited = [f"punkt {n} {rubrik}" for key in ("rapportering", "uppfoljning")
             if key in clauses for n, rubrik in [clauses[key]]]  # fmt: skip
    among = f", däribland de enligt {fmt.och(cited)}," if cited else ""
    terms = [
        f"Aktörens åtaganden enligt avtalet{among} avser tiden till och med {fmt.datum_text(slut)}."
    ]
    evaluation = arende.extern_utvardering_senast
    if evaluation > slut and "uppfoljning" in clauses:
        number = clauses["uppfoljning"][0]
        terms.append(
            f"Den externa utvärderingen av finansieringen enligt punkt {number} görs som "
            f"avtalet anger, senast {fmt.datum_text(evaluation)}, och avser tiden till och "
            f"med {fmt.datum_text(slut)}. Aktören medverkar i den enligt samma punkt även "
            "efter att avtalet har upphört."
        )
    return tuple(terms)


def lengthened_avtalsar(change: Change) -> Avtalsar | None:
    """The avtalsår an extension lengthens with another amount: the one it begins in, whose
    months before the extension the change alters (:func:`applies_from_day` before the
    extension's first day); None for an extension that begins an avtalsår of its own."""
    andring = change.andring
    if andring.tillagg.typ is not Tillaggstyp.FORLANGNING:
        return None
    if applies_from_day(andring) >= andring.fran:
        return None
    return next((y for y in change.after.avtalsar if y.start < andring.fran <= y.slut), None)


def extension_years(change: Change) -> str:
    """The avtalsår the extension makes, each with its dates, as running text writes them:
    ``Förlängningen omfattar avtalsår 4 (1 januari 2027–31 december 2027), avtalsår 5 (…)
    och avtalsår 6 (…).`` Where it lengthens the avtalsår the old avtalstid ended in (a
    short last avtalsår goes on to a full year), that avtalsår first: ``Avtalsår 3
    (1 augusti 2026–31 december 2026) förlängs till och med den 31 juli 2027, och
    förlängningen omfattar därefter avtalsår 4 (1 augusti 2027–31 juli 2028) …``. (The
    table showed the extension's avtalsår; the text said only the new last day.)"""
    old_end = change.before.period.slut
    before = {year.nummer: year for year in change.before.avtalsar}

    def named(year: Avtalsar) -> str:
        return f"avtalsår {year.nummer} ({fmt.intervall_text(year.start, year.slut)})"

    lengthened = [y for y in change.after.avtalsar if y.start <= old_end < y.slut]
    added = [named(y) for y in change.after.avtalsar if y.start > old_end]
    if not lengthened:
        return f"Förlängningen omfattar {fmt.och(added)}."
    year = lengthened[0]
    was = before.get(year.nummer, year)
    text = (
        f"Avtalsår {year.nummer} ({fmt.intervall_text(was.start, was.slut)}) förlängs till "
        f"och med {fmt.datum_text(year.slut)}"
    )
    if added:
        text += f", och förlängningen omfattar därefter {fmt.och(added)}"
    return text + "."


def extension_lead(change: Change, subject: str, *, years_said: bool = False) -> str:
    """The start of the sentence on ``subject`` (the region's amount) during an extension,
    to go on with "är …": ``Regionens bidrag för förlängningen, från och med den 1 januari
    2027 till och med den 31 december 2029,``. Where the extension lengthens the last
    avtalsår with another amount, the amount is not the extension's alone and runs from
    that avtalsår's first day: ``Avtalsår 3 förlängs till och med den 31 juli 2027.
    Regionens bidrag från och med den 1 augusti 2026 till och med den 31 december 2029``
    (it said "för förlängningen, från och med den 1 januari 2027", then named avtalsår 3
    from 2026-08-01). ``years_said``: the lengthening is already told
    (:func:`extension_years`), and is not told again."""
    andring, new = change.andring, change.after.period
    year = lengthened_avtalsar(change)
    if year is None:
        return f"{subject} för förlängningen, {fmt.period_text(andring.fran, new.slut)},"
    first = applies_from_day(andring)
    lengthened = (
        ""
        if years_said
        else f"Avtalsår {year.nummer} förlängs till och med {fmt.datum_text(year.slut)}. "
    )
    return f"{lengthened}{subject} {fmt.period_text(first, new.slut)}"


def extension_amount(change: Change) -> str:
    """The region's amount a year during the extension: ``oförändrat 1 500 000 kronor
    årligen: 1 000 000 kronor från ERP och 500 000 kronor från …`` (each source's share
    where there are several)."""
    tillagg = change.andring.tillagg
    rows = [row for row in change.after.finansiarer if row.region]

    given = given_amounts(change.andring.fore, tillagg)
    before = {row.namn: row.per_ar for row in change.before.finansiarer}
    stepped = _stepped_name(change)
    if stepped is not None:
        others = [
            f"oförändrat {fmt.kronor(row.per_ar)} årligen från {row.kalla or row.namn}"
            for row in change.before.finansiarer
            if row.region and row.namn != stepped and row.per_ar is not None
        ]
        source = next((row.kalla for row in rows if row.namn == stepped), None)
        text = _steps(change) + (f" från {source}" if others and source else "")
        return fmt.och([text, *others])

    def rate(namn: str) -> int:
        if namn in given:
            return given[namn]
        per_ar = before.get(namn)
        assert per_ar is not None, "an unchanged amount is the same every year"
        return per_ar

    rates = [(row.kalla or row.namn, rate(row.namn)) for row in rows]
    text = f"{fmt.kronor(sum(amount for _, amount in rates))} årligen"
    if len(rates) > 1:
        text += ": " + fmt.och([f"{fmt.kronor(amount)} från {source}" for source, amount in rates])
    return ("" if any(row.namn in given for row in rows) else "oförändrat ") + text


def new_amount(change: Change) -> str:
    """The region's new amount a year and what it replaces: ``1 200 000 kronor årligen från
    … i stället för 1 000 000 kronor årligen``; where the amount it replaces was one per
    avtalsår, each avtalsår's amount after the change against its amount before, in like
    terms: ``800 000 kronor årligen, vilket för avtalsår 3 (6 månader) är 400 000 kronor i
    stället för 500 000 kronor`` (a short avtalsår's amount against a yearly rate read as a
    raise where it was a cut)."""
    before = change.before
    rows = [row for row in before.finansiarer if row.region]
    if _stepped_name(change) is not None:
        return _steps(change)
    given = _given(change)
    name = next((row.namn for row in rows if row.namn in given), "")
    row = next((row for row in rows if row.namn == name), None)
    text = f"{fmt.kronor(given.get(name, 0))} årligen"
    if len(rows) > 1:  # by its source, as the decision's "anvisas från" names it
        text += f" från {row.kalla if row is not None and row.kalla else name}"
    if row is not None and row.per_ar is not None:
        text += f" i stället för {fmt.kronor(row.per_ar)} årligen"
    elif row is not None:  # an amount that changed from year to year: each year's
        replaced = _years_replaced(change, name, row.per_avtalsar)
        if replaced:
            text += f", vilket {fmt.och(replaced)}"
    return text


def _years_replaced(change: Change, name: str, amounts: Sequence[int]) -> list[str]:
    """What the financier ``name`` gives each avtalsår from the change's day on, after the
    change and before it (``amounts``, its amount per avtalsår before): ``för avtalsår 3
    (6 månader) är 400 000 kronor i stället för 500 000 kronor``: ``är`` in each, so that no
    year's number stands right before its amount (``för avtalsår 3 800 000 kronor`` reads as
    3 800 000 kronor)."""
    after = next((row for row in change.after.finansiarer if row.namn == name), None)
    if after is None:
        return []
    replaced: list[str] = []
    for year, old, new in zip(change.before.avtalsar, amounts, after.per_avtalsar, strict=False):
        if year.start < change.andring.fran:
            continue
        months = "" if year.manader == 12 else f" ({fmt.tidslangd(year.manader)})"
        replaced.append(
            f"för avtalsår {year.nummer}{months} är {fmt.kronor(new)} i stället för "
            f"{fmt.kronor(old)}"
        )
    return replaced


#: What the payment plan says of a payment whose day has passed when the tilläggsavtal is
#: signed: the plan follows the day the committee decided the change from, and the parties
#: sign later (a tilläggsavtal is made once the agreement it changes is signed).
LATE_PAYMENTS = (
    "En utbetalning i utbetalningsplanen vars dag har passerat när båda parter har "
    "undertecknat tilläggsavtalet görs när det har undertecknats, med avdrag för det som "
    "Regionen redan har betalat ut enligt avtalet för samma tid."
)


#: What becomes of a payment made under the agreement for time the plan now pays less for
#: (an early end, a lower amount): the payment made at the signing, less what was paid,
#: would be below nothing. A term of the tilläggsavtal's own: the program's clause on
#: repayment (Återbetalning) covers money used against the agreement or left unused when it
#: ends, not money paid ahead for time the agreement no longer pays for, so it is not cited.
OVERPAID = (
    "Har Regionen för samma tid redan betalat ut mer enligt avtalet än utbetalningsplanen "
    "anger, betalar Aktören tillbaka det som har betalats ut för mycket."
)


def _pays_less(change: Change, since: dt.date) -> bool:
    """Whether the plan after the change pays less from ``since`` on than the agreement's."""
    return sum(p.belopp for p in change.after.utbetalningar if p.datum >= since) < sum(
        p.belopp for p in change.before.utbetalningar if p.datum >= since
    )


def applies_from(
    andring: Andring, namnd: str, decision: tuple[dt.date, int], *, change_point: int
) -> str:
    """When the change applies: from the day the committee decided it from (the first day
    whose facts change), even if the tilläggsavtal is signed later. The committee's
    decision sets the grant from that day, and the payment plan follows it; the
    tilläggsavtal is signed only once the agreement it changes is, so it is often signed
    after that day."""
    organ = fmt.genitive(fmt.in_running_text(namnd))
    return (
        f"Ändringen i § {change_point} gäller från och med "
        f"{fmt.datum_text(applies_from_day(andring))}, "
        f"enligt {organ} beslut {fmt.datum_text(decision[0])}, § {decision[1]}, även om "
        "tilläggsavtalet undertecknas senare."
    )


def _changed_payments(change: Change) -> tuple[Betalning, ...]:
    """The payment plan after the change from its first payment that differs from the
    agreement's (a payment added, or one whose date, amount or months differ)."""
    old = {(p.datum, p.belopp, p.start, p.slut) for p in change.before.utbetalningar}
    shown = view(change.after).utbetalningar
    for index, payment in enumerate(change.after.utbetalningar):
        if (payment.datum, payment.belopp, payment.start, payment.slut) not in old:
            return shown[index:]
    return ()


def build_tillagg_context(
    case: LoadedCase,
    arende: Arende,
    andring: Andring,
    nummer: int,
    *,
    undertecknat: dt.date | None,
    beslut: tuple[dt.date, int],
    tillaggsbeslut: tuple[dt.date, int],
) -> TillaggContext:
    """The tilläggsavtal nr ``nummer`` of ``arende`` (the case as granted: its ``exempel``
    says whether the documents are marked as examples): the agreement it changes, concluded
    on ``undertecknat`` (its last party's signature; None: not known), resting on
    the decision ``beslut`` (date, §), changed by ``andring``, decided ``tillaggsbeslut``."""
    program = case.program
    change = change_of(andring, program)
    after = change.after
    region = program.region
    aktor = arende.aktor
    payments = _changed_payments(change)
    namnd = arende.namnd
    avtal = program.avtal.rubrik
    avtal_lower = avtal[0].lower() + avtal[1:]
    # Named by the day it was concluded, its last party's signature: the agreement states
    # no date of its own ("Datum: enligt den elektroniska underskriften"), so avtal.datum,
    # which its signatures need not keep to, is not it; a day not known is not stated.
    dated = f", undertecknat {fmt.datum_text(undertecknat)}" if undertecknat is not None else ""
    # Nr 2 changes the agreement as nr 1 left it: its amounts "i stället för" are those.
    amended = (
        f", i dess lydelse enligt tilläggsavtal nr {fmt.och([str(n) for n in range(1, nummer)])}"
        if nummer > 1
        else ""
    )
    points: list[tuple[str, tuple[str, ...], str]] = [
        (
            "Parter",
            (
                f"{region.namn}, organisationsnummer {fmt.ifylls(region.organisationsnummer)}, "
                "nedan kallad Regionen, och",
                f"{aktor.namn}, organisationsnummer {fmt.ifylls(aktor.organisationsnummer)}, "
                "nedan kallad Aktören.",
            ),
            "text",
        ),
        (
            "Avtalet som ändras",
            (
                f"Detta tilläggsavtal ändrar {avtal_lower} mellan parterna, Dnr {arende.dnr}"
                f"{dated}{amended} (nedan kallat avtalet). Avtalet grundar sig på "
                f"{fmt.genitive(fmt.in_running_text(namnd))} beslut "
                f"{fmt.datum_text(beslut[0])}, § {beslut[1]}.",
                f"{namnd} beslutade {fmt.datum_text(tillaggsbeslut[0])}, § {tillaggsbeslut[1]}, "
                "om den ändring av avtalet som detta tilläggsavtal anger.",
            ),
            "text",
        ),
        ("Ändring", (*change_text(change), *end_terms(change, arende, program)), "text"),
    ]
    change_point = len(points)  # the §-point that states the change
    if payments:
        points.append(
            (
                "Belopp per avtalsår och utbetalningsplan",
                (
                    "Regionens bidrag per avtalsår efter ändringen framgår av tabellen nedan. "
                    f"Från och med {fmt.datum_text(payments[0].datum)} görs utbetalningarna "
                    "enligt utbetalningsplanen nedan; utbetalningar före den dagen görs enligt "
                    "avtalet.",
                    # The plan follows the decided date, which may come before the signing.
                    LATE_PAYMENTS,
                    *((OVERPAID,) if _pays_less(change, payments[0].datum) else ()),
                ),
                "finansiering",
            )
        )
    else:
        points.append(
            (
                "Belopp per avtalsår och utbetalningsplan",
                (
                    "Regionens bidrag per avtalsår efter ändringen framgår av tabellen nedan. "
                    "Utbetalningarna till och med avtalets nya sista dag görs enligt avtalet.",
                ),
                "finansiering",
            )
        )
    points += [
        (
            "Oförändrade villkor",
            (
                "I övrigt gäller avtalet oförändrat. Det som avtalet säger om avtalstiden och "
                "Regionens bidrag gäller med de ändringar som detta tilläggsavtal anger.",
            ),
            "text",
        ),
        (
            "Giltighet",
            (
                "Detta tilläggsavtal träder i kraft när båda parter har undertecknat det och "
                "utgör en del av avtalet. "
                + applies_from(andring, namnd, tillaggsbeslut, change_point=change_point),
            ),
            "text",
        ),
        (
            "Underskrifter",
            (
                "Tilläggsavtalet undertecknas av parterna med avancerade elektroniska "
                "underskrifter, i stället för i två likalydande exemplar.",
            ),
            "underskrifter",
        ),
    ]
    tillagg = Tillaggsavtal(
        typ=andring.tillagg.typ,
        nummer=nummer,
        rubrik=f"Tilläggsavtal nr {nummer}",
        underrubrik=f"till {avtal_lower}",
        punkter=tuple(
            Punkt(number, heading, _paragraphs(text), typ)
            for number, (heading, text, typ) in enumerate(points, 1)
        ),
        avtalsar=after.avtalsar,
        utbetalningar=payments,
        fran=payments[0].datum if payments else None,
        finansiering=_shown(andring, after),
        underskrifter=(
            signature(region.namn, program.avtal.undertecknare),
            signature(aktor.namn, arende.avtal.undertecknare),
        ),
    )
    return TillaggContext(arende=arende, program=program, tillagg=tillagg)


def _shown(andring: Andring, after: Berakning) -> Pengar:
    """The financing after the change as the tilläggsavtal's tables show it. An early end
    leaves its last avtalsår the share of its months of the year's amount, whatever the
    amounts were: said under the table for stepped amounts too (a co-financed agreement's
    avtalsår 2 read 800 000 kr against the agreement's 1 200 000, unexplained)."""
    shown = view(after)
    note = shorter_year_note(after)
    if andring.tillagg.typ is Tillaggstyp.UPPHORANDE and note and note not in shown.noter:
        return dataclasses.replace(shown, noter=(note, *shown.noter))
    return shown


def _region_months(money: Finansiering) -> dict[dt.date, int]:
    """The region's share in each month of ``money``'s period (1/:data:`SCALE` kronor),
    by the month's first day."""
    period = money.period
    months: dict[dt.date, int] = {}
    for row in money.finansiarer:
        if row.region:
            for month, amount in zip(period.months(), monthly_amounts(row, period), strict=True):
                months[month] = months.get(month, 0) + amount
    return months


def applies_from_day(andring: Andring) -> dt.date:
    """The first day the change applies to, the first of the region's share that it
    alters: its own day, or the first day of an avtalsår an extension lengthens with
    another amount, whose months before the extension it changes (avtalsår 3,
    2026-08-01–2026-12-31 at 400 000 kronor, made 2026-08-01–2027-07-31 at 1 000 000: its
    months of 2026 are paid at the new amount's rate; the tilläggsavtal said "gäller från
    och med den 1 januari 2027")."""
    before, after = _region_months(andring.fore), _region_months(andring.efter)
    changed = [month for month, amount in after.items() if before.get(month) != amount]
    first = min(changed, default=andring.fran)
    return min(first, andring.fran)


def changed_budget_years(andring: Andring) -> list[tuple[int, int]]:
    """What falls on each budget (calendar) year of the region's share from the first day
    the change alters (:func:`applies_from_day`) to the agreement's end, in whole kronor
    (the last year takes what rounding leaves, so that they add up to the whole): an
    extension's or a new amount's, which a decision over broken years shows. Empty for an
    early end, and where the time covers whole calendar years only."""
    if andring.tillagg.typ is Tillaggstyp.UPPHORANDE:
        return []
    start, end = applies_from_day(andring), andring.efter.period.slut
    if start > end or (start.month == 1 and end.month == 12):
        return []
    sums: dict[int, int] = {}
    for month, amount in _region_months(andring.efter).items():
        if month >= start.replace(day=1):
            sums[month.year] = sums.get(month.year, 0) + amount
    whole = sum(sums.values()) // SCALE
    years = sorted(sums)
    found = [(year, sums[year] // SCALE) for year in years[:-1]]
    return [*found, (years[-1], whole - sum(amount for _, amount in found))] if years else []


def budget_split_text(andring: Andring, subject: str) -> str:
    """What falls on each budget year, as a sentence of ``subject`` (``Bidraget``,
    ``Regionens bidrag``): ``… för förlängningen fördelas på budgetåren med 300 000 kronor
    för 2027, …``; ``… från och med den 1 augusti 2026 fördelas …`` where it begins before
    the extension or is a new amount's. Empty where it covers whole calendar years."""
    years = changed_budget_years(andring)
    if len(years) < 2:
        return ""
    split = per_kalenderar_steps([y for y, _ in years], [a for _, a in years])
    start = applies_from_day(andring)
    if andring.tillagg.typ is Tillaggstyp.FORLANGNING and start == andring.fran:
        return f"{subject} för förlängningen fördelas på budgetåren med {split}."
    return f"{subject} från och med {fmt.datum_text(start)} fördelas på budgetåren med {split}."


def _budget_point(andring: Andring) -> tuple[str, ...]:
    """The decision's point on what falls on each budget year (none where it covers whole
    calendar years)."""
    text = budget_split_text(andring, "Bidraget")
    return (text,) if text else ()


def decision_points(
    namnd: str, aktor: str, andring: Andring, nummer: int, program: Program
) -> tuple[str, ...]:
    """The decision on a change of the running agreement as the protocol extract states
    it, one point each (Swedish), in the style of the case's decision points; its dates in
    running text as running text writes them (``den 31 december 2029``; domain.md: ISO in
    headers and tables), where the case's own points, copied from the proposal, are the
    case's words."""
    change = change_of(andring, program)
    before, after = change.before, change.after
    tillagg = andring.tillagg
    old, new = before.period, after.period
    whole = fmt.period_text(new.start, new.slut)
    total = f"sammanlagt {fmt.kronor(after.region_summa)}"
    region = program.region.namn
    # The whole financing, co-financiers included, where a co-financier's share changes.
    samlad = (
        (f"Den samlade finansieringen, medfinansieringen inräknad, uppgår därmed till "
         f"{fmt.kronor(after.summa)}.",)
        if after.medfinansiarer and after.summa != before.summa
        else ()
    )  # fmt: skip
    if tillagg.typ is Tillaggstyp.FORLANGNING:
        condition = extension_cofinancing(change)
        points = (
            f"{namnd} beslutar att förlänga samarbetsavtalet med {aktor} till och med "
            f"{fmt.datum_text(new.slut)}, så att avtalstiden blir {whole}.",
            f"{extension_lead(change, f'{region}s bidrag')} är "
            f"{extension_amount(change)}{from_sources(after)}. Bidraget för hela "
            f"avtalstiden uppgår därmed till {total}.",
            *((f"Bidraget för förlängningen lämnas {condition}.",) if condition else ()),
            *samlad,
        )
    elif tillagg.typ is Tillaggstyp.NYTT_BELOPP:
        since = fmt.datum_text(andring.fran)
        cofinanced = cofinancier_changes(change)
        points = (
            *(
                (f"{namnd} beslutar att {region}s bidrag till {aktor} från och med {since} "
                 f"ska vara {new_amount(change)}.",)
                if region_given(change)
                else ()
            ),
            *(
                (f"{namnd} beslutar att samarbetsavtalet med {aktor} ändras från och med "
                 f"{since} så att {fmt.och(cofinanced)}.",)
                if cofinanced
                else ()
            ),
            f"Bidraget för hela avtalstiden, {whole}, uppgår därmed till {total}, och medlen "
            f"anvisas från {fmt.och(after.kallor)}.",
            *samlad,
        )  # fmt: skip
    else:
        points = (
            f"{namnd} beslutar att samarbetsavtalet med {aktor} upphör i förtid med "
            f"utgången av {fmt.datum_text(new.slut)} i stället för {fmt.datum_text(old.slut)}.",
            f"Utbetalningar för tiden efter {fmt.datum_text(new.slut)} görs inte, och {region}s "
            f"bidrag för avtalstiden, {whole}, uppgår därmed till {total} från "
            f"{fmt.och(after.kallor)}.",
        )
    return (
        *points,
        *_budget_point(andring),
        f"Regionala utvecklingsdirektören ges i uppdrag att upprätta tilläggsavtal nr {nummer} "
        "till samarbetsavtalet enligt detta beslut.",
    )


def proposed_change(aktor: str, tillagg: Tillagg, region: str, regional: Collection[str]) -> str:
    """A change of the running agreement as proposed, to follow "förslaget att" (Swedish):
    ``förlänga samarbetsavtalet med … till och med den 31 december 2029``. ``regional`` names the
    financiers of the region's own share: a ``finansiar`` not among them is a co-financier,
    whose amount is worded as its share (``Luleå kommuns medfinansiering upphör``)."""
    amount = ""
    given = dict(tillagg.medfinansiarer or {})
    named, per_ar = tillagg.finansiar, tillagg.belopp_per_ar
    if tillagg.typ is Tillaggstyp.NYTT_BELOPP and named is not None and named not in regional:
        if per_ar is not None:  # a co-financier's new share, not the region's bidrag
            given = {named: per_ar, **given}
    elif per_ar is not None:
        amount = f"{fmt.kronor(per_ar)} årligen"
    elif tillagg.belopp_per_avtalsar is not None:
        steps = fmt.och([fmt.kronor(step) for step in tillagg.belopp_per_avtalsar])
        amount = f"{steps} (ett belopp per avtalsår)"
    if amount and named is not None:
        amount += f" från {named}"
    shares = [
        f"{fmt.genitive(name)} medfinansiering upphör"
        if share == 0
        else f"{fmt.genitive(name)} medfinansiering är {fmt.kronor(share)} årligen"
        for name, share in given.items()
    ]
    if tillagg.typ is Tillaggstyp.FORLANGNING:
        text = (
            f"förlänga samarbetsavtalet med {aktor} till och med "
            f"{fmt.datum_text(tillagg.ny_slutdag)}"
        )
        calendar = _calendar_years(tillagg, None)  # the agreement's end is not known here
        going = [
            f"{name} med {fmt.kronor(share)} årligen"
            for name, share in (tillagg.medfinansiarer or {}).items()
            if share
        ] + [f"{name} med {steps}" for name, steps in calendar.items()]
        text += f", med {amount} för förlängningen" if amount else ""
        return text + (f" och medfinansiering från {fmt.och(going)}" if going else "")
    if tillagg.typ is Tillaggstyp.NYTT_BELOPP and (shares or not amount):
        if amount:
            shares.insert(0, f"{region}s bidrag är {amount}")
        return (
            f"samarbetsavtalet med {aktor} ska ändras från och med "
            f"{fmt.datum_text(tillagg.fran)} så att {fmt.och(shares)}"
        )
    if tillagg.typ is Tillaggstyp.NYTT_BELOPP:
        return (
            f"{region}s bidrag till {aktor} från och med {fmt.datum_text(tillagg.fran)} ska vara "
            f"{amount}"
        )
    return (
        f"samarbetsavtalet med {aktor} ska upphöra i förtid med utgången av "
        f"{fmt.datum_text(tillagg.sista_dag)}"
    )


#: What the committee decided on a proposed change it did not grant (Swedish).
_NOT_GRANTED = {
    Utfall.AVSLAG: "{namnd} avslår förslaget att {change}.",
    Utfall.ATERREMISS: (
        "{namnd} beslutar att återremittera förslaget att {change} till förvaltningen."
    ),
    Utfall.BORDLAGGNING: "{namnd} beslutar att bordlägga förslaget att {change}.",
}


def not_granted_text(
    namnd: str,
    aktor: str,
    tillagg: Tillagg,
    utfall: Utfall,
    region: str,
    regional: Collection[str],
) -> str:
    """The decision on a proposed change of the running agreement that the committee
    rejected, referred back or postponed, naming the change (no tilläggsavtal follows);
    ``regional`` names the financiers of the region's own share."""
    change = proposed_change(aktor, tillagg, region, regional)
    return _NOT_GRANTED[utfall].format(namnd=namnd, change=change)
