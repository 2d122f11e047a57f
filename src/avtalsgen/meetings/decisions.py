"""The decisions on a case: which meeting paragraphs decide its Dnr, and what follows.

The decision's date and § are entered once, in the meeting file; a case learns them from
the meeting files in the ``sammantraden`` folder beside its case file (those whose
``arenden`` is the case's folder). The beslutsförslag states the proposal and is never
rewritten by a decision; a bifall med ändring replaces the proposal's financing with the
decided one for everything after the decision (:func:`decided_case`).

The rules between the decisions on one Dnr, each reported at the paragraph to blame as
``file:line: field: message``:

- the deciding decision (bifall, avslag) is not dated before the beslutsförslag (an
  återremiss or a bordläggning may have dealt with an earlier version of it), and every
  decision is taken by the case's committee;
- an example case is decided only at an example meeting;
- one paragraph of a meeting decides a Dnr;
- återremiss and bordläggning leave the case to a later meeting; a bifall or an avslag
  decides it: after an avslag nothing more is decided on the Dnr (a new application is a
  new ärende), after a bifall only changes of the running agreement are (a second bifall
  that is not a correction of the first is refused: a correction is made in the first
  meeting's own file);
- the decided financing follows the case's rules with the program (strategies in force on
  the agreement's date, the clauses it chooses);
- a change of the running agreement (a paragraph's ``tillagg``: extension, new amount,
  early end) is decided on a granted case, after the granting decision, and follows the
  rules of :mod:`avtalsgen.model.tillagg` on the financing as the earlier decisions left it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from avtalsgen import clock
from avtalsgen.i18n import _
from avtalsgen.meetings import conditions
from avtalsgen.meetings.andring import POINT, andring_problems, period_problems, words_problems
from avtalsgen.meetings.conditions import folded
from avtalsgen.meetings.files import meeting_files
from avtalsgen.meetings.wording import pair_points
from avtalsgen.model import Arende, Program
from avtalsgen.model.agreement import case_problems
from avtalsgen.model.decision import Utfall
from avtalsgen.model.meeting import Paragraf, Sammantrade, join_markings, sekretessmarkering
from avtalsgen.model.money import financing_problems
from avtalsgen.model.prose import fill_placeholders, placeholder_names
from avtalsgen.model.tillagg import Andring, apply_change
from avtalsgen.model.types import Loc


def points_amended(arende: Arende, paragraf: Paragraf) -> bool:
    """True when the paragraph's decision points differ from the case's (as written, with
    their placeholders)."""
    if paragraf.beslut is None:
        return False
    return [folded(p) for p in paragraf.beslut] != [folded(p) for p in arende.beslutspunkter]


def financing_changed(arende: Arende, paragraf: Paragraf) -> bool:
    """True when the paragraph decides another financing than the proposal's."""
    return paragraf.finansiering is not None and paragraf.finansiering != arende.finansiering


def utfall(arende: Arende, paragraf: Paragraf) -> Utfall:
    """What the paragraph decided about ``arende``: its ``utfall``, or bifall (with
    ändring when it changes the proposal)."""
    given = paragraf.utfall
    if given is not None and not given.granted:
        return given
    changed = (
        points_amended(arende, paragraf)
        or financing_changed(arende, paragraf)
        or paragraf.andring is not None
    )
    return Utfall.BIFALL_MED_ANDRING if changed else Utfall.BIFALL


def decided_case(arende: Arende, paragraf: Paragraf) -> Arende:
    """The case as decided: the decided financing in place of the proposal's where the
    paragraph changes it (a bifall med ändring); otherwise the case itself."""
    if paragraf.finansiering is None or not utfall(arende, paragraf).granted:
        return arende
    return arende.model_copy(update={"finansiering": paragraf.finansiering})


# --- meeting files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFile:
    """A meeting file as a case reads it: valid, or the problems that make it unusable."""

    path: Path
    sammantrade: Sammantrade | None
    lines: dict[Loc, int]
    problems: tuple[str, ...]
    text: bytes
    """The file's bytes: a case looks for its Dnr in them to tell which files concern it."""

    def where(self, loc: Loc) -> str:
        """``file:line: field`` of ``loc``."""
        from avtalsgen.meetings.justering import where

        return where(self.path, self.lines, loc)


