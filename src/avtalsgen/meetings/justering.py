"""Read a meeting file and the case files its paragraphs decide; every problem at once, by line.

The meeting file is validated with :func:`avtalsgen.input.load.validate_file` (types, unknown and
missing keys); then the rules between its fields (:meth:`Sammantrade.problems`) and what the
case files tell are checked, each problem reported as ``file:line: field: message``:

- the ``arenden`` folder exists and exactly one case file in it has each Dnr;
- each case file loads (its own problems are reported after the paragraph's);
- each case goes to the meeting's committee, and its beslutsförslag is not dated after the
  meeting;
- an example case (``exempel: true``) is decided only at an example meeting;
- the decisions on each Dnr, this meeting's and those of the meeting files beside its
  cases, follow one another as :mod:`avtalsgen.meetings.decisions` says (no second bifall,
  nothing after an avslag, changed facts that fit the program).
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from avtalsgen.errors import CaseError
from avtalsgen.i18n import _
from avtalsgen.input.kinds import file_kind, peek
from avtalsgen.input.load import LoadedCase, key_lines, load_case, read_yaml, validate_file
from avtalsgen.meetings.decisions import (
    History,
    Tillaggsbeslut,
    case_history,
    proposal_after_meeting,
    utfall,
)
from avtalsgen.meetings.unread import suspects
from avtalsgen.model import Program
from avtalsgen.model.meeting import Paragraf, Problem, Sammantrade
from avtalsgen.model.types import Loc

#: A Dnr as the model takes it (:data:`avtalsgen.model.types.Dnr`).
_DNR = re.compile(r"RUN-\d{5}-\d{4}")


@dataclass(frozen=True)
class CaseIndex:
    """The case files of a folder by Dnr, and the files that could not be read for one."""

    folder: Path
    by_dnr: dict[str, list[Path]]
    unreadable: list[Path] = field(default_factory=list)
    unnamed: list[Path] = field(default_factory=list)
    """The files read as YAML without a Dnr of the form RUN-NNNNN-ÅÅÅÅ that are no program
    or meeting files: an empty file, a case file whose dnr is missing or mistyped."""


@dataclass(frozen=True)
class LoadedMeeting:
    """A valid meeting, the cases its paragraphs decide (by Dnr) and where its keys are."""

    path: Path
    sammantrade: Sammantrade
    cases: dict[str, LoadedCase]
    lines: dict[Loc, int]
    histories: dict[str, History] = field(default_factory=dict)
    """The decisions on each case, this meeting's included, by Dnr."""

    def change(self, paragraf: Paragraf) -> Tillaggsbeslut | None:
        """The change of the running agreement that ``paragraf`` decides, as applied to
        the case's financing (None: the paragraph has no tillägg, or it is refused)."""
        history = self.histories.get(paragraf.dnr)
        if history is None or paragraf.tillagg is None:
            return None
        return next(
            (
                c
                for c in history.changes
                if c.decision.paragraf is paragraf
                or (
                    c.decision.datum == self.sammantrade.datum
                    and c.decision.paragraf.paragraf == paragraf.paragraf
                )
            ),
            None,
        )

    def case(self, paragraf: Paragraf) -> LoadedCase:
        """The case that ``paragraf`` decides."""
        return self.cases[paragraf.dnr]

    def locate(self, paragraf: Paragraf) -> Loc:
        """The location of ``paragraf`` in the file, e.g. ``("paragrafer", 2)``."""
        return ("paragrafer", self.sammantrade.paragrafer.index(paragraf))

    def problem(self, loc: Loc, message: str) -> str:
        """A problem at ``loc`` as ``file:line: field: message``."""
        return _problem(self.path, self.lines, loc, message)


