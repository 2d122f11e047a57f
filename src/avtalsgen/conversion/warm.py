"""The warm converter, seen from avtalsgen: find it, use it, start and stop it.

A converter (:mod:`avtalsgen.conversion.server`, started by ``avtalsgen converter start`` or
:func:`start`) keeps one LibreOffice per core running and converts documents sent to it
over a Unix socket in the user's own folder (:mod:`avtalsgen.conversion.runtime`). This
module is its client. The PDFs it hands back have passed the same checks as the pool's
(:func:`avtalsgen.conversion.convert.check_archival_pdf`, with the XMP repair), made here,
in the caller's process, after the Word file's properties are carried over
(:func:`avtalsgen.conversion.properties.carry_properties`).

The API (for the CLI and the web app)::

    from avtalsgen.conversion import warm

    converter = warm.client()         # a WarmConverter, or None when no converter answers
    if converter is not None:
        with converter:               # closes the connection
            pdfs = converter.convert([docx], outdir)   # checked PDFs, in input order
    with warm.converter() as converter:   # the running converter, else LibreOffice per call
        pdfs = converter.convert([docx], outdir)

    warm.start(workers=2)             # start one (in the background) unless one runs: Started
    warm.status()                     # what `avtalsgen converter status` shows, or None
    warm.stop()                       # stop it; the pid it had, or None if none ran

:class:`WarmConverter` offers the pool's interface as well
(:class:`~avtalsgen.conversion.pool.ConversionPool`: ``start(jobs, warm_up) -> order``,
``written(job)``, ``cancel(job)``, ``wait(on_done)``, ``run(jobs, on_done)``, ``stop()``),
so a batch uses either; :func:`batch_engine` gives the converter when one answers and a
pool otherwise.
``convert`` raises :class:`~avtalsgen.errors.ConversionError` naming the document, as
:class:`~avtalsgen.conversion.convert.LibreOfficeConverter` does; one connection may be used
from several threads at once. Documents are converted in the order they come, except that
those sent with ``convert(..., urgent=True)`` (a preview someone waits for) go before every
document waiting.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import queue
import secrets
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from avtalsgen.conversion import runtime
from avtalsgen.conversion.pool import Done, Job
from avtalsgen.errors import ConversionError
from avtalsgen.i18n import _, current_language

if TYPE_CHECKING:
    from avtalsgen.conversion.convert import Converter

#: Seconds to wait for a converter's answer to ``hello``, ``status`` or ``stop``.
ANSWER_TIMEOUT = 5.0
#: Seconds a started converter may take until its workers are up.
START_TIMEOUT = 120.0
#: Seconds a converter that holds the lock may take to answer before it is taken for stuck.
_STUCK = 3.0
#: Seconds between two looks for a job's DOCX (when the caller writes it after ``start``).
_POLL = 0.002
#: Beyond a document's own timeout (twice: it may be retried) and a restart of LibreOffice,
#: how long a client waits for a document's answer before it gives the converter up.
_GRACE = 90.0


class BatchEngine(Protocol):
    """What a batch needs of a converter: the pool's interface (see ConversionPool)."""

    def start(self, jobs: Sequence[Job], warm_up: Path | None = None) -> list[Job]: ...

    def written(self, job: Job) -> None: ...

    def cancel(self, job: Job) -> None: ...

    def wait(self, on_done: Callable[[Done], None]) -> None: ...

    def stop(self) -> None: ...


def _fault_message(name: str, answer: dict[str, Any]) -> str:
    """The user's message for a document the converter could not convert."""
    fault, detail = answer.get("fault"), str(answer.get("detail") or "").strip()
    if fault == "unloadable":
        message = _("{name}: LibreOffice cannot open this file (it is not a document it reads)")
    elif fault == "export":
        message = _("{name}: LibreOffice could not write its PDF")
    elif fault == "hang":
        message = _(
            "{name}: LibreOffice hung (no PDF after {seconds} s), twice; it was stopped each time"
        )
        detail = ""
    elif fault == "crash":
        message = _("{name}: LibreOffice stopped while converting it, twice")
    elif fault == "start":
        message = _("{name}: LibreOffice could not be started")
    else:
        message = _("{name}: the converter stopped before it was converted")
    text = message.format(name=name, seconds=answer.get("seconds", "?"))
    return f"{text}: {detail}" if detail else text


@contextlib.contextmanager
def _holding(cond: threading.Condition) -> Iterator[None]:
    """``cond`` held with Ctrl-C and SIGTERM held back until it is released again, in the
    main thread (elsewhere no signal handler runs). A Condition is entered by Python code: a
    KeyboardInterrupt raised there just after its lock was taken would leave the lock held
    for good, and the dispatcher and the reader, which need it, and the build that waits for
    them, would hang."""
    from avtalsgen.build import interrupts

    with interrupts.deferred(), cond:
        yield


