"""Publishable renditions for the web: each protocol extract of a meeting and its case's
beslutsförslag as a tagged PDF and an accessible HTML page, without what may not be
published.

A rendition is rendered from the same template and facts as the archive copy, with:

- no signatures and no signature field (the archive copy is the signed one);
- no personal identity numbers (personnummer and samordningsnummer, recognised with their
  check digit by python-stdnum), replaced with "[personnummer borttaget]";
- the names of private persons that the program file lists (``publicering.ersatt_namn``)
  replaced with what it says;
- paragraphs under sekretess left out, and the beslutsförslag of their cases too.

A paragraph's case's beslutsförslag is published with its extract, as the basis of the
decision; not with a paragraph that changes the running agreement (a ``tillagg``: an
extension, a new amount, an early end), which has none of its own: the case's beslutsförslag
is the basis of the earlier decision that granted it.

The extract's rendition is made from the facts recorded for its newest version (so it says
what the certified extract says) and carries a note that it is the web version. The
renditions go into ``<output>/webb/<Dnr>/`` (``protokollsutdrag-<N>[-v<K>].pdf/.html``,
``beslutsforslag.pdf/.html``); the archive copies in ``<output>/<Dnr>/`` are not touched.
Every rendition is read back before it is written: none may state a removed number or name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, TypeVar, cast

from pydantic import BaseModel

from avtalsgen import clock
from avtalsgen.build.workspace import Session, Workspace, atomic_write, shown
from avtalsgen.conversion.convert import Converter
from avtalsgen.errors import OutputError, os_reason
from avtalsgen.i18n import _, join_words
from avtalsgen.meetings.extract import (
    SIGNATURE_FIELD,
    Fakta,
    Version,
    context,
    file_stem,
    made_on,
    metadata,
    read_record,
    record_path,
)
from avtalsgen.meetings.justering import LoadedMeeting, load_meeting
from avtalsgen.model.program import Publicering
from avtalsgen.pdf.signed import signed_fields
from avtalsgen.signing.certifier import signed_certification_problem
from avtalsgen.signing.demo import signed_with_demo

#: What a personal identity number is replaced with.
PERSONNUMMER_BORTTAGET: Final = "[personnummer borttaget]"
#: A Swedish personal identity or coordination number as written: YYMMDD-NNNN,
#: YYMMDD+NNNN (100 years or older), YYYYMMDD-NNNN, or the digits without a separator.
_PERSONNUMMER = re.compile(r"(?<![\d-])(?:\d{2})?\d{6}[-+ ]?\d{4}(?![\d-])")
#: The note at the top of a published extract.
WEB_NOTE: Final = (
    "Webbversion av protokollsutdraget. Originalet är bestyrkt med elektronisk underskrift "
    "och förvaras hos Region Norrbotten."
)
WEB_NOTE_REDACTED: Final = " Personuppgifter som inte ska publiceras har tagits bort."

T = TypeVar("T")


class Status(StrEnum):
    """What ``publicera`` did with one document."""

    SKRIVEN = "skriven"
    """The rendition was written (a web rendition is made anew each time: it is derived
    from the archive copy, never signed)."""
    SEKRETESS = "sekretess"
    """Left out: the paragraph is under sekretess."""
    SAKNAS = "saknas"
    """Left out: the paragraph has no extract yet (and, with :attr:`Rendition.justering`,
    can have none before that day)."""
    OSIGNERAD = "osignerad"
    """Left out: the newest extract (:attr:`Rendition.files`) is not signed yet, so its web
    version could not say that the original is certified."""
    ANSLAG = "anslag"
    """Left out: the notice of the justering goes up on the anslagstavla after today
    (:attr:`Rendition.anslag`), and the web version states that day as the day the notice
    went up ("Anslaget på anslagstavlan"): it is published on that day or later."""


@dataclass(frozen=True)
class Rendition:
    """The outcome for one document."""

    dnr: str
    paragraf: int
    document: str
    """``protokollsutdrag`` or ``beslutsforslag``."""
    status: Status
    files: tuple[Path, ...] = ()
    replaced: tuple[str, ...] = ()
    """What was replaced, e.g. "1 personnummer", "Anna Andersson"."""
    removed: tuple[Path, ...] = ()
    """Web renditions published before that this one withdraws: of a paragraph since put
    under sekretess (its extract's every version and its case's beslutsförslag), or an
    earlier version of the extract written now."""
    anslag: dt.date | None = None
    """The day the notice of the justering goes up (:attr:`Status.ANSLAG`)."""
    justering: dt.date | None = None
    """With :attr:`Status.SAKNAS`: the day the paragraph is justerad, when that is after
    today (``utdrag`` makes its extract on that day or later)."""
    demo: bool = False
    """With :attr:`Status.OSIGNERAD`: the extract is signed, but with the DEMO key, and
    its meeting is not an example: not certified for real."""
    uncounted: str = ""
    """With :attr:`Status.OSIGNERAD`: the extract is signed, but with a key that may not
    certify it (:mod:`avtalsgen.signing.certifier`): why; "" otherwise."""

    @property
    def not_counted(self) -> bool:
        """Whether the extract is signed, but its certification does not count."""
        return self.demo or bool(self.uncounted)


def rendition_head(result: Rendition) -> str:
    """``§ 212 RUN-90001-2023 beslutsförslag``: the document a line of ``publicera`` is on,
    named in words."""
    from avtalsgen.documents.kinds import kind

    return f"§ {result.paragraf} {result.dnr} {kind(result.document).title.lower()}"


#: What leaves a document out for now, not for good (sekretess): publishing it waits for
#: its anslag day, its certification or its extract.
NOT_YET: Final = (Status.ANSLAG, Status.OSIGNERAD, Status.SAKNAS)


def summary_text(results: Sequence[Rendition]) -> str:
    """The line ``publicera`` ends with: the documents it named above, counted by what
    became of them (``publicerade: 2, väntar på anslaget: 0, …``), every count given, the
    order fixed, so that a script or a reader sees at once whether anything waits."""
    count = {status: sum(r.status is status for r in results) for status in Status}
    return ", ".join(
        (
            _("published: {count}").format(count=count[Status.SKRIVEN]),
            _("waiting for the anslag: {count}").format(count=count[Status.ANSLAG]),
            _("not certified yet: {count}").format(count=count[Status.OSIGNERAD]),
            _("no extract yet: {count}").format(count=count[Status.SAKNAS]),
            _("under sekretess: {count}").format(count=count[Status.SEKRETESS]),
        )
    )


def complete(results: Sequence[Rendition]) -> bool:
    """Whether the meeting is on the web as it may be: nothing left out for now (waiting
    for its anslag day, its certification or its extract); sekretess is left out for good."""
    return not any(result.status in NOT_YET for result in results)


def written_text(result: Rendition) -> str:
    """What ``publicera`` says of a rendition written: what was replaced in it, if anything
    was (a parenthesis saying "nothing" tells the reader nothing)."""
    head = rendition_head(result)
    if not result.replaced:
        return _("{head}: publishable rendition written").format(head=head)
    return _("{head}: publishable rendition written, with {replaced} replaced").format(
        head=head, replaced=join_words(result.replaced)
    )


def demo_text(result: Rendition, extract: str) -> str:
    """What ``publicera`` says of an extract left out because the DEMO key, or a key that
    may not certify it, certified it (:attr:`Rendition.not_counted`); ``extract`` names its
    file as the reader is shown it."""
    if result.uncounted:
        return _(
            "{head}: left out: {extract} is certified with a key that may not certify it: "
            "{why}; so it counts as not certified, and a version of the extract certified "
            "with the secretary's key or the region's seal is needed"
        ).format(head=rendition_head(result), extract=extract, why=result.uncounted)
    return _(
        "{head}: left out: {extract} is certified with the DEMO key, which is not valid for "
        "real use, and the meeting is not an example, so it counts as not certified; a "
        "version of the extract certified with the secretary's key or the region's seal is "
        "needed"
    ).format(head=rendition_head(result), extract=extract)


def missing_text(result: Rendition, make: str) -> str:
    """What ``publicera`` says of an extract left out because there is none yet
    (:attr:`Status.SAKNAS`): ``make``, how to make and certify it; before the justering,
    the day it can be made (``utdrag`` makes none before)."""
    head = rendition_head(result)
    if result.justering is not None:
        return _(
            "{head}: left out: not justerad until {date}, so there is no extract yet; on that "
            "day or later {make}"
        ).format(head=head, date=result.justering, make=make)
    return _("{head}: left out: no extract yet; {make}").format(head=head, make=make)


def waiting_text(result: Rendition, again: str) -> str:
    """What ``publicera`` says of an extract left out until its anslag (:attr:`Status.
    ANSLAG`): the day, why, and ``again``, how to make the versions then."""
    return _(
        "{head}: left out until {date}: the notice of the justering goes up on the "
        "anslagstavla that day, and the web version states it as the day the notice went up; "
        "{again} on {date} or later"
    ).format(head=rendition_head(result), date=result.anslag, again=again)


def removed_text(result: Rendition, path: str) -> str:
    """What ``publicera`` says of a web rendition ``path`` (as the reader is shown it) that
    ``result`` withdrew, and why."""
    if result.status is Status.SEKRETESS:
        reason = _("published before the paragraph was put under sekretess")
    else:
        reason = _("an earlier version of the extract")
    return _("{path}: removed from the web folder: {reason}").format(path=path, reason=reason)


def is_identity_number(text: str) -> bool:
    """Whether ``text`` is a personnummer or a samordningsnummer (the day of birth plus 60)
    with a valid check digit. python-stdnum's ``se.personnummer`` knows only the former: a
    samordningsnummer is checked by it with its real day of birth, and the check digit
    (Luhn, over the number as written) by ``stdnum.luhn``."""
    from stdnum import luhn
    from stdnum.exceptions import ValidationError
    from stdnum.se import personnummer

    if personnummer.is_valid(text):
        return True
    try:
        number = personnummer.compact(text)
    except ValidationError:
        return False
    day_at = {11: 4, 13: 6}.get(len(number))
    if day_at is None or number[-5] not in "-+":
        return False
    digits = number[:-5] + number[-4:]
    day = number[day_at : day_at + 2]
    if not digits.isdigit() or not 61 <= int(day) <= 91:
        return False
    born = f"{number[:day_at]}{int(day) - 60:02d}{number[day_at + 2 :]}"
    try:
        personnummer.get_birth_date(born)
    except ValidationError:
        return False
    return bool(luhn.is_valid(digits[-10:]))


class Redactor:
    """Replaces personal identity numbers and the program's private names in text."""

    def __init__(self, publicering: Publicering) -> None:
        self.names = [(n.namn, n.ersatt_med) for n in publicering.ersatt_namn]
        # Longer names first, so "Anna Maria Berg" is replaced before "Anna Maria".
        self.names.sort(key=lambda pair: -len(pair[0]))
        self.found: list[str] = []
        # The numbers replaced, by their last ten digits: one number written twice, or as
        # 19121212-1212 and 121212-1212, or in several of a document's facts, counts once.
        self.numbers: set[str] = set()

    def __call__(self, text: str) -> str:
        text = _PERSONNUMMER.sub(self._number, text)
        for name, replacement in self.names:
            if name in text:
                self.found.append(name)
                text = text.replace(name, replacement)
        return text

    def _number(self, match: re.Match[str]) -> str:
        if is_identity_number(match.group(0)):
            digits = "".join(c for c in match.group(0) if c.isdigit())[-10:]
            if digits not in self.numbers:
                self.numbers.add(digits)
                self.found.append("personnummer")
            return PERSONNUMMER_BORTTAGET
        return match.group(0)

    def leaks(self, text: str) -> list[str]:
        """Removed names or valid personal identity numbers that ``text`` still states."""
        flat = " ".join(text.split())
        found = [name for name, _ in self.names if name in flat]
        found += [m for m in _PERSONNUMMER.findall(flat) if is_identity_number(m)]
        return found

    def summary(self) -> tuple[str, ...]:
        """What was replaced, once each, in order; the personal identity numbers counted
        as different numbers, not as the times they were replaced."""
        counts: dict[str, int] = {}
        for item in self.found:
            counts[item] = counts.get(item, 0) + 1
        return tuple(
            f"{count} personnummer" if item == "personnummer" else item
            for item, count in counts.items()
        )


