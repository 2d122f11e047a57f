"""One case of a build: load it (or find it up to date), render its documents, then check
its PDFs and make its packet (:func:`check_and_make`) and place everything in
``output/<Dnr>/`` (:func:`place_made`).

:mod:`avtalsgen.build.batch` runs these steps for many cases around a pool of LibreOffice workers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from avtalsgen.build import interrupts
from avtalsgen.build.factkey import facts_key
from avtalsgen.build.manifest import (
    record_facts,
    signed_and_current,
    signed_and_same,
    write_manifest,
)
from avtalsgen.build.nothing import nothing_to_build
from avtalsgen.build.outcome import CaseOutcome, Status
from avtalsgen.build.packets import PacketFolder
from avtalsgen.build.record import (
    Record,
    input_stamp,
    up_to_date,
    with_decisions,
)
from avtalsgen.build.secrecy import unmarked_signed
from avtalsgen.build.stages import CaseStages, case_stages
from avtalsgen.build.tillagg import plan as tillagg_plan
from avtalsgen.build.workspace import CaseFolder, Session, atomic_write, shown
from avtalsgen.conversion.pool import Job
from avtalsgen.documents.kinds import DOCUMENTS, kind, metadata
from avtalsgen.documents.render import render_document
from avtalsgen.errors import AvtalsgenError, CaseError, os_reason
from avtalsgen.i18n import _
from avtalsgen.input.load import LoadedCase, load_case, unknown_facts
from avtalsgen.meetings.decisions import case_history
from avtalsgen.pdf.packet import (
    Attachment,
    build_packet,
    packet_bilagor,
    packet_extracts,
    packet_version,
    read_agreement,
    resolve_attachments,
)

TIMEZONE = ZoneInfo("Europe/Stockholm")
#: The documents the parties sign, whose reading finds their signature blocks.
SIGNED_DOCUMENTS = ("samarbetsavtal", "tillaggsavtal")


if TYPE_CHECKING:
    from avtalsgen.build.batch import BuildOptions
    from avtalsgen.build.tillagg import Plan
    from avtalsgen.documents.factcheck import PdfText
    from avtalsgen.meetings.decisions import History
    from avtalsgen.pdf.assemble import Packet


@dataclass
class CaseWork:
    """A case being built: what it is made from, and its PDFs (or errors) as they come."""

    outcome: CaseOutcome
    case: LoadedCase
    stages: CaseStages
    stamp: str
    staging: Path
    documents: list[str]
    """The documents this build makes of the case: those asked for that its decisions call
    for (an avslag's case has no agreement)."""
    templates: Path
    inputs: dict[str, Path]
    attachments: list[Attachment]
    built: dt.datetime
    """The time of the build: the date of documents the case gives none."""
    packet: bool
    """True when the packet is made: every document the case calls for is built."""
    pdfs: dict[str, Path] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    reads: dict[str, Future[PdfText]] = field(default_factory=dict)
    """Its PDFs as PDFium reads them, by document, read as they come in (see :func:`read_soon`)."""
    checked: set[str] = field(default_factory=set)
    """Its documents that passed the fact check already (see :func:`check_early`)."""


def case_inputs(
    case: LoadedCase, templates: Path, documents: Sequence[str], attachments: Sequence[Attachment]
) -> dict[str, Path]:
    """Every file a case's documents and packet are made from, by role (the meeting files
    and protocol extracts aside: see :func:`avtalsgen.build.record.with_decisions`)."""
    inputs = {"case": case.path, "program": case.program_path}
    inputs |= {f"template {d}": templates / f"{d}.docx" for d in documents}
    inputs |= {f"bilaga {n}": item.path for n, item in enumerate(attachments, 1)}
    return inputs


def missing_template(case: LoadedCase, templates: Path, made: Sequence[str]) -> str | None:
    """What is wrong when the templates folder lacks the template of a document only some
    cases make (a tilläggsavtal) and this case makes it; None when nothing is missing."""
    for document in made:
        path = templates / f"{document}.docx"
        if not kind(document).every_case and not path.is_file():
            from avtalsgen.documents.templates import only_lock_files

            locks = only_lock_files(templates)
            if locks is not None:
                said = _("{case}: the decisions on {dnr} call for a {title}: {path}: {reason}")
                return said.format(
                    case=case.path,
                    dnr=case.arende.dnr,
                    title=kind(document).title.lower(),
                    path=path,
                    reason=locks,
                )
            return _(
                "{case}: the decisions on {dnr} call for a {title}, and the templates folder "
                "has no {path}: copy {name} from the templates that come with avtalsgen into "
                "it, or leave out --templates"
            ).format(
                case=case.path,
                dnr=case.arende.dnr,
                title=kind(document).title.lower(),
                path=path,
                name=path.name,
            )
    return None


def load(
    outcome: CaseOutcome,
    run: Session,
    staging: Path,
    options: BuildOptions,
    tools: str,
) -> CaseWork | None:
    """Load one case and the decisions on it; None when it failed, is up to date or has
    nothing to make (its outcome then says so).

    Otherwise its documents are to be rendered into ``staging``, a folder made here (in the
    session's staging folder).
    """
    try:
        case = load_case(outcome.case)
        outcome.dnr = case.arende.dnr
        history = case_history(case.path, case.arende, case.program)
        if history.problems:
            raise CaseError(list(history.problems))
        if options.strict and (unknown := unknown_facts(case, history)):
            raise CaseError(unknown)
    except AvtalsgenError as exc:
        outcome.error, outcome.exception = exc.message, exc
        return None
    loaded = _Loaded(outcome, run, staging, options, tools, case, history)
    return _planned(loaded, run.workspace.case(case.arende.dnr))


@dataclass(frozen=True)
class _Loaded:
    """A case loaded by :func:`load`, with what its build was asked to do."""

    outcome: CaseOutcome
    run: Session
    staging: Path
    options: BuildOptions
    tools: str
    case: LoadedCase
    history: History


def _planned(
    loaded: _Loaded, case_folder: CaseFolder, *, replanned: bool = False
) -> CaseWork | None:
    """:func:`load` from the plan of the tilläggsavtal on: what the case's decisions call
    for now, given the packet versions in ``case_folder``.

    A change refused on the newest packet version, signed and called superseded by the
    facts its manifest entry records, is planned again (``replanned``) once the build finds
    that packet the same as it would make it and records its facts as the case's: the
    refusal rested on facts recorded otherwise (by an avtalsgen that digested them
    otherwise, or an edit no document states), and the tilläggsavtal is made in this build,
    not the next. Only the plan, and what follows from it, is made again: the case and its
    meetings are not read anew."""
    outcome, run, staging, options, tools = (
        loaded.outcome, loaded.run, loaded.staging, loaded.options, loaded.tools
    )  # fmt: skip
    case, history = loaded.case, loaded.history
    templates, documents = options.templates, options.documents
    folder = case_folder.path
    if not replanned:  # an extract whose meeting file is gone: kept, and named
        from avtalsgen.build.orphans import orphan_extracts, orphan_text

        outcome.warnings += [
            orphan_text(orphan, str(shown(orphan.pdf)))
            for orphan in orphan_extracts(folder, history)
        ]
    try:
        with interrupts.deferred():  # pikepdf may load here (whether a packet is signed)
            planned = tillagg_plan(history, PacketFolder(case_folder))
        made = [d for d in planned.documents if d in documents]
        if not made:  # not a failure: nothing is wrong, and nothing is written
            outcome.status = Status.NOTHING
            outcome.note = nothing_to_build(case, history, documents, planned)
            return None
        if problem := missing_template(case, templates, made):
            raise CaseError([problem])
        # A tilläggsavtal's packet holds no attachments: they are the agreement's, in its
        # packet (see avtalsgen.pdf.packet.packet_bilagor).
        attachments = resolve_attachments(case.path, packet_bilagor(case, planned.change))
    except AvtalsgenError as exc:
        outcome.error, outcome.exception = exc.message, exc
        return None
    files = case_inputs(case, templates, made, attachments)
    try:
        inputs = with_decisions(files, case.path, folder, planned.unheld)
        stamp = input_stamp(inputs, (*documents, *planned.marker), tools)
    except OSError as exc:  # a file that went away since it was found
        outcome.error = _("{path}: cannot read: {reason}").format(
            path=exc.filename, reason=os_reason(exc)
        )
        return None
    record = Record(folder, stamp, case.path, files, run.staging, planned.marker, planned.awaited)
    # The packet a change is refused on, if it is the newest version: whether it is the
    # same as the build would make it is asked below, even when the inputs are unchanged.
    recheck = not replanned and _refused_on_newest(planned, case_folder)
    if not options.force and not recheck and (outputs := up_to_date(folder, stamp)) is not None:
        record.renew(outputs)
        outcome.status, outcome.outputs = Status.UP_TO_DATE, outputs
        return None
    # A signed packet made from these very inputs: a rebuild, even a forced one, would make
    # the same packet again, as a new version; nothing is made.
    # The packet is made when every document the case's decisions call for is built.
    packet = set(planned.documents) <= set(documents)
    if packet:
        with interrupts.deferred():  # pikepdf may load here (see prepare_finish)
            signed = signed_and_current(folder, stamp)
        if signed is not None:
            return _kept(loaded, case_folder, signed, planned, inputs, record, recheck=recheck)
    try:
        stages = case_stages(case, history, folder, planned)
    except AvtalsgenError as exc:
        outcome.error, outcome.exception = exc.message, exc
        return None
    built = dt.datetime.now(TIMEZONE).replace(microsecond=0)
    if packet:
        # Other inputs, the same packet (an edit that changes no document): nothing is made.
        same = same_as_signed(folder, planned, stages, templates, inputs, attachments, built)
        if same is not None:
            return _kept(loaded, case_folder, same, planned, inputs, record, recheck=recheck)
    try:
        staging.mkdir()
    except OSError as exc:
        outcome.error = _("cannot make a staging folder in {folder}: {reason}").format(
            folder=run.workspace.root, reason=os_reason(exc)
        )
        return None
    return CaseWork(
        outcome,
        case,
        stages,
        stamp,
        staging,
        made,
        templates,
        inputs,
        attachments,
        built,
        packet,
    )


def _kept(
    loaded: _Loaded,
    case_folder: CaseFolder,
    kept: list[Path],
    planned: Plan,
    inputs: Mapping[str, Path],
    record: Record,
    *,
    recheck: bool,
) -> CaseWork | None:
    """The case's build when its signed packet ``kept`` (its files) is the one it would
    make: nothing is made, the packet is the one in force (:func:`_keep_in_force`) and its
    facts the case's (:func:`_record_facts`); a change refused on it is planned again
    (``recheck``, see :func:`_planned`), else the case is up to date with ``kept``."""
    outcome, run = loaded.outcome, loaded.run
    if not _keep_in_force(case_folder, kept, inputs, run, outcome):
        return None
    if not _record_facts(case_folder.path, loaded.history, planned, run, outcome):
        return None
    if recheck:
        return _planned(loaded, case_folder, replanned=True)
    record.write(kept)
    outcome.status, outcome.outputs = Status.UP_TO_DATE, kept
    return None


def same_as_signed(
    folder: Path,
    planned: Plan,
    stages: CaseStages,
    templates: Path,
    inputs: Mapping[str, Path],
    attachments: Sequence[Attachment],
    built: dt.datetime,
) -> list[Path] | None:
    """The files of the newest packet version in ``folder`` and of the documents made with
    it, if it is signed and a build from ``inputs`` would make the same packet (see
    :func:`avtalsgen.build.manifest.signed_and_same`): the build then makes no new version.
    What :func:`load` asks, and ``sign`` of a partly signed packet whose inputs changed
    (:func:`avtalsgen.build.status.packet_out_of_date`). None otherwise, and when it cannot
    be told (the build reports why)."""

    def render(document: str) -> bytes:
        context = stages.context(document)
        template = templates / f"{document}.docx"
        return render_document(template, context, metadata(document, context, built))

    titles = {f"bilaga {n}": a.title for n, a in enumerate(attachments, 1)}
    try:
        with interrupts.deferred():  # pikepdf may load here (whether it is signed)
            held = [found.pdf.name for found in packet_extracts(stages)]
            return signed_and_same(folder, planned.documents, render, inputs, titles, held)
    except AvtalsgenError:
        return None


def _keep_in_force(
    folder: CaseFolder,
    kept: list[Path],
    inputs: Mapping[str, Path],
    run: Session,
    outcome: CaseOutcome,
) -> bool:
    """The signed packet among ``kept`` is the one in force: the unsigned versions after it
    go, and the outcome says so (see :mod:`avtalsgen.build.drafts`). False, with the
    outcome's error, when they cannot be removed."""
    from avtalsgen.build.drafts import drop_drafts

    try:
        removed, said = drop_drafts(folder, kept, inputs, run)
    except AvtalsgenError as exc:
        outcome.error, outcome.exception = exc.message, exc
        return False
    except OSError as exc:
        outcome.error = _("cannot write the outputs: {reason}").format(reason=os_reason(exc))
        return False
    if said is not None:
        outcome.removed = removed
        outcome.warnings = [*outcome.warnings, said]
    return True


def _refused_on_newest(planned: Plan, folder: CaseFolder) -> bool:
    """Whether the plan refuses a change on the newest packet version in ``folder`` (signed,
    and superseded by the facts its entry records)."""
    if planned.refused is None or not planned.refused.changed:
        return False
    newest = folder.newest_packet()
    return newest is not None and newest.name == planned.refused.file


def _record_facts(
    folder: Path, history: History, planned: Plan, run: Session, outcome: CaseOutcome
) -> bool:
    """The newest packet version in ``folder``, signed, states the case's facts as they
    are now (a rebuild would make it again): the manifest says so, where it said other
    facts (that no document states) or none (a packet from before facts were recorded).
    False, with the outcome's error, when the output folder's secret cannot be read."""
    from avtalsgen.build.superseded import packet_facts

    versions = CaseFolder(folder).packet_versions()
    change = planned.change
    try:
        key = facts_key(folder.parent, create=True)
    except AvtalsgenError as exc:
        outcome.error, outcome.exception = exc.message, exc
        return False
    with contextlib.suppress(OSError):  # the manifest only tells; the build made nothing
        facts = packet_facts(history, change.nummer if change is not None else 0, key=key)
        record_facts(folder, versions[-1].name, facts, run.staging, key.id if key else None)
    return True


def render(item: CaseWork, job: Job) -> None:
    """Render one document of a case into its staging folder, under its final name at once."""
    document = job.docx.stem
    context = item.stages.context(document)
    try:
        data = render_document(
            item.templates / f"{document}.docx", context, metadata(document, context, item.built)
        )
        # soffice must never see half a file; the file is made again if lost.
        atomic_write(job.docx, data, durable=False)
    except AvtalsgenError as exc:
        item.outcome.error, item.outcome.exception = exc.message, exc
    except OSError as exc:
        item.outcome.error = _("cannot write {file}: {reason}").format(
            file=job.docx.name, reason=os_reason(exc)
        )


def prepare_finish(documents: Sequence[str]) -> None:
    """Load what checking and placing a case needs (PDFium, and for packets pikepdf and
    the contents page's fonts), e.g. while LibreOffice converts the first documents."""
    if "beslutsforslag" in documents:
        with interrupts.deferred():  # pikepdf aborts the process if Ctrl-C comes as it loads
            import avtalsgen.pdf.assemble  # noqa: F401 - loaded now, not at the first packet
            from avtalsgen.pdf.fonts import prepare_fonts

            prepare_fonts()


def read_soon(item: CaseWork, document: str, pdf: Path, reader: Executor) -> None:
    """Have ``reader`` read the case's PDF of ``document`` with PDFium now, for the fact
    check and the signature boxes, while the main thread does other work (PDFium works
    without Python's lock): ``reader`` is one thread, as PDFium is not thread-safe. The
    agreement's reading also finds its signature blocks."""
    # PDFium loads here, not before LibreOffice starts (it takes 25 ms to load).
    from avtalsgen.documents.factcheck import read_pdf

    if document in SIGNED_DOCUMENTS:
        item.reads[document] = reader.submit(read_agreement, pdf)
    else:
        item.reads[document] = reader.submit(read_pdf, pdf)


def check_early(
    item: CaseWork,
    document: str,
    on_checked: Callable[[CaseOutcome, Mapping[str, Path]], None],
) -> None:
    """Fact-check the case's PDF of ``document`` alone while its other documents are still
    converted, and give ``on_checked`` the case's PDFs that have passed so far: a preview
    shows the first document then, not once the last is in. Each document is checked
    against its own stage, whatever the others state, so it is the same check as
    :func:`check_and_make`'s, which checks only the documents not checked here. A document
    that fails is left for :func:`check_and_make` to report with the rest."""
    from avtalsgen.documents.factcheck import check_facts

    if item.errors:
        return
    try:
        read = _read(item, document)
        check_facts(item.case.arende, item.case.program, {document: read},
                    item.stages.fact_stages(), item.templates)  # fmt: skip
    except AvtalsgenError:
        return
    item.checked.add(document)
    on_checked(item.outcome, {d: item.pdfs[d] for d in item.pdfs if d in item.checked})


@dataclass
class Made:
    """A case checked, its packet made and checked, in its staging folder: what
    :func:`place_made` moves into place and records."""

    item: CaseWork
    folder: CaseFolder
    version: int
    made: dict[Path, Path]
    """Each file made (in the staging folder) and the name it is placed under."""
    packet: Packet | None
    stale: list[Path]
    conversions: dict[str, dict[str, object]]


def check_and_make(
    item: CaseWork,
    run: Session,
    on_checked: Callable[[CaseOutcome, Mapping[str, Path]], None] | None = None,
) -> Made | None:
    """Fact-check a converted case and make its packet (checked, written in its staging
    folder), for :func:`place_made` to move into place; ``on_checked`` is given its PDFs
    once they passed the fact check. None when the case failed (its outcome says why; its
    staging folder is removed)."""
    from avtalsgen.documents.factcheck import check_facts

    outcome = item.outcome
    try:
        if item.errors:
            raise AvtalsgenError("\n".join(item.errors))
        # Each PDF is read once (by read_soon, or else by the fact check); the agreement's
        # reading also finds its signature blocks.
        read: dict[str, Path | PdfText] = dict(item.pdfs)
        agreement = None
        for signed_document in SIGNED_DOCUMENTS:
            if item.packet and signed_document in item.pdfs:
                agreement = _read(item, signed_document)
                read[signed_document] = agreement
        for document in read:
            if document in item.reads:
                read[document] = item.reads[document].result()
        # Each document states the facts of its own stage: the beslutsförslag the
        # proposal's, the agreement the decided ones.
        unchecked = {d: source for d, source in read.items() if d not in item.checked}
        check_facts(
            item.case.arende, item.case.program, unchecked, item.stages.fact_stages(),
            item.templates,
        )  # fmt: skip
        if on_checked is not None:
            on_checked(outcome, dict(item.pdfs))
        case_folder = run.workspace.case(item.case.arende.dnr)
        folder = case_folder.path
        # Beside a signed packet nothing is changed: the documents of a new version are
        # named with it, as the packet (beslutsforslag-v2.pdf beside paket-v2.pdf).
        version = packet_version(folder)
        made = {
            item.staging / f"{d}{suffix}": case_folder.document(d, suffix, version)
            for d in item.documents
            for suffix in (".docx", ".pdf")
        }
        refuse_signed(made.values())
        packet = None
        conversions: dict[str, dict[str, object]] = {}
        stale: list[Path] = []
        if item.packet:
            stale = stale_documents(case_folder, version, made.values())
            # Attachments that are not PDF/A-2b are converted (OCRmyPDF), or refused.
            attachments, conversions = _prepared_attachments(item)
            final = case_folder.packet(version)  # a signed packet is kept: a new version
            packet = build_packet(
                item.stages,
                item.pdfs,
                attachments,
                item.staging / final.name,
                agreement,
                # Named in messages as the files the user will look for.
                names={path: made[path] for path in made if path.suffix == ".pdf"}
                | {item.staging / final.name: final},
            )
            made[packet.path] = final
    except AvtalsgenError as exc:
        outcome.error, outcome.exception = exc.message, exc
    except OSError as exc:
        outcome.error = _("cannot write the outputs: {reason}").format(reason=os_reason(exc))
    else:
        return Made(item, case_folder, version, made, packet, stale, conversions)
    shutil.rmtree(item.staging, ignore_errors=True)
    return None


def place_made(made: Made, run: Session) -> None:
    """Move a case's checked files into place, and write its manifest and build record
    (each written to disk before it is renamed into place: see
    :func:`avtalsgen.build.workspace.atomic_write`); or record why not. Its staging folder
    is removed either way.

    This is file work, most of it waiting for the disk (about 10 ms a file flushed on a
    virtual disk, three a case) and hashing files, with Python's lock let go: a batch runs
    it in a thread of its own, beside the next cases' checks."""
    item, outcome = made.item, made.item.outcome
    folder, packet = made.folder.path, made.packet
    try:
        # The facts' digests are keyed with the output folder's secret (made at the first):
        # asked before anything is placed, as a secret that cannot be read stops the build.
        key = facts_key(folder.parent, create=True) if packet is not None else None
        # Everything is made and checked: move it into place.
        folder.mkdir(parents=True, exist_ok=True)
        placed = []
        for path, target in made.made.items():
            # An unsigned packet and its documents are replaced; a signed packet and the
            # documents beside it are not (this is then the next version's name).
            placed.append(run.place(path, target, replace=True))
        # The packet of this version is in place: the documents of its replaced unsigned
        # version that it does not hold go (e.g. a tilläggsavtal a corrected meeting file no
        # longer calls for), so that nothing beside the packet contradicts it.
        for path in made.stale:
            run.remove(path)
        outcome.removed = made.stale
        if item.packet:  # a signed version from before a paragraph became secret
            unmarked = unmarked_signed(folder, item.stages.history, made.version)
            outcome.warnings = [*outcome.warnings, *unmarked]
        plan = item.stages.plan
        refusal = plan.refusal(lambda name: str(shown(folder / name))) if plan else None
        if refusal is not None:  # a change waits: its agreement's signed packet is stale
            outcome.warnings = [*outcome.warnings, refusal]
        fields = packet.fields if packet is not None else ()
        placed_packet = made.made[packet.path] if packet is not None else None
        # Written in the staging folder first: a build killed now leaves no temporary
        # file in the case's folder (the next session removes stale staging folders).
        scratch = run.staging
        manifest = write_manifest(
            folder, item.inputs, placed, placed_packet, fields, scratch, made.conversions,
            item.stamp, item.stages.manifest_entry(), packet.marking if packet else "",
            [found.pdf for found in packet_extracts(item.stages)] if packet else (),
            item.stages.facts(key) if packet else None, key.id if key else None,
        )  # fmt: skip
        placed.append(manifest)
        Record(
            folder, item.stamp, item.case.path, item.inputs, scratch,
            plan.marker if plan is not None else (),
            plan.awaited if plan is not None else None,
        ).write(placed)  # fmt: skip
    except AvtalsgenError as exc:
        outcome.error, outcome.exception = exc.message, exc
        return
    except OSError as exc:
        outcome.error = _("cannot write the outputs: {reason}").format(reason=os_reason(exc))
        return
    finally:
        shutil.rmtree(item.staging, ignore_errors=True)
    outcome.status, outcome.outputs = Status.BUILT, placed


def refuse_signed(targets: Iterable[Path]) -> None:
    """Stop the build, nothing written, where a file it would replace is signed: a
    document beside an unsigned packet that someone signed on its own (an agreement signed
    in another program and put back), or a packet signed since the version was chosen."""
    for target in targets:
        keep_signed(target, _("make it anew"))


def stale_documents(folder: CaseFolder, version: int, made: Iterable[Path]) -> list[Path]:
    """The documents of the packet's ``version`` in ``folder`` that the build does not make
    again: they were of the unsigned packet it replaces, and would contradict the new one
    (a tilläggsavtal beside a packet of the agreement, or an agreement beside the packet of
    a rejected case). One that is signed stops the build, nothing written: a signed
    document is never removed."""
    kept = set(made)
    stale = [p for p in folder.documents_of_version(DOCUMENTS, version) if p not in kept]
    packet = folder.packet(version).name
    for path in stale:
        keep_signed(
            path,
            _("remove it: it is not part of {packet}, which it makes anew").format(packet=packet),
        )
    return stale


def keep_signed(path: Path, what: str) -> None:
    """Stop the build, nothing written, where ``path`` is a signed PDF (as
    :func:`avtalsgen.pdf.signed.is_signed` tells) that it would replace or remove (``what``
    it would do, in words)."""
    from avtalsgen.pdf.signed import is_signed

    try:
        signed = path.suffix == ".pdf" and is_signed(path)
    except FileNotFoundError:
        return
    if signed:
        raise AvtalsgenError(
            _(
                "{file} is signed, and this build would {what}; a signed document is never "
                "replaced or removed: move it out of the output folder (it is kept as signed "
                "there) and build again"
            ).format(file=shown(path), what=what)
        )


def _read(item: CaseWork, document: str) -> PdfText:
    """The case's PDF of ``document`` as PDFium reads it (the agreement with its signature
    blocks): read already if :func:`read_soon` was asked to."""
    future = item.reads.get(document)
    if future is not None:
        return future.result()
    if document in SIGNED_DOCUMENTS:
        return read_agreement(item.pdfs[document])
    from avtalsgen.documents.factcheck import read_pdf

    return read_pdf(item.pdfs[document])


def _prepared_attachments(
    item: CaseWork,
) -> tuple[list[Attachment], dict[str, dict[str, object]]]:
    """The case's attachments as the packet takes them (converted to PDF/A-2b where they
    were not, in the staging folder), and what the manifest says of each, by input role."""
    if not item.attachments:
        return [], {}
    from avtalsgen.conversion.normalise import prepare_attachments
    from avtalsgen.pdf.pdfa_rules import output_intent_space
    from avtalsgen.pdf.pdffile import open_pdf

    # The packet's first document (a tilläggsavtal's packet has no beslutsförslag: it
    # stopped such a build with a KeyError, exit 1 and no message).
    with open_pdf(item.pdfs[item.documents[0]]) as first:
        intent = output_intent_space(first) or "RGB"
    folder = item.staging / "bilagor"
    folder.mkdir(exist_ok=True)
    prepared = prepare_attachments([a.path for a in item.attachments], folder, intent)
    attachments = [
        Attachment(given.title, ready.path)
        for given, ready in zip(item.attachments, prepared, strict=True)
    ]
    # The title too: the packet states it on its contents page and in its bookmarks.
    records = {
        f"bilaga {n}": {**ready.record(), "titel": given.title}
        for n, (given, ready) in enumerate(zip(item.attachments, prepared, strict=True), 1)
    }
    return attachments, records