@dataclass(frozen=True)
class Decision:
    """One paragraph of a meeting that decides a case's Dnr."""

    meeting: MeetingFile
    index: int
    """The paragraph's place in the meeting file's ``paragrafer``."""

    @property
    def sammantrade(self) -> Sammantrade:
        """The meeting."""
        assert self.meeting.sammantrade is not None, "only valid meetings decide"
        return self.meeting.sammantrade

    @property
    def paragraf(self) -> Paragraf:
        """The paragraph."""
        return self.sammantrade.paragrafer[self.index]

    @property
    def datum(self) -> dt.date:
        """The meeting's date: the decision's."""
        return self.sammantrade.datum

    @property
    def loc(self) -> Loc:
        """The paragraph's location in the meeting file."""
        return ("paragrafer", self.index)

    def problem(self, message: str, *keys: str | int) -> str:
        """A problem of this paragraph (or of its field ``keys``) as ``file:line: ...``."""
        return f"{self.meeting.where((*self.loc, *keys))}: {message}"

    @property
    def label(self) -> str:
        """``§ 212 of the meeting of 2023-12-05`` (for messages)."""
        return _("§ {paragraf} of the meeting of {datum}").format(
            paragraf=self.paragraf.paragraf, datum=self.sammantrade.datum
        )


@dataclass(frozen=True)
class Tillaggsbeslut:
    """A decision changing the running agreement, and the change applied: the financing
    before and after it. A tilläggsavtal states it."""

    decision: Decision
    andring: Andring
    nummer: int
    """The tilläggsavtal's number: 1 for the first change of the agreement."""


_MEETINGS: dict[tuple[Path, int, int, str], MeetingFile] = {}


def read_meeting(path: Path) -> MeetingFile:
    """A meeting file validated on its own (no case files read); kept per run while it is
    unchanged, as every case of a folder reads the same meeting files, and per language of
    messages (its problems are words: the web app's readers speak their own)."""
    from avtalsgen.errors import CaseError
    from avtalsgen.i18n import current_language
    from avtalsgen.input.load import key_lines, validate_file
    from avtalsgen.meetings.justering import where

    info = path.stat()
    key = (path.resolve(), info.st_mtime_ns, info.st_size, current_language())
    if key in _MEETINGS:
        return _MEETINGS[key]
    text = path.read_bytes()
    try:
        sammantrade, problems = validate_file(Sammantrade, path)
    except CaseError as exc:
        sammantrade, problems = None, exc.problems
    lines = key_lines(path) if sammantrade is not None else {}
    if sammantrade is not None:
        for rule in sammantrade.problems():
            problems.append(f"{where(path, lines, rule.loc)}: {rule.message}")
    found = MeetingFile(path, sammantrade, lines, tuple(problems), text)
    _MEETINGS[key] = found
    return found