def redact(value: T, replace: Callable[[str], str]) -> T:
    """``value`` with ``replace`` applied to every string in it: in dataclasses, pydantic
    models, tuples, lists and dicts (enums, dates and numbers stay as they are)."""
    result: Any
    if type(value) is str:
        result = replace(cast(str, value))
    elif isinstance(value, tuple):
        result = tuple(redact(item, replace) for item in value)
    elif isinstance(value, list):
        result = [redact(item, replace) for item in value]
    elif isinstance(value, dict):
        result = {key: redact(item, replace) for key, item in value.items()}
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: redact(getattr(value, f.name), replace)
            for f in dataclasses.fields(value)
            if f.init
        }
        result = dataclasses.replace(value, **changes)
    elif isinstance(value, BaseModel):
        update = {name: redact(getattr(value, name), replace) for name in type(value).model_fields}
        result = value.model_copy(update=update)
    else:
        result = value
    return result  # type: ignore[no-any-return]


def publish(
    meeting_path: Path,
    output_root: Path,
    templates: Path,
    converter: Converter,
    *,
    on_wait: Callable[[str], None] | None = None,
) -> list[Rendition]:
    """Write the publishable renditions of a meeting's extracts and their cases'
    beslutsförslag into ``output_root/webb/<Dnr>/``; one result per document. The output
    folder is locked meanwhile (``on_wait`` is told if another command holds it)."""
    meeting = load_meeting(meeting_path)
    workspace = Workspace(output_root)
    results, jobs = _plan(meeting, workspace)
    if not jobs and not any(result.removed for result in results):
        return results  # nothing to write: the output folder is not touched
    with workspace.session("publicera", on_wait=on_wait) as run:
        # Planned again under the lock: a utdrag or sign may have changed the extracts'
        # records or signatures while this one waited for it.
        results, jobs = _plan(meeting, workspace)
        if jobs:
            results += _write(jobs, templates, converter, run)
        for result in results:  # once the new renditions are in place
            for path in result.removed:
                run.remove(path)  # a web rendition: never signed
    return results


