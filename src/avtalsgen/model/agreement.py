"""The samarbetsavtal: clauses chosen from the program's library, numbered, with a schedule.

Clause numbers and ``{punkt:id}`` references are generated; a case may leave program clauses
out, replace their text or add its own; conditional clauses are decided from the case's
facts. :func:`choose_clauses` says for every clause whether it went in, and why.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from avtalsgen.i18n import _, ngettext
from avtalsgen.model import Arende, Program
from avtalsgen.model.program import Klausul, Strategi, Villkor
from avtalsgen.model.prose import REFERENCE, Prose

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Val:
    """One clause of the library or the case, whether it is in the agreement, and why."""

    id: str
    rubrik: str
    typ: str
    text: Prose | None
    med: bool
    skal: str


@dataclass(frozen=True)
class Avtalsar:
    """One year of the agreement in the payment schedule."""

    nummer: int
    start: dt.date
    slut: dt.date
    manader: int
    belopp: int


def condition_holds(villkor: Villkor, arende: Arende, program: Program) -> tuple[bool, str]:
    """Whether a clause condition holds for the case, and the fact that decides it."""
    if villkor == "forlangning":
        ext = program.avtal.forlangning
        if ext is None:
            return False, _("the program allows no extension")
        return True, _(
            "the program allows extension ({years} years at a time, at most {most} years)"
        ).format(years=ext.ar_per_period, most=ext.max_ar)
    if villkor == "aktorsvillkor":
        count = len(arende.villkor)
        return count > 0, ngettext(
            "the case has {count} condition of its own",
            "the case has {count} conditions of its own",
            count,
        ).format(count=count)
    months = arende.finansiering.period.manader
    return months % 12 != 0, ngettext(
        "the period is {count} month", "the period is {count} months", months
    ).format(count=months)


def choose_clauses(arende: Arende, program: Program) -> list[Val]:
    """Every clause of the library and the case, in order, each with why it is in or out.

    Assumes :func:`clause_problems` found nothing.
    """
    choices = arende.avtal.klausuler
    added: dict[str, list[Val]] = {}
    for new in choices.tillagg:
        added.setdefault(new.efter, []).append(
            Val(
                new.id,
                new.rubrik,
                "text",
                new.text,
                True,
                _("added by the case after '{id}'").format(id=new.efter),
            )
        )
    result: list[Val] = []

    def place(clause_id: str) -> None:
        for val in added.pop(clause_id, []):
            result.append(val)
            place(val.id)

    for clause in program.avtal.klausuler:
        result.append(_choose(clause, arende, program))
        place(clause.id)
    return result


def _choose(clause: Klausul, arende: Arende, program: Program) -> Val:
    val = Val(clause.id, clause.rubrik, clause.typ, clause.text, True, _("program clause"))
    if clause.id in arende.avtal.klausuler.utelamna:
        return Val(val.id, val.rubrik, val.typ, val.text, False, _("left out by the case"))
    if clause.villkor is not None:
        holds, fact = condition_holds(clause.villkor, arende, program)
        why = (
            _("condition '{condition}' holds: {fact}")
            if holds
            else _("condition '{condition}' does not hold: {fact}")
        )
        val = Val(
            val.id,
            val.rubrik,
            val.typ,
            val.text,
            holds,
            why.format(condition=clause.villkor, fact=fact),
        )
    for other in arende.avtal.klausuler.ersatt:
        if other.id == clause.id:
            val = Val(
                val.id,
                other.rubrik or val.rubrik,
                val.typ,
                other.text,
                val.med,
                _("{reason}; text replaced by the case").format(reason=val.skal),
            )
    return val


def clause_problems(arende: Arende, program: Program) -> list[tuple[Loc, str]]:
    """Clause choices that do not fit the program's library, by location in the case file."""
    library = {clause.id for clause in program.avtal.klausuler}
    problems: list[tuple[Loc, str]] = []
    choices = arende.avtal.klausuler
    base: Loc = ("avtal", "klausuler")
    for index, clause_id in enumerate(choices.utelamna):
        if clause_id not in library:
            problems.append(((*base, "utelamna", index), _no_clause(clause_id, sorted(library))))
    for index, replacement in enumerate(choices.ersatt):
        if replacement.id not in library:
            problems.append(
                (
                    (*base, "ersatt", index, "id"),
                    _("cannot replace '{id}': no program clause has that id").format(
                        id=replacement.id
                    )
                    + _did_you_mean(replacement.id, sorted(library)),
                )
            )
    known = set(library)
    for index, new in enumerate(choices.tillagg):
        if new.id in known:
            problems.append(
                (
                    (*base, "tillagg", index, "id"),
                    _("clause id '{id}' is already used; choose another id").format(id=new.id),
                )
            )
        known.add(new.id)
    for index, new in enumerate(choices.tillagg):
        if new.efter not in known:
            problems.append(
                (
                    (*base, "tillagg", index, "efter"),
                    _("no clause has the id '{id}'").format(id=new.efter)
                    + _did_you_mean(new.efter, sorted(known)),
                )
            )
    if problems:
        return problems
    included = {val.id for val in choose_clauses(arende, program) if val.med}
    for val in choose_clauses(arende, program):
        if not val.med or val.text is None:
            continue
        for ref in sorted(set(REFERENCE.findall(val.text.source))):
            if ref not in included:
                message = (
                    _("clause '{id}' refers to {reference}, which is not a clause")
                    if ref not in known
                    else _("clause '{id}' refers to {reference}, which is not in this agreement")
                )
                problems.append(
                    (
                        _clause_loc(val.id, arende, program),
                        message.format(id=val.id, reference="{punkt:" + ref + "}"),
                    )
                )
    return problems