# --- the decisions on one case ---------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """Every decision on one case, in the order they were taken, and the rules they break."""

    arende: Arende
    decisions: tuple[Decision, ...]
    problems: tuple[str, ...] = ()
    """Every rule broken, by the meeting files and the paragraph to blame."""
    order_problems: tuple[str, ...] = ()
    """Of those, the rules between the decisions (a second bifall, a decision after an
    avslag, changed facts that break the case's rules)."""
    case_path: Path | None = None
    """The case file (where a problem of the proposal's financing is shown)."""
    changes: tuple[Tillaggsbeslut, ...] = ()
    """The changes of the running agreement decided after the grant, in order."""
    pending: tuple[Decision, ...] = ()
    """Paragraphs on the case of meetings not held yet (dated after today): not decisions
    yet, so no document states them (their rules are checked all the same)."""

    @property
    def tillagg(self) -> Tillaggsbeslut | None:
        """The newest change of the running agreement, if any: the tilläggsavtal a build
        makes."""
        return self.changes[-1] if self.changes else None

    @cached_property
    def outcomes(self) -> tuple[Utfall, ...]:
        """The outcome of each decision, in order."""
        return tuple(utfall(self.arende, d.paragraf) for d in self.decisions)

    @property
    def latest(self) -> Decision | None:
        """The newest decision on the case, if any."""
        return self.decisions[-1] if self.decisions else None

    @property
    def utfall(self) -> Utfall | None:
        """Where the case stands: the outcome of its deciding decision (bifall, with or
        without ändring, or avslag), else of the newest one (återremiss, bordläggning);
        None while undecided."""
        for outcome in self.outcomes:
            if outcome.final:
                return outcome
        return self.outcomes[-1] if self.outcomes else None

    @property
    def grant(self) -> Decision | None:
        """The bifall (with or without ändring) that granted the case, if any."""
        for decision, outcome in zip(self.decisions, self.outcomes, strict=True):
            if outcome.granted:
                return decision
        return None

    @property
    def deciding(self) -> Decision | None:
        """The decision that decided the case (bifall or avslag), if any."""
        for decision, outcome in zip(self.decisions, self.outcomes, strict=True):
            if outcome.final:
                return decision
        return None

    @property
    def decided(self) -> Arende:
        """The case as granted: with the decided financing (the proposal's while it is not
        granted)."""
        grant = self.grant
        return self.arende if grant is None else decided_case(self.arende, grant.paragraf)

    @property
    def agreement(self) -> bool:
        """True when an agreement follows: the case is granted, or not yet decided at all
        (its agreement is a draft, as before any meeting)."""
        outcome = self.utfall
        return outcome is None or outcome.granted

    @property
    def documents(self) -> tuple[str, ...]:
        """The documents the case calls for, in packet order: the beslutsförslag, and the
        samarbetsavtal unless the case is rejected or waits for a later meeting (a change
        of the signed agreement calls for its tilläggsavtal instead: see
        :func:`avtalsgen.build.tillagg.plan`)."""
        return ("beslutsforslag", "samarbetsavtal") if self.agreement else ("beslutsforslag",)

    @property
    def exempel(self) -> bool:
        """True when the documents that state a decision are examples: the case is one, or
        a decision on it was taken at a fictitious example meeting."""
        return self.arende.exempel or any(d.sammantrade.exempel for d in self.decisions)

    def sekretess(self, tillagg: int = 0) -> str:
        """The secrecy marking of every document that states the facts of a paragraph
        under sekretess: the beslutsförslag and the samarbetsavtal state what the
        paragraphs on the proposal decided, tilläggsavtal nr ``tillagg`` that too and the
        changes up to its own. Each marking as the extract of its paragraph states it
        ("Sekretess enligt 21 kap. 7 § OSL (markerad 2024-11-26 av …)"), several joined by
        "; "; empty when none of them is secret."""
        decisions = [d for d in self.decisions if d.paragraf.tillagg is None]
        decisions += [change.decision for change in self.changes[:tillagg]]
        markings = []
        for decision in decisions:
            secret = decision.paragraf.sekretess
            if secret is not None:
                who = decision.sammantrade.markerad_av(decision.paragraf) or ""
                markings.append(sekretessmarkering(secret.bestammelse, secret.datum, who))
        return join_markings(markings)


def _decisions_in(meeting: MeetingFile, dnr: str) -> list[Decision]:
    if meeting.sammantrade is None:
        return []
    return [
        Decision(meeting, index)
        for index, paragraf in enumerate(meeting.sammantrade.paragrafer)
        if paragraf.dnr == dnr
    ]


def _same_folder(meeting: MeetingFile, case_path: Path) -> bool:
    from avtalsgen.meetings.justering import case_folder

    assert meeting.sammantrade is not None
    folder = case_folder(meeting.path, meeting.sammantrade)
    return os.path.normpath(folder.absolute()) == os.path.normpath(case_path.parent.absolute())


def _meeting_key(meeting: MeetingFile) -> tuple[str, dt.date] | None:
    """Which meeting a (valid) meeting file is of: its committee and date."""
    found = meeting.sammantrade
    return (found.namnd, found.datum) if found is not None else None