def _published(folder: Path, paragraf: int, below: int | None = None) -> list[Path]:
    """The web renditions of the extract of § ``paragraf`` in ``folder`` (those of a
    version below ``below``, if given), oldest first."""
    from avtalsgen.build.workspace import parse_versioned

    stem = file_stem(paragraf, 1)
    found = []
    for path in sorted(folder.glob(f"{stem}*")) if folder.is_dir() else []:
        parsed = parse_versioned(path.name)
        if parsed is None or parsed[0] != stem or parsed[2] not in (".pdf", ".html"):
            continue
        if below is None or parsed[1] < below:
            found.append((parsed[1], path))
    return [path for _, path in sorted(found)]


def _plan(meeting: LoadedMeeting, workspace: Workspace) -> tuple[list[Rendition], list[_Job]]:
    """What each paragraph's extract is left out for, and what is to be written, as the
    extracts' records and signatures say now."""
    results: list[Rendition] = []
    jobs: list[_Job] = []
    for paragraf in meeting.sammantrade.paragrafer:
        folder = workspace.web(paragraf.dnr)
        proposal = (folder / "beslutsforslag.pdf", folder / "beslutsforslag.html")
        if paragraf.sekretess is not None:
            # Published before the paragraph was put under sekretess: withdrawn.
            earlier = _published(folder, paragraf.paragraf)
            earlier += [p for p in proposal if p.is_file()]
            results.append(
                Rendition(paragraf.dnr, paragraf.paragraf, "protokollsutdrag", Status.SEKRETESS,
                          removed=tuple(earlier))
            )  # fmt: skip
            continue
        record_file = record_path(workspace.case(paragraf.dnr).path, paragraf.paragraf)
        record = read_record(record_file)
        if record is None:
            justerad = meeting.sammantrade.justering(paragraf).justeringsdatum
            results.append(
                Rendition(paragraf.dnr, paragraf.paragraf, "protokollsutdrag", Status.SAKNAS,
                          justering=justerad if justerad > clock.today() else None)
            )  # fmt: skip
            continue
        versions = record["versioner"]
        fakta, version = _recorded(versions, record_file)
        archive = workspace.case(paragraf.dnr).extract(paragraf.paragraf, version.nummer, ".pdf")
        if not signed_fields(archive).get(SIGNATURE_FIELD, False):
            results.append(
                Rendition(paragraf.dnr, paragraf.paragraf, "protokollsutdrag", Status.OSIGNERAD,
                          (archive,))
            )  # fmt: skip
            continue
        if not meeting.sammantrade.exempel and signed_with_demo(archive, SIGNATURE_FIELD):
            # The DEMO key's certification is not valid for real use: not certified.
            results.append(
                Rendition(paragraf.dnr, paragraf.paragraf, "protokollsutdrag", Status.OSIGNERAD,
                          (archive,), demo=True)
            )  # fmt: skip
            continue
        if (wrong := signed_certification_problem(archive)) is not None:
            # Certified with a key that may not certify it: not certified.
            results.append(
                Rendition(paragraf.dnr, paragraf.paragraf, "protokollsutdrag", Status.OSIGNERAD,
                          (archive,), uncounted=wrong)
            )  # fmt: skip
            continue
        if fakta.anslagsdatum > clock.today():
            # The extract states the day its notice went up: not published before it.
            results.append(
                Rendition(paragraf.dnr, paragraf.paragraf, "protokollsutdrag", Status.ANSLAG,
                          anslag=fakta.anslagsdatum)
            )  # fmt: skip
            continue
        stem = file_stem(fakta.paragraf, version.nummer)
        jobs.append(_Job(meeting, paragraf.dnr, paragraf.paragraf, "protokollsutdrag",
                         folder, stem, (fakta, version)))  # fmt: skip
        if paragraf.tillagg is not None:
            # A change of the running agreement is decided on no beslutsförslag: the case's
            # is the basis of the decision that granted it, at an earlier meeting.
            continue
        if any(r.dnr == paragraf.dnr and r.document == "beslutsforslag" for r in results):
            continue
        history = meeting.histories.get(paragraf.dnr)
        if history is not None and history.sekretess():
            # Another paragraph on the case (of another meeting) is secret: the
            # beslutsförslag states its facts and carries its marking.
            results.append(
                Rendition(paragraf.dnr, paragraf.paragraf, "beslutsforslag", Status.SEKRETESS,
                          removed=tuple(p for p in proposal if p.is_file()))
            )  # fmt: skip
        elif not any(job.dnr == paragraf.dnr and job.extract is None for job in jobs):
            jobs.append(_Job(meeting, paragraf.dnr, paragraf.paragraf, "beslutsforslag",
                             folder, "beslutsforslag", None))  # fmt: skip
    return results, jobs