class WarmConverter:
    """A connection to a running converter; see the module's docstring."""

    def __init__(self, sock: socket.socket, doc_timeout: float = 60.0) -> None:
        self.doc_timeout = doc_timeout
        self.jobs = 0
        """Documents this connection sent."""
        self._sock = sock
        self._send_lock = threading.Lock()
        self._lock = threading.Lock()
        self._waiters: dict[int, Callable[[dict[str, Any]], None]] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._mode = 0o666 & ~runtime.umask()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        # The pool's interface.
        self._cond = threading.Condition()
        self._todo: list[Job] = []
        self._open: set[Job] = set()
        self._cancelled: set[Job] = set()
        self._results: queue.Queue[Done] = queue.Queue()
        self._dispatcher: threading.Thread | None = None
        self._stopped = threading.Event()
        self.first_alone = False
        """Convert the first job alone, the others once it is done (:meth:`start`)."""
        self._first: Job | None = None
        """The job the others wait for, until it is done."""

    def __enter__(self) -> WarmConverter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the connection ------------------------------------------------------------------

    def _submit(
        self,
        docx: Path,
        pdf: Path,
        callback: Callable[[dict[str, Any]], None],
        *,
        urgent: bool = False,
    ) -> None:
        """Send one document; ``callback`` gets the converter's answer (from another thread)."""
        ident = next(self._ids)
        request = {"op": "convert", "id": ident, "docx": str(docx), "pdf": str(pdf),
                   "timeout": self.doc_timeout, "urgent": urgent,
                   "lang": current_language()}  # fmt: skip
        with self._lock:
            if self._closed:
                gone = True
            else:
                gone = False
                self._waiters[ident] = callback
        if not gone:
            try:
                with self._send_lock:
                    self._sock.sendall((json.dumps(request) + "\n").encode())
                self.jobs += 1
                return
            except OSError:
                with self._lock:
                    self._waiters.pop(ident, None)
        callback({"fault": "gone"})

    def _read(self) -> None:
        """Hand each answer to its document's callback; at the end, fail what is left."""
        try:
            with self._sock.makefile("rb") as lines:
                for line in lines:
                    answer = json.loads(line)
                    with self._lock:
                        callback = self._waiters.pop(answer.get("id"), None)
                    if callback is not None:
                        callback(answer)
        except (OSError, ValueError):
            pass
        with self._lock:
            self._closed = True
            left, self._waiters = list(self._waiters.values()), {}
        for callback in left:
            callback({"fault": "gone"})

    def close(self) -> None:
        """Close the connection: documents not yet converted are dropped by the converter."""
        self._stopped.set()
        with _holding(self._cond):
            self._cond.notify_all()
        with self._lock:
            self._closed = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()

    # -- documents in, checked PDFs out (the Converter protocol) -------------------------

    def convert(
        self, docx_files: Sequence[Path], outdir: Path, *, urgent: bool = False
    ) -> list[Path]:
        """Convert ``docx_files`` into ``outdir``; return ``outdir/<stem>.pdf`` each, in
        order, every one checked before any is moved into place."""
        from avtalsgen.conversion.convert import check_archival_pdf, move_into_place, prepare
        from avtalsgen.conversion.properties import carry_properties

        sources = [Path(f).resolve() for f in docx_files]
        if not sources:
            return []
        outdir = prepare(sources, outdir)
        token = secrets.token_hex(6)
        staged = [outdir / f".{src.stem}.{token}.pdf" for src in sources]
        answers: list[dict[str, Any]] = [{} for _ in sources]
        done = threading.Semaphore(0)

        def answered(index: int) -> Callable[[dict[str, Any]], None]:
            def keep(answer: dict[str, Any]) -> None:
                answers[index] = answer
                done.release()

            return keep

        try:
            for index, (src, pdf) in enumerate(zip(sources, staged, strict=True)):
                self._submit(src, pdf, answered(index), urgent=urgent)
            for _src in sources:
                if not done.acquire(timeout=2 * self.doc_timeout + _GRACE):
                    raise ConversionError(
                        _("the converter did not answer; stop it with: avtalsgen converter stop")
                    )
            for src, pdf, answer in zip(sources, staged, answers, strict=True):
                if not answer.get("ok"):
                    raise ConversionError(
                        _fault_message(src.name, answer | {"seconds": f"{self.doc_timeout:g}"})
                    )
                final = outdir / f"{src.stem}.pdf"
                try:
                    carry_properties(src, pdf)  # as the pool's and one soffice run's PDFs
                    check_archival_pdf(pdf, repair=True)
                except ConversionError as exc:
                    raise ConversionError(exc.message.replace(pdf.name, final.name, 1)) from None
            moves = [
                (pdf, outdir / f"{src.stem}.pdf") for src, pdf in zip(sources, staged, strict=True)
            ]
            return move_into_place(moves, self._mode)
        finally:
            for pdf in staged:
                pdf.unlink(missing_ok=True)

    # -- the pool's interface ------------------------------------------------------------

    def run(self, jobs: Sequence[Job], on_done: Callable[[Done], None]) -> None:
        """Convert jobs whose DOCX files exist; call ``on_done`` (here) as each finishes."""
        self.start(jobs)
        self.wait(on_done)

    def start(self, jobs: Sequence[Job], warm_up: Path | None = None) -> list[Job]:
        """Take the jobs; each is sent once its DOCX is there (write each under its final
        name at once, e.g. by rename), or at once when :meth:`written` says it is. Returns
        the order to write them in: as given. With :attr:`first_alone` (a preview, which
        shows the first document as soon as it is checked) the others are sent once the
        first is converted: two conversions at once on two cores, beside the rendering of
        the second, made the first about 40 ms slower than alone.
        ``warm_up`` is not needed: the converter's LibreOffice is warm."""
        with _holding(self._cond):
            self._todo = list(jobs)
            self._open = set(jobs)
            self._first = jobs[0] if self.first_alone and len(jobs) > 1 else None
        self._dispatcher = threading.Thread(target=self._dispatch, daemon=True)
        self._dispatcher.start()
        return list(jobs)

    def written(self, job: Job) -> None:
        """``job``'s DOCX is written: send it now, from this thread. The dispatcher would
        find it within :data:`_POLL`, but it then waits for Python's lock while the caller
        renders the next document (5-15 ms)."""
        with _holding(self._cond):
            if job not in self._todo or job in self._cancelled or self._held(job):
                return  # sent already, given up, or waiting for the first
            self._todo.remove(job)
        self._send_job(job)

    def _held(self, job: Job) -> bool:
        """Whether ``job`` waits for the first to be converted (call with ``_cond`` held)."""
        return self._first is not None and job is not self._first

    def _release(self, job: Job) -> None:
        """``job`` is done: if it is the first, the others may go."""
        with _holding(self._cond):
            if job is self._first:
                self._first = None
                self._cond.notify_all()

    def cancel(self, job: Job) -> None:
        """Give up on a job (its DOCX will not come): it is not sent, or its PDF not used."""
        self._release(job)
        with _holding(self._cond):
            self._cancelled.add(job)
            self._open.discard(job)
            self._cond.notify_all()

    def wait(self, on_done: Callable[[Done], None]) -> None:
        """Call ``on_done`` for every job that finishes, until none is left."""
        from avtalsgen.build import interrupts

        try:
            while True:
                interrupts.check()
                with _holding(self._cond):
                    if not self._open and self._results.empty():
                        return
                try:
                    done = self._results.get(timeout=0.2)
                except queue.Empty:
                    continue
                with _holding(self._cond):
                    if done.job in self._cancelled:
                        continue
                    self._open.discard(done.job)
                on_done(done)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop sending and close the connection (the converter drops what is queued)."""
        self.close()
        if self._dispatcher is not None and self._dispatcher is not threading.current_thread():
            self._dispatcher.join()

    def _dispatch(self) -> None:
        """Send each job as soon as its DOCX is there, until every job is sent.

        The jobs are looked for in the order they are to be written, up to the first that
        is not there yet (passing over those that wait for the first to be converted): a
        caller writes them in that order and says so of each (:meth:`written`), so a look
        costs one ``stat``. Looking for every job left every :data:`_POLL` seconds took
        0.16-0.24 s of CPU, holding Python's lock, while a 50-case batch was rendered."""
        while not self._stopped.is_set():
            with self._cond:
                ready: list[Job] = []
                left: list[Job] = []
                for index, job in enumerate(self._todo):
                    if job in self._cancelled:
                        continue
                    if self._held(job):
                        left.append(job)
                    elif job.docx.exists():
                        ready.append(job)
                    else:
                        left.extend(self._todo[index:])
                        break
                self._todo = left
                if not ready:
                    if not left:
                        return
                    self._cond.wait(_POLL)
                    continue
            for job in ready:
                self._send_job(job)

    def _send_job(self, job: Job) -> None:
        from avtalsgen.conversion.pool import deliver

        staged = job.outdir / f".{job.docx.stem}.{secrets.token_hex(6)}.pdf"
        seconds = f"{self.doc_timeout:g}"

        def finished(answer: dict[str, Any]) -> None:
            self._release(job)
            with self._cond:
                wanted = job not in self._cancelled
            if not wanted:
                staged.unlink(missing_ok=True)
                return
            if answer.get("ok"):
                with contextlib.suppress(OSError):
                    staged.chmod(self._mode)
                done = deliver(job, staged)
                staged.unlink(missing_ok=True)
            else:
                message = _fault_message(job.docx.name, answer | {"seconds": seconds})
                done = Done(job, None, message)
            self._results.put(done)

        self._submit(job.docx, staged, finished)


