"""The warm converter: LibreOffice workers kept running, serving documents on a Unix socket.

Run as ``python -m avtalsgen.conversion.server`` (``avtalsgen converter start`` does it, in
the background). It takes the lock of the converter's folder
(:mod:`avtalsgen.conversion.runtime`) or exits at once with status 3 if another converter
holds it, removes a socket a killed converter left, listens on ``converter.sock``, and
starts one :class:`~avtalsgen.conversion.worker.Worker` per core (``--workers``).

Documents are queued in the order they come and converted by whichever worker is free. A
worker whose document hangs (no answer within the request's timeout) or crashes is killed
and started afresh, and the document is tried once more, first in the queue; a second
failure is reported. A worker is also restarted, between documents, after ``--max-documents``
or above ``--max-rss`` MB. SIGTERM, SIGINT (Ctrl-C) and a ``stop`` request kill every
soffice, remove the socket and end the converter; if it is killed outright, the watcher
(:mod:`avtalsgen.conversion.reaper`) kills the soffice processes.

The protocol: one JSON object per line each way. ``{"op": "hello"}`` →
``{"protocol": 1, "pid": ..., "workers": n}``; ``{"op": "convert", "id": ..., "docx": path,
"pdf": path, "timeout": s, "urgent": bool, "lang": "sv"|"en"}`` (an urgent one goes first in
the queue; ``lang`` the language of the client's messages, in which a ``detail`` the
converter words is given: not the language of whoever started it) →
``{"id": ..., "ok": true}`` or ``{"id": ..., "fault": ...,
"detail": ...}`` (faults: ``unloadable``, ``export``, ``crash``, ``hang``, ``start``), in the
order documents finish; ``{"op": "status"}`` → the converter and its workers;
``{"op": "stop"}`` → ``{"stopping": true}``. The PDFs are LibreOffice's, unchecked: the
client checks them (:mod:`avtalsgen.conversion.warm`). A worker exports into the converter's
own ``exports`` folder, and the PDF is moved to where its client asked only if the client is
still there and so is the folder: LibreOffice, exporting there itself, would make a folder
again that an interrupted build had removed, and leave its PDF in it.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import errno
import fcntl
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from avtalsgen import i18n
from avtalsgen.conversion import runtime
from avtalsgen.conversion.allocator import with_jemalloc
from avtalsgen.conversion.soffice import find_soffice
from avtalsgen.conversion.stalepipes import remove_stale_pipes_once
from avtalsgen.conversion.worker import (
    MAX_DOCUMENTS,
    MAX_RSS_MB,
    START_TIMEOUT,
    Outcome,
    Worker,
    uno_python,
    warm_up_document,
)
from avtalsgen.errors import AvtalsgenError, os_reason
from avtalsgen.i18n import _

log = logging.getLogger("avtalsgen.converter")

#: Exit status of a converter that found another one running.
ALREADY_RUNNING = 3
#: Seconds between two starts of a worker that could not be started.
_START_BACKOFF = 2.0
#: The longest socket path a Unix socket takes (108 bytes with the final NUL on Linux).
_MAX_SOCKET_PATH = 107


class _Stop(Exception):
    """Raised in the main thread by SIGTERM and SIGINT."""


@dataclass(eq=False)
class _Client:
    """One connection: its socket, and whether it is still there."""

    sock: socket.socket
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False

    def send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode()
        with self.lock:
            if self.closed:
                return
            try:
                self.sock.sendall(data)
            except OSError:
                self.closed = True


@dataclass(eq=False)
class _Task:
    client: _Client
    id: Any
    docx: Path
    pdf: Path
    timeout: float
    attempts: int = 0
    language: str | None = None
    """The language of the client's messages (its request's ``lang``)."""


class Converter:
    """The converter's state: its workers, the queue, and the counts for ``status``."""

    def __init__(self, size: int, exports: Path | None = None) -> None:
        self.size = size
        self.exports = exports
        """The folder workers export into (see the module's docstring); None: they export
        where the client asked."""
        self.workers: list[Worker] = []
        self.soffice = ""
        self.started = time.time()
        self.queue: collections.deque[_Task] = collections.deque()
        self.cond = threading.Condition()
        self.stopping = threading.Event()
        self.failed = 0
        self.states = ["starting"] * size

    def put(self, task: _Task, *, first: bool = False) -> None:
        with self.cond:
            if first:
                self.queue.appendleft(task)
            else:
                self.queue.append(task)
            self.cond.notify()

    def take(self) -> _Task | None:
        """The next task whose client is still there; None when the converter stops."""
        with self.cond:
            while not self.stopping.is_set():
                while self.queue:
                    task = self.queue.popleft()
                    if not task.client.closed:
                        return task
                self.cond.wait(0.5)
        return None

    def run_worker(self, worker: Worker) -> None:
        """A worker's thread: start it, convert what comes, restart it when due."""
        index = worker.index
        while not self.stopping.is_set():
            if not worker.running:
                self.states[index] = "starting"
                if not self._start(worker):
                    continue
            self.states[index] = "idle"
            task = self.take()
            if task is None:
                break
            self.states[index] = "busy"
            outcome = self._convert(worker, task)
            self._settle(worker, task, outcome)
            if worker.running and worker.due():
                log.info(
                    "worker %d: restarting after %d documents at %d MB",
                    index, worker.documents, worker.rss_mb(),
                )  # fmt: skip
                self.states[index] = "restarting"
                worker.retire()
        worker.kill()
        self.states[index] = "stopped"

    def _convert(self, worker: Worker, task: _Task) -> Outcome:
        """Convert ``task`` with ``worker``: into :attr:`exports`, then into place."""
        if self.exports is None:
            return worker.convert(task.docx, task.pdf, task.timeout)
        made = self.exports / f"{worker.index}.pdf"
        try:
            made.unlink(missing_ok=True)
            outcome = worker.convert(task.docx, made, task.timeout)
            if outcome.fault is not None or task.client.closed:  # nobody waits for it
                return outcome
            try:
                made.replace(task.pdf)  # never makes a folder that is gone
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                shutil.copyfile(made, task.pdf)  # nor does this
            return outcome
        except OSError as exc:
            return Outcome("export", f"{task.pdf}: {os_reason(exc)}")
        finally:
            with contextlib.suppress(OSError):
                made.unlink(missing_ok=True)

    def _start(self, worker: Worker) -> bool:
        restart = worker.started > 0
        try:
            worker.start()
        except AvtalsgenError as exc:
            log.error("worker %d: cannot start: %s", worker.index, exc.message)
            self._fail_next(exc)
            self.stopping.wait(_START_BACKOFF)
            return False
        if restart:
            worker.restarts += 1
        log.info("worker %d: soffice %s started", worker.index, worker.pid)
        return True

    def _fail_next(self, error: AvtalsgenError) -> None:
        """A worker cannot start: the next document waiting fails rather than waits forever
        (only when no other worker runs to take it), told why in its client's language (the
        error's words in each language), not in that of whoever started the converter."""
        if any(w.running for w in self.workers):
            return
        with self.cond:
            task = self.queue.popleft() if self.queue else None
        if task is not None:
            self.failed += 1
            detail = error.texts.get(task.language or "", error.message)
            task.client.send({"id": task.id, "fault": "start", "detail": detail})

    def _settle(self, worker: Worker, task: _Task, outcome: Outcome) -> None:
        if outcome.fault is None:
            task.client.send({"id": task.id, "ok": True})
            return
        log.warning("worker %d: %s: %s %s", worker.index, task.docx, outcome.fault, outcome.detail)
        if outcome.fault in ("crash", "hang") and task.attempts == 0 and not task.client.closed:
            task.attempts += 1
            self.put(task, first=True)  # once more, on a fresh soffice
            return
        self.failed += 1
        task.client.send(
            {"id": task.id, "fault": outcome.fault, "detail": outcome.detail,
             "attempts": task.attempts + 1}
        )  # fmt: skip

    def status(self) -> dict[str, Any]:
        return {
            "protocol": runtime.PROTOCOL,
            "pid": os.getpid(),
            "started": self.started,
            "soffice": self.soffice,
            "queued": len(self.queue),
            "failed": self.failed,
            "workers": [
                {
                    "index": w.index,
                    "pid": w.pid,
                    "rss_mb": w.rss_mb(),
                    "documents": w.documents,
                    "converted": w.converted,
                    "restarts": w.restarts,
                    "state": self.states[w.index],
                    "max_documents": w.max_documents,
                    "max_rss_mb": w.max_rss_mb,
                }
                for w in self.workers
            ],
        }

    def accept(self, listener: socket.socket) -> None:
        """Take connections, each served by a thread of its own, until the converter stops."""
        listener.settimeout(0.5)
        while not self.stopping.is_set():
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            connection.settimeout(None)
            threading.Thread(target=self.serve_client, args=(connection,), daemon=True).start()

    def serve_client(self, sock: socket.socket) -> None:
        """Answer one connection's requests until it closes."""
        client = _Client(sock)
        try:
            with sock.makefile("rb") as lines:
                for line in lines:
                    self._request(client, json.loads(line))
        except (OSError, ValueError) as exc:
            log.warning("a client's request could not be read: %s", exc)
        finally:
            client.closed = True
            with contextlib.suppress(OSError):
                sock.close()

    def serve_request(self, sock: socket.socket, request: dict[str, Any]) -> None:
        """Answer one request from the connection ``sock`` (a test's way in)."""
        self._request(_Client(sock), request)

    def _request(self, client: _Client, request: dict[str, Any]) -> None:
        op = request.get("op")
        if op == "convert":
            task = _Task(
                client,
                request.get("id"),
                Path(request["docx"]),
                Path(request["pdf"]),
                float(request.get("timeout") or 60.0),
                language=request.get("lang") if request.get("lang") in i18n.LANGUAGES else None,
            )
            self.put(task, first=bool(request.get("urgent")))
        elif op == "hello":
            client.send({"protocol": runtime.PROTOCOL, "pid": os.getpid(), "workers": self.size})
        elif op == "status":
            client.send(self.status())
        elif op == "stop":
            client.send({"stopping": True, "pid": os.getpid()})
            os.kill(os.getpid(), signal.SIGTERM)  # the main thread stops everything
        else:
            client.send({"error": f"unknown op {op!r}"})


