"""The commands on case files: ``check``, ``build``, ``explain`` and ``status``."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from avtalsgen.cli.options import (
    CasePaths,
    OutputDir,
    Strict,
    TemplatesDir,
    case_files,
    seconds,
    shown_path,
    state,
    tell,
    whole_number,
)
from avtalsgen.cli.root import app
from avtalsgen.documents.kinds import DOCUMENTS
from avtalsgen.documents.templates import find_templates
from avtalsgen.errors import CaseError
from avtalsgen.i18n import _, join_words, ngettext

if TYPE_CHECKING:
    from avtalsgen.model.money import Berakning


@app.command(help=_("Validate case files and their programs; needs no LibreOffice."))
def check(paths: CasePaths, strict: Strict = False, output: OutputDir = Path("output")) -> None:
    """Validate case files and their programs, and the meeting files' decisions on them;
    needs no LibreOffice."""
    from avtalsgen.build.leftovers import leftovers
    from avtalsgen.input.duplicates import Namesakes, same_dnr_problem
    from avtalsgen.input.kinds import file_kind
    from avtalsgen.input.load import load_case, unknown_facts, unknown_names
    from avtalsgen.meetings.decisions import case_history
    from avtalsgen.model.meeting import Sammantrade

    files = case_files(paths)
    cases = len(files)
    # A folder's meeting files (sammantraden/ beside its case files, where the cases learn
    # their decisions) are checked with it: a paragraph on a Dnr no case file holds (a typo
    # in its dnr) decides nothing, and "check cases/" said ok of every case.
    folders = [path for path in paths if path.is_dir()]
    files += _meeting_files_beside(folders, files)
    # A decided case whose file is gone since its documents were built (its paragraph
    # cannot be edited away): warned of once, as build and status do; check stopped on it.
    kept = leftovers(folders, output)
    for leftover in kept:
        typer.echo(_("warning: {warning}").format(warning=leftover.warning(folders)), err=True)
    gone = {leftover.dnr for leftover in kept}
    first_of_dnr: dict[str, int] = {}  # as a build: the first named keeps the Dnr
    namesakes = Namesakes()  # ... unless its folder has another case file of its Dnr
    faults = _Faults(files[:cases])
    warned: set[str] = set()
    for index, path in enumerate(files):
        try:
            if index >= cases or file_kind(path) is Sammantrade:  # checked with its cases
                typer.echo(_check_meeting(path, gone))
                continue
            case = load_case(path)
            history = case_history(case.path, case.arende, case.program)
            if history.problems:
                raise CaseError(list(history.problems))
            if strict and (unknown := unknown_facts(case, history)):
                raise CaseError(unknown)
            first = first_of_dnr.setdefault(case.arende.dnr, index)
            if first != index:
                raise CaseError([same_dnr_problem(path, case.arende.dnr, files[first])])
            if (clash := namesakes.problem(path, case.arende.dnr)) is not None:
                raise CaseError([clash])
        except CaseError as exc:
            for problem in faults.add(exc.problems, path):
                typer.echo(problem, err=True)
            if index < cases and (elsewhere := faults.elsewhere(exc.problems, path)):
                # Its problems are another file's (a meeting file deciding it, its program):
                # told there, the case had no line of its own.
                typer.echo(
                    _(
                        "{path}: no problem found in the case file itself, but in {files}, "
                        "which it depends on (above): the case is not built until the problems "
                        "there are corrected"
                    ).format(path=path, files=", ".join(elsewhere)),
                    err=True,
                )
            continue
        typer.echo(f"ok  {path}  {case.arende.dnr}  {case.arende.aktor.namn}")
        # Without --strict unknown facts pass; a signatory's name the agreement would
        # print as [uppgift saknas] is said all the same: no packet is signed with it.
        for line in unknown_names(case, history):
            if line not in warned:
                warned.add(line)
                typer.echo(_("warning: {warning}").format(warning=line), err=True)
    if faults.files:
        typer.echo(faults.summary(), err=True)
        raise typer.Exit(1)


#: A problem's file: what comes before ``:<line>: `` or ``: `` (``file:line: field: message``).
_PROBLEM_FILE = re.compile(r"(?P<file>[^\n]+?):(?:\d+:)? ")


class _Faults:
    """The problems ``check`` found, each shown once, and the files they are in: a meeting
    file's problem found while checking a case is the meeting file's, not the case's (it
    said "1 of 1 case file has problems" of a case file without a fault)."""

    def __init__(self, case_files: list[Path]) -> None:
        self._cases = {str(path) for path in case_files}
        self._shown: set[str] = set()
        self.files: dict[str, str] = {}
        """Each file with problems, as the problems name it, and its kind."""

    def add(self, problems: list[str], checked: Path) -> list[str]:
        """Record ``problems`` found checking ``checked``; those not shown before."""
        from avtalsgen.input.kinds import file_kind
        from avtalsgen.meetings.files import MEETINGS_FOLDER
        from avtalsgen.model import Program
        from avtalsgen.model.meeting import Sammantrade

        new = []
        for problem in problems:
            name = self._file_of(problem, checked)
            if name not in self.files:
                # A meeting file that does not read as one (a YAML syntax error) is still
                # one, by its folder (it was counted as a program file).
                kind = file_kind(Path(name))
                if Path(name).parent.name == MEETINGS_FOLDER or kind is Sammantrade:
                    self.files[name] = "meeting"
                elif (name in self._cases or Path(name) == checked) and kind is not Program:
                    self.files[name] = "case"
                else:  # what a case file names: its program file
                    self.files[name] = "program"
            if problem not in self._shown:
                self._shown.add(problem)
                new.append(problem)
        return new

    def elsewhere(self, problems: list[str], checked: Path) -> list[str]:
        """The files other than ``checked`` that ``problems`` are in, in order, when none
        is in ``checked`` itself (else none)."""
        names = [self._file_of(problem, checked) for problem in problems]
        if str(checked) in names:
            return []
        return list(dict.fromkeys(names))

    @staticmethod
    def _file_of(problem: str, checked: Path) -> str:
        match = _PROBLEM_FILE.match(problem)
        return match["file"] if match and Path(match["file"]).is_file() else str(checked)

    def summary(self) -> str:
        """How many files of each kind have problems, and which."""
        kinds = list(self.files.values())
        cases, meetings, programs = (kinds.count(k) for k in ("case", "meeting", "program"))
        counts = [
            ngettext("{count} case file", "{count} case files", cases).format(count=cases),
            ngettext("{count} meeting file", "{count} meeting files", meetings).format(
                count=meetings
            ),
            ngettext("{count} program file", "{count} program files", programs).format(
                count=programs
            ),
        ]
        numbers = (cases, meetings, programs)
        counts = [text for text, count in zip(counts, numbers, strict=True) if count]
        return ngettext(
            "{what} has problems: {files}", "{what} have problems: {files}", len(kinds)
        ).format(what=join_words(counts), files=", ".join(self.files))


def _meeting_files_beside(folders: list[Path], named: list[Path]) -> list[Path]:
    """The meeting files in each folder's ``sammantraden/`` that are not named already."""
    from avtalsgen.input.kinds import file_kind
    from avtalsgen.meetings.files import meetings_in
    from avtalsgen.model.meeting import Sammantrade

    found: list[Path] = []
    for folder in folders:
        for path in meetings_in(folder):
            if path not in named and path not in found and file_kind(path) is Sammantrade:
                found.append(path)
    return found


