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

    def run(self, jobs: Sequence[Job], on_done: Callable[[Done], None]) -> None:
        """Convert every job; call ``on_done`` (in this thread) as each one finishes.

        Jobs are shared out in order, in contiguous runs, so the documents of one case
        usually land on the same worker and finish together.
        """
        if not jobs:
            return
        shares = _share(list(jobs), self.jobs)
        results: queue.Queue[Done | None] = queue.Queue()
        threads = [
            threading.Thread(target=self._worker, args=(share, results), daemon=True)
            for share in shares
        ]
        for thread in threads:
            thread.start()
        finished = 0
        try:
            while finished < len(threads):
                try:
                    item = results.get(timeout=0.2)
                except queue.Empty:
                    continue
                if item is None:
                    finished += 1
                else:
                    on_done(item)
        finally:
            self.stop()
            for thread in threads:
                thread.join()

    def stop(self) -> None:
        """Kill every running soffice and let the workers return."""
        self._stop.set()
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            kill_group(proc)

    def _worker(self, share: list[Job], results: queue.Queue[Done | None]) -> None:
        try:
            attempts: dict[Job, int] = {}
            pending = list(share)
            while pending and not self._stop.is_set():
                pending, culprit, reason = self._one_start(pending, results)
                if culprit is not None:
                    attempts[culprit] = attempts.get(culprit, 0) + 1
                    if attempts[culprit] > 1:
                        pending.remove(culprit)
                        results.put(Done(culprit, None, f"{culprit.docx.name}: {reason}"))
        finally:
            results.put(None)

    def _one_start(
        self, pending: list[Job], results: queue.Queue[Done | None]
    ) -> tuple[list[Job], Job | None, str]:
        """One soffice start over ``pending``; return what is still pending and why."""
        with tempfile.TemporaryDirectory(prefix="avtalsgen-pool-") as work_name:
            work = Path(work_name)
            out = work / "out"
            out.mkdir()
            argv = soffice_argv(self.soffice, work / "profile", out, [j.docx for j in pending])
            proc = self._start(argv, work)
            try:
                return self._watch(proc, pending, out, results)
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
        self,
        proc: subprocess.Popen[bytes],
        pending: list[Job],
        out: Path,
        results: queue.Queue[Done | None],
    ) -> tuple[list[Job], Job | None, str]:
        remaining = list(pending)
        deadline = time.monotonic() + self.start_timeout
        while remaining:
            if self._stop.is_set():
                return remaining, None, "stopped"
            job = remaining[0]
            produced = out / f"{job.docx.stem}.pdf"
            exited = proc.poll() is not None
            if _complete(produced) or (exited and produced.is_file()):
                remaining.pop(0)
                results.put(_deliver(job, produced))
                deadline = time.monotonic() + self.doc_timeout
                continue
            if exited:
                why = f"LibreOffice stopped (status {proc.returncode}) before writing its PDF"
                return remaining, job, why
            if time.monotonic() > deadline:
                return remaining, job, f"LibreOffice hung (no PDF after {self.doc_timeout:g} s)"
            time.sleep(_POLL)
        proc.wait(timeout=self.doc_timeout)
        return [], None, ""


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
