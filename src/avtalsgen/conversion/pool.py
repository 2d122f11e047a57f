"""A pool of LibreOffice workers for batch runs.

Each worker converts its share of the documents in one soffice start (a start costs more
than several short documents), watches the PDFs appear one by one, and
reports each as soon as it is complete. soffice reads each document through a link of a name
of its own, so a PDF is never taken for another job's of the same name (every case has a
beslutsforslag.docx), however late it is looked for. A document that takes longer than the
per-document timeout is taken for a hang: the worker kills soffice's process group, starts a
fresh soffice for the documents still pending and retries the one that hung once. A crash is
handled the same way. No soffice outlives the pool: every start is killed on the way out,
Ctrl-C included.

Each start gets a copy of the kept initialised LibreOffice profile (see
:func:`avtalsgen.conversion.profile.copy_profile`), which spares it initialising one and
running LibreOffice's graphics render tests, and works in
:func:`avtalsgen.conversion.soffice.scratch_dir`. While
there is none, a worker lets its soffice exit by itself once its PDFs are in (a few
hundredths of a second) and keeps the profile it made. A start that follows a failure gets
a fresh profile.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.build import interrupts
from avtalsgen.conversion import reaper
from avtalsgen.conversion.convert import check_archival_pdf
from avtalsgen.conversion.profile import copy_profile, keep_profile
from avtalsgen.conversion.properties import carry_properties
from avtalsgen.conversion.soffice import (
    cannot_start,
    find_soffice,
    kill_group,
    remove_ipc_pipe,
    scratch_dir,
    soffice_argv,
    soffice_env,
)
from avtalsgen.conversion.stalepipes import remove_stale_pipes_once
from avtalsgen.errors import ConversionError, os_reason
from avtalsgen.i18n import _

#: Seconds soffice may take to start and convert its first document.
START_TIMEOUT = 60.0
_POLL = 0.02
#: Seconds a soffice whose PDFs are all in may take to exit by itself (to keep its profile).
_EXIT_TIMEOUT = 3.0


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


@dataclass(frozen=True)
class _Launch:
    """A started soffice: its work folder, PDF folder, profile, argv and process."""

    work: Path
    out: Path
    profile: Path
    names: list[str]
    """The name of each pending job's PDF, in order."""
    argv: list[str]
    proc: subprocess.Popen[bytes]
    keep: bool
    """Whether to keep its profile (there was none to copy) once it exits cleanly."""
    started: float
    """When soffice was started (``time.time()``, as files' modification times)."""


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

    def start(self, jobs: Sequence[Job], warm_up: Path | None = None) -> list[Job]:
        """Start the workers now; return the order in which to write the DOCX files.

        soffice opens its files one after the other, from about a tenth of a second after
        it starts, so files written in the returned order (each under its final name at
        once, e.g. by rename) are there before it asks for them. One that is not is
        retried, with another soffice start. ``warm_up``, if given, is a document each
        soffice converts first and whose PDF is thrown away: it gives the caller time to
        write the first files, and soffice loads what documents like it need (the Writer
        module, the import filter, the fonts) meanwhile, not when the first one is there.
        Raises :class:`ConversionError` if soffice cannot be started at all.
        """
        remove_stale_pipes_once()  # those of soffice processes killed before
        shares = _share(list(jobs), min(self.jobs, _workers_for(len(jobs))))
        # Start every soffice here, not in the workers: from a worker thread the start
        # would wait for the GIL while the caller renders (tens of milliseconds).
        launched: list[_Launch] = []
        try:
            for share in shares:
                launched.append(self._launch(share, warm=True, warm_up=warm_up))
        except BaseException:
            for launch in launched:
                self._end(launch)
            raise
        self._threads = [
            threading.Thread(target=self._worker, args=(share, launch), daemon=True)
            for share, launch in zip(shares, launched, strict=True)
        ]
        for thread in self._threads:
            thread.start()
        longest = max((len(share) for share in shares), default=0)
        return [share[i] for i in range(longest) for share in shares if i < len(share)]

    def written(self, job: Job) -> None:
        """``job``'s DOCX is written. Nothing to do here: soffice opens the files itself,
        in the order :meth:`start` gave."""

    def cancel(self, job: Job) -> None:
        """Give up on a job (its DOCX will not come): it is not retried or reported."""
        with self._lock:
            self._cancelled.add(job)

    def wait(self, on_done: Callable[[Done], None]) -> None:
        """Call ``on_done`` for every finished job until all workers are done."""
        finished = 0
        try:
            while finished < len(self._threads):
                interrupts.check()
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

    def _worker(self, share: list[Job], launch: _Launch | None) -> None:
        try:
            attempts: dict[Job, int] = {}
            todo = list(share)
            warm = True
            while todo and not self._stop.is_set():
                if launch is None:
                    todo = self._written(todo)
                    if not todo:
                        break
                try:
                    launch = launch or self._launch(todo, warm)
                except (ConversionError, OSError) as exc:
                    why = exc.message if isinstance(exc, ConversionError) else os_reason(exc)
                    for job in todo:
                        self._results.put(Done(job, None, f"{job.docx.name}: {why}"))
                    return
                failed, untried = self._one_start(launch, todo)
                started = launch.started
                launch = None
                todo = []
                for job, reason in failed:
                    if job in self._cancelled:
                        continue
                    if not _written_before(job.docx, started):
                        # soffice asked for it before it was written (the caller renders
                        # more slowly than soffice converts, e.g. on a loaded machine):
                        # that is no attempt at converting it.
                        todo.append(job)
                        continue
                    attempts[job] = attempts.get(job, 0) + 1
                    if attempts[job] > 1:
                        self._results.put(Done(job, None, f"{job.docx.name}: {reason}"))
                    else:
                        todo.append(job)
                todo += [job for job in untried if job not in self._cancelled]
                warm = not failed  # after a failure, rule the kept profile out
        finally:
            if launch is not None:  # stopped before it was watched
                self._end(launch)
            self._results.put(None)

    def _written(self, todo: list[Job]) -> list[Job]:
        """Wait until the first job's DOCX is there before soffice is started again (it
        would look for it at once). Once the start timeout is over, the jobs whose DOCX is
        still not there fail. Returns the jobs left to convert."""
        deadline = time.monotonic() + self.start_timeout
        while todo and not self._stop.is_set():
            todo = [job for job in todo if job not in self._cancelled]
            if not todo or todo[0].docx.exists():
                return todo
            if time.monotonic() > deadline:
                why = _("its Word file was not written within {seconds} s").format(
                    seconds=f"{self.start_timeout:g}"
                )
                for job in todo:
                    if not job.docx.exists():
                        self._results.put(Done(job, None, f"{job.docx.name}: {why}"))
                return [job for job in todo if job.docx.exists()]
            time.sleep(_POLL)
        return todo

    def _launch(self, pending: list[Job], warm: bool, warm_up: Path | None = None) -> _Launch:
        """Start soffice over ``pending`` (after ``warm_up``, if given) in a work folder of
        its own, with a copy of the kept profile if ``warm`` and there is one."""
        work = reaper.make_folder("avtalsgen-pool-", scratch_dir())
        try:
            out = work / "out"
            out.mkdir()
            # soffice names each PDF after its input, and the jobs' DOCX files share
            # names (every case has a beslutsforslag.docx): a PDF could be overwritten by
            # the next before it is taken, and taken for the wrong job. So soffice reads
            # each file through a link of a name of its own (the file need not exist yet).
            links = work / "in"
            links.mkdir()
            inputs = []
            for index, job in enumerate(pending):
                link = links / f"{index:04}-{job.docx.name}"
                link.symlink_to(job.docx.absolute())
                inputs.append(link)
            profile = work / "profile"
            # Without a kept profile, this start makes one (unless a failure preceded it).
            keep = warm and not copy_profile(self.soffice, profile)
            first = []
            if warm_up is not None:  # its PDF, warm-up.pdf, is no job's: it is left alone
                first.append(links / "warm-up.docx")
                first[0].symlink_to(warm_up.absolute())
            argv = soffice_argv(self.soffice, profile, out, [*first, *inputs])
            started = time.time()
            proc = self._start(argv, work)
        except BaseException:
            reaper.remove_folder(work)
            raise
        names = [f"{link.stem}.pdf" for link in inputs]
        return _Launch(work, out, profile, names, argv, proc, keep, started)

    def _one_start(
        self, launch: _Launch, pending: list[Job]
    ) -> tuple[list[tuple[Job, str]], list[Job]]:
        """Watch one soffice start over ``pending``: the jobs that failed (and why), and
        those it did not get to."""
        try:
            failed, untried = self._watch(launch.proc, pending, launch.out, launch.names)
            # Jobs given up on (cancelled: their DOCX never comes) are files soffice fails
            # to open and passes over; it still ends by itself, its profile whole.
            with self._lock:
                given_up = all(job in self._cancelled for job in untried)
            if launch.keep and not failed and given_up and self._exits(launch.proc):
                keep_profile(self.soffice, launch.profile)
            return failed, untried
        finally:
            self._end(launch)

    def _end(self, launch: _Launch) -> None:
        """Kill a start's soffice and remove everything it left."""
        kill_group(launch.proc)
        with self._lock:
            self._procs.discard(launch.proc)
        remove_ipc_pipe(launch.argv)
        reaper.remove_folder(launch.work)

    def _exits(self, proc: subprocess.Popen[bytes]) -> bool:
        """Whether soffice exits by itself, successfully, within :data:`_EXIT_TIMEOUT`."""
        deadline = time.monotonic() + _EXIT_TIMEOUT
        while proc.poll() is None:
            if self._stop.is_set() or time.monotonic() > deadline:
                return False
            time.sleep(_POLL)
        return proc.returncode == 0

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
            raise ConversionError(cannot_start(argv[0], exc)) from exc
        reaper.watch(proc.pid, work)  # its group: killed even if avtalsgen is
        with self._lock:
            self._procs.add(proc)
        if self._stop.is_set():  # stopped while this one was starting
            kill_group(proc)
        return proc

    def _watch(
        self, proc: subprocess.Popen[bytes], pending: list[Job], out: Path, names: list[str]
    ) -> tuple[list[tuple[Job, str]], list[Job]]:
        remaining = list(zip(pending, names, strict=True))
        failed: list[tuple[Job, str]] = []
        deadline = time.monotonic() + self.start_timeout
        while remaining:
            if self._stop.is_set():
                return failed, [job for job, _ in remaining]
            with self._lock:
                wanted = any(job not in self._cancelled for job, _ in remaining)
            if not wanted:  # e.g. every case left is up to date: soffice is not needed
                return failed, [job for job, _ in remaining]
            exited = proc.poll() is not None
            present = {entry.name for entry in os.scandir(out)}
            index = next(
                (
                    i
                    for i, (_, name) in enumerate(remaining)
                    if name in present and (exited or _complete(out / name))
                ),
                None,
            )
            if index is not None:
                # soffice goes in order: the files before this one it could not load.
                unloaded = _("LibreOffice could not load it")
                failed += [(job, unloaded) for job, _ in remaining[:index]]
                job, name = remaining[index]
                remaining = remaining[index + 1 :]
                self._results.put(deliver(job, out / name))
                deadline = time.monotonic() + self.doc_timeout
                continue
            if exited:
                if proc.returncode == 0:  # done, but these were never written
                    none = _("LibreOffice wrote no PDF")
                    return failed + [(j, none) for j, _ in remaining], []
                why = _("LibreOffice stopped (status {status}) while converting it").format(
                    status=proc.returncode
                )
                return [*failed, (remaining[0][0], why)], [job for job, _ in remaining[1:]]
            if time.monotonic() > deadline:
                why = _("LibreOffice hung (no PDF after {seconds} s)").format(
                    seconds=f"{self.doc_timeout:g}"
                )
                return [*failed, (remaining[0][0], why)], [job for job, _ in remaining[1:]]
            time.sleep(_POLL)
        # Every PDF is in and checked: no need to wait for soffice's own shutdown; the
        # caller kills it (or, to keep its profile, lets it exit).
        return failed, []