def _stop_on_stray_paragraphs(paths: list[Path], outcome: str, output: Path) -> None:
    """Stop (exit 1) when a meeting file beside a folder of ``paths`` has a paragraph on a
    Dnr no case file has: the case it was meant for would read as not decided (found: a
    mistyped Dnr, and ``build cases/`` rebuilt that case as bordlagt, exit 0).

    A Dnr whose folder in ``output`` holds what was built for it is a case whose file is
    gone since (a decided case's cannot come back by editing the minutes): warned of once,
    and the other cases go on (it stopped every case)."""
    folders = [path for path in paths if path.is_dir()]
    if not folders:
        return  # a case file's build reads its own meeting files; no models loaded here
    from avtalsgen.build.leftovers import leftovers
    from avtalsgen.meetings.files import meetings_in

    kept = leftovers(folders, output)
    for leftover in kept:
        typer.echo(_("warning: {warning}").format(warning=leftover.warning(folders)), err=True)
    if not any(meetings_in(folder) for folder in folders):
        return  # no paragraph to look at: the models are not imported for none
    from avtalsgen.meetings.justering import stray_paragraphs

    problems = stray_paragraphs(folders, kept={leftover.dnr for leftover in kept})
    if not problems:
        return
    # A case file that cannot be read may be the one the paragraph names: its problems are
    # told with the paragraph's, and it is counted as a case file.
    faults = _Faults([path for folder in folders for path in folder.glob("*.yaml")])
    for problem in faults.add(problems, Path()):
        typer.echo(problem, err=True)
    advice = (
        _("{summary}; {outcome}: correct the case file, or the paragraph's dnr")
        if "case" in faults.files.values()
        else _("{summary}; {outcome}: correct the paragraph's dnr, or add the case file")
    )
    typer.echo(advice.format(summary=faults.summary(), outcome=outcome), err=True)
    raise typer.Exit(1)