def case_history(
    case_path: Path,
    arende: Arende,
    program: Program,
    extra: Iterable[Path] = (),
    today: dt.date | None = None,
) -> History:
    """The decisions on the case at ``case_path``: the paragraphs deciding its Dnr in the
    meeting files beside it (and in ``extra`` meeting files, e.g. one being made extracts
    of elsewhere), with every rule they break (see the module's docstring). A paragraph of
    a meeting dated after ``today`` (default: the current date) is not a decision yet: it
    is :attr:`History.pending`, and no document states it before the meeting's day."""
    today = today or clock.today()
    dnr = arende.dnr
    needle = dnr.encode("ascii")
    given = {path.resolve(): path for path in extra}
    paths = {path.resolve(): path for path in meeting_files(case_path)} | given
    problems: list[str] = []
    beside: list[MeetingFile] = []
    chosen: list[MeetingFile] = []
    for resolved, path in sorted(paths.items()):
        meeting = read_meeting(path)
        if needle not in meeting.text:
            continue
        if meeting.sammantrade is None or meeting.problems:
            problems += meeting.problems
            continue
        if resolved in given:
            chosen.append(meeting)
        elif _same_folder(meeting, case_path):
            beside.append(meeting)
    # A meeting is its committee and date: a file of it given in ``extra`` (a copy being
    # corrected elsewhere) stands in for the file of the same meeting beside the case.
    meetings = {_meeting_key(m) for m in chosen}
    chosen += [m for m in beside if _meeting_key(m) not in meetings]
    found = [decision for meeting in chosen for decision in _decisions_in(meeting, dnr)]
    found.sort(key=lambda d: (d.sammantrade.datum, d.paragraf.paragraf))
    history = History(arende, tuple(found), case_path=case_path)
    rules, changes = _order_rules(history, program)
    order = tuple(rules)
    problems += _case_rules(history)
    taken = tuple(d for d in found if d.datum <= today)
    held = tuple(c for c in changes if c.decision.datum <= today)
    pending = tuple(d for d in found if d.datum > today)
    return History(arende, taken, (*problems, *order), order, case_path, held, pending)


def _case_rules(history: History) -> list[str]:
    """What the case tells against each meeting that decides it: the committee, the date
    of the beslutsförslag, an example case at a real meeting."""
    arende = history.arende
    problems: list[str] = []
    for decision, outcome in zip(history.decisions, history.outcomes, strict=True):
        meeting = decision.sammantrade
        if arende.namnd != meeting.namnd:
            problems.append(
                decision.problem(
                    _("{dnr} goes to {committee}, not to {meeting}").format(
                        dnr=arende.dnr, committee=arende.namnd, meeting=meeting.namnd
                    ),
                    "dnr",
                )
            )
        # An återremiss or bordläggning may have dealt with an earlier version of the
        # proposal: the office revises it for the meeting that decides the case.
        if outcome.final and arende.datum is not None and arende.datum > meeting.datum:
            problems.append(
                decision.problem(
                    proposal_after_meeting(arende, history.case_path, meeting.datum), "dnr"
                )
            )
        agreed = arende.avtal.datum
        if decision.paragraf.tillagg is not None:
            continue  # a change of the running agreement comes after the agreement
        if outcome.granted and agreed is not None and agreed < meeting.datum:
            # The case file's own date, reported where it stands.
            problems.append(
                _case_problem(
                    history,
                    ("avtal", "datum"),
                    _(
                        "the agreement ({agreed}) is dated before the decision ({decided}, {label})"
                    ).format(agreed=agreed, decided=meeting.datum, label=decision.label),
                )
            )
        if arende.exempel and not meeting.exempel:
            problems.append(
                decision.problem(
                    _(
                        "{dnr} is a fictitious example case (exempel: true); only an example "
                        "meeting (exempel: true) may decide it"
                    ).format(dnr=arende.dnr),
                    "dnr",
                )
            )
    return problems


def proposal_after_meeting(arende: Arende, case_path: Path | None, meeting: dt.date) -> str:
    """That the beslutsförslag of ``arende`` (the case file at ``case_path``) is dated after
    the meeting of ``meeting`` that decides it: where its date is, and what to do."""
    from avtalsgen.input.load import key_lines
    from avtalsgen.meetings.justering import where

    shown = where(case_path, key_lines(case_path), ("datum",)) if case_path else "datum"
    return _(
        "the beslutsförslag of {dnr} is dated {date} ({where}), after the meeting "
        "({meeting}): a proposal is dated no later than the meeting that decides it; correct "
        "the case file's datum, or the meeting's if that is the wrong one"
    ).format(dnr=arende.dnr, date=arende.datum, where=shown, meeting=meeting)


