"""Where every case stands: decided or not, what was made, what is missing.

:func:`case_status` reads the case files, the meeting files that decide them and the output
folder, and writes nothing: the CLI's ``avtalsgen status`` (a table, or ``--json``) and the
office's web app show what it returns. For each case: its Dnr and actor; the outcome of the
committee's decision (``utfall``: bifall, bifall_med_andring, avslag, aterremiss,
bordlaggning, or None while undecided); where it stands in words (utkast, förslag byggt,
beslutat: …, återremitterat, bordlagt, avtal undertecknat av …); the newest file of each
document, relative to the output folder; and what is missing (facts not filled in, extracts
not made yet, documents not built or out of date, signatures not made).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from avtalsgen import clock
from avtalsgen.build.nextbuild import NextBuild
from avtalsgen.build.packets import PacketFolder
from avtalsgen.build.workspace import CaseFolder, Workspace
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _, join_words, ngettext
from avtalsgen.model.decision import UTFALL_TEXT, Utfall

if TYPE_CHECKING:
    from avtalsgen.build.recorded import RecordedCase
    from avtalsgen.build.superseded import Superseded
    from avtalsgen.model.tillagg import Andring


@dataclass(frozen=True)
class Beslutsrad:
    """One decision on the case, as status shows it."""

    datum: str
    paragraf: int
    utfall: str
    sammantrade: str
    """The meeting file, as the case file's folder names it (``sammantraden/x.yaml``)."""
    utdrag: str | None
    """The newest version of its protocol extract, relative to the output folder; None
    while not made."""
    bestyrkt: bool = False
    """Whether that extract is certified: its field 'utdragsbestyrkande' signed with a key
    that may certify it (:mod:`avtalsgen.signing.certifier`)."""
    bestyrkt_fel: str | None = None
    """Why the extract's signed field 'utdragsbestyrkande' does not count as certified (a
    key that may not certify it signed it); None when it counts or is not signed."""
    bestyrkt_efter: str | None = None
    """The signed packet (relative to the output folder) that holds the extract as it was
    before it was certified, if it was certified after a party signed that packet: the
    packet stays as signed, and the certified extract is the file itself."""
    tillagg: str | None = None
    """For a change of the running agreement: its type (forlangning, nytt_belopp,
    upphorande); None for a decision on the proposal."""


@dataclass(frozen=True)
class Undertecknat:
    """A packet signed by every party that the case rests on: the newest such version of
    the agreement's packet, or of a tilläggsavtal's."""

    fil: str
    """The packet, relative to the output folder."""
    tillagg: int
    """0: the packet holds the agreement; N: it holds tilläggsavtal nr N."""
    undertecknare: list[str]
    """Who signed it (the names in their certificates), in order."""

    @property
    def text(self) -> str:
        """What it holds and who signed it, in words (after the file's name)."""
        names = ", ".join(self.undertecknare)
        if self.tillagg == 0:
            return _("the agreement, signed by {names}").format(names=names)
        return _("tilläggsavtal nr {number}, signed by {names}").format(
            number=self.tillagg, names=names
        )


@dataclass(frozen=True)
class Step:
    """The step that supplies a thing missing, for a page to lead to it."""

    kind: str
    """``meeting``: a meeting is to decide the case; ``extract``: the extract of ``paragraf``
    of ``meeting`` is to be made; ``justering``: it is to be made once the minutes (or the
    paragraph) are justerade; ``certify``: it is to be certified; ``held``: ``meeting``
    is not held yet; ``build``: the case's documents are to be built (again); ``sign``: the
    packet's signature field ``field`` is to be signed."""
    meeting: str | None = None
    """The meeting file's name without ``.yaml``."""
    paragraf: int | None = None
    field: str | None = None
    """The signature field as ``avtalsgen sign --field`` takes it (aktor, region)."""


class Missing(str):
    """A line of :attr:`CaseStatus.saknas`: its text, with the step that supplies what it
    says is missing (None: no step of avtalsgen's does, e.g. a fact to fill in)."""

    step: Step | None

    def __new__(cls, text: str, step: Step | None = None) -> Missing:
        line = super().__new__(cls, text)
        line.step = step
        return line


