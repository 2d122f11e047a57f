"""No LibreOffice outlives avtalsgen, however it ends.

Every soffice runs in a process group of its own, which avtalsgen kills when it is done with
it, when it is interrupted or when an error unwinds it. A process that is killed (SIGKILL)
or crashes in native code runs no clean-up, though. So the first soffice start also starts a
small watcher process, which is told of every soffice process group while it runs, and of
its work folder; when avtalsgen's end of the pipe to it closes, as the kernel closes it on
any exit, the watcher kills the groups it was not told are gone, removes their work folders
(which may be in memory, see :func:`avtalsgen.conversion.soffice.scratch_dir`), and exits.

A work folder is made by :func:`work_folder` (or :func:`make_folder` and
:func:`remove_folder`), which tells the watcher of it before it exists: avtalsgen killed
between making the folder and starting soffice in it, or after soffice is done and before
the folder is removed, leaves none either.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

#: The watcher: reads "+pgid folder" and "-pgid" lines of process groups, "*folder" and
#: "/folder" lines of work folders; at end of input kills the groups left and removes their
#: folders (after soffice is gone, or half a second), and the work folders left.
_WATCHER = """
import os, shutil, signal, sys, time
groups, folders = {}, set()
for line in sys.stdin:
    kind, rest = line[:1], line[1:].rstrip("\\n")
    if kind == "*":
        folders.add(rest)
    elif kind == "/":
        folders.discard(rest)
    elif kind == "+":
        pgid, _, folder = rest.partition(" ")
        groups[int(pgid)] = folder
    else:
        groups.pop(int(rest), None)
for pgid in groups:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
deadline = time.monotonic() + 0.5
for pgid, folder in groups.items():
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except OSError:
            break
        time.sleep(0.02)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
for folder in folders:
    shutil.rmtree(folder, ignore_errors=True)
"""

_lock = threading.Lock()
_watcher: subprocess.Popen[str] | None = None  # kept: a collected Popen warns while it runs
_pipe: IO[str] | None = None
_started = False


def watch(pgid: int, folder: Path | None = None) -> None:
    """Have the process group ``pgid`` killed, and its work ``folder`` removed, if avtalsgen
    ends while it runs."""
    _tell(f"+{pgid} {folder.absolute()}" if folder is not None else f"+{pgid}")


def forget(pgid: int) -> None:
    """The process group ``pgid`` is gone (its number may be given to another)."""
    _tell(f"-{pgid}")


def make_folder(prefix: str, parent: str | None = None) -> Path:
    """A new, empty work folder (mode 0700) named ``prefix`` and a random part, in
    ``parent`` (None: Python's temporary folder), that the watcher removes if avtalsgen
    ends before :func:`remove_folder` removes it. The watcher is told of it first."""
    base = Path(parent if parent is not None else tempfile.gettempdir()).absolute()
    for _attempt in range(100):
        folder = base / f"{prefix}{secrets.token_hex(6)}"
        _tell(f"*{folder}")
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # another's: not ours to remove
            _tell(f"/{folder}")
            continue
        return folder
    raise FileExistsError(f"no free name for a work folder {base / prefix}...")


def remove_folder(folder: Path) -> None:
    """Remove the work ``folder`` made by :func:`make_folder`, then forget it."""
    shutil.rmtree(folder, ignore_errors=True)
    _tell(f"/{folder.absolute()}")


@contextlib.contextmanager
def work_folder(prefix: str, parent: str | None = None) -> Iterator[Path]:
    """:func:`make_folder`, removed on the way out (:func:`remove_folder`)."""
    folder = make_folder(prefix, parent)
    try:
        yield folder
    finally:
        remove_folder(folder)


def _tell(line: str) -> None:
    global _watcher, _pipe, _started
    with _lock:
        if not _started:
            _started = True
            _watcher = _start()
            _pipe = _watcher.stdin if _watcher is not None else None
        if _pipe is None:
            return
        try:
            _pipe.write(line + "\n")
            _pipe.flush()
        except OSError:  # the watcher is gone; soffice is still killed on every normal path
            with contextlib.suppress(OSError):
                _pipe.close()
            _pipe = None


def _start() -> subprocess.Popen[str] | None:
    """Start the watcher, in a session of its own (Ctrl-C on the terminal does not stop
    it); None if it cannot be started."""
    try:
        return subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-I", "-S", "-c", _WATCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            text=True,
        )
    except OSError:
        return None
