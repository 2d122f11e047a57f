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

import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.build import interrupts
from avtalsgen.build.outcome import CaseOutcome, Status, write_report
from avtalsgen.build.record import Records
from avtalsgen.build.tools import tool_identity
from avtalsgen.build.workspace import Session, Workspace
from avtalsgen.conversion.pool import Done, Job
from avtalsgen.conversion.warm import batch_engine
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _, join_words
from avtalsgen.input.duplicates import same_dnr_problem

if TYPE_CHECKING:
    from avtalsgen.build.casework import CaseWork


def build_cases(
    case_paths: Sequence[Path],
    output_root: Path,
    templates: Path,
    *,
    documents: Sequence[str],
    jobs: int,
    force: bool = False,
    strict: bool = False,
    doc_timeout: float = 60.0,
    on_outcome: Callable[[CaseOutcome], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
    report: bool = False,
) -> list[CaseOutcome]:
    """Build every case into ``output_root/<Dnr>/``; one outcome per case, in input order.
    With ``report``, ``batch-report.json`` records them in the output folder.

    The output folder is locked for the build (``on_wait`` is told if another command
    holds it: see :meth:`avtalsgen.build.workspace.Workspace.session`)."""
    started = time.monotonic()
    _check_templates(templates, documents)
    workspace = Workspace(output_root.resolve())
    with workspace.session("build", on_wait=on_wait) as run:
        outcomes = _build_cases(
            case_paths, run, templates, documents, jobs, force, strict,
            doc_timeout, on_outcome, started,
        )  # fmt: skip
        if report:
            write_report(run, outcomes, jobs)
        return outcomes


def _check_templates(templates: Path, documents: Sequence[str]) -> None:
    """Refuse a templates folder that lacks a document's template, before any case."""
    paths = [templates / f"{document}.docx" for document in documents]
    missing = [path for path in paths if not path.is_file()]
    if missing:
        raise AvtalsgenError(
            _("{path}: no such template; --templates names the folder that holds {files}").format(
                path=missing[0], files=join_words([f"{d}.docx" for d in documents])
            )
        )


def conversion_jobs(indices: Sequence[int], documents: Sequence[str], staging: Path) -> list[Job]:
    """Every document of the cases at ``indices``, case after case, each case in a folder
    of its own, keyed by its index.

    Each case lists its documents rotated by one more place than the case before, so that
    the pool, dealing jobs round, gives every worker its share of each kind of document.
    """
    jobs = []
    for turn, index in enumerate(indices):
        folder = staging / f"{index:04}"
        turn %= len(documents)
        for document in [*documents[turn:], *documents[:turn]]:
            jobs.append(Job(str(index), folder / f"{document}.docx", folder))
    return jobs


def _build_cases(
    case_paths: Sequence[Path],
    run: Session,
    templates: Path,
    documents: Sequence[str],
    jobs: int,
    force: bool,
    strict: bool,
    doc_timeout: float,
    on_outcome: Callable[[CaseOutcome], None] | None,
    started: float,
) -> list[CaseOutcome]:
    outcomes = [CaseOutcome(case=path) for path in case_paths]

    def settle(outcome: CaseOutcome) -> None:
        outcome.seconds = time.monotonic() - started
        if on_outcome is not None:
            on_outcome(outcome)

    # One case per Dnr: a second case of a Dnr (up to date or not) fails.
    first_of_dnr: dict[str, int] = {}

    def claim(index: int, dnr: str) -> bool:
        first = first_of_dnr.setdefault(dnr, index)
        if first != index:
            outcome = outcomes[index]
            outcome.status, outcome.outputs = Status.FAILED, []
            outcome.error = same_dnr_problem(outcome.case, dnr, outcomes[first].case)
        return first == index

    # 1. Cases whose record says nothing they are made from has changed are up to date:
    #    known without loading them (or starting LibreOffice).
    tools = tool_identity()
    records = None if force or strict else Records(run.workspace.root)  # --strict reads every case
    todo = []
    for index, outcome in enumerate(outcomes):
        found = records.unchanged(outcome.case, templates, documents, tools) if records else None
        if found is None:
            todo.append(index)
        else:
            outcome.dnr, outcome.outputs = found.dnr, found.outputs
            outcome.status = Status.UP_TO_DATE
            claim(index, found.dnr)
            settle(outcome)
    if not todo:
        return outcomes
    # The running converter if one answers (avtalsgen converter start), else a pool.
    with batch_engine(jobs, doc_timeout=doc_timeout) as engine:
        from avtalsgen.build import casework

        cases: dict[str, CaseWork | None] = {}  # by job key; None: failed or up to date
        # 2. Start LibreOffice now. A warm soffice asks for its first document about a
        #    tenth of a second after it starts, before the first case is loaded and
        #    rendered (the libraries that takes are still to be imported); so it first
        #    converts a template, which loads what the documents need meanwhile.
        warm_up = templates / f"{documents[0]}.docx"
        order = engine.start(conversion_jobs(todo, documents, run.staging), warm_up)
        # 3. Load each case when LibreOffice is about to need it, and render its documents
        #    in the order LibreOffice opens them, so that rendering and conversion overlap.
        #    The documents of cases that are up to date or failed are taken back.
        for job in order:
            interrupts.check()
            if job.key not in cases:
                index = int(job.key)
                outcome = outcomes[index]
                item = casework.load(
                    outcome, run, job.outdir, templates, documents, tools, force, strict
                )
                dnr = outcome.dnr if outcome.error is None else None  # None: failed to load
                if dnr is not None and not claim(index, dnr) and item is not None:
                    shutil.rmtree(item.staging, ignore_errors=True)
                    item = None
                cases[job.key] = item
                if item is None:
                    settle(outcome)
            item = cases[job.key]
            if item is not None and item.outcome.error is None:
                casework.render(item, job)
                if item.outcome.error is not None:
                    settle(item.outcome)
            if item is None or item.outcome.error is not None:
                engine.cancel(job)
        casework.prepare_finish(documents)

        # 4. Check and place each case as soon as its PDFs are in.
        def on_done(done: Done) -> None:
            interrupts.check()
            item = cases[done.job.key]
            assert item is not None, "the jobs of a case that is not built are cancelled"
            if done.pdf is not None:
                item.pdfs[done.pdf.stem] = done.pdf
            else:
                item.errors.append(done.error or _("the conversion failed"))
            if len(item.pdfs) + len(item.errors) == len(item.documents):
                casework.finish(item, run)
                settle(item.outcome)

        engine.wait(on_done)
    return outcomes
