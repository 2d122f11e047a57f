"""The anslag: the notice on the region's digital anslagstavla that a meeting's minutes are
justerade (kommunallagen 8 kap. 12 §), with the överklagandehänvisning for laglighetsprövning
(13 kap.: to the förvaltningsrätt within three weeks of the day the notice went up).

One notice covers the minutes; omedelbart justerade paragraphs get their own notice, one per
day their justering is announced, with their own dates. Each notice is written as
``anslag.pdf`` (PDF/A-2b, tagged, sv-SE, from ``templates/anslag.docx`` by LibreOffice) and
``anslag.html`` (the same rendered document as a self-contained page, for the anslagstavla)
into the meeting's folder, ``<output>/sammantraden/<organ>-<datum>/``; an omedelbart
justerad paragraph's notice is ``anslag-omedelbart-<anslagsdatum>``. Paragraphs under
sekretess are never listed.

A notice is never replaced: when its facts change, ``anslag-v2`` (then v3, ...) is written
with a note of what changed, and the earlier version stays, like protocol extracts. The
record ``anslag.json`` in the folder holds the facts of every version.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from avtalsgen.build.workspace import MeetingFolder, Session, Workspace, atomic_write, shown
from avtalsgen.conversion.convert import Converter
from avtalsgen.documents.format import genitive, in_running_text, och
from avtalsgen.errors import CaseError, OutputError, os_reason
from avtalsgen.i18n import _
from avtalsgen.meetings.justering import LoadedMeeting, load_meeting
from avtalsgen.meetings.record import facts_json, read_json
from avtalsgen.model.decision import FORBEREDANDE, UTFALL_ORD
from avtalsgen.model.meeting import Paragraf, Sammantrade, sista_dag_for_overklagande
from avtalsgen.model.program import Protokoll

if TYPE_CHECKING:
    from avtalsgen.documents.render import Metadata

#: The document's name: its template is ``<templates>/anslag.docx``.
DOCUMENT: Final = "anslag"
#: The template's file name within the templates folder.
TEMPLATE: Final = f"{DOCUMENT}.docx"
#: The version of the record format.
RECORD_FORMAT: Final = 1
#: The key of the minutes' own notice in the record.
PROTOKOLL: Final = "protokoll"


@dataclass(frozen=True)
class Anslag:
    """The facts one notice of justering states, as recorded for each version."""

    exempel: bool
    """True when the meeting is a fictitious example."""
    namnd: str
    """The organ: the committee."""
    sammantradesdatum: dt.date
    """The meeting's date."""
    paragrafer: tuple[int, ...]
    """The paragraphs the notice covers, secret ones left out."""
    omedelbart: bool
    """True for the notice of omedelbart justerade paragraphs."""
    justeringsdatum: dt.date
    """When the minutes (or the paragraphs) were justerade."""
    anslagsdatum: dt.date
    """The day the notice goes up."""
    till_och_med: dt.date
    """The last day the notice is up: the last day to appeal; it comes down after it."""
    sista_dag_for_overklagande: dt.date
    """Three weeks from the notice, moved past weekends and holidays."""
    forvaringsplats: str
    """Where the minutes are kept."""
    forvaltningsratt: str
    """The court an appeal goes to."""
    forvaltningsratt_adress: str
    """Its postal address; empty when the program file gives none."""
    anslagstavla: str
    """Where the digital anslagstavla is; empty when the program file gives none."""
    sekreterare: str
    """The meeting's secretary."""
    forberedande: tuple[tuple[int, str], ...] = ()
    """The paragraphs covered whose decision only prepares a later one (återremiss,
    bordläggning), with the outcome in words: "av rent förberedande art", they may not be
    appealed (kommunallagen 13 kap. 2 §), and the notice says so of them."""

    @property
    def key(self) -> str:
        """The notice's name in the record and its files' stem: ``protokoll`` for the
        minutes, ``omedelbart-<anslagsdatum>`` for omedelbart justerade paragraphs."""
        return f"omedelbart-{self.anslagsdatum.isoformat()}" if self.omedelbart else PROTOKOLL

    def to_json(self) -> dict[str, Any]:
        """The facts as JSON values: dates ISO, tuples as lists."""
        return facts_json(self)