@dataclass
class CaseStatus:
    """Where one case stands."""

    arende: str
    """The case file."""
    dnr: str | None = None
    aktor: str | None = None
    titel: str | None = None
    utfall: Utfall | None = None
    lage: str = ""
    """Where the case stands, in words."""
    kod: str = "utkast"
    """Where the case stands, as a code (set with ``lage``): utkast, forslag, aterremiss,
    bordlaggning, avslag, beslutat (granted, the agreement to sign), undertecknat,
    tillaggsavtal (one decided or made), ersatt (the newest packet signed and superseded),
    fel (the case file cannot be read): what the web app's case list filters by."""
    beslut: list[Beslutsrad] = field(default_factory=list)
    dokument: list[str] = field(default_factory=list)
    """The newest file of each document (PDF), relative to the output folder, in packet
    order, the newest packet last."""
    undertecknat: list[str] = field(default_factory=list)
    """Who signed the newest packet (the names in their certificates), in order."""
    undertecknade_paket: list[Undertecknat] = field(default_factory=list)
    """The signed packets the case rests on, oldest first: the agreement's and each
    tilläggsavtal's (the newest version of each that every party signed), whether or not
    the newest packet is one of them."""
    saknas: list[str] = field(default_factory=list)
    """What is missing, each as a line of text (a :class:`Missing` where a step of
    avtalsgen's supplies it)."""
    fel: str | None = None
    """Why the case cannot be read (its problems), if it cannot."""

    def to_json(self) -> dict[str, Any]:
        """The status as JSON: ``dnr``, ``aktor``, ``utfall`` (a value of :class:`Utfall` or
        null), ``lage`` and its code ``kod``, ``dokument``, ``saknas`` and the rest."""
        return {
            "arende": self.arende,
            "dnr": self.dnr,
            "aktor": self.aktor,
            "titel": self.titel,
            "utfall": self.utfall.value if self.utfall is not None else None,
            "lage": self.lage,
            "kod": self.kod,
            "beslut": [vars(row) for row in self.beslut],
            "dokument": self.dokument,
            "undertecknat": self.undertecknat,
            "undertecknade_paket": [vars(row) for row in self.undertecknade_paket],
            "saknas": self.saknas,
            "fel": self.fel,
        }


def case_paths(paths: Sequence[Path]) -> list[Path]:
    """Case files, folders expanded to the case files directly in them (a program file
    beside them is none: :func:`avtalsgen.input.kinds.case_files_in`)."""
    from avtalsgen.input.kinds import case_files_in

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += case_files_in(path)
        else:
            files.append(path)
    return files


def case_status(
    paths: Sequence[Path],
    output_root: Path,
    templates: Path = Path("templates"),
    *,
    missing: bool = True,
    commands: bool = False,
    field_label: Callable[[str], str] = str,
) -> list[CaseStatus]:
    """Where each case of ``paths`` (case files, or folders of them) stands against the
    output folder ``output_root``; ``templates`` is the folder a build would use (to tell
    whether the built documents are out of date). Reads only; a case that cannot be read
    is listed with its problems (``fel``). With ``missing`` False the two costly things
    missing are not looked for, the facts left unknown and whether the documents are up to
    date (``saknas`` leaves them out; the rest, ``lage`` too, is the same): for a list of
    where many cases stand. With ``commands`` the commands ``saknas`` suggests run as they
    read from the working directory (the command line's): the files by the path
    ``output_root`` gives them, with ``--output`` unless it is the default; else the files
    are named relative to the output folder, as ``dokument`` names them. ``field_label``
    names a signature field in ``saknas`` (the web's pages: a word, aktör); without it, as
    ``avtalsgen sign --field`` takes it (aktor)."""
    workspace = Workspace(output_root)
    hints = _Hints(output_root if commands else None, field_label)
    found = [_one(path, workspace, templates, missing, hints) for path in case_paths(paths)]
    return _one_per_dnr(found)


def _one_per_dnr(found: list[CaseStatus]) -> list[CaseStatus]:
    """``found`` with a case file whose folder holds another of its Dnr, or that came after
    another of its Dnr, told as ``check`` and ``build`` tell it (``fel``, both files named
    by their ``dnr:`` lines), not with the Dnr's folder read for it: a copy was listed with
    the original's documents and its signed packet as superseded."""
    from avtalsgen.input.duplicates import Namesakes, same_dnr_problem

    namesakes = Namesakes()
    first: dict[str, CaseStatus] = {}
    for index, status in enumerate(found):
        if status.dnr is None or status.kod == "fel":
            continue
        path = Path(status.arende)
        keeper = first.setdefault(status.dnr, status)
        problem = (
            same_dnr_problem(path, status.dnr, Path(keeper.arende))
            if keeper is not status
            else namesakes.problem(path, status.dnr)
        )
        if problem is not None:
            found[index] = CaseStatus(
                arende=status.arende,
                dnr=status.dnr,
                aktor=status.aktor,
                titel=status.titel,
                lage=_("case file has problems"),
                kod="fel",
                fel=problem,
            )
    return found


@dataclass(frozen=True)
class _Hints:
    """The commands that ``saknas`` suggests, as they run from the working directory: the
    files under the output folder as the user named it, and its ``--output`` unless it is
    the default."""

    output: Path | None
    """The output folder as the command line named it; None: the files relative to it and
    no ``--output`` (for a page that names them so)."""
    field: Callable[[str], str] = str
    """A signature field's name as the reader knows it."""

    def path(self, relative: str) -> str:
        """A file of the output folder (named relative to it) as the reader finds it."""
        return relative if self.output is None else output_file(self.output, relative)

    @property
    def option(self) -> str:
        if self.output is None or self.output == Path("output"):
            return ""
        return f" --output {self.output}"


