"""What a bifall med ändring's words say against what it decides.

A paragraph's ``andring`` is the change in the committee's words ("beloppet är 1 800 000
kronor avtalsår 1 ..."), which the extract prints after "med den ändringen att", and its
``finansiering`` is the financing decided, which the extract's points, the samarbetsavtal and
its payment plan state. Typed twice, they may disagree; the extract would then contradict
itself. Every amount the words name must be a figure of the decided financing (or, right
after "från", of the proposal's: "sänks från 2 000 000 kronor till ..."), and every date one
of the decided period's (its start, its end, an avtalsår's start or end) where its clause
says it is the period's ("perioden slutar 2027-08-31"; not a condition's "senast
2026-06-30").

The case's own dates that must lie within the period (the external evaluation, the first
follow-up) are checked against the decided period too: a decision that shortens the period
leaves them after its end otherwise (:func:`period_problems`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from avtalsgen.documents.months import MONTHS
from avtalsgen.i18n import N_, _, format_amount
from avtalsgen.model import Arende, Program
from avtalsgen.model.case import term_end, term_of, term_start
from avtalsgen.model.money import Berakning, compute_financing

#: The spaces that may stand between an amount's digit groups as typed or printed.
_GROUP = "[ \u00a0\u202f]"
#: An amount: digit groups (1 800 000, with any of those spaces), or plain digits before a
#: unit (1800000 kronor); a year or a § number alone is no amount.
_AMOUNT: Final = re.compile(
    rf"(?<![\d\-])(\d{{1,3}}(?:{_GROUP}\d{{3}})+|\d+(?={_GROUP}*(?:kronor|kr|SEK)\b))(?![\d\-])"
)
_ISO_DATE: Final = re.compile(r"(?<![\d\-])(\d{4})-(\d{2})-(\d{2})(?![\d\-])")
_WORD_DATE: Final = re.compile(
    rf"(?<!\d)(\d{{1,2}}){_GROUP}({'|'.join(MONTHS)}){_GROUP}(\d{{4}})(?!\d)", re.IGNORECASE
)
_FROM: Final = re.compile(r"\bfrån\s*$", re.IGNORECASE)
#: What says which avtalsår an amount is for, right after it: "1 800 000 kronor avtalsår 1",
#: "... kr för avtalsår 2".
_FOR_YEAR: Final = re.compile(
    rf"{_GROUP}*(?:kronor|kr|SEK)?{_GROUP}*(?:(?:för|under|i){_GROUP}+)?avtalsår{_GROUP}+(\d+)\b",
    re.IGNORECASE,
)
#: What says an amount is a yearly one, right after it: "300 000 kronor per år", "årligen".
_YEARLY: Final = re.compile(
    rf"{_GROUP}*(?:kronor|kr|SEK)?{_GROUP}*(?:per{_GROUP}+år|om{_GROUP}+året|årligen)\b",
    re.IGNORECASE,
)


def _dates(text: str) -> list[tuple[int, str, dt.date | None]]:
    """Each date ``text`` names: where, as written, and the day (None when it is no day)."""
    found: list[tuple[int, str, dt.date | None]] = []
    for match in _ISO_DATE.finditer(text):
        day = _day(int(match[1]), int(match[2]), int(match[3]))
        found.append((match.start(), match[0], day))
    for match in _WORD_DATE.finditer(text):
        month = MONTHS.index(match[2].lower()) + 1
        found.append((match.start(), match[0], _day(int(match[3]), month, int(match[1]))))
    return sorted(found, key=lambda item: item[0])


#: Where a clause of the change begins: a date before it belongs to another clause.
_CLAUSE: Final = re.compile(r"[,;:]|\boch att\b|\bsamt\b", re.IGNORECASE)
#: Words that make a date in their clause one of the period's ("perioden slutar 2027-08-31",
#: "avtalet löper till och med ..."), as against a condition's ("senast 2026-06-30").
_PERIOD_WORDS: Final = re.compile(
    r"period|avtalsår|avtalstid|slutar|slutdag|börjar|startar|löper|förläng|förkort|upphör",
    re.IGNORECASE,
)


def _of_the_period(before: str) -> bool:
    """Whether a date after ``before`` is said to be one of the period's."""
    clause = _CLAUSE.split(before)[-1]
    return _PERIOD_WORDS.search(clause) is not None


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _period_dates(figures: Berakning) -> list[dt.date]:
    days = {figures.period.start, figures.period.slut}
    for year in figures.avtalsar:
        days |= {year.start, year.slut}
    return sorted(days)


def _figures_text(amounts: set[int]) -> str:
    return ", ".join(format_amount(amount) for amount in sorted(amounts))


