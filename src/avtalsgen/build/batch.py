"""Build many cases at once: LibreOffice starts first, on every document of every case; the
cases are loaded and their documents rendered while it starts up, in the order it will open
them; each case is checked and placed as soon as its PDFs are in.

A failing case does not stop the others. A case whose inputs (case, program, templates,
attachments, protocol extract, tool versions) are unchanged since its last build is skipped
as up to date: known from the record of that build (:mod:`avtalsgen.build.record`) before
LibreOffice starts, or else once the case is loaded, when its documents are taken back from
LibreOffice before it gets to them.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.build import interrupts
from avtalsgen.build.diskfull import told_plainly
from avtalsgen.build.outcome import CaseOutcome, RunInfo, Status, write_report
from avtalsgen.build.record import Records
from avtalsgen.build.tools import tool_identity
from avtalsgen.build.workspace import Session, Workspace
from avtalsgen.documents.kinds import DOCUMENTS, kind
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _, join_words
from avtalsgen.input.duplicates import Namesakes, same_dnr_problem

if TYPE_CHECKING:
    from avtalsgen.build.casework import CaseWork
    from avtalsgen.conversion.pool import Done, Job


#: Told of a case's PDFs (by document) once they passed the fact check.
Checked = Callable[[CaseOutcome, Mapping[str, Path]], None]


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs: the command line's options as one value."""

    templates: Path
    """The folder of the Word templates."""
    documents: tuple[str, ...] = tuple(DOCUMENTS)
    """The documents to build (``--only``); the packet is made when all are."""
    jobs: int = 1
    """LibreOffice workers."""
    force: bool = False
    """Build cases whose inputs are unchanged too (a signed packet's still stay)."""
    strict: bool = False
    """Refuse facts left unknown (and read every case)."""
    doc_timeout: float = 60.0
    """Seconds LibreOffice may take a document."""


def build_cases(
    case_paths: Sequence[Path],
    output_root: Path,
    options: BuildOptions,
    *,
    on_outcome: Callable[[CaseOutcome], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
    on_checked: Checked | None = None,
    report: bool = False,
    web_run: int | None = None,
) -> list[CaseOutcome]:
    """Build every case into ``output_root/<Dnr>/``; one outcome per case, in input order;
    ``on_outcome`` is told of each as it is settled. With ``report``,
    ``batch-report.json`` records them in the output folder (``web_run``: the number of the
    web app's run that builds, which it names). ``on_checked`` is given each
    case's PDFs as soon as they passed the fact check, before its packet is made and
    anything is placed (a preview shows them; they are the staging folder's files, gone
    once the case is settled).

    The output folder is locked for the build (``on_wait`` is told if another command
    holds it, and of the staging folders a killed command left, which are removed: see
    :meth:`avtalsgen.build.workspace.Workspace.session`)."""
    batch = _Batch(case_paths, options, on_outcome, on_checked)
    info = RunInfo(dt.datetime.now(dt.UTC), web_run=web_run)
    _check_templates(options.templates, options.documents)
    workspace = Workspace(output_root.resolve())
    with workspace.session("build", on_wait=on_wait, on_stale=on_wait) as run:
        batch.root = output_root
        try:
            # 1. Cases whose record says nothing they are made from has changed are up to
            #    date: known without loading them (or starting LibreOffice).
            todo = batch.not_up_to_date(run)
            if todo:
                # 2.-4. The rest through LibreOffice, loaded and rendered as it starts.
                batch.convert(run, todo)
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM: the report says so, what was done and what not, instead
            # of the earlier run's report being left to look like this one's.
            if report:
                with interrupts.deferred():
                    write_report(run, batch.outcomes, options.jobs, info, interrupted=True)
            raise
        if report:
            write_report(run, batch.outcomes, options.jobs, info)
        return batch.outcomes


def _check_templates(templates: Path, documents: Sequence[str]) -> None:
    """Refuse a templates folder that lacks the template of a document every case makes,
    before any case (a tilläggsavtal's is asked for by the case that needs one:
    :func:`avtalsgen.build.casework.missing_template`)."""
    documents = [document for document in documents if kind(document).every_case]
    paths = [templates / f"{document}.docx" for document in documents]
    missing = [path for path in paths if not path.is_file()]
    if missing:
        from avtalsgen.documents.templates import only_lock_files

        locks = only_lock_files(templates)
        if locks is not None:
            raise AvtalsgenError(
                _("{path}: no such template: {reason}").format(path=missing[0], reason=locks)
            )
        raise AvtalsgenError(
            _("{path}: no such template; --templates names the folder that holds {files}").format(
                path=missing[0], files=join_words([f"{d}.docx" for d in documents])
            )
        )


@contextlib.contextmanager
def _pdf_reader() -> Iterator[ThreadPoolExecutor]:
    """One thread that reads the converted PDFs with PDFium as they come in (see
    :func:`avtalsgen.build.casework.read_soon`): PDFium runs without Python's lock, so the
    reading overlaps the main thread's checking and placing of the cases before. On the
    way out, readings not started are dropped and the one under way is waited for."""
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="avtalsgen-pdfium")
    try:
        yield reader
    finally:
        reader.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _placer() -> Iterator[ThreadPoolExecutor]:
    """One thread that moves the checked cases into place, one after the other (see
    :func:`avtalsgen.build.casework.place_made`): that is mostly waiting for the disk, and
    the main thread meanwhile checks the next cases. On the way out, placings not started
    are dropped (their files stay in the staging folder, which the session removes) and
    the one under way is waited for."""
    placer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="avtalsgen-place")
    try:
        yield placer
    finally:
        placer.shutdown(wait=True, cancel_futures=True)