def output_file(output: Path, relative: str) -> str:
    """The file ``relative`` (to the output folder ``output``, as the command line named it)
    as the command line shows it, to be pasted into a command: under the folder as given
    (``output/RUN-00386-2023/paket.pdf``), relative to the working folder where it lies
    below it, as ``build`` shows what it wrote."""
    from avtalsgen.build.workspace import shown

    return str(shown(output / relative))


def _one(
    path: Path,
    workspace: Workspace,
    templates: Path,
    missing: bool = True,
    hints: _Hints = _Hints(None),
) -> CaseStatus:
    from avtalsgen.input.load import awaits_decision, load_case, unknown_facts
    from avtalsgen.meetings.decisions import case_history

    status = CaseStatus(arende=str(path))
    try:
        case = load_case(path)
    except AvtalsgenError as exc:
        status.fel = exc.message
        status.lage, status.kod = _("case file has problems"), "fel"
        return status
    arende = case.arende
    status.dnr, status.aktor, status.titel = arende.dnr, arende.aktor.namn, arende.titel
    history = case_history(case.path, arende, case.program)
    if history.problems:
        status.fel = "\n".join(history.problems)
    status.utfall = history.utfall
    folder = workspace.case(arende.dnr)
    packets = PacketFolder(folder)  # the manifest and each packet read once for the case
    root = workspace.root

    def named(file: Path) -> str:
        """A file of the output folder as the lines of ``saknas`` name it."""
        return hints.path(_relative(file, root))

    extracts: dict[Path, bytes] = {}
    status.beslut = _decisions(history, folder, root, packets, extracts)
    if missing:
        undecided = awaits_decision(history)  # then the first fact is the meeting's
        status.saknas += [
            Missing(line, Step("meeting")) if undecided and index == 0 else line
            for index, line in enumerate(unknown_facts(case, history))
        ]
    from avtalsgen.build.tillagg import plan as tillagg_plan
    from avtalsgen.signing.certifier import not_counted

    planned = tillagg_plan(history, packets)
    today = clock.today()
    for row, decision in zip(status.beslut, history.decisions, strict=True):
        meeting = decision.meeting.path.stem
        justering = decision.sammantrade.justering(decision.paragraf).justeringsdatum
        # A secret paragraph's extract is made only when asked for by number.
        secret = f" --paragraf {row.paragraf}" if decision.paragraf.sekretess else ""
        if row.utdrag is None and today < justering:
            # utdrag skips it until then ("not justerad until …"): status said to run it.
            status.saknas.append(
                Missing(
                    _(
                        "protokollsutdrag § {paragraf} of the meeting of {datum}: waits for the "
                        "minutes' justering on {justering} (justeringsdatum in {file}); make it "
                        "on that day or later (avtalsgen utdrag {meeting})"
                    ).format(
                        paragraf=row.paragraf,
                        datum=row.datum,
                        justering=justering.isoformat(),
                        file=decision.meeting.path,
                        meeting=f"{decision.meeting.path}{hints.option}{secret}",
                    ),
                    Step("justering", meeting, row.paragraf),
                )
            )
        elif row.utdrag is None:
            status.saknas.append(
                Missing(
                    _(
                        "protokollsutdrag § {paragraf} of the meeting of {datum}: not made yet "
                        "(avtalsgen utdrag {meeting})"
                    ).format(
                        paragraf=row.paragraf,
                        datum=row.datum,
                        meeting=f"{decision.meeting.path}{hints.option}{secret}",
                    ),
                    Step("extract", meeting, row.paragraf),
                )
            )
        elif row.bestyrkt_fel is not None:
            status.saknas.append(
                Missing(
                    not_counted(
                        row.bestyrkt_fel, hints.path(row.utdrag), _extract_version(row.utdrag),
                        f"avtalsgen utdrag {decision.meeting.path}{hints.option} "
                        f"--paragraf {row.paragraf}",
                    ),
                    Step("extract", meeting, row.paragraf),
                )
            )  # fmt: skip
        elif not row.bestyrkt:
            status.saknas.append(
                Missing(
                    _(
                        "{extract}: not certified yet (avtalsgen sign {path} --field "
                        "utdragsbestyrkande)"
                    ).format(extract=hints.path(row.utdrag), path=hints.path(row.utdrag)),
                    Step("certify", meeting, row.paragraf),
                )
            )
    for decision in history.pending:
        status.saknas.append(
            Missing(
                _(
                    "§ {paragraf} of the meeting of {datum} ({meeting}): the meeting is not held "
                    "yet; no document states its decision before that day"
                ).format(
                    paragraf=decision.paragraf.paragraf,
                    datum=decision.datum,
                    meeting=decision.meeting.path,
                ),
                Step("held", decision.meeting.path.stem, decision.paragraf.paragraf),
            )
        )
    if missing:  # an extract whose meeting file is gone: kept, and named
        from avtalsgen.build.orphans import orphan_extracts, orphan_text

        status.saknas += [
            orphan_text(orphan, named(orphan.pdf))
            for orphan in orphan_extracts(folder.path, history)
        ]
    built = _documents(packets, planned.documents)
    status.dokument = [_relative(p, root) for p in built]
    # What the next build does: asked once, only as far as status needs to know.
    next_build = NextBuild(case, history, planned, packets, templates, read=extracts)
    state = _build_state(next_build, hints) if missing else None
    if state is not None:
        status.saknas.append(Missing(state, Step("build")))
    if missing:
        command = f"avtalsgen build {case.path}{hints.option}"
        status.saknas += _contradicting(packets, planned.documents, named, command)
    packet = packets.versions[-1] if packets.versions else None
    if packet is not None:
        status.dokument.append(_relative(packet, root))
    signed, unsigned = _signatures(packets, packet) if history.agreement else ([], [])
    status.undertecknat = signed
    if history.agreement:
        status.undertecknade_paket = _signed_packets(packets, len(history.changes), root)
    # What is to be done before the packet is signed comes before its fields to sign.
    stale = _superseded(packets, history, root, next_build, hints)
    status.saknas += [found.text() for found in stale]
    status.saknas += _unmarked(packets, history, named, f"{case.path}{hints.option}")
    first = [line for line in status.saknas if not _certifying(line)]
    for name in unsigned:
        relative = _relative(packet, root) if packet else "paket.pdf"
        status.saknas.append(
            Missing(_unsigned(relative, name, hints, bool(first)), Step("sign", field=name))
        )
    # One key in both parties' fields (the region's seal signed the actor's): the actor
    # has not signed, whatever the fields say.
    taken = _one_key(packets, packet)
    if taken is not None and packet is not None:
        kind, signer = taken
        command = f"avtalsgen build {case.path}{hints.option}"
        if kind == "shared":
            said = _(
                "{packet}: both parties' fields are signed with one key ({signer}), so the "
                "other party has not signed it and its field is taken: build the case "
                "again ({command}): it makes a new version of the packet beside this one, "
                "which stays as it is, and each party signs that with its own key"
            )
        else:
            said = _(
                "{packet}: the actor's field is signed with a key of the region "
                "({signer}), so the actor has not signed it and its field is taken: build "
                "the case again ({command}): it makes a new version of the packet beside "
                "this one, which stays as it is, and each party signs that with its own "
                "key"
            )
        status.saknas.append(Missing(
            said.format(packet=named(packet), signer=signer, command=command), Step("build")
        ))  # fmt: skip
    status.kod, status.lage = _standing(
        history.utfall, bool(built), signed, not unsigned and bool(signed) and taken is None
    )
    if taken is not None:
        if taken[0] == "shared":
            said = _("signed twice with one key ({signer}): not by both parties")
        else:
            said = _("the actor's field signed with the region's key ({signer}): not by the actor")
        status.lage += "; " + said.format(signer=taken[1])
    if (
        stale
        and packet is not None
        and stale[-1].file == hints.path(_relative(packet, root))
        and stale[-1].signed
    ):
        status.lage = _("signed packet superseded: a new packet is needed")
        status.kod = "ersatt"
    if planned.waiting is not None:
        refusal = planned.refusal(lambda name: named(folder.path / name), reason=False)
        status.saknas.append(
            refusal
            or _(
                "tilläggsavtal nr {number} ({label}) waits for the agreement it changes to be "
                "signed by every party"
            ).format(number=planned.waiting.nummer, label=planned.waiting.decision.label)
        )
        status.lage += "; " + _("tilläggsavtal nr {number} decided").format(
            number=planned.waiting.nummer
        )
        if status.kod == "undertecknat":  # a later decision changes the signed agreement
            status.kod = "tillaggsavtal"
    elif planned.change is not None:
        number = planned.change.nummer
        newest = built[0].name if built else ""
        agreed = bool(newest and packet is not None and not unsigned and signed)
        if agreed:
            status.lage = _("tilläggsavtal nr {number} signed by {names}").format(
                number=number, names=", ".join(signed)
            )
        else:
            status.lage = _("tilläggsavtal nr {number}").format(number=number)
        status.lage += "; " + _changed_term(planned.change.andring, None if agreed else number)
        status.kod = "tillaggsavtal"
    refused = _change_not_granted(history)
    if refused:
        status.lage += "; " + refused
    if signed and unsigned and status.kod != "ersatt":  # the newest packet, partly signed
        fields = join_words([hints.field(name) for name in unsigned])
        said = _("signed by {names}; not yet by {fields}")
        status.lage += "; " + said.format(names=", ".join(signed), fields=fields)
    return status