def client(doc_timeout: float = 60.0) -> WarmConverter | None:
    """A connection to the running converter, or None when none answers (no socket, a
    stale one, another protocol, or a folder that is not private)."""
    sock = _connect()
    if sock is None:
        return None
    try:
        answer = _ask(sock, {"op": "hello"})
    except (OSError, ValueError):
        sock.close()
        return None
    if answer.get("protocol") != runtime.PROTOCOL:
        sock.close()
        return None
    sock.settimeout(None)
    return WarmConverter(sock, doc_timeout)


@contextlib.contextmanager
def converter(doc_timeout: float = 60.0) -> Iterator[Converter]:
    """The running converter (its connection closed on the way out), or else a
    :class:`~avtalsgen.conversion.convert.LibreOfficeConverter` that starts LibreOffice for
    each call: for the commands that convert a few documents (utdrag, anslag, publicera)."""
    running = client(doc_timeout)
    if running is None:
        from avtalsgen.conversion.convert import LibreOfficeConverter

        yield LibreOfficeConverter()
        return
    try:
        yield running
    finally:
        running.close()


@contextlib.contextmanager
def batch_engine(
    jobs: int, doc_timeout: float = 60.0, *, first_alone: bool = False
) -> Iterator[BatchEngine]:
    """The running converter, or else a pool of ``jobs`` soffice processes; stopped on the
    way out. With ``first_alone`` the converter converts the first document alone, the
    others once it is done (see :meth:`WarmConverter.start`)."""
    warm = client(doc_timeout)
    if warm is not None:
        warm.first_alone = first_alone
    if warm is None:
        from avtalsgen.conversion.pool import pool

        with pool(jobs, doc_timeout=doc_timeout) as engine:
            yield engine
        return
    try:
        yield warm
    finally:
        warm.stop()