def _case_problem(history: History, loc: Loc, message: str) -> str:
    """``case file:line: field: message`` of a problem at ``loc`` in the case file."""
    from avtalsgen.input.load import key_lines
    from avtalsgen.meetings.justering import format_loc, where

    if history.case_path is None:
        return f"{format_loc(loc)}: {message}"
    return f"{where(history.case_path, key_lines(history.case_path), loc)}: {message}"


def _order_rules(history: History, program: Program) -> tuple[list[str], list[Tillaggsbeslut]]:
    """The rules between the decisions on one Dnr (see the module's docstring), and the
    changes of the running agreement applied in order."""
    arende = history.arende
    problems: list[str] = []
    changes: list[Tillaggsbeslut] = []
    seen: dict[tuple[Path, dt.date], Decision] = {}
    deciding: Decision | None = None
    deciding_outcome: Utfall | None = None
    for decision, outcome in zip(history.decisions, history.outcomes, strict=True):
        key = (decision.meeting.path, decision.datum)
        if key in seen:
            problems.append(
                decision.problem(
                    _("§ {first} of this meeting decides {dnr} already").format(
                        first=seen[key].paragraf.paragraf, dnr=arende.dnr
                    ),
                    "dnr",
                )
            )
            continue
        seen[key] = decision
        if decision.paragraf.tillagg is not None:
            problems += _change_rules(
                history, decision, deciding, deciding_outcome, changes, program
            )
            continue
        if changes:
            problems.append(
                decision.problem(
                    _(
                        "{dnr} was granted and its agreement changed by {later}; a decision "
                        "after it on the proposal is refused"
                    ).format(dnr=arende.dnr, later=changes[-1].decision.label),
                    "dnr",
                )
            )
            continue
        if deciding is not None and deciding_outcome is not None:
            problems.append(_after_decided(decision, deciding, deciding_outcome, arende.dnr))
            continue
        if outcome.final:
            deciding, deciding_outcome = decision, outcome
        if outcome.granted:
            problems += _grant_rules(history, decision, program)
    return problems, changes


def _change_rules(
    history: History,
    decision: Decision,
    deciding: Decision | None,
    outcome: Utfall | None,
    changes: list[Tillaggsbeslut],
    program: Program,
) -> list[str]:
    """A change of the running agreement: on a granted case, applied to the financing as
    the grant and the earlier changes left it (appended to ``changes`` when it holds)."""
    arende = history.arende
    tillagg = decision.paragraf.tillagg
    assert tillagg is not None
    if deciding is None or outcome is None or not outcome.granted:
        if deciding is None:
            why = _("no meeting has granted it")
        else:
            why = _("{label} decided {utfall} ({where})").format(
                label=deciding.label,
                utfall=outcome.value if outcome is not None else "",
                where=deciding.meeting.where(deciding.loc),
            )
        return [
            decision.problem(
                _("a tillägg changes a granted agreement, and {dnr} has none: {why}").format(
                    dnr=arende.dnr, why=why
                ),
                "tillagg",
            )
        ]
    if not utfall(arende, decision.paragraf).granted:
        return []  # a change proposed and not granted: the agreement stays as it is
    if changes:
        money = changes[-1].andring.efter
    else:
        grant = history.grant
        assert grant is not None
        money = decided_case(arende, grant.paragraf).finansiering
    extension = program.avtal.forlangning
    andring, found = apply_change(
        money,
        tillagg,
        program.finansiering,
        beslutsdatum=decision.datum,
        max_ar=extension.max_ar if extension is not None else None,
        forlangning_tillaten=extension is not None,
        ar_per_period=extension.ar_per_period if extension is not None else None,
    )
    if andring is None:
        return [decision.problem(message, "tillagg", *loc) for loc, message in found]
    changes.append(Tillaggsbeslut(decision, andring, len(changes) + 1))
    return []