def _certifying(line: str) -> bool:
    """Whether a line of what is missing is an extract to certify: that may be done after
    the packet is signed (the signed packet is kept, holding the extract as it was)."""
    return isinstance(line, Missing) and line.step is not None and line.step.kind == "certify"


def _unsigned(packet: str, name: str, hints: _Hints, after: bool) -> str:
    """The line of the packet's (named relative to the output folder) signature field
    ``name`` not signed yet: with the command that signs it (the command line's), or,
    ``after`` the lines before it are done, saying so (a packet signed before them is
    made anew, or refused); the web's pages add their own link and words."""
    said = _("{packet}: the signature field {field} is not signed yet")
    if hints.output is None:
        return said.format(packet=packet, field=hints.field(name))
    if after:
        said = _(
            "{packet}: the signature field {field} is not signed yet; sign it once the "
            "lines above are done"
        )
        return said.format(packet=hints.path(packet), field=hints.field(name))
    said = _("{packet}: the signature field {field} is not signed yet (avtalsgen sign {path} "
             "--field {field})")  # fmt: skip
    shown = hints.path(packet)
    return said.format(packet=shown, field=hints.field(name), path=shown)


def _superseded(
    packets: PacketFolder, history: Any, root: Path, next_build: NextBuild, hints: _Hints
) -> list[Superseded]:
    """The packet versions made from another decision than the case's now (an unsigned
    one too: one made before an avslag offers fields that nothing is to sign in), or
    signed and whose facts differ from its facts now (see
    :mod:`avtalsgen.build.superseded`), their files named as the lines of ``saknas`` name
    them (``hints``). Not the newest version when the next build would make
    the same packet (an edit no document states): the next build keeps it as signed and
    records the facts now as its (:meth:`NextBuild.keeps`)."""
    from dataclasses import replace

    from avtalsgen.build.superseded import CaseNow, kept_as_signed, packet_entries, superseded

    entries = packet_entries(packets.manifest)
    folder = packets.folder.path
    now = CaseNow.of(history, folder.parent)
    found = []
    for version in packets.versions:
        stale = superseded(entries, version.name, now.decision, signed_only=False, facts=now.facts)
        if stale is not None and not stale.signed and stale.changed:
            continue  # unsigned, its facts changed: the build's line says to build again
        if kept_as_signed(stale, version, lambda: next_build):
            continue
        if stale is not None:
            newer = hints.path(_relative(folder / stale.newer, root)) if stale.newer else None
            found.append(replace(stale, file=hints.path(_relative(version, root)), newer=newer))
    return found


