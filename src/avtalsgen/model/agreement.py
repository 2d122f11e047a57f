"""The samarbetsavtal: clauses chosen from the program's library, numbered, with a schedule.

Clause numbers and ``{punkt:id}`` references are generated; a case may leave program clauses
out, replace their text or add its own; conditional clauses are decided from the case's
facts. :func:`choose_clauses` says for every clause whether it went in, and why.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from avtalsgen.i18n import _, current_language, ngettext
from avtalsgen.model import Arende, Program
from avtalsgen.model.money import (
    Avtalsar,
    Finansiering,
    Finansieringsregler,
    add_months,
    compute_financing,
    financing_problems,
    month_end,
    region_per_ar,
)
from avtalsgen.model.program import Forlangning, Klausul, Strategi, Villkor
from avtalsgen.model.prose import REFERENCE, Prose
from avtalsgen.model.types import Loc

__all__ = [
    "Avtalsar",
    "Val",
    "agreement_date",
    "agreement_financing",
    "case_problems",
    "choose_clauses",
    "clause_problems",
    "condition_holds",
    "extension_years_left",
    "payment_schedule",
    "strategy",
]


@dataclass(frozen=True)
class Val:
    """One clause of the library or the case, whether it is in the agreement, and why."""

    id: str
    rubrik: str
    typ: str
    text: Prose | None
    med: bool
    skal: str


def agreement_financing(arende: Arende) -> Finansiering:
    """The financing the agreement follows: the one decided. Until a decision changes it
    (bifall med ändring, which holds a :class:`Finansiering` of its own), the case's."""
    return arende.finansiering