def _did_you_mean(word: str, ids: list[str]) -> str:
    """ " — did you mean 'x'?" after a message about an unknown clause id, if one is close."""
    close = difflib.get_close_matches(word, ids, n=1, cutoff=0.7)
    return _(" — did you mean '{id}'?").format(id=close[0]) if close else ""


def _no_clause(clause_id: str, library: list[str]) -> str:
    return _("no program clause has the id '{id}'").format(id=clause_id) + _did_you_mean(
        clause_id, library
    )


def case_problems(arende: Arende, program: Program) -> list[tuple[Loc, str]]:
    """Everything about a valid case that does not fit its valid program."""
    problems = clause_problems(arende, program)
    on = agreement_date(arende)
    for kortnamn in ("S3", "RUS"):
        try:
            strategy(program, kortnamn, on)
        except ValueError as exc:
            problems.append((("avtal", "datum"), str(exc)))
    return problems


def _clause_loc(clause_id: str, arende: Arende, program: Program) -> Loc:
    choices = arende.avtal.klausuler
    for index, new in enumerate(choices.tillagg):
        if new.id == clause_id:
            return ("avtal", "klausuler", "tillagg", index, "text")
    for index, replacement in enumerate(choices.ersatt):
        if replacement.id == clause_id:
            return ("avtal", "klausuler", "ersatt", index, "text")
    return ("avtal", "klausuler")


def strategy(program: Program, kortnamn: str, on: dt.date) -> Strategi:
    """The version of a strategy in force on a date: the latest that came into force by then."""
    versions = [
        s
        for s in program.strategier
        if s.kortnamn == kortnamn and (s.giltig_fran is None or s.giltig_fran <= on)
    ]
    if not versions:
        raise ValueError(
            _("no version of {name} is in force on {date}").format(name=kortnamn, date=on)
        )
    return max(versions, key=lambda s: s.giltig_fran or dt.date.min)


def agreement_date(arende: Arende) -> dt.date:
    """The date strategies are chosen by: the agreement's date, else the period's start."""
    return arende.avtal.datum or arende.finansiering.period.start


def payment_schedule(arende: Arende) -> tuple[Avtalsar, ...]:
    """One row per avtalsår; a last, shorter year gets the rest, so the rows add up exactly."""
    money = arende.finansiering
    period = money.period
    rows: list[Avtalsar] = []
    start = period.start
    paid = 0
    while start <= period.slut:
        next_start = dt.date(start.year + 1, start.month, 1)
        end = min(next_start - dt.timedelta(days=1), period.slut)
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        amount = money.belopp_per_ar if months == 12 else money.summa - paid
        rows.append(Avtalsar(len(rows) + 1, start, end, months, amount))
        paid += amount
        start = next_start
    return tuple(rows)