def _change_not_granted(history: Any) -> str:
    """A proposed change of the running agreement that the newest decision on the case
    did not grant (avslag, återremiss, bordläggning), in words: the agreement stays as it
    is, and no tilläggsavtal follows; empty when the newest decision is no such one."""
    from avtalsgen.model.tillagg import TILLAGGSTYP_TEXT

    latest = history.latest
    if latest is None or latest.paragraf.tillagg is None or not history.outcomes:
        return ""
    outcome = history.outcomes[-1]
    if outcome.granted:
        return ""
    said = {
        Utfall.AVSLAG: _(
            "the proposed {change} was rejected ({label}): the agreement stays as it is, "
            "and no tilläggsavtal follows"
        ),
        Utfall.ATERREMISS: _(
            "the proposed {change} was referred back ({label}): the agreement stays as it is "
            "until a later decision"
        ),
        Utfall.BORDLAGGNING: _(
            "the proposed {change} was postponed ({label}): the agreement stays as it is "
            "until a later decision"
        ),
    }[outcome]
    return said.format(change=_(TILLAGGSTYP_TEXT[latest.paragraf.tillagg.typ]), label=latest.label)


def _changed_term(andring: Andring, unsigned: int | None = None) -> str:
    """What the newest change left of the agreement's term, in words: "early end: the
    agreement runs 2024-04-01 to 2026-08-31" (an early end, above all, is not left to be
    read from a tilläggsavtal's number). While its tilläggsavtal nr ``unsigned`` is not
    signed by every party, the change is decided but not agreed: the term it gives once
    signed, applying from the day the committee's decision gives, even if signed later (as
    the tilläggsavtal says), and the term the signed agreement states. It said the
    agreement ran to its old end "until" the tilläggsavtal was signed, which a tilläggsavtal
    signed after that day, applying from it, belies."""
    from avtalsgen.documents.tillagg import applies_from_day
    from avtalsgen.model.tillagg import TILLAGGSTYP_TEXT

    before, after = andring.fore.period, andring.efter.period
    change = _(TILLAGGSTYP_TEXT[andring.tillagg.typ])
    if unsigned is not None and (before.start, before.slut) != (after.start, after.slut):
        return _(
            "{change}: the agreement runs {new_start} to {new_end} once tilläggsavtal nr "
            "{number} is signed by every party, the change applying from {day} as the "
            "committee decided (the signed agreement states {start} to {end})"
        ).format(
            change=change,
            start=before.start.isoformat(),
            end=before.slut.isoformat(),
            number=unsigned,
            new_start=after.start.isoformat(),
            new_end=after.slut.isoformat(),
            day=applies_from_day(andring).isoformat(),
        )
    return _("{change}: the agreement runs {start} to {end}").format(
        change=change, start=after.start.isoformat(), end=after.slut.isoformat()
    )