def format_loc(loc: Loc) -> str:
    """A location the way problems show it: ``paragrafer[1].dnr``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or _("(file)")


def where(path: Path, lines: dict[Loc, int], loc: Loc) -> str:
    """``file:line: field`` of ``loc`` in the file at ``path`` (``lines``:
    :func:`avtalsgen.input.load.key_lines`): the line of its key, or of the nearest key that
    encloses it; none when no key does."""
    probe = loc
    while probe and probe not in lines:
        probe = probe[:-1]
    line = f":{lines[probe]}" if probe else ""
    return f"{path}{line}: {format_loc(loc)}"


def _problem(path: Path, lines: dict[Loc, int], loc: Loc, message: str) -> str:
    return f"{where(path, lines, loc)}: {message}"


def index_cases(folder: Path) -> CaseIndex:
    """Index the ``*.yaml`` files directly in ``folder`` by their ``dnr`` key.

    Program and meeting files (by :func:`avtalsgen.input.kinds.kind_of`) are not cases and
    are left out; files that cannot be read or parsed are listed as unreadable, and those
    that might be case files but name no Dnr as unnamed.
    """
    by_dnr: dict[str, list[Path]] = {}
    unreadable: list[Path] = []
    unnamed: list[Path] = []
    for path in sorted(folder.glob("*.yaml")):
        if not path.is_file():
            continue
        found = peek(path)  # read with every limit of a case file: tags, size, nesting
        if not found.readable:
            unreadable.append(path)
        elif found.kind not in (Program, Sammantrade):
            if found.dnr is not None:
                by_dnr.setdefault(found.dnr, []).append(path)
            if found.dnr is None or not _DNR.fullmatch(found.dnr):
                unnamed.append(path)
    return CaseIndex(folder=folder, by_dnr=by_dnr, unreadable=unreadable, unnamed=unnamed)


def case_folder(path: Path, sammantrade: Sammantrade) -> Path:
    """The folder of the case files that the meeting file at ``path`` names."""
    return Path(os.path.normpath(path.parent / sammantrade.arenden))


def load_meeting(path: Path, kept: Collection[str] = ()) -> LoadedMeeting:
    """Load a meeting file and every case it decides; report every problem in all of them.
    A paragraph on a Dnr of ``kept`` that no case file has is passed by: a case whose
    documents were built and whose case file is gone since (:func:`stray_paragraphs`).

    Raises :class:`CaseError` with one ``file:line: field: message`` line per problem.
    """
    sammantrade, problems = validate_file(Sammantrade, path)
    if sammantrade is None:
        raise CaseError(problems + _unknown_dnrs(path, kept=kept))
    lines = key_lines(path)

    def report(loc: Loc, message: str) -> None:
        problems.append(_problem(path, lines, loc, message))

    for rule in sammantrade.problems():
        report(rule.loc, rule.message)
    folder = case_folder(path, sammantrade)
    cases: dict[str, LoadedCase] = {}
    if not folder.is_dir():
        report(("arenden",), _("folder not found: {folder}").format(folder=folder))
    else:
        index = index_cases(folder)
        failed: set[str] = set()
        for number, paragraf in enumerate(sammantrade.paragrafer):
            if paragraf.dnr in kept and paragraf.dnr not in index.by_dnr:
                continue
            loc: Loc = ("paragrafer", number, "dnr")
            for item in _case_problems(sammantrade, paragraf, index, cases, failed, loc):
                if isinstance(item, Problem):
                    report(item.loc, item.message)
                else:
                    problems.append(item)
    histories: dict[str, History] = {}
    if not problems:
        # The rules between this meeting's decisions and the others on the same Dnr (a
        # second bifall, a decision after an avslag), as the case's build will read them.
        for dnr, case in cases.items():
            history = case_history(case.path, case.arende, case.program, extra=[path])
            histories[dnr] = history
            problems += [p for p in history.order_problems if p.startswith(f"{path}:")]
    if problems:
        raise CaseError(problems)
    return LoadedMeeting(
        path=path, sammantrade=sammantrade, cases=cases, lines=lines, histories=histories
    )


def stray_paragraphs(folders: list[Path], kept: Collection[str] = ()) -> list[str]:
    """The paragraphs of the meeting files beside each folder of case files (its
    ``sammantraden/``) whose Dnr no case file has, as ``check`` reports them.

    Such a paragraph decides nothing a build can see: the case it was meant for (its Dnr
    mistyped) would be built as if the decision had not been made, so a build or a status
    of the folder stops on it instead. A meeting file that cannot be read is left to what
    reads it, and so is a case file that cannot be read but names the paragraph's Dnr:
    the build or status of the folder shows its own problems. A case file that cannot be
    read and names no Dnr may be the one: its own problems are told here, and the
    paragraph says to correct it (or its dnr). A paragraph on a Dnr of ``kept`` is left to
    the caller: a case whose documents were built and whose case file is gone since (a
    decided case's file cannot come back by editing the minutes).
    """
    from avtalsgen.meetings.files import meetings_in

    found: list[str] = []
    for folder in folders:
        for path in meetings_in(folder):
            if file_kind(path) is Sammantrade:
                found += _unknown_dnrs(path, named_too=False, kept=kept)
    return found


def _unknown_dnrs(path: Path, *, named_too: bool = True, kept: Collection[str] = ()) -> list[str]:
    """The paragraphs of a meeting file that is not valid otherwise whose Dnr no case file
    has, read from its data: reported with its other problems, all at once; and the own
    problems of the case files that cannot be read and may be theirs (of those that name
    the Dnr only if ``named_too``)."""
    data = read_yaml(path)
    paragrafer = data.get("paragrafer") if isinstance(data, dict) else None
    arenden = data.get("arenden", "..") if isinstance(data, dict) else None
    if not isinstance(paragrafer, list) or not isinstance(arenden, str):
        return []
    folder = Path(os.path.normpath(path.parent / arenden))
    if not folder.is_dir():
        return []
    index = index_cases(folder)
    lines = key_lines(path)
    found = []
    for number, item in enumerate(paragrafer):
        dnr = item.get("dnr") if isinstance(item, dict) else None
        if not isinstance(dnr, str) or not _DNR.fullmatch(dnr.strip()):
            continue  # no Dnr, or one the validation refused already
        if dnr.strip() in index.by_dnr or dnr.strip() in kept:
            continue
        loc: Loc = ("paragrafer", number, "dnr")
        unread = suspects(index, dnr.strip())
        if unread is None:
            message = _("no case file in {folder} has Dnr {dnr}").format(
                folder=folder, dnr=dnr.strip()
            )
            found.append(_problem(path, lines, loc, message))
        elif named_too or not unread.certain:
            found += [*unread.problems(), _problem(path, lines, loc, unread.message(folder))]
    return found


def _case_problems(
    sammantrade: Sammantrade,
    paragraf: Paragraf,
    index: CaseIndex,
    cases: dict[str, LoadedCase],
    failed: set[str],
    loc: Loc,
) -> list[Problem | str]:
    """What the case file of ``paragraf`` tells against the meeting; loads it into ``cases``.

    Problems of the case file itself come as ready lines (they name their own file).
    """
    dnr = paragraf.dnr
    if dnr in failed:
        return [Problem(loc, _("the case file of {dnr} is invalid (see above)").format(dnr=dnr))]
    if dnr not in cases:
        paths = index.by_dnr.get(dnr, [])
        unread_case = None if paths else suspects(index, dnr)
        if unread_case is not None:
            failed.add(dnr)
            return [Problem(loc, unread_case.message(index.folder)), *unread_case.problems()]
        if not paths:
            unread = ", ".join(p.name for p in index.unreadable)
            message = (
                _("no case file in {folder} has Dnr {dnr} (unreadable, not searched: {files})")
                if unread
                else _("no case file in {folder} has Dnr {dnr}")
            )
            return [Problem(loc, message.format(folder=index.folder, dnr=dnr, files=unread))]
        if len(paths) > 1:
            names = ", ".join(str(p) for p in paths)
            failed.add(dnr)
            return [
                Problem(
                    loc,
                    _("Dnr {dnr} is in more than one case file: {files}").format(
                        dnr=dnr, files=names
                    ),
                )
            ]
        try:
            cases[dnr] = load_case(paths[0])
        except CaseError as exc:
            failed.add(dnr)
            return [
                Problem(
                    loc,
                    # Not "follow": check shows them once, where it checked the case first.
                    _(
                        "the case file {path} is invalid: its problems are on the lines that "
                        "start with its name"
                    ).format(path=paths[0]),
                ),
                *exc.problems,
            ]
    arende = cases[dnr].arende
    problems: list[Problem | str] = []
    if arende.namnd != sammantrade.namnd:
        problems.append(
            Problem(
                loc,
                _("{dnr} goes to {committee}, not to {meeting}").format(
                    dnr=dnr, committee=arende.namnd, meeting=sammantrade.namnd
                ),
            )
        )
    # An återremiss or bordläggning may have dealt with an earlier version of the
    # proposal: the office revises it for the meeting that decides the case.
    deciding = utfall(arende, paragraf).final
    if deciding and arende.datum is not None and arende.datum > sammantrade.datum:
        problems.append(
            Problem(loc, proposal_after_meeting(arende, cases[dnr].path, sammantrade.datum))
        )
    if arende.exempel and not sammantrade.exempel:
        problems.append(
            Problem(
                loc,
                _(
                    "{dnr} is a fictitious example case (exempel: true); only an example "
                    "meeting (exempel: true) may decide it"
                ).format(dnr=dnr),
            )
        )
    return problems