def _written_before(docx: Path, started: float) -> bool:
    """Whether ``docx`` was there, written, before ``started`` (a ``time.time()``)."""
    try:
        return docx.stat().st_mtime < started
    except OSError:
        return False


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


def deliver(job: Job, produced: Path) -> Done:
    """Check a produced PDF and move it beside its DOCX, named after it."""
    target = job.outdir / f"{job.docx.stem}.pdf"
    try:
        carry_properties(job.docx, produced)
        check_archival_pdf(produced, repair=True)
        shutil.move(produced, target)
    except ConversionError as exc:  # named as the job knows its PDF, not as soffice wrote it
        return Done(job, None, exc.message.replace(produced.name, target.name, 1))
    except OSError as exc:
        return Done(
            job,
            None,
            _("{file}: cannot move its PDF: {reason}").format(
                file=job.docx.name, reason=os_reason(exc)
            ),
        )
    return Done(job, target, None)


#: Below this many documents per worker, another soffice start costs more than it saves.
DOCS_PER_WORKER = 6


def _workers_for(documents: int) -> int:
    """How many soffice processes pay off for this many documents."""
    return max(1, round(documents / DOCS_PER_WORKER))


def _share(jobs: list[Job], parts: int) -> list[list[Job]]:
    """Deal jobs round to at most ``parts`` workers: they go through the jobs side by side,
    in the given order (a case's documents are done about together)."""
    parts = min(parts, len(jobs))
    return [jobs[index::parts] for index in range(parts)]


@contextlib.contextmanager
def pool(jobs: int, doc_timeout: float = 60.0) -> Iterator[ConversionPool]:
    """A conversion pool that is stopped (every soffice killed) on the way out."""
    engine = ConversionPool(jobs, doc_timeout=doc_timeout)
    try:
        yield engine
    finally:
        engine.stop()