def _check_meeting(path: Path, gone: Collection[str]) -> str:
    """Check the meeting file ``path`` and the cases it decides (but those of ``gone``, whose
    case files are gone since they were built): its line for ``check``.

    Raises :class:`CaseError` with every problem found.
    """
    from avtalsgen.meetings.justering import load_meeting

    meeting = load_meeting(path, gone).sammantrade
    count = len(meeting.paragrafer)
    return ngettext(
        "ok  {path}  meeting file: {committee} {date}, {count} paragraph",
        "ok  {path}  meeting file: {committee} {date}, {count} paragraphs",
        count,
    ).format(path=path, committee=meeting.namnd, date=meeting.datum, count=count)


@app.command(
    help=_(
        "Build each case's documents into OUTPUT/<Dnr>/ (Word and PDF/A-2b).\n\n"
        "After conversion every PDF is read back: the Dnr, the actor, the amounts, the period "
        "and the funding source must agree in every document, or nothing is written. Cases "
        "whose inputs are unchanged since their last build are skipped (--force rebuilds "
        "them). With a folder or several cases, a failing case does not stop the others, and "
        "OUTPUT/batch-report.json records every case."
    )
)
def build(
    paths: CasePaths,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help=_("Build only these documents: {names}.").format(names=", ".join(DOCUMENTS)),
            metavar=_("DOCUMENT"),
        ),
    ] = None,
    output: OutputDir = Path("output"),
    templates: TemplatesDir = None,
    strict: Strict = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            parser=whole_number,
            metavar="N",
            help=_("LibreOffice workers (default: cores)."),
        ),
    ] = os.cpu_count() or 1,
    force: Annotated[
        bool, typer.Option("--force", help=_("Rebuild cases whose inputs are unchanged."))
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            parser=seconds,
            metavar=_("SECONDS"),
            help=_("Seconds LibreOffice may take a document."),
        ),
    ] = 60.0,
) -> None:
    """Build each case's documents into OUTPUT/<Dnr>/ (Word and PDF/A-2b)."""
    from avtalsgen.build import interrupts
    from avtalsgen.build.batch import BuildOptions, build_cases
    from avtalsgen.build.outcome import Status
    from avtalsgen.build.progress import BatchDisplay
    from avtalsgen.build.workspace import Workspace

    documents = only or list(DOCUMENTS)
    unknown = [name for name in documents if name not in DOCUMENTS]
    if unknown:
        raise typer.BadParameter(
            _("unknown document {names}; choose {choices}").format(
                names=", ".join(unknown), choices=join_words(list(DOCUMENTS), "or")
            ),
            param_hint="--only",
        )
    files = case_files(paths)
    _stop_on_stray_paragraphs(paths, _("nothing was built"), output)
    batch = len(files) > 1 or any(path.is_dir() for path in paths)
    display = BatchDisplay(
        len(files), shown=shown_path, verbose=state["verbose"], notes_below=batch
    )
    # Ctrl-C and SIGTERM (a kill) stop the build cleanly: no soffice or staging left.
    with interrupts.handled(), display:
        options = BuildOptions(
            templates=templates or find_templates(paths),
            documents=tuple(documents),
            jobs=jobs,
            force=force,
            strict=strict,
            doc_timeout=timeout,
        )
        outcomes = build_cases(
            files, output, options, on_outcome=display.update, on_wait=tell, report=batch
        )
    if batch:
        display.summary(outcomes)
        report = shown_path(Workspace(output.resolve()).batch_report)
        typer.echo(_("report: {path}").format(path=report))
    if any(outcome.status == Status.FAILED for outcome in outcomes):
        raise typer.Exit(1)