def _unmarked(
    packets: PacketFolder, history: Any, named: Callable[[Path], str], case: str
) -> list[str]:
    """The newest signed packet, when it lacks the secrecy marking that the case's
    documents now carry (its paragraph was put under sekretess after it was built), and
    what to do: have the next version, which carries it, signed, or build that first
    (``named`` names a file as the reader finds it)."""
    from avtalsgen.build.secrecy import missing_markings, packet_entries

    if not packets.versions or not history.sekretess(len(history.changes)):
        return []  # no paragraph on the case is secret
    packet = packets.newest_signed()
    if packet is None:
        return []
    entries = packet_entries(packets.manifest)
    lacking = missing_markings(packets.folder, history, packet, entries)
    if not lacking:
        return []
    newest = packets.versions[-1]
    markings = join_words([_("'{marking}'").format(marking=marking) for marking in lacking])
    if newest != packet and not missing_markings(packets.folder, history, newest, entries):
        text = ngettext(
            "{packet} is signed without the marking {markings} that the case's documents now "
            "carry, and a signed packet is never changed: {new} carries it; have {new} signed",
            "{packet} is signed without the markings {markings} that the case's documents now "
            "carry, and a signed packet is never changed: {new} carries them; have {new} signed",
            len(lacking),
        )
    else:
        text = ngettext(
            "{packet} is signed without the marking {markings} that the case's documents now "
            "carry, and a signed packet is never changed: build the case to make its next "
            "version with the marking, and have that signed (avtalsgen build {case})",
            "{packet} is signed without the markings {markings} that the case's documents now "
            "carry, and a signed packet is never changed: build the case to make its next "
            "version with the markings, and have that signed (avtalsgen build {case})",
            len(lacking),
        )
    return [
        text.format(
            packet=named(packet),
            markings=markings,
            new=named(newest),
            case=case,
        )
    ]


def _extract_version(name: str) -> int | None:
    """The version of the extract file ``name`` (``…/protokollsutdrag-211-v2.pdf``: 2)."""
    from avtalsgen.build.workspace import parse_versioned

    parsed = parse_versioned(Path(name).name)
    return parsed[1] if parsed is not None else None


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _decisions(
    history: Any, folder: CaseFolder, root: Path, packets: PacketFolder, read: dict[Path, bytes]
) -> list[Beslutsrad]:
    """The rows of the case's decisions; the extracts' bytes into ``read`` (by path), which
    the next build's stamp reads them from (each is read once)."""
    from avtalsgen.build.manifest import certified_after
    from avtalsgen.build.stages import find_extract
    from avtalsgen.pdf.signed import is_signed
    from avtalsgen.signing.certifier import signed_certification_problem

    rows = []
    for decision, outcome in zip(history.decisions, history.outcomes, strict=True):
        pdf = find_extract(folder.path, decision) if folder.path.is_dir() else None
        tillagg = decision.paragraf.tillagg
        data = pdf.read_bytes() if pdf is not None else None  # read once for all below
        if pdf is not None and data is not None:
            read[pdf] = data
        signed = data is not None and is_signed(data)
        wrong = signed_certification_problem(pdf, data) if pdf is not None and signed else None
        certified = signed and wrong is None
        after = (
            certified_after(pdf, packets.manifest, data)
            if pdf is not None and data is not None and certified
            else None
        )
        rows.append(
            Beslutsrad(
                datum=decision.datum.isoformat(),
                paragraf=decision.paragraf.paragraf,
                utfall=outcome.value,
                sammantrade=decision.meeting.path.name,
                utdrag=_relative(pdf, root) if pdf is not None else None,
                bestyrkt=certified,
                bestyrkt_fel=wrong,
                tillagg=tillagg.typ.value if tillagg is not None else None,
                bestyrkt_efter=_relative(folder.path / after, root) if after else None,
            )
        )
    return rows