def _connect() -> socket.socket | None:
    folder = runtime.folder()
    try:
        runtime.check_private(folder)
    except (OSError, ConversionError):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(ANSWER_TIMEOUT)
    try:
        sock.connect(str(folder / runtime.SOCKET))
    except OSError:
        sock.close()
        return None
    return sock


def _ask(sock: socket.socket, request: dict[str, Any]) -> dict[str, Any]:
    """Send one request and read its one-line answer (the socket has a timeout)."""
    sock.sendall((json.dumps(request) + "\n").encode())
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            raise ValueError("no answer")
        data += chunk
    answer: dict[str, Any] = json.loads(data)
    return answer


def status() -> dict[str, Any] | None:
    """The running converter's state (see server.Converter.status), or None."""
    sock = _connect()
    if sock is None:
        return None
    try:
        return _ask(sock, {"op": "status"})
    except (OSError, ValueError):
        return None
    finally:
        sock.close()


@dataclass(frozen=True)
class Started:
    """A converter that runs: its pid, and whether this call started it."""

    pid: int
    started: bool


def start(
    workers: int | None = None,
    *,
    max_documents: int | None = None,
    max_rss_mb: int | None = None,
    timeout: float = START_TIMEOUT,
    niceness: int = 0,
) -> Started:
    """Start a converter in the background unless one runs; return once its workers are up.

    With ``niceness`` (1 to 19) the converter and its LibreOffice run at that lower CPU
    priority (``nice``): a web server's pages go before the documents of a batch. A
    converter that already runs is used as it is.

    Two starts at once give one converter (the other start finds it running). Raises
    :class:`ConversionError` if it cannot start (no LibreOffice, no python3-uno, ...).
    """
    folder = runtime.ensure_folder()
    running = status()
    if running is None and _locked(folder):
        # A converter holds the lock but does not answer: one that is starting (it listens
        # at once), or one that is stuck or lost its socket. Give it a moment, then stop it.
        running = _wait_for_status(_STUCK)
        if running is None:
            stop(timeout=_STUCK)
    if running is not None:
        return Started(int(running["pid"]), started=False)
    # In the starter's language: the reason it cannot start is told to the starter (serve
    # --lang en printed it in Swedish, the converter's environment's language).
    argv = [sys.executable, "-m", "avtalsgen.conversion.server", "--daemon"]
    argv += ["--lang", current_language()]
    if workers is not None:
        argv += ["--workers", str(workers)]
    if max_documents is not None:
        argv += ["--max-documents", str(max_documents)]
    if max_rss_mb is not None:
        argv += ["--max-rss", str(max_rss_mb)]
    if niceness > 0:
        argv += ["--nice", str(min(niceness, 19))]
    read_end, write_end = os.pipe()
    try:
        with (folder / runtime.LOG).open("ab") as log:
            proc = subprocess.Popen(  # noqa: S603 - argv list, no shell
                [*argv, "--ready-fd", str(write_end)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=(write_end,),
                start_new_session=True,  # Ctrl-C on the terminal does not reach it
            )
        os.close(write_end)
        write_end = -1
        proc.wait()  # it forks the converter and returns at once
        line = _read_line(read_end, timeout)
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    word, _sp, rest = line.partition(" ")
    if word in ("ready", "running") and rest.isdigit():
        return Started(int(rest), started=word == "ready")
    if word == "running":  # another start holds the lock and has not written its pid yet
        found = _wait_for_status(timeout)
        if found is not None:
            return Started(int(found["pid"]), started=False)
    if word == "error":
        raise ConversionError(_("the converter could not start: {reason}").format(reason=rest))
    raise ConversionError(
        _("the converter could not start; see {log}").format(log=folder / runtime.LOG)
    )


def _read_line(fd: int, timeout: float) -> str:
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", errors="replace").strip()


def _wait_for_status(timeout: float) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = status()
        if found is not None:
            return found
        time.sleep(0.05)
    return None


def _locked(folder: Path) -> bool:
    """Whether a converter holds the folder's lock (is running)."""
    try:
        fd = os.open(folder / runtime.LOCK, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock taken here
    return False


def stop(timeout: float = 30.0) -> int | None:
    """Stop the running converter (every soffice with it); the pid it had, or None if none
    was running. A socket or pid file a killed converter left is removed.

    It waits on the process itself (a pidfd, readable once the process has ended: the
    converter is not this process's child, its start forked it away): up to ``timeout``
    seconds, then it is killed (its watcher kills every soffice) and waited on 5 s more."""
    folder = runtime.folder()
    if not folder.is_dir():
        return None
    pid = _pid(folder)
    if not _locked(folder):
        for name in (runtime.SOCKET, runtime.SERVED, runtime.PID):
            with contextlib.suppress(OSError):
                (folder / name).unlink()
        return None
    process = _process(pid)  # before it is asked: the process asked is the one waited on
    sock = _connect()
    asked = False
    if sock is not None:
        with contextlib.suppress(OSError, ValueError):
            answer = _ask(sock, {"op": "stop"})
            if "pid" in answer and int(answer["pid"]) != pid:
                _close(process)  # the pid file was not the running converter's
                pid = int(answer["pid"])
                process = _process(pid)
            asked = bool(answer.get("stopping"))
        sock.close()
    if not asked and pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    try:
        if not _ended(process, folder, timeout) and pid is not None:
            with contextlib.suppress(ProcessLookupError):  # its watcher kills every soffice
                os.kill(pid, signal.SIGKILL)
            _ended(process, folder, 5.0)
    finally:
        _close(process)
    return pid


def _process(pid: int | None) -> int | None:
    """A pidfd of the process ``pid``; None when no pid is known, the process has ended
    already, or the system has no pidfd_open (Linux before 5.3)."""
    if pid is None:
        return None
    try:
        return os.pidfd_open(pid)
    except OSError:  # ProcessLookupError: ended; ENOSYS: no pidfd_open
        return None


def _close(process: int | None) -> None:
    if process is not None:
        os.close(process)


def _ended(process: int | None, folder: Path, timeout: float) -> bool:
    """Whether the converter has ended within ``timeout`` seconds: its pidfd ``process``
    becomes readable when it ends (the kernel has closed its files by then, and released
    its lock). Without a pidfd (no pid, or it ended before one was opened) the lock tells:
    it is looked at every 50 ms."""
    if process is not None:
        return bool(select.select([process], [], [], timeout)[0])
    deadline = time.monotonic() + timeout
    while _locked(folder):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _pid(folder: Path) -> int | None:
    try:
        return int((folder / runtime.PID).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