@app.command(
    help=_("List the agreement's clauses in order, which went in and why; strategies; schedule.")
)
def explain(
    case_path: Annotated[Path, typer.Argument(help=_("A case file."), metavar=_("CASE_FILE"))],
) -> None:
    """List the agreement's clauses in order, which went in and why; strategies; schedule."""
    from avtalsgen.documents.financing import explain_financing
    from avtalsgen.documents.tillagg import applies_from_day
    from avtalsgen.input.load import load_case
    from avtalsgen.meetings.decisions import case_history
    from avtalsgen.meetings.inforce import in_force
    from avtalsgen.model.agreement import (
        agreement_date,
        agreement_financing,
        choose_clauses,
        strategy,
    )
    from avtalsgen.model.decision import UTFALL_TEXT, Utfall
    from avtalsgen.model.money import compute_financing
    from avtalsgen.model.tillagg import TILLAGGSTYP_TEXT

    case = load_case(case_path)
    history = case_history(case.path, case.arende, case.program)
    if history.problems:
        raise CaseError(list(history.problems))
    # The agreement follows the decision: a bifall med ändring's financing, not the proposal's.
    arende, program = history.decided, case.program
    typer.echo(f"{arende.dnr}  samarbetsavtal: {program.avtal.rubrik}")
    decision = history.grant or history.deciding or history.latest
    if decision is None or history.utfall is None:
        typer.echo(_("as proposed: no meeting has decided the case yet (the agreement is a draft)"))
    elif history.grant is not None:
        typer.echo(
            _("as decided: {decision} ({outcome})").format(
                decision=decision.label, outcome=_(UTFALL_TEXT[history.utfall])
            )
        )
    else:
        typer.echo(
            _(
                "no agreement follows: {decision} ({outcome}); below, the agreement as it "
                "was proposed"
            ).format(decision=decision.label, outcome=_(UTFALL_TEXT[history.utfall]))
        )
    for change in history.changes:
        typer.echo(
            _(
                "changed by {decision}: tilläggsavtal nr {number} states the agreement as it "
                "reads after the change; below, the agreement as granted"
            ).format(decision=change.decision.label, number=change.nummer)
        )
    for decided, outcome in zip(history.decisions, history.outcomes, strict=True):
        proposed = decided.paragraf.tillagg
        if proposed is not None and not outcome.granted:
            # A change the committee did not grant: said, or explain read as if no later
            # decision had been taken (status says it of the newest). Only an avslag
            # refuses it; a proposal referred back or postponed is not decided yet.
            said = (
                _("not changed by {decision} ({outcome}): the proposed change ({change}) was "
                  "rejected, and the agreement stays as it is")
                if outcome is Utfall.AVSLAG
                else _("not changed by {decision} ({outcome}): the proposed change ({change}) "
                       "is not decided yet, and the agreement stays as it is until it is")
            )  # fmt: skip
            typer.echo(
                said.format(
                    decision=decided.label,
                    outcome=_(UTFALL_TEXT[outcome]),
                    change=_(TILLAGGSTYP_TEXT[proposed.typ]),
                )
            )
    for pending in history.pending:
        typer.echo(
            _("not held yet: {decision}; it is counted from the meeting's day").format(
                decision=pending.label
            )
        )
    number = 0
    for val in choose_clauses(arende, program):
        number += val.med
        shown = f"{number:>3}" if val.med else "  -"
        typer.echo(f"{shown}  {val.id:<22} {val.rubrik:<30} {val.skal}")
    on = agreement_date(arende)
    strategies = (
        _("strategies in force on {date} (the agreement's date):")
        if arende.avtal.datum
        else _("strategies in force on {date} (the period's start):")
    )
    typer.echo(strategies.format(date=on))
    for kortnamn in ("S3", "RUS"):
        typer.echo(f"  {kortnamn}: {strategy(program, kortnamn, on).namn}")
    money = agreement_financing(arende)
    figures = compute_financing(money, program.finansiering)
    for line in [*_per_avtalsar(figures), *explain_financing(figures)]:
        typer.echo(line)
    after = in_force(history, program)
    if after is not None:
        # What the agreement pays after the later decisions (the plan above is the
        # grant's): the newest change's financing, each payment with its decision.
        change = after.change
        typer.echo(
            _("in force after {decision} (tilläggsavtal nr {number}, changed from {date} on): "
              "the financing, and each payment with the decision that set it").format(
                decision=change.decision.label,
                number=change.nummer,
                date=applies_from_day(change.andring),  # as the tilläggsavtal says it
            )
        )  # fmt: skip
        set_by = [f"  § {d.paragraf.paragraf}, {d.datum}" for d in after.set_by]
        for line in [*_per_avtalsar(after.figures), *explain_financing(after.figures, set_by)]:
            typer.echo(line)