#: How each fact is named in the visible note of a corrected notice.
LABELS: Final[dict[str, str]] = {
    "exempel": "exempelmarkering",
    "namnd": "organ",
    "sammantradesdatum": "sammanträdesdatum",
    "paragrafer": "paragrafer",
    "omedelbart": "omedelbar justering",
    "justeringsdatum": "datum för justering",
    "anslagsdatum": "datum då anslaget sätts upp",
    "till_och_med": "datum då anslaget tas ned",
    "sista_dag_for_overklagande": "sista dag för överklagande",
    "forvaringsplats": "förvaringsplats",
    "forvaltningsratt": "förvaltningsrätt",
    "forvaltningsratt_adress": "förvaltningsrättens adress",
    "anslagstavla": "anslagstavla",
    "sekreterare": "sekreterare",
    "forberedande": "beslut av rent förberedande art",
}


@dataclass(frozen=True)
class AnslagVersion:
    """Which version of a notice this is and, for a correction, what it replaces."""

    nummer: int
    rattelse: str
    """The visible note of a correction; empty for a first version."""


@dataclass(frozen=True)
class AnslagTexter:
    """The notice's texts, ready to render."""

    inledning: str
    """The opening sentence: which minutes (or paragraphs) were justerade."""
    paragrafer: str
    """The paragraphs covered, e.g. ``§§ 211–213, 215``; empty when all are secret."""
    omfattning: str
    """The header's line: "Justering av protokoll" or "Omedelbar justering"."""
    adress: str
    """The court's postal address in one line; empty when unknown."""
    forberedande: str = ""
    """What the överklagandehänvisning says of the paragraphs that may not be appealed, being
    of a merely preparatory kind; empty when there are none."""


@dataclass(frozen=True)
class AnslagContext:
    """What the anslag template sees: ``anslag``, ``text`` and ``version``."""

    anslag: Anslag
    text: AnslagTexter
    version: AnslagVersion


class Status(StrEnum):
    """What ``anslag`` did with one notice."""

    NY = "ny"
    """The first version was written."""
    RATTELSE = "rättelse"
    """A new version was written; the earlier ones are kept."""
    OFORANDRAD = "oförändrad"
    """The facts are those of the latest version: nothing was written."""


@dataclass(frozen=True)
class AnslagResult:
    """The outcome for one notice."""

    anslag: Anslag
    status: Status
    version: int
    files: tuple[Path, ...]
    """The current version's .pdf and .html (written now or before)."""
    andrat: tuple[str, ...] = ()

    @property
    def written(self) -> bool:
        """True when this run wrote a new version."""
        return self.status in (Status.NY, Status.RATTELSE)

    @property
    def state(self) -> str:
        """What this run did with the notice, for the user: the version it wrote (and what
        a correction changed), or that nothing was written."""
        if self.status is Status.NY:
            return _("wrote version {version}").format(version=self.version)
        if self.status is Status.RATTELSE:
            return _("wrote version {version}, a correction (changed: {changed})").format(
                version=self.version, changed=", ".join(self.andrat)
            )
        return _("unchanged since version {version}; nothing written").format(version=self.version)


def meeting_folder(workspace: Workspace, sammantrade: Sammantrade) -> MeetingFolder:
    """The meeting's folder in the output folder (named by the workspace)."""
    return workspace.meeting(sammantrade.datum, sammantrade.namnd)


def paragraph_list(numbers: Sequence[int]) -> str:
    """``§ 5``, ``§§ 5–7``, ``§§ 5–7, 9``: runs of consecutive numbers as ranges."""
    ordered = sorted(set(numbers))
    if not ordered:
        return ""
    runs: list[list[int]] = [[ordered[0]]]
    for number in ordered[1:]:
        if number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]
    return ("§ " if len(ordered) == 1 else "§§ ") + ", ".join(parts)