def extension_years_left(months: int, ext: Forlangning) -> int:
    """How many years an agreement of ``months`` may still be extended by in all: whole
    extensions of the program's years at a time within its longest financing (0: none). A
    tilläggsavtal's extension adds those years exactly and keeps within the longest
    financing (:func:`avtalsgen.model.tillagg.apply_change`)."""
    left = ext.max_ar * 12 - months
    return max(left // (12 * ext.ar_per_period), 0) * ext.ar_per_period


def period_length(months: int) -> str:
    """A period's length in the language of messages: ``10 years``, else ``30 months``."""
    if months % 12 == 0:
        return ngettext("{count} year", "{count} years", months // 12).format(count=months // 12)
    return ngettext("{count} month", "{count} months", months).format(count=months)


def period_problems(arende: Arende, program: Program) -> list[tuple[Loc, str]]:
    """A period longer than the program's longest financing (``avtal.forlangning.max_ar``):
    the agreement's clauses on its length and on extension would contradict each other (a
    period of 10 years and 'at most 9 years of financing')."""
    ext = program.avtal.forlangning
    period = arende.finansiering.period
    if ext is None or period.manader <= ext.max_ar * 12:
        return []
    latest = month_end(add_months(period.start, 12 * ext.max_ar - 1))
    return [
        (
            ("finansiering", "period", "slut"),
            _(
                "the period {start}–{end} is {length}, longer than the program allows: at "
                "most {most} years of financing in all, extensions included (its "
                "avtal.forlangning.max_ar); end the period no later than {latest}"
            ).format(
                start=period.start,
                end=period.slut,
                length=period_length(period.manader),
                most=ext.max_ar,
                latest=latest,
            ),
        )
    ]


def condition_holds(villkor: Villkor, arende: Arende, program: Program) -> tuple[bool, str]:
    """Whether a clause condition holds for the case, and the fact that decides it."""
    if villkor == "forlangning":
        ext = program.avtal.forlangning
        if ext is None:
            return False, _("the program allows no extension")
        period = agreement_financing(arende).period
        if extension_years_left(period.manader, ext) == 0:
            return False, _(
                "the period, {length}, leaves no room for an extension of {years} years "
                "within the program's {most} years of financing at most"
            ).format(length=period_length(period.manader), years=ext.ar_per_period, most=ext.max_ar)
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
    money = agreement_financing(arende)
    if villkor == "medfinansiering":
        names = [row.namn for row in money.medfinansiarer]
        if not names:
            return False, _("the financing has no co-financiers")
        return True, _("the financing has co-financiers: {names}").format(names=", ".join(names))
    months = money.period.manader
    return months % 12 != 0, ngettext(
        "the period is {count} month", "the period is {count} months", months
    ).format(count=months)


#: The clause choices made lately, by the identity of the (immutable) case and program and
#: the language of the reasons: loading, filling in and building a case ask for them
#: several times.
_CHOSEN: list[tuple[Arende, Program, str, list[Val]]] = []


def choose_clauses(arende: Arende, program: Program) -> list[Val]:
    """Every clause of the library and the case, in order, each with why it is in or out.

    Assumes :func:`clause_problems` found nothing.
    """
    language = current_language()
    for known, library, spoken, chosen in _CHOSEN:
        if known is arende and library is program and spoken == language:
            return list(chosen)
    chosen = _choose_clauses(arende, program)
    _CHOSEN.insert(0, (arende, program, language, chosen))
    del _CHOSEN[8:]
    return list(chosen)


def _choose_clauses(arende: Arende, program: Program) -> list[Val]:
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
    problems.extend(_unstated_conditions(arende, program, included))
    return problems


def _unstated_conditions(
    arende: Arende, program: Program, included: set[str]
) -> list[tuple[Loc, str]]:
    """The case's own conditions when no clause of its agreement states them: an agreement
    made "enligt beslutet" may not leave out a condition the committee decided."""
    if not arende.villkor:
        return []
    own = [k.id for k in program.avtal.klausuler if k.villkor == "aktorsvillkor"]
    if any(clause_id in included for clause_id in own):
        return []
    if own:
        why = _(
            "the case has conditions of its own, but it leaves out clause '{id}', which "
            "states them in the agreement; remove '{id}' from avtal.klausuler.utelamna"
        ).format(id=own[0])
    else:
        why = _(
            "the case has conditions of its own, but no clause of the program's agreement "
            "states them; add a clause with 'villkor: aktorsvillkor' to the program file's "
            "avtal.klausuler (the case's conditions follow its text)"
        )
    return [(("villkor",), why)]


def _did_you_mean(word: str, ids: list[str]) -> str:
    """ " — did you mean 'x'?" after a message about an unknown clause id, if one is close."""
    close = difflib.get_close_matches(word, ids, n=1, cutoff=0.7)
    return _(" — did you mean '{id}'?").format(id=close[0]) if close else ""


def _no_clause(clause_id: str, library: list[str]) -> str:
    return _("no program clause has the id '{id}'").format(id=clause_id) + _did_you_mean(
        clause_id, library
    )


def case_problems(
    arende: Arende, program: Program, beslutsdatum: dt.date | None = None
) -> list[tuple[Loc, str]]:
    """Everything about a valid case that does not fit its valid program; with the date
    of the decision that grants it (``beslutsdatum``, from the meeting file), also a payment
    of its financing before that date."""
    problems = clause_problems(arende, program)
    problems += period_problems(arende, program)
    on = agreement_date(arende)
    for kortnamn in ("S3", "RUS"):
        try:
            strategy(program, kortnamn, on)
        except ValueError as exc:
            problems.append((("avtal", "datum"), str(exc)))
    problems += [
        (("finansiering", *loc), message)
        for loc, message in financing_problems(
            arende.finansiering, program.finansiering, beslutsdatum
        )
    ]
    problems += placeholder_problems(arende, program)
    return problems


def placeholder_problems(arende: Arende, program: Program) -> list[tuple[Loc, str]]:
    """Placeholders a case's texts, or the program's texts it uses, cannot fill in for its
    financing: {belopp_per_ar} where the region's amount changes from year to year,
    {medfinansiering} where there are no co-financiers. The beslutsförslag's texts are
    filled in from the proposed financing, the agreement's from the one decided."""
    proposed, decided = arende.finansiering, agreement_financing(arende)
    here: Loc = ("finansiering",)  # where a program text's problem is shown in the case
    texts: list[tuple[Loc, str, Finansiering, str]] = []
    for index, point in enumerate(arende.beslutspunkter):
        texts.append((("beslutspunkter", index), point, proposed, ""))
    for index, line in enumerate(arende.villkor):
        texts.append((("villkor", index), line, proposed, ""))
    texts.append((("syfte",), arende.syfte.source, proposed, ""))
    shared = program.texter
    for name in ("yttrande", "sammanfattning", "bakgrund", "genomforande", "forutsattningar",
                 "gap_avslutning"):  # fmt: skip
        owner = _("the program's texter.{name}").format(name=name)
        texts.append((here, getattr(shared, name).source, proposed, owner))
    for name in ("plattformsuppgifter", "gap", "villkor"):
        owner = _("the program's texter.{name}").format(name=name)
        texts += [(here, line, proposed, owner) for line in getattr(shared, name)]
    for val in choose_clauses(arende, program):
        if val.med and val.text is not None:
            where = _clause_loc(val.id, arende, program)
            if where == ("avtal", "klausuler"):  # the program's own text
                owner = _("the program's clause '{id}'").format(id=val.id)
                texts.append((here, val.text.source, decided, owner))
            else:
                texts.append((where, val.text.source, decided, ""))
    problems: list[tuple[Loc, str]] = []
    for loc, text, money, owner in texts:
        prefix = f"{owner} " if owner else ""
        if "{belopp_per_ar}" in text and region_per_ar(money) is None:
            problems.append(
                (
                    loc,
                    _(
                        "{owner}uses {{belopp_per_ar}}, but the region's amount changes from "
                        "year to year: write {{belopp_arligen}} or {{belopp_per_avtalsar}}, "
                        "which read right for either"
                    ).format(owner=prefix),
                )
            )
        if "{medfinansiering}" in text and not money.medfinansiarer:
            problems.append(
                (
                    loc,
                    _(
                        "{owner}uses {{medfinansiering}}, but the financing has no co-financiers"
                    ).format(owner=prefix),
                )
            )
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
    """The region's share per avtalsår of the financing the agreement follows; a last,
    shorter year gets its share by months, and the rows add up to the total exactly."""
    return compute_financing(agreement_financing(arende), Finansieringsregler()).avtalsar