def _made_day(entry: dict[str, Any], record_file: Path) -> dt.date:
    """The day the recorded version ``entry`` was made; a record that does not say it (as
    a date) raises :class:`OutputError` naming the record and how to fix it."""
    made = made_on(entry)
    try:
        return dt.date.fromisoformat(made or "")
    except ValueError:
        raise OutputError(
            _(
                "{path}: version {version} of the record of the extract does not say the day "
                'it was made (found {found}): write it as "upprattad": "YYYY-MM-DD", the day '
                "its PDF was made"
            ).format(
                path=shown(record_file),
                version=entry.get("version"),
                found=repr(made) if made is not None else _("nothing"),
            )
        ) from None


@dataclass(frozen=True)
class _Job:
    meeting: LoadedMeeting
    dnr: str
    paragraf: int
    document: str
    folder: Path
    stem: str
    extract: tuple[Fakta, Version] | None


def _recorded(versions: Sequence[dict[str, Any]], record_file: Path) -> tuple[Fakta, Version]:
    """The facts and version of the newest recorded extract, as it was made (its record
    ``record_file``, named in the message when it does not say the day it was made)."""
    latest = versions[-1]
    values: dict[str, Any] = {}
    for field in dataclasses.fields(Fakta):
        if field.name not in latest["fakta"]:
            continue  # a fact added later: the field's default
        value = latest["fakta"][field.name]
        if isinstance(value, list):
            value = tuple(value)
        elif isinstance(value, str) and field.type in ("dt.date", "dt.date | None"):
            value = dt.date.fromisoformat(value)
        values[field.name] = value
    fakta = Fakta(**values)
    made = _made_day(latest, record_file)
    number = int(latest["version"])
    if number == 1:
        return fakta, Version.first(made)
    # The version it replaces: the newest certified one when it was made (recorded since
    # corrections were told against it), else the one before it.
    replaces = latest.get("ersatter", number - 1)
    replaced = next((v for v in versions if v.get("version") == replaces), None)
    before = made_on(replaced) if replaced is not None else None
    # Whether the replaced version was certified, as the correction found it (a record
    # written before that was recorded: certified on the day it was made, as it then said).
    certified = latest.get("ersatt_bestyrkt", before)
    replaced_on = certified if isinstance(certified, str) else before
    return fakta, Version.correction(
        int(replaces),
        dt.date.fromisoformat(replaced_on) if isinstance(replaced_on, str) else None,
        tuple(latest["andrat"]),
        made,
        replaced_certified=certified is not None,
        nummer=number,
    )