def notices(meeting: LoadedMeeting) -> list[Anslag]:
    """Every notice the meeting needs: the minutes' (when any paragraph is justerad with
    them), then one per announcement day of omedelbart justerade paragraphs.

    Raises :class:`CaseError` when the cases' program files do not say where the minutes
    are kept (``protokoll``) or disagree about it.
    """
    sammantrade = meeting.sammantrade
    protokoll = _protokoll(meeting)
    groups: dict[tuple[bool, dt.date], list[Paragraf]] = {}
    for paragraf in sammantrade.paragrafer:
        justering = sammantrade.justering(paragraf)
        groups.setdefault((justering.omedelbart, justering.anslagsdatum), []).append(paragraf)
    found = []
    for (omedelbart, anslagsdatum), members in sorted(groups.items()):
        last = sista_dag_for_overklagande(anslagsdatum)
        court = protokoll.forvaltningsratt
        address = court.adress
        found.append(
            Anslag(
                exempel=sammantrade.exempel,
                namnd=sammantrade.namnd,
                sammantradesdatum=sammantrade.datum,
                paragrafer=tuple(p.paragraf for p in members if p.sekretess is None),
                omedelbart=omedelbart,
                justeringsdatum=sammantrade.datum if omedelbart else sammantrade.justeringsdatum,
                anslagsdatum=anslagsdatum,
                till_och_med=last,
                sista_dag_for_overklagande=last,
                forvaringsplats=protokoll.forvaringsplats,
                forvaltningsratt=court.namn,
                forvaltningsratt_adress=(
                    f"{address.utdelningsadress}, {address.postnummer} {address.ort}"
                    if address
                    else ""
                ),
                anslagstavla=protokoll.anslagstavla or "",
                sekreterare=sammantrade.sekreterare,
                forberedande=tuple(
                    (p.paragraf, UTFALL_ORD[p.utfall])
                    for p in members
                    if p.sekretess is None and p.utfall is not None and p.utfall.preparatory
                ),
            )
        )
    # The minutes' notice first, then the omedelbart justerade paragraphs' by date.
    return sorted(found, key=lambda a: (a.omedelbart, a.anslagsdatum))


def _protokoll(meeting: LoadedMeeting) -> Protokoll:
    """The ``protokoll`` facts of the cases' program files, which must agree."""
    found: dict[Protokoll, Paragraf] = {}
    problems = []
    for paragraf in meeting.sammantrade.paragrafer:
        case = meeting.case(paragraf)
        if case.program.protokoll is None:
            problems.append(
                meeting.problem(
                    (*meeting.locate(paragraf), "dnr"),
                    _("the program file of {dnr} does not say where the minutes are kept and "
                      "where appeals go: add protokoll (forvaringsplats, forvaltningsratt) to "
                      "it").format(dnr=paragraf.dnr),
                )
            )  # fmt: skip
            continue
        found.setdefault(case.program.protokoll, paragraf)
    if len(found) > 1:
        problems.append(
            meeting.problem(
                ("paragrafer",),
                _("the program files of this meeting's cases disagree on protokoll "
                  "(forvaringsplats, forvaltningsratt): one notice states one of them"),
            )
        )  # fmt: skip
    if problems:
        raise CaseError(problems)
    return next(iter(found))


def context(anslag: Anslag, version: AnslagVersion) -> AnslagContext:
    """The template context of one version of a notice."""
    from avtalsgen.documents.format import datum_text

    covered = paragraph_list(anslag.paragrafer)
    organ = genitive(in_running_text(anslag.namnd))
    if anslag.omedelbart:
        subject = f"{covered} i protokollet" if covered else "Paragrafer i protokollet"
        inledning = (
            f"{subject} från {organ} sammanträde {datum_text(anslag.sammantradesdatum)} "
            "justerades omedelbart vid sammanträdet."
        )
        omfattning = "Omedelbar justering"
    else:
        inledning = (
            f"Protokollet från {organ} sammanträde "
            f"{datum_text(anslag.sammantradesdatum)} justerades "
            f"{datum_text(anslag.justeringsdatum)}."
        )
        omfattning = "Justering av protokoll"
    return AnslagContext(
        anslag=anslag,
        text=AnslagTexter(
            inledning=inledning,
            paragrafer=covered,
            omfattning=omfattning,
            adress=anslag.forvaltningsratt_adress,
            forberedande=not_appealable(anslag.forberedande),
        ),
        version=version,
    )