def _grant_rules(history: History, decision: Decision, program: Program) -> list[str]:
    """The financing the agreement follows against the program and the decision's date:
    the decided one (reported at the paragraph) or the proposal's (at the case file).

    A real case decided at a fictitious example meeting (the seed, in the shipped
    examples) is not checked against that meeting's date: the date is not a fact of the
    case, and the documents that state it are marked as examples."""
    arende = history.arende
    datum = None if decision.sammantrade.exempel and not arende.exempel else decision.datum
    if decision.paragraf.finansiering is not None:
        decided = decided_case(arende, decision.paragraf)
        if decision.paragraf.beslut is not None:
            # The points as decided are filled in from the decided financing, not the
            # proposal's (which the beslutsförslag's points are).
            decided = decided.model_copy(update={"beslutspunkter": decision.paragraf.beslut})
        found: list[str] = []
        for loc, message in case_problems(decided, program, datum):
            # The agreement's facts as decided do not fit the program (or the date).
            if loc[:1] == ("beslutspunkter",) and decision.paragraf.beslut is not None:
                found.append(decision.problem(message, "beslut", *loc[1:]))
                continue
            where = loc[1:] if loc[:1] == ("finansiering",) else ()
            found.append(decision.problem(message, "finansiering", *where))
        # What the points, the words and the financing say of each other, once the
        # financing fits.
        if found:
            return found
        return _carried_rules(arende, decision, program) + _words_rules(arende, decision, program)
    carried = _carried_rules(arende, decision, program) + _words_rules(arende, decision, program)
    if datum is None or history.case_path is None:
        return carried
    return carried + [
        _case_problem(history, ("finansiering", *inside), message)
        for inside, message in financing_problems(arende.finansiering, program.finansiering, datum)
    ]


def _carried_rules(arende: Arende, decision: Decision, program: Program) -> list[str]:
    """What a bifall med ändring decides in words that the samarbetsavtal would not state:
    the agreement follows the decision, so a decided point that adds to or rewrites the
    proposal's (a co-financier's condition, say) is stated by the decided financing (a
    co-financier's ``villkor``) or is marked as not concerning the agreement
    (``ej_i_avtalet``); a change given only in words (``andring``, with neither amended
    points nor a financing) is not in the agreement at all."""
    from avtalsgen.documents.context import placeholder_values

    paragraf = decision.paragraf
    if paragraf.enligt_forslaget:
        return []
    if paragraf.beslut is None and paragraf.finansiering is None:
        return [
            decision.problem(
                _(
                    "the change is given only in words (andring), so the samarbetsavtal "
                    "would not follow it: give the decided financing under {where}."
                    "finansiering (a co-financier's condition as finansiarer[M].villkor) "
                    "or the decision points as decided under {where}.beslut"
                ).format(where=format_paragraf(decision)),
                "andring",
            )
        ]
    decided = decided_case(arende, paragraf)
    values = placeholder_values(decided, program)
    where = format_paragraf(decision)
    proposed_points = arende.beslutspunkter
    found = [
        decision.problem(message, *keys)
        for keys, message in conditions.decision_problems(
            proposed_points,
            paragraf.beslut,
            arende.finansiering,
            decided.finansiering,
            values,
            where,
        )
    ]
    if paragraf.beslut is None:
        return found
    decided_points = paragraf.beslut
    pairs = pair_points(proposed_points, decided_points, values)
    found += [
        decision.problem(message, "beslut")
        for message in conditions.struck_problems(
            proposed_points, pairs, decided_points, decided.finansiering, where
        )
    ]
    stated = [
        condition.text.casefold()
        for condition in conditions.conditions(decided.finansiering, values)
    ]
    for old, index in pairs:
        if index is None or index + 1 in paragraf.ej_i_avtalet:
            continue
        point = decided_points[index]
        proposed = proposed_points[old] if old is not None else ""
        after = folded(fill_placeholders(point, values))
        before = folded(fill_placeholders(proposed, values))
        if after == before:
            continue
        added = _added(before, after)
        if not added or any(c in added.casefold() for c in stated):
            continue
        if placeholder_names(_added(folded(proposed), folded(point))):
            # Words around the case's facts (an amount, the period, the source), which the
            # agreement states from the decided financing: not a free-text addition.
            continue
        if _rejects(added):
            # A partial rejection (bifall i del, avslag i övrigt) is the decision's own:
            # no co-financier's condition states it.
            found.append(
                decision.problem(
                    _(
                        "point {number} as decided rejects the proposal in part (“{text}”), "
                        "which the samarbetsavtal does not state, as a rejection is the "
                        "decision's and not a term of the agreement: list the point in "
                        "{where}.ej_i_avtalet: [{number}]"
                    ).format(number=index + 1, text=added, where=where),
                    "beslut",
                    index,
                )
            )
            continue
        found.append(
            decision.problem(
                _(
                    "point {number} as decided adds “{text}”, which the samarbetsavtal does "
                    "not state, and the agreement follows the decision: give a co-financier's "
                    "condition under {where}.finansiering.finansiarer[{m}].villkor (the "
                    "decided financing, the condition on the co-financier it concerns) so "
                    "that the agreement states it, or, where the change does not concern the "
                    "agreement, list the point in {where}.ej_i_avtalet: [{number}]"
                ).format(
                    number=index + 1,
                    text=added,
                    where=where,
                    m=_cofinancier_named(decided, added),
                ),
                "beslut",
                index,
            )
        )
    return found