def _write(
    jobs: Sequence[_Job], templates: Path, converter: Converter, run: Session
) -> list[Rendition]:
    """Render every job, convert them in one run, read them back, then put them in place."""
    from avtalsgen.documents.context import build_context
    from avtalsgen.documents.factcheck import read_pdf
    from avtalsgen.documents.html import docx_to_html
    from avtalsgen.documents.kinds import metadata as document_metadata
    from avtalsgen.documents.render import render_document

    staging = run.staging
    try:
        made = []
        for number, job in enumerate(jobs):
            case = job.meeting.cases[job.dnr]
            redactor = Redactor(case.program.publicering)
            if job.extract is not None:
                fakta, version = job.extract
                fakta = redact(fakta, redactor)
                note = WEB_NOTE + (WEB_NOTE_REDACTED if redactor.found else "")
                template = templates / "protokollsutdrag.docx"
                ctx: object = context(fakta, version, publicering=note, program=case.program)
                meta = metadata(fakta, version)
            else:
                ctx = redact(build_context(case), redactor)
                template = templates / "beslutsforslag.docx"
                # The title and keywords from the redacted facts too (the case's titel).
                meta = document_metadata("beslutsforslag", ctx)
            data = render_document(template, ctx, meta)
            docx = staging / f"{number}-{job.stem}.docx"  # two cases' beslutsforslag apart
            atomic_write(docx, data, durable=False)
            page = docx_to_html(data, meta.title)
            made.append((job, redactor, docx, page))
        pdfs = converter.convert([docx for _, _, docx, _ in made], staging)
        for (job, redactor, _docx, page), pdf in zip(made, pdfs, strict=True):
            leaks = redactor.leaks(read_pdf(pdf).text) + redactor.leaks(page)
            if leaks:
                name = shown(job.folder / f"{job.stem}.pdf")  # not the staging file's name
                raise OutputError(
                    _("{name}: the web rendition still states {leaks}; nothing was "
                      "written").format(name=name, leaks=", ".join(sorted(set(leaks))))
                )  # fmt: skip
        results = []
        for (job, redactor, docx, page), pdf in zip(made, pdfs, strict=True):
            html = atomic_write(docx.with_suffix(".html"), page, durable=False)
            files = (job.folder / f"{job.stem}.pdf", job.folder / f"{job.stem}.html")
            # A web rendition is derived from the archive copy: made anew each time.
            run.place(pdf, files[0], replace=True)
            run.place(html, files[1], replace=True)
            earlier = (
                ()
                if job.extract is None
                else tuple(_published(job.folder, job.paragraf, below=job.extract[1].nummer))
            )  # the versions this one replaces
            results.append(Rendition(job.dnr, job.paragraf, job.document, Status.SKRIVEN,
                                     files, redactor.summary(), earlier))  # fmt: skip
        return results
    except OSError as exc:
        raise OutputError(
            _("{folder}: cannot write the web renditions: {error}").format(
                folder=shown(run.workspace.root), error=os_reason(exc)
            )
        ) from None
