"""Hand ``avtalsgen build`` and ``utdrag`` to the warm converter's preloaded avtalsgen.

Starting Python and importing what a build needs takes about a quarter of a second, as long
as a small build's own work once LibreOffice is warm. While a converter runs, it keeps an
avtalsgen process with those libraries loaded (:mod:`avtalsgen.cli.served`); the
``avtalsgen`` command, before it imports anything of its own, gives such a command to it:
its standard input, output and error (passed as file descriptors), arguments, working
folder, environment, umask and the folder of its avtalsgen package. A copy of the preloaded
process (a fork) runs the command on the caller's terminal, exactly as ``avtalsgen`` would,
and sends back its exit status. Ctrl-C, SIGTERM and SIGHUP are passed on to it; if this
process dies, the command is stopped as by SIGTERM.

Nothing is handed over when no converter answers, with ``--help``, or when the preloaded
process refuses: its avtalsgen is another folder, or its files changed since it loaded them
(:func:`avtalsgen.cli.served.fingerprint`), or the language of messages is not its own (the
command line's help and usage texts are translated as it is defined): the command then runs
here as before.

This module runs first in every ``avtalsgen`` command, so it imports as little as it can:
the C modules behind :mod:`socket` and :mod:`signal` (those import :mod:`enum`), no
:mod:`json` (which imports :mod:`re`) and no :mod:`pathlib`. Together these were 15-20 ms
of a start that is about 45 ms of CPU in all. The request is a Python literal (a dict of
strings, lists and an int, read with :func:`ast.literal_eval`); the answers are lines of
text: ``pid N``, ``refused REASON`` and ``exit N``; the caller sends ``signal N``.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # signal's C module (no stubs)
import _socket
import os
import sys

from avtalsgen.conversion import runtime
from avtalsgen.errors import ConversionError

#: The commands a preloaded avtalsgen runs.
SERVED = ("build", "utdrag")
#: The folder of this avtalsgen package (``.../avtalsgen``).
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # noqa: PTH100, PTH120
#: The signals passed on to the command.
FORWARDED: tuple[int, ...] = (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP)


def command_named(argv: list[str]) -> str | None:
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


def _descriptors(fds: list[int]) -> bytes:
    """File descriptors as SCM_RIGHTS carries them (C ints)."""
    return b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in fds)


def run_served(argv: list[str]) -> int | None:
    """Run the command by the preloaded avtalsgen; its exit status, or None to run it here."""
    if command_named(argv) not in SERVED or {"--help", "-h"} & set(argv):
        return None
    try:
        folder = runtime.folder_name()
        runtime.check_private(folder)
    except (OSError, ConversionError):  # no converter, or one not to be used
        return None
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(f"{folder}/{runtime.SERVED}")
        request = {
            "argv": argv,
            "cwd": os.getcwd(),  # noqa: PTH109 - no pathlib here
            "env": dict(os.environ),
            "umask": runtime.umask(),
            "package": PACKAGE,
        }
        data = repr(request).encode("utf-8", "surrogateescape") + b"\n"
        ancillary = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, _descriptors([0, 1, 2]))]
        sent = sock.sendmsg([data], ancillary)
        if sent < len(data):
            sock.sendall(data[sent:])
        lines = _Lines(sock)
        first = lines.next()
    except (OSError, ValueError):
        sock.close()
        return None
    if not first.startswith("pid "):  # refused (another avtalsgen, files or language), or gone
        sock.close()
        return None
    return _wait(sock, lines)


class _Lines:
    """The lines of text a socket receives."""

    def __init__(self, sock: _socket.socket) -> None:
        self._sock = sock
        self._data = b""

    def next(self) -> str:
        """The next line; "" at the end of the connection."""
        while b"\n" not in self._data:
            chunk = self._sock.recv(4096)
            if not chunk:
                return ""
            self._data += chunk
        line, _nl, self._data = self._data.partition(b"\n")
        return line.decode("utf-8", "replace")


def _wait(sock: _socket.socket, lines: _Lines) -> int:
    """Pass signals on until the command's exit status comes."""

    def forward(signum: int, frame: object) -> None:
        try:
            sock.sendall(f"signal {signum}\n".encode())
        except OSError:  # the command has ended
            return

    for signum in FORWARDED:
        _signal.signal(signum, forward)
    try:
        while line := lines.next():
            word, _sp, value = line.partition(" ")
            if word == "exit":
                return int(value)
    except (OSError, ValueError):
        pass
    from avtalsgen.cli.main import set_language
    from avtalsgen.i18n import _

    set_language(sys.argv[1:])
    sys.stderr.write(_("the converter ended during the command") + "\n")
    return 1