def _lock(folder: Path) -> int | None:
    """The converter's lock, held until the process ends; None if another holds it."""
    fd = os.open(folder / runtime.LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _listen(path: Path) -> socket.socket:
    """Listen on ``path`` (mode 0600), replacing a socket a killed converter left."""
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
        raise AvtalsgenError(_("{path}: the path is too long for a Unix socket").format(path=path))
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # we hold the lock: whoever made it is gone
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old)
    listener.listen(64)
    return listener


def _ready_pipe(fd: int) -> Callable[[str], None]:
    """Tell the starting process, through the pipe ``fd``, how the start went."""

    def tell(message: str) -> None:
        with contextlib.suppress(OSError):
            os.write(fd, (message + "\n").encode())
        with contextlib.suppress(OSError):
            os.close(fd)

    return tell


def serve(
    workers: int,
    *,
    max_documents: int = MAX_DOCUMENTS,
    max_rss_mb: int = MAX_RSS_MB,
    start_timeout: float = START_TIMEOUT,
    on_ready: Callable[[str], None] | None = None,
) -> int:
    """Run the converter until it is stopped; the exit status.

    ``on_ready``, if given, is called once, when every worker has started (or failed to),
    with ``ready <pid>``, ``running <pid>`` if another converter holds the lock, or
    ``error <message>``.
    """

    def ready(message: str) -> None:
        nonlocal on_ready
        if on_ready is not None:
            on_ready(message)
            on_ready = None

    try:
        folder = runtime.ensure_folder()
        lock = _lock(folder)
    except (AvtalsgenError, OSError) as exc:
        message = exc.message if isinstance(exc, AvtalsgenError) else str(exc)
        ready(f"error {message}")
        return 1
    if lock is None:
        pid = _read_pid(folder)
        ready(f"running {pid or ''}".strip())
        return ALREADY_RUNNING
    handler = logging.FileHandler(folder / runtime.LOG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    pid_file = folder / runtime.PID
    listener: socket.socket | None = None
    converter: Converter | None = None
    served: subprocess.Popen[bytes] | None = None
    threads: list[threading.Thread] = []
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def stop(signum: int, frame: object) -> None:
        raise _Stop

    try:
        for sig in previous:
            signal.signal(sig, stop)
        pid_file.write_text(f"{os.getpid()}\n", encoding="ascii")
        # Listen first: a client that comes while the workers start is answered, and its
        # documents wait for them; a start that finds the lock taken finds the socket too.
        listener = _listen(folder / runtime.SOCKET)
        exports = folder / "exports"
        shutil.rmtree(exports, ignore_errors=True)  # what a killed converter left
        exports.mkdir(mode=0o700)
        converter = Converter(workers, exports)
        threads.append(threading.Thread(target=converter.accept, args=(listener,), daemon=True))
        threads[0].start()
        served = _start_served(folder)
        converter.soffice = soffice = find_soffice(None)
        remove_stale_pipes_once()  # those of soffice processes killed before
        python = uno_python()
        # The first document of each soffice (unless the warm-up is turned off, for tests).
        warm_up = warm_up_document(folder / "warm-up.docx") if runtime.warm_up_wanted() else None
        converter.workers = pool = [
            Worker(i, soffice, python, max_documents=max_documents, max_rss_mb=max_rss_mb,
                   start_timeout=start_timeout, warm_up=warm_up)
            for i in range(workers)
        ]  # fmt: skip
        log.info("converter %d: %d workers, soffice %s", os.getpid(), workers, soffice)
        for worker in pool:
            threads.append(
                threading.Thread(target=converter.run_worker, args=(worker,), daemon=True)
            )
            threads[-1].start()
        deadline = time.monotonic() + start_timeout + 10
        while any(s == "starting" for s in converter.states) and time.monotonic() < deadline:
            time.sleep(0.02)
        if not any(w.running for w in pool):
            raise AvtalsgenError(_("no LibreOffice worker could be started (see converter.log)"))
        _wait_for_served(served, folder, deadline)
        ready(f"ready {os.getpid()}")
        while True:
            time.sleep(3600)  # until SIGTERM, SIGINT or a stop request
    except _Stop:
        log.info("converter %d: stopping", os.getpid())
        return 0
    except AvtalsgenError as exc:
        log.error("%s", exc.message)
        ready(f"error {exc.message}")
        return 1
    finally:
        # Signals are held off while everything is stopped: a second Ctrl-C must not
        # leave a soffice behind.
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        if converter is not None:
            converter.stopping.set()
        if listener is not None:
            with contextlib.suppress(OSError):
                (folder / runtime.SOCKET).unlink()
            listener.close()
        if converter is not None:
            with converter.cond:
                converter.cond.notify_all()
            for worker in converter.workers:
                worker.kill()  # a worker in the middle of a document is killed too
            for thread in threads:
                thread.join(10)
        if served is not None:
            _stop_served(served)
        with contextlib.suppress(OSError):
            (folder / runtime.SERVED).unlink()  # if it could not remove it itself
        with contextlib.suppress(OSError):
            pid_file.unlink()
        shutil.rmtree(folder / "exports", ignore_errors=True)
        log.info("converter %d: stopped", os.getpid())
        log.removeHandler(handler)
        handler.close()
        os.close(lock)
        for sig, action in previous.items():
            signal.signal(sig, action)


def _start_served(folder: Path) -> subprocess.Popen[bytes] | None:
    """Start the preloaded avtalsgen that runs build and utdrag for the ``avtalsgen``
    command (:mod:`avtalsgen.cli.served`); it ends when this process does (its standard
    input closes). None if it cannot be started: commands then run as before."""
    try:
        return subprocess.Popen(  # noqa: S603 - argv list, no shell
            [sys.executable, "-m", "avtalsgen.cli.served", str(folder / runtime.SERVED)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            env=with_jemalloc(os.environ),  # its builds' CPU: see conversion.allocator
        )
    except OSError as exc:
        log.warning("the preloaded avtalsgen could not be started: %s", exc)
        return None


def _stop_served(served: subprocess.Popen[bytes]) -> None:
    """End the preloaded avtalsgen: its standard input closed, it removes its socket and
    ends; one that does not within 5 s is terminated (SIGTERM ends it where it is)."""
    with contextlib.suppress(OSError):
        if served.stdin is not None:
            served.stdin.close()
    try:
        served.wait(5)
    except subprocess.TimeoutExpired:
        served.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            served.wait(5)


def _wait_for_served(served: subprocess.Popen[bytes] | None, folder: Path, deadline: float) -> None:
    """Wait until the preloaded avtalsgen listens (or has ended, or the deadline passed)."""
    while served is not None and served.poll() is None and time.monotonic() < deadline:
        if (folder / runtime.SERVED).exists():
            return
        time.sleep(0.02)


def _read_pid(folder: Path) -> int | None:
    try:
        return int((folder / runtime.PID).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m avtalsgen.conversion.server")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--max-documents", type=int, default=MAX_DOCUMENTS)
    parser.add_argument("--max-rss", type=int, default=MAX_RSS_MB)
    parser.add_argument("--start-timeout", type=float, default=START_TIMEOUT)
    parser.add_argument("--ready-fd", type=int, default=None)
    parser.add_argument("--daemon", action="store_true", help="fork; the parent returns at once")
    parser.add_argument(
        "--lang", choices=i18n.LANGUAGES, default=None, help="its messages' language"
    )
    parser.add_argument(
        "--nice", type=int, default=0, help="run (with LibreOffice) at this lower priority"
    )
    args = parser.parse_args(argv)
    i18n.set_language(args.lang)  # None: the environment's, as before
    if args.nice > 0:  # inherited by every worker and its LibreOffice
        os.nice(args.nice)
    if args.daemon and os.fork() > 0:  # before any thread: the child goes on alone
        os._exit(0)
    return serve(
        max(1, args.workers),
        max_documents=max(1, args.max_documents),
        max_rss_mb=max(1, args.max_rss),
        start_timeout=args.start_timeout,
        on_ready=None if args.ready_fd is None else _ready_pipe(args.ready_fd),
    )


if __name__ == "__main__":
    sys.exit(main())
