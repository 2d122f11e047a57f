"""A pool of LibreOffice workers for batch runs.

Each worker converts its share of the documents in one soffice start (start-up costs about
a second, a short document about a tenth of that), watches the PDFs appear one by one, and
reports each as soon as it is complete. A document that takes longer than the per-document
timeout is taken for a hang: the worker kills soffice's process group, starts a fresh soffice
for the documents still pending and retries the one that hung once. A crash is handled the
same way. No soffice outlives the pool: every start is killed on the way out, Ctrl-C included.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.convert import (
    check_archival_pdf,
    find_soffice,
    kill_group,
    remove_ipc_pipe,
    soffice_argv,
    soffice_env,
)
from avtalsgen.errors import ConversionError

#: Seconds soffice may take to start and convert its first document.
START_TIMEOUT = 60.0
_POLL = 0.02


@dataclass(frozen=True)
class Job:
    """One document to convert: the DOCX, and where its PDF goes."""

    key: str
    docx: Path
    outdir: Path


@dataclass(frozen=True)
class Done:
    """The outcome of one job: the checked PDF, or an error message."""

    job: Job
    pdf: Path | None
    error: str | None


class ConversionPool:
    """Convert many documents with ``jobs`` soffice processes side by side."""

    def __init__(
        self,
        jobs: int,
        soffice: str | None = None,
        doc_timeout: float = 60.0,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        """Find LibreOffice; raise :class:`ConversionError` with the install hint if missing."""
        self.jobs = max(1, jobs)
        self.soffice = find_soffice(soffice)
        self.doc_timeout = doc_timeout
        self.start_timeout = start_timeout
        self._stop = threading.Event()
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()
        self._cancelled: set[Job] = set()
        self._results: queue.Queue[Done | None] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def run(self, jobs: Sequence[Job], on_done: Callable[[Done], None]) -> None:
        """Convert jobs whose DOCX files exist; call ``on_done`` (here) as each finishes."""
        self.start(jobs)
        self.wait(on_done)

    def start(self, jobs: Sequence[Job]) -> list[Job]:
        """Start the workers now; return the order in which to write the DOCX files.

        soffice opens its files one after the other, after about a second of start-up,
        so files written in the returned order (each under its final name at once, e.g.
        by rename) are there before it asks for them. One that is not is retried.
        """
        shares = _share(list(jobs), min(self.jobs, _workers_for(len(jobs))))
        self._threads = [
            threading.Thread(target=self._worker, args=(share,), daemon=True) for share in shares
        ]
        for thread in self._threads:
            thread.start()
        longest = max((len(share) for share in shares), default=0)
        return [share[i] for i in range(longest) for share in shares if i < len(share)]

    def cancel(self, job: Job) -> None:
        """Give up on a job (its DOCX will not come): it is not retried or reported."""
        with self._lock:
            self._cancelled.add(job)

    def wait(self, on_done: Callable[[Done], None]) -> None:
        """Call ``on_done`` for every finished job until all workers are done."""
        finished = 0
        try:
            while finished < len(self._threads):
                try:
                    item = self._results.get(timeout=0.2)
                except queue.Empty:
                    continue
                if item is None:
                    finished += 1
                elif item.job not in self._cancelled:
                    on_done(item)
        finally:
            self.stop()
            for thread in self._threads:
                thread.join()

    def stop(self) -> None:
        """Kill every running soffice and let the workers return."""
        self._stop.set()
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            kill_group(proc)

    def _worker(self, share: list[Job]) -> None:
        try:
            attempts: dict[Job, int] = {}
            todo = list(share)
            while todo and not self._stop.is_set():
                failed, untried = self._one_start(todo)
                todo = []
                for job, reason in failed:
                    attempts[job] = attempts.get(job, 0) + 1
                    if job in self._cancelled:
                        continue
                    if attempts[job] > 1:
                        self._results.put(Done(job, None, f"{job.docx.name}: {reason}"))
                    else:
                        todo.append(job)
                todo += [job for job in untried if job not in self._cancelled]
        finally:
            self._results.put(None)

    def _one_start(self, pending: list[Job]) -> tuple[list[tuple[Job, str]], list[Job]]:
        """One soffice start over ``pending``: the jobs that failed (and why), and those it
        did not get to."""
        with tempfile.TemporaryDirectory(prefix="avtalsgen-pool-") as work_name:
            work = Path(work_name)
            out = work / "out"
            out.mkdir()
            argv = soffice_argv(self.soffice, work / "profile", out, [j.docx for j in pending])
            proc = self._start(argv, work)
            try:
                return self._watch(proc, pending, out)
            finally:
                kill_group(proc)
                with self._lock:
                    self._procs.discard(proc)
                remove_ipc_pipe(argv)

    def _start(self, argv: list[str], work: Path) -> subprocess.Popen[bytes]:
        try:
            proc = subprocess.Popen(  # noqa: S603 - argv list, no shell
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=work,
                env=soffice_env(work),
                start_new_session=True,
            )
        except OSError as exc:
            raise ConversionError(f"cannot start LibreOffice ({argv[0]}): {exc}") from exc
        with self._lock:
            self._procs.add(proc)
        if self._stop.is_set():  # stopped while this one was starting
            kill_group(proc)
        return proc

    def _watch(
        self, proc: subprocess.Popen[bytes], pending: list[Job], out: Path
    ) -> tuple[list[tuple[Job, str]], list[Job]]:
        remaining = list(pending)
        failed: list[tuple[Job, str]] = []
        deadline = time.monotonic() + self.start_timeout
        while remaining:
            if self._stop.is_set():
                return failed, remaining
            exited = proc.poll() is not None
            present = {entry.name for entry in os.scandir(out)}
            index = next(
                (
                    i
                    for i, job in enumerate(remaining)
                    if f"{job.docx.stem}.pdf" in present
                    and (exited or _complete(out / f"{job.docx.stem}.pdf"))
                ),
                None,
            )
            if index is not None:
                # soffice goes in order: the files before this one it could not load.
                failed += [(job, "LibreOffice could not load it") for job in remaining[:index]]
                job = remaining[index]
                remaining = remaining[index + 1 :]
                self._results.put(_deliver(job, out / f"{job.docx.stem}.pdf"))
                deadline = time.monotonic() + self.doc_timeout
                continue
            if exited:
                if proc.returncode == 0:  # done, but these were never written
                    return failed + [(j, "LibreOffice wrote no PDF") for j in remaining], []
                why = f"LibreOffice stopped (status {proc.returncode}) while converting it"
                return [*failed, (remaining[0], why)], remaining[1:]
            if time.monotonic() > deadline:
                why = f"LibreOffice hung (no PDF after {self.doc_timeout:g} s)"
                return [*failed, (remaining[0], why)], remaining[1:]
            time.sleep(_POLL)
        # Every PDF is in and checked: no need to wait for soffice's own shutdown (about
        # a second); the caller kills it.
        return failed, []


def _complete(pdf: Path) -> bool:
    """Whether soffice has finished writing ``pdf`` (it ends with %%EOF)."""
    try:
        with pdf.open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            if size < 1024:
                return False
            handle.seek(max(0, size - 64))
            return b"%%EOF" in handle.read()
    except OSError:
        return False


def _deliver(job: Job, produced: Path) -> Done:
    """Check a produced PDF and move it beside its DOCX."""
    try:
        check_archival_pdf(produced)
        target = job.outdir / produced.name
        shutil.move(produced, target)
    except ConversionError as exc:
        return Done(job, None, exc.message)
    except OSError as exc:
        return Done(job, None, f"{job.docx.name}: cannot move its PDF: {exc}")
    return Done(job, target, None)


#: Below this many documents per worker, another soffice start costs more than it saves.
DOCS_PER_WORKER = 6


def _workers_for(documents: int) -> int:
    """How many soffice processes pay off for this many documents."""
    return max(1, round(documents / DOCS_PER_WORKER))


def _share(jobs: list[Job], parts: int) -> list[list[Job]]:
    """Split jobs into at most ``parts`` contiguous runs of nearly equal length."""
    parts = min(parts, len(jobs))
    size, extra = divmod(len(jobs), parts)
    shares, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        shares.append(jobs[start:end])
        start = end
    return shares


@contextlib.contextmanager
def pool(jobs: int, doc_timeout: float = 60.0) -> Iterator[ConversionPool]:
    """A conversion pool that is stopped (every soffice killed) on the way out."""
    engine = ConversionPool(jobs, doc_timeout=doc_timeout)
    try:
        yield engine
    finally:
        engine.stop()