def appeal_exception(anslag: Anslag) -> str:
    """For the messages of ``anslag`` beside "the last day to appeal": which paragraphs it
    covers may not be appealed, in the user's language ("; § 196 may not be appealed, its
    decision being merely preparatory"); empty when there are none."""
    from avtalsgen.i18n import ngettext

    numbers = [number for number, _outcome in anslag.forberedande]
    if not numbers:
        return ""
    return ngettext(
        "; {paragraphs} may not be appealed, its decision being merely preparatory",
        "; {paragraphs} may not be appealed, their decisions being merely preparatory",
        len(numbers),
    ).format(paragraphs=paragraph_list(numbers))


def not_appealable(paragraphs: Sequence[tuple[int, str]]) -> str:
    """What a notice says of its paragraphs whose decision may not be appealed: "Beslutet i
    § 196 (återremiss) är av rent förberedande art och får inte överklagas (13 kap. 2 §
    kommunallagen)."; empty for none. The notice of the minutes still tells when the time
    to appeal the minutes' other decisions ends (8 kap. 12 §, 13 kap. 5 §)."""
    if not paragraphs:
        return ""
    named = [f"§ {number} ({outcome})" for number, outcome in paragraphs]
    if len(named) == 1:
        return f"Beslutet i {named[0]} {FORBEREDANDE}"
    return f"Besluten i {och(named)} {FORBEREDANDE}"


def metadata(anslag: Anslag, version: AnslagVersion) -> Metadata:
    """The document properties of a notice (the title is the PDF's window title)."""
    from avtalsgen.documents.render import Metadata

    example = "EXEMPEL – " if anslag.exempel else ""
    what = "omedelbart justerade paragrafer" if anslag.omedelbart else "justering av protokoll"
    suffix = f" (version {version.nummer})" if version.nummer > 1 else ""
    meeting = f"{anslag.namnd}, sammanträde {anslag.sammantradesdatum.isoformat()}"
    return Metadata(
        title=f"{example}Anslag: {what}, {meeting}{suffix}",
        subject=f"Tillkännagivande av justering, {meeting}, anslaget "
        f"{anslag.anslagsdatum.isoformat()}–{anslag.till_och_med.isoformat()}",
        keywords=("anslag", "justering", anslag.namnd, anslag.sammantradesdatum.isoformat()),
        created=anslag.anslagsdatum,
    )


def changes(recorded: dict[str, Any], anslag: Anslag) -> tuple[str, ...]:
    """What differs between recorded facts (JSON) and ``anslag``, named as in the note."""
    return tuple(
        LABELS.get(key, key)
        for key, value in anslag.to_json().items()
        if key in recorded and recorded[key] != value
    )


def file_stem(anslag: Anslag) -> str:
    """``anslag``, or ``anslag-omedelbart-<datum>`` for omedelbart justerade paragraphs (the
    workspace adds ``-v<K>`` after the first version)."""
    return DOCUMENT if not anslag.omedelbart else f"{DOCUMENT}-{anslag.key}"


def record_path(folder: MeetingFolder) -> Path:
    """The record of every notice's versions in a meeting's folder."""
    return folder.file(DOCUMENT, ".json")


@dataclass(frozen=True)
class _Plan:
    anslag: Anslag
    version: AnslagVersion
    files: tuple[Path, Path]
    """The notice's .pdf and .html in the meeting's folder."""