def _rejects(text: str) -> bool:
    """Whether a decided point's added words reject (part of) the proposal: they say that
    the committee "avslår", the decision's word for a rejection."""
    return "avslår" in text.casefold().split()


def _words_rules(arende: Arende, decision: Decision, program: Program) -> list[str]:
    """What the change in words (``andring``) and the amended points (``beslut``) name
    that the paragraph does not decide, and the case's dates that fall after a shortened
    period's end (:mod:`avtalsgen.meetings.andring`)."""
    from avtalsgen.documents.context import placeholder_values

    paragraf = decision.paragraf
    decided = decided_case(arende, paragraf)
    where = format_paragraf(decision)
    found = [
        decision.problem(message, "finansiering", "period", key)
        for key, message in period_problems(arende, decided, where)
    ]
    values = placeholder_values(decided, program)
    if paragraf.andring is not None:
        text = fill_placeholders(paragraf.andring, values)
        found += [
            decision.problem(message, "andring")
            for message in andring_problems(text, arende, decided, program, where)
        ]
    for index, point in enumerate(paragraf.beslut or ()):
        text = fill_placeholders(point, values)
        found += [
            decision.problem(message, "beslut", index)
            for message in words_problems(
                text, arende, decided, program, where, POINT, point=index + 1
            )
        ]
    return found


def _added(before: str, after: str) -> str:
    """What ``after`` adds to ``before`` (a point completed), or all of it (rewritten)."""
    stem = before.rstrip(".")
    added = after[len(stem) :] if stem and after.startswith(stem) else after
    return added.strip().rstrip(".")


def format_paragraf(decision: Decision) -> str:
    """``paragrafer[N]`` of the decision's paragraph, as the meeting file's keys name it."""
    return f"paragrafer[{decision.index}]"


def _cofinancier_named(decided: Arende, text: str) -> str:
    """The place among the financiers of the co-financier ``text`` names (``M`` if none)."""
    for place, row in enumerate(decided.finansiering.finansiarer):
        if not row.region and row.namn.casefold() in text.casefold():
            return str(place)
    return "M"


def _after_decided(decision: Decision, deciding: Decision, outcome: Utfall, dnr: str) -> str:
    where = deciding.meeting.where(deciding.loc)
    if outcome is Utfall.AVSLAG:
        return decision.problem(
            _(
                "{dnr} was rejected (avslag) by {earlier} ({where}); nothing more is decided "
                "on it: a new application is a new ärende with a Dnr of its own"
            ).format(dnr=dnr, earlier=deciding.label, where=where),
            "dnr",
        )
    given = decision.paragraf.utfall
    if given is not None and not given.granted:
        # A later avslag, återremiss or bordläggning on a granted case is of a proposed
        # change of its running agreement, not of the decided proposal.
        return decision.problem(
            _(
                "{dnr} was granted (bifall) by {earlier} ({where}); a later {utfall} on it is "
                "of a proposed change of the running agreement: give the change proposed as "
                "the paragraph's tillagg (e.g. tillagg: {{typ: forlangning, ny_slutdag: "
                "YYYY-MM-DD}}) and keep utfall: {utfall}"
            ).format(dnr=dnr, earlier=deciding.label, where=where, utfall=given.value),
            "dnr",
        )
    return decision.problem(
        _(
            "{dnr} was granted (bifall) by {earlier} ({where}); a second decision on it that "
            "is not a change of the running agreement is refused: correct the first decision "
            "in its own meeting file"
        ).format(dnr=dnr, earlier=deciding.label, where=where),
        "dnr",
    )