def case_staging(staging: Path, index: int) -> Path:
    """The folder of the case at ``index`` in the session's ``staging`` folder."""
    return staging / f"{index:04}"


def conversion_jobs(indices: Sequence[int], documents: Sequence[str], staging: Path) -> list[Job]:
    """Every document of the cases at ``indices``, case after case, each case in a folder
    of its own, keyed by its index.

    Each case lists its documents rotated by one more place than the case before, so that
    the pool, dealing jobs round, gives every worker its share of each kind of document.
    """
    from avtalsgen.conversion.pool import Job  # not for cases up to date: see convert

    jobs = []
    for turn, index in enumerate(indices):
        folder = case_staging(staging, index)
        turn %= len(documents)
        for document in [*documents[turn:], *documents[:turn]]:
            jobs.append(Job(str(index), folder / f"{document}.docx", folder))
    return jobs


class _Batch:
    """The cases of one build and what has happened to each so far."""

    def __init__(
        self,
        case_paths: Sequence[Path],
        options: BuildOptions,
        on_outcome: Callable[[CaseOutcome], None] | None,
        on_checked: Checked | None = None,
    ) -> None:
        self.outcomes = [CaseOutcome(case=path) for path in case_paths]
        self.options = options
        self.on_checked = on_checked
        self.tools = tool_identity()
        self._on_outcome = on_outcome
        self._started = time.monotonic()
        self._first_of_dnr: dict[str, int] = {}
        self._namesakes = Namesakes()
        self.root: Path | None = None
        """The output folder, once its session has started."""

    def settle(self, outcome: CaseOutcome) -> None:
        """``outcome`` is final: note its time and tell the caller (a case that failed for
        want of room on the disk in the one message that says so)."""
        outcome.seconds = time.monotonic() - self._started
        if self.root is not None:
            told_plainly(outcome, self.root)
        if self._on_outcome is not None:
            self._on_outcome(outcome)

    def claim(self, index: int, dnr: str) -> bool:
        """Whether the case at ``index`` may have its Dnr's folder: one case per Dnr, and a
        second case of a Dnr (up to date or not) fails. So does a case whose folder holds
        another case file of its Dnr, built or not (:class:`Namesakes`): a copy built alone
        took over the Dnr's folder, beside the original's signed packet."""
        outcome = self.outcomes[index]
        first = self._first_of_dnr.setdefault(dnr, index)
        problem = None
        if first != index:
            problem = same_dnr_problem(outcome.case, dnr, self.outcomes[first].case)
        else:
            problem = self._namesakes.problem(outcome.case, dnr)
        if problem is not None:
            outcome.status, outcome.outputs, outcome.note = Status.FAILED, [], None
            outcome.error = problem
        return problem is None

    def not_up_to_date(self, run: Session) -> list[int]:
        """Settle the cases the records show up to date; the indices of the others."""
        options = self.options
        # --force rebuilds and --strict reads every case.
        records = None if options.force or options.strict else Records(run.workspace.root)
        todo = []
        for index, outcome in enumerate(self.outcomes):
            found = None
            if records is not None:
                found = records.unchanged(
                    outcome.case, options.templates, options.documents, self.tools
                )
            if found is None:
                todo.append(index)
                continue
            outcome.dnr, outcome.outputs = found.dnr, found.outputs
            outcome.status = Status.UP_TO_DATE
            self.claim(index, found.dnr)
            self.settle(outcome)
        return todo

    def convert(self, run: Session, todo: Sequence[int]) -> None:
        """Build the cases at ``todo`` around LibreOffice: the running converter if one
        answers (avtalsgen converter start), else a pool.

        A single case is loaded before LibreOffice starts (a few milliseconds once the
        libraries are loaded): one that fails to load, or turns out up to date, then
        starts none and its message comes at once. Many cases are loaded as LibreOffice
        starts, each when it is about to need it.

        The conversion's modules are imported here, not with this module: a rebuild of
        cases up to date needs none of them (a fortieth of its CPU)."""
        from avtalsgen.build import casework
        from avtalsgen.conversion.warm import batch_engine

        options = self.options
        cases: dict[str, CaseWork | None] = {}
        if len(todo) == 1:
            (index,) = todo
            item = self._load(run, index)
            if item is None:
                return
            cases[str(index)] = item
        with (
            # A preview (on_checked) shows a case's first document as soon as it is checked.
            batch_engine(
                options.jobs,
                doc_timeout=options.doc_timeout,
                first_alone=self.on_checked is not None,
            ) as engine,
            _pdf_reader() as reader,
            _placer() as placer,
        ):
            # 2. Start LibreOffice now. A warm soffice asks for its first document about a
            #    tenth of a second after it starts, before the first case is loaded and
            #    rendered (the libraries that takes are still to be imported); so it first
            #    converts a template, which loads what the documents need meanwhile.
            warm_up = options.templates / f"{options.documents[0]}.docx"
            jobs = conversion_jobs(todo, options.documents, run.staging)
            order = engine.start(jobs, warm_up)
            # 3. Load each case when LibreOffice is about to need it, and render its
            #    documents in the order LibreOffice opens them, so that rendering and
            #    conversion overlap. The documents of cases up to date or failed are taken
            #    back.
            self._load_and_render(run, order, engine.cancel, engine.written, cases)
            casework.prepare_finish(options.documents)
            # The cases checked, in that order, each with its placing (None: it failed);
            # each is settled once it and those before it are placed, as it was checked.
            placing: list[tuple[CaseWork, Future[None] | None]] = []

            def settle_placed(*, wait: bool = False) -> None:
                while placing:
                    item, future = placing[0]
                    if future is not None:
                        if not wait and not future.done():
                            return
                        future.result()
                    placing.pop(0)
                    self.settle(item.outcome)

            # 4. Check each case as soon as its PDFs are in, and make its packet; its
            #    files are moved into place by the placer, beside the next cases' checks.
            def on_done(done: Done) -> None:
                interrupts.check()
                item = cases[done.job.key]
                assert item is not None, "the jobs of a case that is not built are cancelled"
                if done.pdf is not None:
                    item.pdfs[done.pdf.stem] = done.pdf
                    if not item.errors:
                        casework.read_soon(item, done.pdf.stem, done.pdf, reader)
                else:
                    item.errors.append(done.error or _("the conversion failed"))
                if len(item.pdfs) + len(item.errors) == len(item.documents):
                    made = casework.check_and_make(item, run, self.on_checked)
                    if made is None:
                        placing.append((item, None))
                    else:  # placed in the language (contextvars) of this build
                        place = contextvars.copy_context().run
                        placing.append((item, placer.submit(place, casework.place_made, made, run)))
                elif done.pdf is not None and self.on_checked is not None:
                    casework.check_early(item, done.pdf.stem, self.on_checked)
                settle_placed()

            engine.wait(on_done)
            settle_placed(wait=True)

    def _load(self, run: Session, index: int) -> CaseWork | None:
        """Load the case at ``index`` (see :func:`avtalsgen.build.casework.load`); None, its
        outcome settled, if it failed, is up to date, has nothing to make or is a second
        case of its Dnr."""
        from avtalsgen.build import casework

        outcome = self.outcomes[index]
        staging = case_staging(run.staging, index)
        item = casework.load(outcome, run, staging, self.options, self.tools)
        dnr = outcome.dnr if outcome.error is None else None  # None: failed to load
        if dnr is not None and not self.claim(index, dnr) and item is not None:
            shutil.rmtree(item.staging, ignore_errors=True)
            item = None
        if item is None:
            self.settle(outcome)
        return item

    def _load_and_render(
        self,
        run: Session,
        order: Sequence[Job],
        cancel: Callable[[Job], None],
        written: Callable[[Job], None],
        cases: dict[str, CaseWork | None],
    ) -> None:
        """Load each case at its first job (unless ``cases`` has it) and render each
        document as its job comes (the engine told of each as it is written), into
        ``cases`` by job key (None: failed, up to date or nothing to make, its jobs
        cancelled)."""
        from avtalsgen.build import casework

        for job in order:
            interrupts.check()
            if job.key not in cases:
                cases[job.key] = self._load(run, int(job.key))
            item = cases[job.key]
            # A document the case's decisions do not call for (an avslag's agreement) is
            # taken back like those of a case that failed.
            wanted = item is not None and job.docx.stem in item.documents
            if item is not None and item.outcome.error is None and wanted:
                casework.render(item, job)
                if item.outcome.error is not None:
                    self.settle(item.outcome)
                else:
                    written(job)
            if item is None or item.outcome.error is not None or not wanted:
                cancel(job)
