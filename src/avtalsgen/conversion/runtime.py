"""Where the warm converter lives: a folder of the user's own, and the files in it.

The folder is ``$AVTALSGEN_CONVERTER_DIR`` if set, else ``$XDG_RUNTIME_DIR/avtalsgen`` (the
user's runtime folder, which only the user may enter), else ``/tmp/avtalsgen-<uid>``. It is
made with mode 0700 and refused unless it is a folder (not a link) of the user's with no
access for others, so that nobody else can reach the converter's socket or plant files in
it. It holds:

- ``converter.sock``: the Unix socket the converter listens on (mode 0600);
- ``converter.lock``: locked (flock) by the running converter for its whole life, so two
  starts at once give one converter, and a socket left by a converter that was killed is
  known to be stale (nobody holds the lock) and removed by the next start;
- ``converter.pid``: the converter's pid, for ``avtalsgen converter stop`` when its socket
  does not answer;
- ``converter.log``: what the converter did (starts, restarts, faults), for a person to read;
- ``served.sock``: the socket of the converter's preloaded avtalsgen, which runs ``build``
  and ``utdrag`` for the ``avtalsgen`` command (:mod:`avtalsgen.cli.served`, mode 0600).
"""

from __future__ import annotations

import os
import stat

from avtalsgen.errors import ConversionError, os_reason

# The ``avtalsgen`` command reads this module before it imports anything else, to hand its
# command to a running converter (avtalsgen.cli.delegate): pathlib, typing and the
# messages' catalogues are imported only where they are needed.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

SOCKET = "converter.sock"
LOCK = "converter.lock"
PID = "converter.pid"
LOG = "converter.log"
SERVED = "served.sock"

#: Set to ``0``, a converter starts without warming up: its preloaded avtalsgen builds no
#: example case and its workers convert no first document before they take work (see
#: :func:`warm_up_wanted`). For tests that start many converters and measure no latency;
#: unset, or any other value, warms up as a user's converter does.
WARM_UP_ENV = "AVTALSGEN_CONVERTER_WARM_UP"

#: Version of the converter's protocol (JSON lines on its socket); a client that finds
#: another does not use it.
PROTOCOL = 1


def folder() -> Path:
    """The converter's folder (it need not exist; see :func:`ensure_folder`)."""
    from pathlib import Path

    return Path(folder_name())


def folder_name() -> str:
    """:func:`folder`, as a string."""
    explicit = os.environ.get("AVTALSGEN_CONVERTER_DIR", "")
    if explicit:
        return explicit
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):  # noqa: PTH112, PTH117
        return f"{runtime.rstrip('/')}/avtalsgen"
    return f"/tmp/avtalsgen-{os.getuid()}"  # checked: ours, 0700


def ensure_folder() -> Path:
    """Make the converter's folder if needed (mode 0700) and check that it is private."""
    path = folder()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
    except OSError as exc:
        from avtalsgen.i18n import _

        raise ConversionError(
            _("{folder}: cannot make the converter's folder: {error}").format(
                folder=path, error=os_reason(exc)
            )
        ) from None
    check_private(path, info)
    return path


def check_private(path: Path | str, info: os.stat_result | None = None) -> None:
    """Refuse a folder that is a link, someone else's, or open to others."""
    info = os.lstat(path) if info is None else info
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.getuid()
        or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    ):
        from avtalsgen.i18n import _

        raise ConversionError(
            _(
                "{folder}: the converter's folder must be a folder of yours that nobody else "
                "may enter (mode 0700); remove it or set AVTALSGEN_CONVERTER_DIR"
            ).format(folder=path)
        )


def warm_up_wanted() -> bool:
    """Whether a converter started now warms up (:data:`WARM_UP_ENV` is not ``0``)."""
    return os.environ.get(WARM_UP_ENV, "").strip() != "0"


def socket_path() -> Path:
    return folder() / SOCKET


def umask() -> int:
    """This process's umask, read without changing it where Linux tells it
    (``/proc/self/status``): a client of the converter passes it on, and gives the files it
    receives the mode it gives."""
    try:
        fd = os.open("/proc/self/status", os.O_RDONLY | os.O_CLOEXEC)
        try:
            status = os.read(fd, 1 << 16)
        finally:
            os.close(fd)
        for line in status.splitlines():
            if line.startswith(b"Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old
