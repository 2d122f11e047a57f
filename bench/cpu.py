"""Benchmark: avtalsgen's own CPU time per case, without LibreOffice.

Run from the repository root (after scripts/setup.sh):

    .venv/bin/python bench/cpu.py                  # 50 cases, CPU seconds of 3 runs
    .venv/bin/python bench/cpu.py --profile 30     # and the 30 costliest functions

It makes N synthetic cases (as bench/batch.py does) and builds them once for real, keeping
every PDF LibreOffice made as it came out of soffice (before avtalsgen's checks). Then it
builds the same cases again in this process with a stand-in for the converter that hands
back those very PDFs, so that everything avtalsgen does itself runs as in a real build
(loading, rendering, the PDF/A check of each PDF, the fact check, the packet, the manifest
and the record), and LibreOffice does not: the CPU seconds of this process (all its
threads) are avtalsgen's own work. Every build must succeed. With --profile, cProfile
(counting CPU time) prints where the time goes in the last run; with --split, the CPU time
of the main steps.

It also gives the part of that done in the build's main thread. In a real build the main
thread loads, renders, checks and places every case while two soffice share the two cores
with it: when it has more to do than its share of the CPU, the cases it has not placed
yet wait for it after LibreOffice is done. As in the pool, each PDF's own check (deliver)
runs in another thread here.

The figures depend on the machine and its load: compare runs made one after the other.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import queue
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from unittest import mock

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "src"))
from batch import make_cases  # noqa: E402

from avtalsgen.build import batch  # noqa: E402
from avtalsgen.build.batch import BuildOptions, build_cases  # noqa: E402
from avtalsgen.build.outcome import Status  # noqa: E402
from avtalsgen.conversion import pool, warm  # noqa: E402
from avtalsgen.conversion.pool import Done, Job  # noqa: E402
from avtalsgen.conversion.warm import BatchEngine  # noqa: E402


def key(job: Job) -> str:
    return f"{job.key}-{job.docx.stem}.pdf"


def record_real_build(cases: list[Path], output: Path, kept: Path) -> None:
    """Build for real, keeping each PDF as soffice made it."""
    deliver = pool.deliver

    def keeping(job: Job, produced: Path) -> Done:
        shutil.copy(produced, kept / key(job))
        return deliver(job, produced)

    pool.deliver = keeping
    try:
        outcomes = build_cases(cases, output, BuildOptions(REPO / "templates", jobs=2, force=True))
    finally:
        pool.deliver = deliver
    failed = [o for o in outcomes if o.status != Status.BUILT]
    if failed:
        raise SystemExit(f"the real build failed: {failed[0].case}: {failed[0].error}")


class Replay:
    """A converter that hands back the PDFs soffice made in the real build."""

    def __init__(self, kept: Path) -> None:
        self.kept, self.jobs, self.cancelled = kept, list[Job](), set[Job]()

    def start(self, jobs: Sequence[Job], warm_up: Path | None = None) -> list[Job]:
        self.jobs = list(jobs)
        return self.jobs

    def written(self, job: Job) -> None:
        """Nothing to do: :meth:`wait` hands back the PDFs once all are rendered."""

    def cancel(self, job: Job) -> None:
        self.cancelled.add(job)

    def wait(self, on_done: Callable[[Done], None]) -> None:
        # As the pool does: each PDF is checked (deliver) in a thread of its own, and the
        # caller is told of it in this one.
        results: queue.Queue[Done | None] = queue.Queue()

        def worker() -> None:
            for job in self.jobs:
                if job in self.cancelled:
                    continue
                produced = job.outdir / f"soffice-{job.docx.stem}.pdf"
                shutil.copy(self.kept / key(job), produced)
                results.put(pool.deliver(job, produced))
            results.put(None)

        thread = threading.Thread(target=worker)
        thread.start()
        while (done := results.get()) is not None:
            on_done(done)
        thread.join()

    def stop(self) -> None:
        pass


#: What --split times, inclusive, as "module:function" (patched where the callers look).
SPLIT = (
    "avtalsgen.build.casework:load",
    "avtalsgen.build.casework:load_case",
    "avtalsgen.build.casework:case_history",
    "avtalsgen.build.casework:tillagg_plan",
    "avtalsgen.build.casework:input_stamp",
    "avtalsgen.build.casework:case_stages",
    "avtalsgen.build.batch:_Batch.claim",
    "avtalsgen.build.casework:render",
    "avtalsgen.build.stages:CaseStages.context",
    "avtalsgen.build.casework:render_document",
    "avtalsgen.build.casework:check_and_make",
    "avtalsgen.build.casework:place_made",
    "avtalsgen.conversion.pool:deliver",
    "avtalsgen.conversion.pool:carry_properties",
    "avtalsgen.conversion.pool:check_archival_pdf",
    "avtalsgen.build.casework:read_agreement",
    "avtalsgen.documents.factcheck:read_pdf",
    "avtalsgen.documents.factcheck:check_facts",
    "avtalsgen.documents.factcheck:compute_financing",
    "avtalsgen.documents.factcheck:broken_cells",
    "avtalsgen.documents.factcheck:document_facts",
    "avtalsgen.documents.factcheck:_missing",
    "avtalsgen.documents.factcheck:_disagreements",
    "avtalsgen.documents.factcheck:_unknown_dates",
    "avtalsgen.documents.factcheck:known_dates",
    "avtalsgen.documents.factcheck:date_problems",
    "avtalsgen.documents.factcheck:signature_blocks_problem",
    "avtalsgen.build.casework:build_packet",
    "avtalsgen.pdf.assemble:_open_input",
    "avtalsgen.pdf.contents:layout_contents",
    "avtalsgen.pdf.contents:insert_contents",
    "avtalsgen.pdf.assemble:unique_subset_names",
    "avtalsgen.pdf.structure:StructureTree.add_part",
    "avtalsgen.pdf.structure:StructureTree.install",
    "avtalsgen.pdf.assemble:_write_checked",
    "avtalsgen.pdf.assemble:_syntax_error",
    "avtalsgen.pdf.assemble:pdfa_problems",
    "avtalsgen.build.casework:write_manifest",
    "avtalsgen.build.workspace:Session.place",
    "avtalsgen.build.record:Record.write",
)


@contextmanager
def split_times(totals: dict[str, float]) -> Iterator[None]:
    """Sum the CPU time of each function of :data:`SPLIT` into ``totals``: the time of the
    thread that calls it (the deliver steps run in a thread of their own, beside the main
    thread), so that work other threads do meanwhile is not counted in."""
    import importlib

    undo = []
    for name in SPLIT:
        module_name, _, attr = name.partition(":")
        owner: object = importlib.import_module(module_name)
        *path, last = attr.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if not hasattr(owner, last):  # another revision's code, without it
            continue
        original = getattr(owner, last)

        def timed(*args: object, __f: Any = original, __n: str = name, **kw: object) -> Any:
            started = time.thread_time()
            try:
                return __f(*args, **kw)
            finally:
                totals[__n] = totals.get(__n, 0.0) + time.thread_time() - started

        setattr(owner, last, timed)
        undo.append((owner, last, original))
    try:
        yield
    finally:
        for owner, last, original in undo:
            setattr(owner, last, original)


@contextmanager
def replaying(kept: Path) -> Iterator[None]:
    """Builds in here convert with :class:`Replay` (in the place of ``batch_engine``)."""

    @contextmanager
    def replay(
        jobs: int, doc_timeout: float = 60.0, *, first_alone: bool = False
    ) -> Iterator[BatchEngine]:
        yield Replay(kept)  # mypy checks it against the engines' interface

    # Since 2728891 the batch imports batch_engine when it converts (an unchanged rebuild
    # loads no conversion module); before, it was a name of avtalsgen.build.batch.
    owner = batch if hasattr(batch, "batch_engine") else warm
    with mock.patch.object(owner, "batch_engine", replay):
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50, help="N (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="runs (default 3)")
    parser.add_argument("--profile", type=int, default=0, metavar="K",
                        help="print the K costliest functions of the last run")  # fmt: skip
    parser.add_argument("--split", action="store_true",
                        help="CPU time of the main steps in the last run")  # fmt: skip
    args = parser.parse_args()
    # The garbage collector as the avtalsgen command sets it (avtalsgen.cli.app.run).
    from avtalsgen.cli.app import GC_YOUNG

    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    root = Path(tempfile.mkdtemp(prefix="avtalsgen-cpu-"))
    try:
        cases = make_cases(root / "cases", args.cases)
        kept = root / "soffice-pdfs"
        kept.mkdir()
        record_real_build(cases, root / "real", kept)
        seconds, mains = [], []
        with replaying(kept):
            for run in range(args.repeat):
                profile = cProfile.Profile(time.process_time) if args.profile else None
                output = root / f"run-{run}"
                started, main = time.process_time(), time.thread_time()
                if profile is not None and run == args.repeat - 1:
                    profile.enable()
                totals: dict[str, float] = {}
                last = run == args.repeat - 1
                with split_times(totals) if args.split and last else nullcontext():
                    options = BuildOptions(REPO / "templates", force=True)
                    outcomes = build_cases(cases, output, options)
                if profile is not None:
                    profile.disable()
                elapsed = time.process_time() - started
                in_main = time.thread_time() - main
                failed = [o for o in outcomes if o.status != Status.BUILT]
                if failed:
                    first = failed[0]
                    raise SystemExit(f"a replayed build failed: {first.case}: {first.error}")
                seconds.append(elapsed)
                mains.append(in_main)
                print(f"run {run + 1}: {elapsed:.3f} CPU s for {args.cases} cases "
                      f"({1000 * elapsed / args.cases:.1f} ms a case), "
                      f"{in_main:.3f} s of them in the main thread", flush=True)  # fmt: skip
                shutil.rmtree(output)
                for name, spent in totals.items():
                    print(f"  {name:50} {spent:6.3f} s")
        load = os.getloadavg()[0]
        print(f"CPU s per {args.cases} cases: min {min(seconds):.3f}, median "
              f"{statistics.median(seconds):.3f}; in the main thread: min {min(mains):.3f}, "
              f"median {statistics.median(mains):.3f}; load average {load:.1f}")  # fmt: skip
        if args.profile and profile is not None:
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(args.profile)
            stats.sort_stats("tottime").print_stats(args.profile)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
