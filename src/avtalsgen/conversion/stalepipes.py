"""The IPC sockets that LibreOffice processes killed with SIGKILL leave in ``/tmp``: removed
when a converter or a pool of soffice processes starts.

Each soffice makes a Unix socket named by its profile, ``OSL_PIPE_<uid>_SingleOfficeIPC_<md5
of the profile's URL>``, and the warm converter's bridge one per worker,
``OSL_PIPE_<uid>_avtalsgen-<pid>-<worker>-<hex>``, both in ``/tmp`` (or ``/var/tmp``), which
LibreOffice uses whatever ``TMPDIR`` says. A clean exit removes them, and so does avtalsgen
after it kills a soffice itself; a soffice killed by anyone else (the kernel out of memory,
``kill -9`` of a converter, a test) leaves them behind, a new name each time: hundreds were
found on a development machine, and nothing removed them.

Only this user's sockets of those two names are looked at, and one is removed only when its
owner is gone: no socket of this network namespace is bound to its path (``/proc/net/unix``),
a connection to it is refused (nobody listens, in any namespace), and it is older than a
minute (a soffice that has just bound its socket may not listen on it yet).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

#: Where LibreOffice makes its pipes (sal/osl/unx/pipe.cxx: fixed folders, tried in order).
FOLDERS: Final = ("/tmp", "/var/tmp")

#: Seconds a socket file must have existed before it may be called stale.
MIN_AGE: Final = 60.0

#: How long a connection to a socket may take to be refused or taken (a busy soffice's
#: backlog may be full: then it is alive).
_PROBE_TIMEOUT: Final = 0.5

_started = False
_lock = threading.Lock()


def _ours(uid: int) -> re.Pattern[str]:
    """The names of this user's LibreOffice pipes that avtalsgen's soffice processes make."""
    return re.compile(rf"OSL_PIPE_{uid}_(?:SingleOfficeIPC_[0-9a-f]+|avtalsgen-\d+-\d+-[0-9a-f]+)")


def remove_stale_pipes(folders: Sequence[str] = FOLDERS, *, min_age: float = MIN_AGE) -> list[Path]:
    """Remove this user's LibreOffice pipe sockets in ``folders`` whose owner is gone (see
    the module's text); the sockets removed."""
    uid = os.getuid()
    name = _ours(uid)
    bound = bound_paths()
    now = time.time()
    removed = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not name.fullmatch(entry.name) or entry.path in bound:
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISSOCK(info.st_mode) or info.st_uid != uid:
                continue
            if now - info.st_mtime < min_age or _listened_on(entry.path):
                continue
            with contextlib.suppress(OSError):
                if os.lstat(entry.path).st_ino == info.st_ino:  # not made anew meanwhile
                    Path(entry.path).unlink()
                    removed.append(Path(entry.path))
    return removed


def remove_stale_pipes_once() -> None:
    """:func:`remove_stale_pipes` in the background, the first time a process asks (the
    start of a converter or of a pool of soffice processes): it never delays the start."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=remove_stale_pipes, name="stale-pipes", daemon=True).start()


def bound_paths() -> set[str]:
    """The paths of the Unix sockets bound in this network namespace."""
    try:
        rows = Path("/proc/net/unix").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {fields[7] for row in rows.splitlines()[1:] if len(fields := row.split()) >= 8}


def _listened_on(path: str) -> bool:
    """Whether a process listens on the Unix socket at ``path``: only a refused connection
    says that none does (a socket of another network namespace, or one too busy to take
    the connection in time, is alive)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(_PROBE_TIMEOUT)
        try:
            probe.connect(path)
        except ConnectionRefusedError:
            return False
        except OSError:
            return True
    return True
