"""The warm converter's preloaded avtalsgen: ``build`` and ``utdrag`` without Python's start.

The converter (:mod:`avtalsgen.conversion.server`) starts it beside its workers::

    python -m avtalsgen.cli.served SOCKET

It imports what ``build`` and ``utdrag`` need, pays the first-call costs a build has beyond
its imports by building an example case once (:func:`warm_up`), listens on ``SOCKET`` (mode
0600, in the converter's private folder) and, for each command an ``avtalsgen`` process hands it
(:mod:`avtalsgen.cli.delegate`), forks: the child takes the caller's standard input, output
and error, working folder, environment and umask and runs the command-line as ``avtalsgen``
does, then sends its exit status back. The process itself is single-threaded when it forks (a fork
copies only the thread that calls it) and runs no command but its warm-up, so every child
starts from the same state: libraries imported and warm, nothing cached from a caller's
command.

It refuses a caller whose avtalsgen is another folder, or whose files changed since it
loaded them (:func:`fingerprint`), or whose language of messages differs from its own (the
caller then runs the command itself), and ends when the converter's end of its standard
input closes. The protocol is :mod:`avtalsgen.cli.delegate`'s.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import hashlib
import io
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from avtalsgen import i18n
from avtalsgen.cli.delegate import PACKAGE
from avtalsgen.conversion import runtime
from avtalsgen.conversion.runtime import LOG


def fingerprint() -> str:
    """A digest of avtalsgen's own files (path, size, modification time): a process that
    loaded other files must not run the command. Taken again for every command (about a
    millisecond)."""
    entries: list[str] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as found:
            for entry in found:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.name.endswith((".py", ".mo")):
                    info = entry.stat()
                    entries.append(f"{prefix}{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\n")

    walk(PACKAGE, "")
    return hashlib.sha256("".join(sorted(entries)).encode()).hexdigest()


def preload() -> None:
    """Import what a build and the protocol extracts need (about 0.25 s of every start),
    and make the whole command line once, which every child runs (a command run in a
    process of its own makes its own command alone: :func:`avtalsgen.cli.app.command`)."""
    import pikepdf  # noqa: F401
    import pypdfium2  # noqa: F401
    import rich.progress  # a build's display on a terminal (build/progress.py)
    import rich.table  # noqa: F401

    import avtalsgen.build.batch
    import avtalsgen.build.casework
    import avtalsgen.build.manifest
    import avtalsgen.build.progress
    import avtalsgen.cli.app
    import avtalsgen.conversion.convert
    import avtalsgen.conversion.warm
    import avtalsgen.documents.factcheck
    import avtalsgen.documents.render
    import avtalsgen.meetings.extract
    import avtalsgen.pdf.assemble

    avtalsgen.cli.app.command()


#: The example case the warm-up builds, in the source tree avtalsgen runs from (beside the
#: templates it ships): the seed case, whose build has every step a case's build has.
EXAMPLE_CASE = Path("cases") / "RUN-00386-2023.yaml"


def warm_up(folder: Path) -> str:
    """Build :data:`EXAMPLE_CASE` once, as a caller's ``build`` would (its documents through
    the converter, which queues them until its workers are up), into a scratch folder in
    the converter's ``folder`` that is removed again; a line for the log.

    A build in a process with the libraries imported still spends about 0.2 s of CPU on
    what only its first run does (the templates' Jinja code compiled, python-docx's and
    fontTools' modules and tables loaded as first used, Babel's locale data, the command
    line's Click objects): paid here once, not in every forked child. What it leaves behind
    are caches keyed by content or by file and time of change, which a caller's build uses
    only where they are true of its files. Without the source tree's example (an installed
    avtalsgen), nothing is built."""
    from avtalsgen.documents.templates import shipped_templates

    templates = shipped_templates()
    case = templates.parent / EXAMPLE_CASE
    if not case.is_file():
        return f"no warm-up: no {EXAMPLE_CASE} beside the templates"
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="warm-up-", dir=folder))
    argv = sys.argv
    status: int | str
    try:
        status = _run(["build", str(case), "--output", str(scratch), "--templates",
                       str(templates), "--force"])  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - a failed warm-up only leaves the children colder
        status = f"{type(exc).__name__}: {exc}"
    finally:
        sys.argv = argv
        shutil.rmtree(scratch, ignore_errors=True)
    _single_threaded()
    gc.collect()
    seconds = time.monotonic() - started
    return f"warmed up in {seconds:.2f} s by a build of {case.name} (status {status})"


def _single_threaded(timeout: float = 10.0) -> None:
    """Wait until every thread but this one has ended (a fork copies only this one, and a
    lock another held would stay locked in the child)."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))


def _log(listener: socket.socket, line: str) -> None:
    """A line in the converter's log, beside the socket."""
    _log_in(Path(listener.getsockname()).parent, line)