def build_anslag(
    meeting_path: Path,
    output_root: Path,
    templates: Path,
    converter: Converter,
    *,
    omedelbart: bool = False,
    today: dt.date | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> list[AnslagResult]:
    """Write the meeting's notices into its folder under ``output_root``; one result each.

    Every notice is made once the minutes are justerade; before that, ``omedelbart=True``
    makes only the notices of omedelbart justerade paragraphs (justerade at the meeting).
    Notices whose facts are unchanged are left alone; changed ones get a new version. All
    are rendered and converted in a staging folder and moved into place only then, with the
    output folder locked (``on_wait`` is told if another command holds it).

    Raises :class:`CaseError` for an invalid meeting or case file, a notice asked for
    before its justering, or program files that do not say where the minutes are kept;
    :class:`OutputError` when the record is unreadable or a file stands in the way.
    """
    meeting = load_meeting(meeting_path)
    sammantrade = meeting.sammantrade
    today = today or dt.date.today()
    wanted = [a for a in notices(meeting) if a.omedelbart or not omedelbart]
    if omedelbart and not wanted:
        raise CaseError(
            [meeting.problem(("paragrafer",), _("no paragraph of this meeting is omedelbart "
                                                "justerad, so it has no notice of its own"))]
        )  # fmt: skip
    if today < sammantrade.datum:
        raise CaseError(
            [
                meeting.problem(
                    ("datum",),
                    _("the meeting is held on {date}: no notice of it can be made before "
                      "then (today is {today})").format(date=sammantrade.datum, today=today),
                )
            ]
        )  # fmt: skip
    if not omedelbart and today < sammantrade.justeringsdatum:
        hint = (
            _("; the notices of omedelbart justerade paragraphs can be made with --omedelbart")
            if any(a.omedelbart for a in wanted)
            else ""
        )
        raise CaseError(
            [
                meeting.problem(
                    ("justeringsdatum",),
                    _("the minutes are justerade on {date}: the anslag cannot be made before "
                      "then (today is {today}){hint}").format(
                        date=sammantrade.justeringsdatum, today=today, hint=hint
                    ),
                )
            ]
        )  # fmt: skip
    workspace = Workspace(output_root)
    folder = meeting_folder(workspace, sammantrade)
    results, plans, record = _plan_all(meeting, wanted, folder, today)
    if not plans:
        return results  # nothing to write: the output folder is not touched
    with workspace.session("anslag", on_wait=on_wait) as run:
        # Planned again under the lock: another command may have written meanwhile.
        results, plans, record = _plan_all(meeting, wanted, folder, today)
        if plans:
            _write(plans, folder, record, templates / TEMPLATE, converter, run)
    return results


def _plan_all(
    meeting: LoadedMeeting, wanted: Sequence[Anslag], folder: MeetingFolder, today: dt.date
) -> tuple[list[AnslagResult], list[_Plan], dict[str, Any]]:
    """What happens to each notice, what is to be written, and the record to write."""
    record = _read_record(record_path(folder)) or {
        "dokument": DOCUMENT,
        "format": RECORD_FORMAT,
        "anslag": {},
    }
    results: list[AnslagResult] = []
    plans: list[_Plan] = []
    for anslag in wanted:
        versions = record["anslag"].setdefault(anslag.key, {"versioner": []})["versioner"]
        if versions:
            latest = versions[-1]
            current = int(latest["version"])
            files = tuple(folder.path / name for name in latest["filer"])
            missing = [str(shown(path)) for path in files if not path.is_file()]
            if missing:
                raise OutputError(
                    _("{record}: version {version} is recorded but {missing} is missing; "
                      "restore it from the archive (a notice is never made again under an "
                      "existing version)").format(
                        record=shown(record_path(folder)), version=current,
                        missing=", ".join(missing),
                    )
                )  # fmt: skip
            changed = changes(latest["fakta"], anslag)
            if not changed:
                results.append(AnslagResult(anslag, Status.OFORANDRAD, current, files))
                continue
            note = (
                f"Rättelse: ersätter anslaget version {current} (upprättat "
                f"{latest.get('upprattat', '?')}). Ändrat: {', '.join(changed)}."
            )
            version = AnslagVersion(current + 1, note)
            status = Status.RATTELSE
        else:
            changed, version, status = (), AnslagVersion(1, ""), Status.NY
        stem = file_stem(anslag)
        made = (
            folder.file(stem, ".pdf", version.nummer),
            folder.file(stem, ".html", version.nummer),
        )
        for path in made:
            if path.exists():
                raise OutputError(
                    _("{path}: exists but {record} does not list it; a notice is never "
                      "replaced: move it away if it is not a published notice").format(
                        path=shown(path), record=record_path(folder).name
                    )
                )  # fmt: skip
        versions.append(
            {
                "version": version.nummer,
                "filer": [path.name for path in made],
                "upprattat": today.isoformat(),
                "andrat": list(changed),
                "sammantrade": meeting.path.name,
                "fakta": anslag.to_json(),
            }
        )
        plans.append(_Plan(anslag, version, made))
        results.append(AnslagResult(anslag, status, version.nummer, made, changed))
    return results, plans, record


def _read_record(path: Path) -> dict[str, Any] | None:
    data = read_json(
        path,
        _("{path}: cannot read the record of the notices: {error}"),
        _("{path}: the record of the notices is not JSON: {error}"),
    )
    if data is None:
        return None
    notices_ = data.get("anslag") if isinstance(data, dict) else None
    if not isinstance(notices_, dict) or not all(
        isinstance(n, dict) and isinstance(n.get("versioner"), list) for n in notices_.values()
    ):
        raise OutputError(
            _("{path}: not a record of notices (expected 'anslag': notices with 'versioner'); "
              "fix it or move it away with its notices").format(path=path)
        )  # fmt: skip
    return dict(data)


def _write(
    plans: Sequence[_Plan],
    folder: MeetingFolder,
    record: dict[str, Any],
    template: Path,
    converter: Converter,
    run: Session,
) -> None:
    """Render every notice, convert them in one run, check them, then move them into place."""
    from avtalsgen.documents.factcheck import read_pdf
    from avtalsgen.documents.html import docx_to_html
    from avtalsgen.documents.render import render_document

    staging = run.staging
    try:
        docx_files, pages = [], []
        for plan in plans:
            meta = metadata(plan.anslag, plan.version)
            data = render_document(template, context(plan.anslag, plan.version), meta)
            path = staging / f"{plan.files[0].stem}.docx"
            atomic_write(path, data, durable=False)
            docx_files.append(path)
            pages.append(docx_to_html(data, meta.title))
        pdf_files = converter.convert(docx_files, staging)
        made = []
        for plan, pdf_file, page in zip(plans, pdf_files, pages, strict=True):
            # The notice states its facts: read back from the PDF and the page.
            _check_states(plan.anslag, read_pdf(pdf_file).text, plan.files[0].name)
            _check_states(plan.anslag, page, plan.files[1].name)
            html_file = atomic_write(staging / plan.files[1].name, page, durable=False)
            made += [(pdf_file, plan.files[0]), (html_file, plan.files[1])]
        for source, final in made:
            try:
                run.place(source, final)
            except FileExistsError:
                raise OutputError(
                    _("{path}: already exists; a notice is never replaced").format(
                        path=shown(final)
                    )
                ) from None
        run.write(record_path(folder), json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        raise OutputError(
            _("{folder}: cannot write the notices: {error}").format(
                folder=shown(folder.path), error=os_reason(exc)
            )
        ) from None


def _check_states(anslag: Anslag, text: str, name: str) -> None:
    """Refuse a notice whose text does not state its dates and paragraphs (a template that
    lost one)."""
    squashed = "".join(text.replace("\u00a0", " ").split())
    wanted = [
        anslag.sammantradesdatum.isoformat(),
        anslag.justeringsdatum.isoformat(),
        anslag.anslagsdatum.isoformat(),
        anslag.till_och_med.isoformat(),
        anslag.sista_dag_for_overklagande.isoformat(),
        anslag.forvaringsplats,
        anslag.forvaltningsratt,
        paragraph_list(anslag.paragrafer),
        not_appealable(anslag.forberedande),
    ]
    missing = [fact for fact in wanted if "".join(fact.split()) not in squashed]
    if missing:
        raise OutputError(
            _("{name}: the notice does not state {missing}; the anslag template must keep "
              "them").format(name=name, missing=", ".join(missing))
        )  # fmt: skip
