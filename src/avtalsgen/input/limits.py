"""What a case, program or meeting file may be: its size, its nesting, its number of values;
and its bytes, read within them.

Apart from the case file's reader (input/load.py) so that what reads a file's Dnr alone
(input/filednr.py, asked by every command of every file in a folder) keeps the same limits
without importing the models.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from avtalsgen.errors import CaseError, os_reason
from avtalsgen.i18n import _, format_number

#: The largest case, program or meeting file read: 16 times the program file (16 kB).
MAX_FILE_BYTES = 256 * 1024
#: The deepest nesting of lists and mappings read (the models nest about six levels).
MAX_DEPTH = 20
#: The most values (texts, numbers, lists, mappings) read from one file: the program file
#: holds about 400, and parsing 20 000 takes about half a second.
MAX_NODES = 20_000
#: The longest integer read, in characters (amounts and § numbers are far shorter).
MAX_INTEGER_CHARS = 20


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``, refusing anything but a regular file of at most 256 kB.

    Raises :class:`CaseError` with the reason, in the user's language.
    """
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise CaseError([_("{path}: file not found").format(path=path)]) from None
    except OSError as exc:
        raise CaseError([_cannot_read(path, exc)]) from None
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise CaseError([_("{path}: is a folder, not a file").format(path=path)])
        if not stat.S_ISREG(info.st_mode):
            raise CaseError(
                [_("{path}: not a regular file (a device or a pipe?)").format(path=path)]
            )
        with os.fdopen(handle, "rb", closefd=False) as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CaseError([_cannot_read(path, exc)]) from None
    finally:
        os.close(handle)
    if len(raw) > MAX_FILE_BYTES:
        size = max(info.st_size, len(raw))
        raise CaseError(
            [
                _(
                    "{path}: the file is {size}; case and program files are at most {limit} "
                    "(is it the right file?)"
                ).format(path=path, size=_size(size), limit=_size(MAX_FILE_BYTES))
            ]
        )
    return raw


def _cannot_read(path: Path, exc: OSError) -> str:
    return _("{path}: cannot read: {reason}").format(path=path, reason=os_reason(exc))


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{format_number(count / (1024 * 1024), 1)} MB"
    return f"{-(-count // 1024)} kB"  # rounded up: 256 kB and one byte is 257 kB