def _documents(packets: PacketFolder, kinds: Sequence[str]) -> list[Path]:
    """The newest file of each document: those made with the newest packet version
    (``beslutsforslag-v2.pdf`` beside ``paket-v2.pdf``), else the first."""
    from avtalsgen.build.workspace import parse_versioned

    folder, versions = packets.folder, packets.versions
    parsed = parse_versioned(versions[-1].name) if versions else None
    version = parsed[1] if parsed is not None else 1
    found = []
    for kind in kinds:
        for pdf in (folder.document(kind, ".pdf", version), folder.document(kind, ".pdf")):
            if pdf.is_file():
                found.append(pdf)
                break
    return found


def _contradicting(
    packets: PacketFolder, documents: Sequence[str], named: Callable[[Path], str], command: str
) -> list[str]:
    """The documents beside the newest packet version, unsigned, that the case's decisions
    no longer call for (an agreement beside the packet of a case since rejected, a
    tilläggsavtal after the meeting file that changed the agreement was corrected, or one
    left by an avtalsgen from before builds removed them): they contradict the decisions
    until the next build removes them, which status did not say."""
    from avtalsgen.build.workspace import parse_versioned
    from avtalsgen.documents.kinds import DOCUMENTS
    from avtalsgen.pdf.signed import is_signed

    folder, versions = packets.folder, packets.versions
    if versions and packets.is_signed(versions[-1]):
        return []  # the documents beside a signed packet are its own, and stay
    parsed = parse_versioned(versions[-1].name) if versions else None
    version = parsed[1] if parsed is not None else 1
    found = []
    for kind in DOCUMENTS:
        pdf = folder.document(kind, ".pdf", version)
        if kind in documents or not pdf.is_file():
            continue
        if is_signed(pdf):
            text = _(
                "{file}: the case's decisions no longer call for it, and it is signed: the "
                "next build stops until it is moved out of the output folder"
            )
        else:
            text = _(
                "{file}: the case's decisions no longer call for it, and it contradicts them "
                "until the next build removes it ({command})"
            )
        found.append(text.format(file=named(pdf), command=command))
    return found


def _build_state(
    next_build: NextBuild, hints: _Hints | None, packet: Path | None = None
) -> str | None:
    """Whether the case's documents are built and up to date, as ``build`` would see them
    (the files of meetings not held yet leave them as they are; a signed packet it keeps as
    it is, the same as it would make it, is up to date: :meth:`NextBuild.keeps`), of the
    packet version ``packet`` (by default the newest); with the command to run unless
    ``hints`` is None."""
    case = next_build.case
    command = f"avtalsgen build {case.path}{hints.option}" if hints is not None else None
    if not next_build.built:
        if command is None:
            return _("documents not built yet")
        return _("documents not built yet ({command})").format(command=command)
    if next_build.unchanged:
        return None
    versions = next_build.packets.versions
    packet = packet or (versions[-1] if versions else None)
    if packet is not None and next_build.keeps(packet):
        return None
    changes = join_words(_changes(next_build.changes()))
    if changes and command is None:
        return _("documents out of date: since they were built, {changes}").format(changes=changes)
    if changes:
        said = _("documents out of date: since they were built, {changes} ({command})")
        return said.format(changes=changes, command=command)
    if command is None:
        return _("documents out of date")
    return _("documents out of date ({command})").format(command=command)


def _changes(changes: Sequence[tuple[str, str, str]]) -> list[str]:
    """The inputs changed since the documents were built (:meth:`NextBuild.changes`), in
    words that say only what is so: "the case file changed", "the protocol extract
    protokollsutdrag-211.pdf was added", "the meeting file x.yaml no longer concerns the
    case" (deleted, or no longer naming the case). A template that is used, or no longer
    used, is not named: the documents the decisions call for changed, which other lines
    say. The attachments are numbered by their place in the case file, so a change among
    them is said as one."""
    words = []
    attachments = False
    for role, how, name in changes:
        if role.startswith("bilaga "):
            attachments = True
        elif role.startswith("template ") and how in ("added", "removed"):
            continue
        elif role.startswith("sammantrade ") and how == "added":
            words.append(_("the meeting file {name} now concerns the case").format(name=name))
        elif role.startswith("sammantrade ") and how == "removed":
            words.append(_("the meeting file {name} no longer concerns the case").format(name=name))
        else:
            words.append(_changed(role, how, name))
    if attachments:
        words.append(_("the case's attachments changed"))
    return words


def _changed(role: str, how: str, name: str) -> str:
    """An input changed since the documents were built, in words (see :func:`_changes`)."""
    if role == "case":
        what = _("the case file")
    elif role == "program":
        what = _("the program file {name}").format(name=name)
    elif role.startswith("template "):
        what = _("the template {name}").format(name=name)
    elif role.startswith("sammantrade "):
        what = _("the meeting file {name}").format(name=name)
    elif role.startswith("protokollsutdrag "):
        what = _("the protocol extract {name}").format(name=name)
    else:
        what = name
    if how == "added":
        return _("{what} was added").format(what=what)
    if how == "removed":
        return _("{what} was removed").format(what=what)
    if how == "certified":
        return _("{what} was certified").format(what=what)
    return _("{what} changed").format(what=what)