@dataclass(frozen=True)
class Wording:
    """The messages for what a text of a paragraph names that the decision does not decide:
    its ``andring`` (:data:`ANDRING`) or an amended decision point (:data:`POINT`). Marked
    for translation here, translated where shown; each is formatted with ``amount``,
    ``figures``, ``figure``, ``number`` (the avtalsår), ``count``, ``date``, ``dates``,
    ``where`` (``paragrafer[N]``) and ``point`` (the point's number)."""

    yearly: str
    amount: str
    year: str
    no_year: str
    date: str


ANDRING: Final = Wording(
    yearly=N_(
        "the change in words names {amount} kronor a year, but the financing "
        "decided has no such yearly amount ({figures}): write the decided "
        "amount in andring (or the placeholder {{belopp_arligen}}), or correct "
        "{where}.finansiering"
    ),
    amount=N_(
        "the change in words names {amount} kronor, which is none of the figures of the "
        "financing decided ({figures}): the extract would state both; write the "
        "decided amount in andring (or a placeholder such as {{belopp_per_avtalsar}}), "
        "or correct {where}.finansiering"
    ),
    year=N_(
        "the change in words names {amount} kronor for avtalsår {number}, but the financing "
        "decided gives {figure} kronor for it: write the decided amount in andring (or the "
        "placeholder {{belopp_per_avtalsar}}), or correct {where}.finansiering"
    ),
    no_year=N_(
        "the change in words names avtalsår {number}, but the period decided has "
        "{count} avtalsår: correct andring or {where}.finansiering.period"
    ),
    date=N_(
        "the change in words names the date {date}, which is none of the decided "
        "period's dates ({dates}): write the decided dates in andring (or the "
        "placeholders {{start}} and {{slut}}), or correct "
        "{where}.finansiering.period"
    ),
)

POINT: Final = Wording(
    yearly=N_(
        "point {point} as decided names {amount} kronor a year, but the financing decided "
        "has no such yearly amount ({figures}): write the decided amount in the point (or "
        "the placeholder {{belopp_arligen}}), or, if the committee decided that amount, give "
        "it in {where}.finansiering"
    ),
    amount=N_(
        "point {point} as decided names {amount} kronor, which is none of the figures of "
        "the financing decided ({figures}): the extract would state both; write the decided "
        "amount in the point (or a placeholder such as {{belopp_per_ar}} or {{totalt}}), or, "
        "if the committee decided that amount, give it in {where}.finansiering"
    ),
    year=N_(
        "point {point} as decided names {amount} kronor for avtalsår {number}, but the "
        "financing decided gives {figure} kronor for it: write the decided amount in the "
        "point (or the placeholder {{belopp_per_avtalsar}}), or, if the committee decided "
        "that amount, give it in {where}.finansiering"
    ),
    no_year=N_(
        "point {point} as decided names avtalsår {number}, but the period decided has "
        "{count} avtalsår: correct the point or {where}.finansiering.period"
    ),
    date=N_(
        "point {point} as decided names the date {date}, which is none of the decided "
        "period's dates ({dates}): write the decided dates in the point (or the placeholders "
        "{{start}} and {{slut}}), or, if the committee decided that period, give it in "
        "{where}.finansiering.period"
    ),
)


def andring_problems(
    text: str, arende: Arende, decided: Arende, program: Program, where: str
) -> list[str]:
    """What the change in words (``text``, its placeholders filled in from the decided
    financing) names that the decision does not decide: an amount none of the decided
    financing's figures, a date none of the decided period's. ``where`` names the
    paragraph in the meeting file (``paragrafer[N]``) for the way to fix it."""
    return words_problems(text, arende, decided, program, where, ANDRING)


def words_problems(
    text: str,
    arende: Arende,
    decided: Arende,
    program: Program,
    where: str,
    wording: Wording,
    point: int = 0,
) -> list[str]:
    """What ``text`` (a paragraph's andring or its amended point number ``point``, its
    placeholders filled in from the decided financing) names that the decision does not
    decide, in ``wording``'s words: see :func:`andring_problems`."""
    rules = program.finansiering
    after = compute_financing(decided.finansiering, rules)
    before = compute_financing(arende.finansiering, rules)
    decided_amounts, proposed_amounts = after.amounts(), before.amounts()
    problems: list[str] = []
    for match in _AMOUNT.finditer(text):
        amount = int(re.sub(_GROUP, "", match[1]))
        year = _FOR_YEAR.match(text, match.end())
        if year is not None:
            problems += _year_problems(amount, int(year[1]), after, where, wording, point)
            continue
        if _YEARLY.match(text, match.end()):
            yearly = {row.per_ar for row in after.finansiarer if row.per_ar is not None}
            if after.region_per_ar is not None:
                yearly.add(after.region_per_ar)
            if amount not in yearly:
                problems.append(
                    _(wording.yearly).format(
                        amount=format_amount(amount),
                        figures=_figures_text(yearly) or "–",
                        where=where,
                        point=point,
                    )
                )
            continue
        if amount in decided_amounts:
            continue
        if amount in proposed_amounts and _FROM.search(text[: match.start()]):
            continue  # "sänks från 2 000 000 kronor": the proposal's, named as such
        problems.append(
            _(wording.amount).format(
                amount=format_amount(amount),
                figures=_figures_text(decided_amounts),
                where=where,
                point=point,
            )
        )
    days = _period_dates(after)
    for start, written, day in _dates(text):
        if not _of_the_period(text[:start]) or (day is not None and day in days):
            continue
        problems.append(
            _(wording.date).format(
                date=written,
                dates=", ".join(day.isoformat() for day in days),
                where=where,
                point=point,
            )
        )
    return problems