def _per_avtalsar(figures: Berakning) -> list[str]:
    """The region's amount per avtalsår, as the agreement's table "Belopp per avtalsår"
    states it (explain_financing's payments follow)."""
    from avtalsgen.documents import format as fmt
    from avtalsgen.documents.financing import message_kr

    lines = [_("the region's amount per avtalsår:")]
    for year in figures.avtalsar:
        period = fmt.intervall(year.start, year.slut)
        months = ngettext("{count} month", "{count} months", year.manader)
        months = months.format(count=f"{year.manader:>2}")
        avtalsar = _("avtalsår {number}").format(number=year.nummer)
        lines.append(f"  {avtalsar}  {period}  {months}  {message_kr(year.belopp)}")
    return lines


@app.command(
    help=_(
        "Where each case stands: the committee's decision, the newest file of each document, "
        "and what is missing (facts, extracts, builds, signatures). Writes nothing."
    )
)
def status(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help=_("Case files, or folders whose *.yaml files are cases (default: cases)."),
            metavar=_("PATHS") + "...",
        ),
    ] = None,
    output: OutputDir = Path("output"),
    templates: TemplatesDir = None,
    as_json: Annotated[
        bool, typer.Option("--json", help=_("Print a JSON list of objects, one per case."))
    ] = False,
) -> None:
    """Where each case stands: the committee's decision, the newest file of each document,
    and what is missing (facts, extracts, builds, signatures). Writes nothing."""
    from avtalsgen.build.status import case_status, output_file
    from avtalsgen.model.decision import UTFALL_TEXT, Utfall

    def at(relative: str) -> str:
        """A file of the output folder as the user can paste it (the JSON's are relative to
        the output folder, as documented; these were too, and no command took them)."""
        return output_file(output, relative)

    given = paths or [Path("cases")]
    _stop_on_stray_paragraphs(given, _("no status is shown"), output)
    found = case_status(given, output, templates or find_templates(given), commands=True)
    if as_json:
        json.dump([item.to_json() for item in found], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        standing, missing = _("where it stands"), _("missing")
        for item in found:
            head = f"{item.dnr or '?'}  {item.aktor or item.arende}"
            typer.echo(f"{head}\n  {standing}: {item.lage}")
            for row in item.beslut:
                if row.utdrag is None:
                    extract = _("no extract yet")
                elif row.bestyrkt_efter:
                    extract = _(
                        "{extract}, certified after {packet} was signed: the packet holds the "
                        "extract as it was before, not certified, and stays as signed; the "
                        "certified extract is this file, beside it"
                    ).format(extract=at(row.utdrag), packet=at(row.bestyrkt_efter))
                elif row.bestyrkt:
                    extract = _("{extract}, certified").format(extract=at(row.utdrag))
                else:
                    extract = _("{extract}, not certified").format(extract=at(row.utdrag))
                outcome = _(UTFALL_TEXT[Utfall(row.utfall)])
                if row.tillagg is not None:
                    from avtalsgen.model.tillagg import change_outcome

                    outcome = change_outcome(row.tillagg, row.utfall)
                typer.echo(f"  § {row.paragraf} {row.datum}  {outcome}  ({extract})")
            for document in item.dokument:
                typer.echo(f"  {at(document)}")
            for packet in item.undertecknade_paket:
                typer.echo(f"  {at(packet.fil)}: {packet.text}")
            for line in item.saknas:
                typer.echo(f"  {missing}: {line}")
            if item.fel:
                typer.echo(item.fel, err=True)
    if any(item.fel for item in found):
        raise typer.Exit(1)