def packet_out_of_date(
    packet: Path, output: Path | None, templates: Path | None = None
) -> str | None:
    """What ``status`` says of the documents of the case whose packet is at ``packet`` when
    they are not up to date, as a build would see them (its inputs changed since: a
    protocol extract made or certified, a case, meeting or template file edited), with the
    command to run first; None when they are, or the case cannot be told (no build record
    naming a case file that reads). ``output`` is the output folder as the reader named it
    (for the command; None: said without one, as the web app's pages say it);
    ``templates`` the folder a build would use (by default the one the last build used, as
    its record names it, if it is there, else the one the build finds). ``sign`` refuses
    such a packet, the agreement's or a tilläggsavtal's: the next build makes a new
    version of it, and the signature would have to be made again. A signed packet that
    the next build keeps as it is (the same as it would make it: an extract certified
    since, an edit no document states) is not out of date for signing: None."""
    from avtalsgen.build.recorded import recorded_history

    return out_of_date_for(packet, recorded_history(packet.parent), output, templates)


def out_of_date_for(
    packet: Path,
    recorded: RecordedCase | None,
    output: Path | None,
    templates: Path | None = None,
    next_build: NextBuild | None = None,
) -> str | None:
    """:func:`packet_out_of_date` of the case ``recorded`` (read once by the caller), or of
    ``next_build`` if the caller made it."""
    next_build = next_build or NextBuild.of(packet.parent, recorded, templates)
    if next_build is None:
        return None
    return _build_state(next_build, _Hints(output) if output is not None else None, packet)


def _one_key(packets: PacketFolder, packet: Path | None) -> tuple[str, str] | None:
    """Whose signature took the other party's field of ``packet``, as the manifest records
    it, if one did: ("shared", signer) when one key signed both parties' fields,
    ("region", signer) when the region's key signed the actor's
    (:func:`avtalsgen.build.manifest.taking`)."""
    from avtalsgen.build.manifest import taking

    entries = packets.manifest.get("packets")
    for entry in entries if isinstance(entries, list) and packet is not None else []:
        if isinstance(entry, dict) and entry.get("file") == packet.name:  # type: ignore[union-attr]
            return taking(entry, packets.folder.path)
    return None


def _signatures(packets: PacketFolder, packet: Path | None) -> tuple[list[str], list[str]]:
    """Who signed the packet that holds the agreement, and its fields still unsigned (from
    the manifest, which ``avtalsgen sign`` keeps)."""
    if packet is None:
        return [], []
    data = packets.manifest
    entries = data.get("packets")
    if not isinstance(entries, list):
        entries = [data.get("packet")]
    signed: list[str] = []
    unsigned: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("file") != packet.name:
            continue
        for signature in entry.get("signatures") or []:
            if not isinstance(signature, dict):
                continue
            if signature.get("signer"):
                signed.append(str(signature["signer"]))
            elif signature.get("field"):
                unsigned.append(str(signature["field"]))
    return signed, unsigned


def _signed_packets(packets: PacketFolder, changes: int, root: Path) -> list[Undertecknat]:
    """The newest packet version of the agreement, and of each of the ``changes``
    tilläggsavtal, that every party has signed (as the manifest records it and the file
    shows)."""
    from avtalsgen.build.manifest import PARTIES, signed_entry
    from avtalsgen.build.tillagg import signed_packet

    folder = packets.folder
    if not folder.path.is_dir():
        return []
    found = []
    for nummer in range(changes + 1):
        packet = signed_packet(packets, nummer)
        entry = signed_entry(folder.path, nummer, packets.manifest)
        if packet is None or entry is None:
            continue
        signers = {
            str(s.get("field")): str(s.get("signer"))
            for s in entry.get("signatures") or []
            if isinstance(s, dict) and s.get("signer")
        }
        names = [signers[party] for party in PARTIES if party in signers]
        found.append(Undertecknat(_relative(packet.path, root), nummer, names))
    return found


def _standing(
    utfall: Utfall | None, built: bool, signed: list[str], complete: bool
) -> tuple[str, str]:
    """Where the case stands by its decision and signatures: its code and its words."""
    if complete:
        return "undertecknat", _("agreement signed by {names}").format(names=", ".join(signed))
    if utfall is None:
        return ("forslag", _("proposal built")) if built else ("utkast", _("draft"))
    text = _(UTFALL_TEXT[utfall])
    if utfall in (Utfall.ATERREMISS, Utfall.BORDLAGGNING):
        return utfall.value, text
    code = "avslag" if utfall is Utfall.AVSLAG else "beslutat"
    return code, _("decided: {utfall}").format(utfall=text)