def _year_problems(
    amount: int, number: int, figures: Berakning, where: str, wording: Wording, point: int
) -> list[str]:
    """An amount the words name for avtalsår ``number``: the region's for that year, or a
    financier's."""
    if not 1 <= number <= len(figures.avtalsar):
        return [
            _(wording.no_year).format(
                number=number, count=len(figures.avtalsar), where=where, point=point
            )
        ]
    index = number - 1
    allowed = {figures.avtalsar[index].belopp}
    allowed |= {
        row.per_avtalsar[index] for row in figures.finansiarer if len(row.per_avtalsar) > index
    }
    if amount in allowed:
        return []
    return [
        _(wording.year).format(
            amount=format_amount(amount),
            number=number,
            figure=format_amount(figures.avtalsar[index].belopp),
            where=where,
            point=point,
        )
    ]


def _start_problems(arende: Arende, start: dt.date, where: str) -> list[tuple[str, str]]:
    """The case's evaluation and first follow-up against a decided start later than the
    case file's (the case file checks them against its own start only)."""
    problems: list[tuple[str, str]] = []
    if arende.extern_utvardering_senast < start:
        problems.append(
            (
                "start",
                _(
                    "the period as decided starts {start}, after the case's external evaluation "
                    "(extern_utvardering_senast: {date}), and the samarbetsavtal would state both: "
                    "set extern_utvardering_senast in the case file to a date from {start}, or "
                    "correct {where}.finansiering.period.start"
                ).format(date=arende.extern_utvardering_senast, start=start, where=where),
            )
        )
    begins = term_start(arende.forsta_uppfoljning)
    if begins is not None and term_end(begins) < start:
        problems.append(
            (
                "start",
                _(
                    "the period as decided starts {start}, after the case's first follow-up "
                    "(forsta_uppfoljning: {term}) is over, and the samarbetsavtal would state "
                    "both: name a later term in forsta_uppfoljning in the case file, e.g. "
                    "{first}, or correct {where}.finansiering.period.start"
                ).format(
                    term=arende.forsta_uppfoljning, start=start, first=term_of(start), where=where
                ),
            )
        )
    return problems


def period_problems(arende: Arende, decided: Arende, where: str) -> list[tuple[str, str]]:
    """The case's dates that must lie within the period and lie after the decided period's
    end (the case file checks them against the proposal's only): the external evaluation
    and the first follow-up, which the samarbetsavtal states. ``where`` names the
    paragraph in the meeting file (``paragrafer[N]``). A decided start later than the
    case file's is checked likewise: the evaluation and the follow-up not over before it.
    Each problem with the period's key it is told at (``start`` or ``slut``)."""
    start, end = decided.finansiering.period.start, decided.finansiering.period.slut
    problems: list[tuple[str, str]] = []
    if start > arende.finansiering.period.start:
        problems += _start_problems(arende, start, where)
    if end >= arende.finansiering.period.slut:
        return problems  # the case file's own check holds for a period as long or longer
    if arende.extern_utvardering_senast > end:
        problems.append(
            (
                "slut",
                _(
                    "the period as decided ends {end}, before the case's external evaluation "
                    "(extern_utvardering_senast: {date}), and the samarbetsavtal would state both: "
                    "if the committee decided an earlier evaluation, set extern_utvardering_senast "
                    "in the case file to {end} or earlier; else correct "
                    "{where}.finansiering.period.slut"
                ).format(date=arende.extern_utvardering_senast, end=end, where=where),
            )
        )
    begins = term_start(arende.forsta_uppfoljning)
    if begins is not None and begins > end:
        problems.append(
            (
                "slut",
                _(
                    "the period as decided ends {end}, before the case's first follow-up "
                    "(forsta_uppfoljning: {term}), and the samarbetsavtal would state both: name "
                    "an earlier term in forsta_uppfoljning in the case file, or correct "
                    "{where}.finansiering.period.slut"
                ).format(term=arende.forsta_uppfoljning, end=end, where=where),
            )
        )
    return problems