def _log_in(folder: Path, line: str) -> None:
    """A line in the converter's log, in its ``folder``."""
    log = folder / LOG
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    with contextlib.suppress(OSError), log.open("a", encoding="utf-8") as handle:
        handle.write(f"{stamp} INFO {line}\n")


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def serve(path: str) -> int:
    mine = fingerprint()
    preload()
    if runtime.warm_up_wanted():
        _log_in(Path(path).parent, warm_up(Path(path).parent))
    else:
        _log_in(Path(path).parent, f"no warm-up: {runtime.WARM_UP_ENV}=0")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    Path(path).unlink(missing_ok=True)  # the converter holds its folder's lock: it is ours
    old = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old)
    listener.listen(16)
    gc.freeze()  # what is loaded stays shared with the children
    try:
        while True:
            ready, _w, _x = select.select([listener, sys.stdin], [], [], 1.0)
            _reap()
            if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1024):
                return 0  # the converter is gone
            if listener in ready:
                connection, _address = listener.accept()
                with contextlib.suppress(OSError, ValueError):
                    _handle(connection, listener, mine)
                connection.close()
    finally:
        with contextlib.suppress(OSError):
            Path(path).unlink()
        listener.close()


def _handle(connection: socket.socket, listener: socket.socket, mine: str) -> None:
    connection.settimeout(5.0)
    message, fds, _flags, _address = socket.recv_fds(connection, 1 << 20, 3)
    try:
        while not message.endswith(b"\n"):
            more = connection.recv(1 << 20)
            if not more:
                raise ValueError("cut short")
            message += more
        request = _request(message)
        if request["package"] != PACKAGE or fingerprint() != mine or len(fds) != 3:
            connection.sendall(b"refused other files\n")
            return
        if _language(request) != i18n.current_language():
            connection.sendall(b"refused another language\n")
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            listener.close()
            _child(connection, fds, request)  # never returns
        _log(listener, f"served {' '.join(request['argv'])[:200]} (pid {pid})")
    finally:
        for fd in fds:
            os.close(fd)


def _request(message: bytes) -> dict[str, Any]:
    """The caller's request (see :mod:`avtalsgen.cli.delegate`); ValueError if it is not
    one."""
    try:
        request = ast.literal_eval(message.decode("utf-8", "surrogateescape"))
    except (SyntaxError, MemoryError, RecursionError, UnicodeError) as exc:
        raise ValueError("not a request") from exc
    kinds = {"argv": list, "cwd": str, "env": dict, "umask": int, "package": str}
    if not isinstance(request, dict) or any(
        not isinstance(request.get(key), kind) for key, kind in kinds.items()
    ):
        raise ValueError("not a request")
    strings = [*request["argv"], *request["env"].keys(), *request["env"].values()]
    if not all(isinstance(value, str) for value in strings):
        raise ValueError("not a request")
    return request


def _language(request: dict[str, Any]) -> str:
    """The language the caller's command speaks: its ``--lang``, else its environment's."""
    from avtalsgen.cli.main import language_in

    language = language_in(request["argv"])
    if language in i18n.LANGUAGES:
        return language
    return i18n.language_from_environment(request["env"])


def _child(connection: socket.socket, fds: list[int], request: dict[str, Any]) -> None:
    """Run the command in this forked child; exit with its status."""
    status = 1
    try:
        connection.settimeout(None)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            os.close(fd)
        fds.clear()
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(
            io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=os.isatty(1)
        )
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace",
            line_buffering=True,
        )  # fmt: skip
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.umask(int(request["umask"]))
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        connection.sendall(f"pid {os.getpid()}\n".encode())
        threading.Thread(target=_listen, args=(connection,), daemon=True).start()
        status = _run(list(request["argv"]))
    except BaseException:  # noqa: BLE001 - whatever happens, the caller gets a status
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        with contextlib.suppress(OSError):
            connection.sendall(f"exit {status}\n".encode())
        os._exit(status)


def _listen(connection: socket.socket) -> None:
    """Signals the caller passes on; the caller gone: stop as by SIGTERM."""
    with contextlib.suppress(OSError, ValueError), connection.makefile("rb") as lines:
        for line in lines:
            word, _sp, value = line.decode().strip().partition(" ")
            if word == "signal" and int(value) in PASSED_ON:
                os.kill(os.getpid(), int(value))
    os.kill(os.getpid(), signal.SIGTERM)


#: The signals a caller passes on (see :mod:`avtalsgen.cli.delegate`).
PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _run(argv: list[str]) -> int:
    """The command line, as :func:`avtalsgen.cli.main.run` runs it; its exit status."""
    from avtalsgen import i18n
    from avtalsgen.cli.app import run as run_app
    from avtalsgen.cli.main import language_in

    language = language_in(argv)
    i18n.set_language(language if language in i18n.LANGUAGES else None)
    sys.argv = ["avtalsgen", *argv]
    try:
        run_app(exit_when_interrupted=False)  # the caller gets the status first
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        sys.stderr.write(f"{code}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
