"""The dates a document states must be dates of its case: the fact check's look at dates.

A template prints dates from the case (``{{ arende.datum|iso }}``, a period with
``|intervall``, a date in running text with ``|datum_text``); a date typed into a template
(``Datum: 2025-01-01``) is the same in every document made from it, and states what is not
so. Every date a document states, as ``2025-08-12`` or ``den 12 augusti 2025``, must be one
the document's case gives (its own dates, its period's, its avtalsår's and payments', the
meeting's and the decision's, a date its texts write), and every period ``A–B`` one of its
periods (a start and an end the case gives together, or one its texts write).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel

from avtalsgen.documents import format as fmt
from avtalsgen.documents.months import MONTHS
from avtalsgen.i18n import _

_ISO = r"\d{4}-\d{2}-\d{2}"
#: A date as the documents print it, or a period: two dates with an en dash between (a
#: line may break after the dash).
_DATE = re.compile(rf"(?<![\d-])({_ISO})(?:\s?{fmt.EN_DASH}\s?({_ISO}))?(?![\d-])")
#: A date in running text, as ``|datum_text`` prints it (without its ``den``).
_DATE_TEXT = re.compile(rf"(?<![\d])(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})(?!\d)")


@dataclass(frozen=True)
class KnownDates:
    """The dates and periods a case gives, as the documents print them (ISO)."""

    dates: frozenset[str]
    periods: frozenset[tuple[str, str]]


def known_dates(*sources: object, shared: object = None) -> KnownDates:
    """Every date and period in ``sources`` (the case, its program, its figures, what the
    document's template sees): each date, each pair of ``start`` and ``slut`` an object
    gives, and the dates and periods its texts write. ``shared`` (the program, which every
    case of a batch and each of its documents has) is one of them whose own are found once
    and kept while it lives: avtalsgen's models are frozen."""
    dates: set[str] = set()
    periods: set[tuple[str, str]] = set()
    seen: set[int] = set()
    if shared is not None:
        own = _shared_dates(shared)
        dates.update(own.dates)
        periods.update(own.periods)
        seen.add(id(shared))
    _walk(sources, dates, periods, seen)
    return KnownDates(frozenset(dates), frozenset(periods))


#: How :func:`_walk` takes an object of a type: a date, a text, nothing, a mapping, a
#: collection, or an object with fields (a pydantic model or a dataclass; with their names),
#: which may also be a period (it has a ``start`` and a ``slut``).
_IS_DATE, _IS_DATETIME, _IS_TEXT, _IS_NOTHING, _IS_MAPPING, _IS_ITEMS, _IS_FIELDS, _IS_PERIOD = (
    range(8)
)
_kinds: dict[type, tuple[int, tuple[str, ...]]] = {}


def _kind(cls: type) -> tuple[int, tuple[str, ...]]:
    """How :func:`_walk` takes an object of ``cls``, worked out once per type (the tests of
    an object's type, abstract ones among them, were most of the walk's time)."""
    found = _kinds.get(cls)
    if found is not None:
        return found
    names: tuple[str, ...] = ()
    if issubclass(cls, dt.datetime):
        kind = _IS_DATETIME
    elif issubclass(cls, dt.date):
        kind = _IS_DATE
    elif issubclass(cls, str):
        kind = _IS_TEXT
    elif cls is type(None) or issubclass(cls, int | float | bytes):
        kind = _IS_NOTHING
    elif issubclass(cls, Mapping):
        kind = _IS_MAPPING
    elif issubclass(cls, list | tuple | set | frozenset):
        kind = _IS_ITEMS
    elif issubclass(cls, BaseModel):
        kind, names = _IS_FIELDS, tuple(cls.model_fields)
    elif dataclasses.is_dataclass(cls) and not issubclass(cls, type):
        kind, names = _IS_FIELDS, tuple(field.name for field in dataclasses.fields(cls))
    else:
        kind = _IS_NOTHING
    if kind == _IS_FIELDS and all(name in names or hasattr(cls, name) for name in _PERIOD):
        kind = _IS_PERIOD
    _kinds[cls] = (kind, names)
    return kind, names


def _walk(
    sources: Iterable[object],
    dates: set[str],
    periods: set[tuple[str, str]],
    seen: set[int],
) -> None:
    """Add the dates and periods of ``sources`` and what they hold to ``dates`` and
    ``periods``, passing over the objects (by id) in ``seen``."""
    pending: list[object] = list(sources)
    kinds = _kinds
    while pending:
        value = pending.pop()
        kind, names = kinds.get(type(value)) or _kind(type(value))
        if kind == _IS_TEXT:
            _from_text(value, dates, periods)  # type: ignore[arg-type]
        elif kind == _IS_DATE:
            dates.add(value.isoformat())  # type: ignore[attr-defined]
        elif kind == _IS_DATETIME:
            dates.add(value.date().isoformat())  # type: ignore[attr-defined]
        elif kind == _IS_NOTHING or id(value) in seen:
            continue
        else:
            seen.add(id(value))
            if kind == _IS_FIELDS:
                pending.extend([getattr(value, name) for name in names])
            elif kind == _IS_PERIOD:
                pending.extend([getattr(value, name) for name in names])
                _period_of(value, periods)
            elif kind == _IS_MAPPING:
                pending.extend(value.values())  # type: ignore[attr-defined]
            else:
                pending.extend(value)  # type: ignore[arg-type]


#: The dates and periods of each object given as ``shared`` (by id, the object kept with
#: them so that its id is not another's).
_shared: dict[int, tuple[object, KnownDates]] = {}
_KEPT_SHARED = 8


def _shared_dates(value: object) -> KnownDates:
    found = _shared.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    dates: set[str] = set()
    periods: set[tuple[str, str]] = set()
    _walk((value,), dates, periods, set())
    known = KnownDates(frozenset(dates), frozenset(periods))
    if len(_shared) >= _KEPT_SHARED:
        _shared.clear()
    _shared[id(value)] = (value, known)
    return known


#: The attributes of an object that is a period.
_PERIOD = ("start", "slut")


def _period_of(value: object, periods: set[tuple[str, str]]) -> None:
    start, slut = getattr(value, "start", None), getattr(value, "slut", None)
    if isinstance(start, dt.date) and isinstance(slut, dt.date):
        periods.add((start.isoformat(), slut.isoformat()))


#: A line without four digits in a row states no date (nor does it once its spaces are
#: made single, which joins no digits).
_YEAR = re.compile(r"\d{4}")
#: A text without a digit states no date (a look for one in C: the case's and program's
#: long texts are many; a character-by-character test in Python was most of the check).
_DIGIT = re.compile(r"\d")


def _from_text(text: str, dates: set[str], periods: set[tuple[str, str]]) -> None:
    if _DIGIT.search(text) is None:
        return
    for found in _stated_once(text):
        dates.update(found)
        if len(found) == 2:
            periods.add((found[0], found[1]))


@lru_cache(maxsize=4096)
def _stated_once(text: str) -> tuple[tuple[str, ...], ...]:
    """:func:`_stated` of ``text``, each text once: the program's and the clauses' texts
    stand in every case of a batch, and in each of its documents' checks."""
    return tuple(_stated(text))


def _stated(text: str) -> Iterable[tuple[str, ...]]:
    """Each date (a 1-tuple) and period (a pair) ``text`` states, as ISO dates; a date in
    running text that is no date at all (``31 februari 2025``) as it is written."""
    for match in _DATE.finditer(text):
        yield tuple(d for d in match.groups() if d is not None)
    for match in _DATE_TEXT.finditer(text):
        day, month, year = match.groups()
        try:
            yield (dt.date(int(year), MONTHS.index(month) + 1, int(day)).isoformat(),)
        except ValueError:
            yield (match.group(),)


def date_problems(
    text: str, known: KnownDates, document: str, template: str, case_dates: str
) -> list[str]:
    """What ``text`` (a document's, folded) states as a date or period that ``known``
    does not hold, each once: the document, the line it stands on, and what the case
    says (``case_dates``, in words); ``template`` is the template it was made from."""
    problems: list[str] = []
    told: set[tuple[str, ...]] = set()
    for line in text.splitlines():
        if _YEAR.search(line) is None:  # every date, ISO or in words, has its year's digits
            continue
        line = fmt_line(line)
        for found in _stated(line):
            if found in told:
                continue
            if len(found) == 2 and found in known.periods:
                continue
            if len(found) == 1 and found[0] in known.dates:
                continue
            if len(found) == 2 and not set(found) - known.dates:
                what = _("the period {period} is none of the case's periods").format(
                    period=fmt.EN_DASH.join(found)
                )
                example = "'{{ ar.start|intervall(ar.slut) }}'"
            else:
                unknown = [d for d in found if d not in known.dates]
                what = _("{date} is none of the case's dates").format(date=unknown[0])
                example = "'{{ arende.datum|iso }}'"
            told.add(found)
            problems.append(
                _(
                    "{document}: datum: the document states '{line}', and {what} ({case}); "
                    "in {template}: print the date with the tag that takes it from the case "
                    "(for example {example}) in place of the date written in the template, "
                    "as the template that comes with avtalsgen has it"
                ).format(
                    document=document,
                    line=line,
                    what=what,
                    case=case_dates,
                    template=template,
                    example=example,
                )
            )
    return problems


def fmt_line(line: str) -> str:
    """A line of a PDF's text as a message quotes it: single spaces, no-break ones too."""
    return " ".join(line.replace(fmt.NBSP, " ").split())
