"""Hand ``avtalsgen build`` and ``utdrag`` to the warm converter's preloaded avtalsgen.

Starting Python and importing what a build needs takes about a quarter of a second, as long
as a small build's own work once LibreOffice is warm. While a converter runs, it keeps an
avtalsgen process with those libraries loaded (:mod:`avtalsgen.cli.served`); the
``avtalsgen`` command, before it imports anything of its own, gives such a command to it:
its standard input, output and error (passed as file descriptors), arguments, working
folder, environment and umask. A copy of the preloaded process (a fork) runs the command on
the caller's terminal, exactly as ``avtalsgen`` would, and sends back its exit status.
Ctrl-C, SIGTERM and SIGHUP are passed on to it; if this process dies, the command is stopped
as by SIGTERM.

Nothing is handed over when no converter answers, with ``--help``, when avtalsgen's files
differ from those the preloaded process loaded (:func:`fingerprint`), or when the language
of messages differs from its own (the command line's help and usage texts are translated as
it is defined): the command then runs here as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

#: The commands a preloaded avtalsgen runs.
SERVED = ("build", "utdrag")
#: The socket of the preloaded avtalsgen, in the converter's folder.
PACKAGE = Path(__file__).resolve().parent.parent


def fingerprint() -> str:
    """A digest of avtalsgen's own files (path, size, modification time): a process that
    loaded other files must not run the command."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".mo") and "__pycache__" not in path.parts:
            info = path.stat()
            entry = f"{path.relative_to(PACKAGE)}\0{info.st_size}\0{info.st_mtime_ns}\n"
            digest.update(entry.encode())
    return digest.hexdigest()


def _command(argv: list[str]) -> str | None:
    """The command named in ``argv``, past the global options."""
    skip = False
    for argument in argv:
        if skip:
            skip = False
        elif argument == "--lang":
            skip = True
        elif not argument.startswith("-"):
            return argument
    return None


def run_served(argv: list[str]) -> int | None:
    """Run the command by the preloaded avtalsgen; its exit status, or None to run it here."""
    if _command(argv) not in SERVED or {"--help", "-h"} & set(argv):
        return None
    from avtalsgen import i18n
    from avtalsgen.conversion import runtime
    from avtalsgen.errors import ConversionError

    folder = runtime.folder()
    try:
        runtime.check_private(folder)
    except (OSError, ConversionError):  # no converter, or one not to be used: run it here
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(folder / runtime.SERVED))
        request = {
            "argv": argv,
            "cwd": str(Path.cwd()),
            "env": dict(os.environ),
            "umask": runtime.umask(),
            "fingerprint": fingerprint(),
            "language": i18n.current_language(),
        }
        socket.send_fds(sock, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        lines = sock.makefile("rb")
        first = json.loads(lines.readline() or b"{}")
    except (OSError, ValueError):
        sock.close()
        return None
    if "pid" not in first:  # refused (other files), or gone
        sock.close()
        return None
    return _wait(sock, lines)


def _wait(sock: socket.socket, lines: Any) -> int:
    """Pass signals on until the command's exit status comes."""

    def forward(signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):
            sock.sendall(json.dumps({"signal": signum}).encode() + b"\n")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        for line in lines:
            answer = json.loads(line)
            if "exit" in answer:
                return int(answer["exit"])
    except (OSError, ValueError):
        pass
    from avtalsgen.i18n import _

    sys.stderr.write(_("the converter ended during the command") + "\n")
    return 1
