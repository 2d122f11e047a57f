"""A case that failed because the disk was full (or the disk quota used up): one clear
message naming the case's output folder and what to do.

Where the disk fills, each step that writes fails in its own words: the packet's save
named its file in the staging folder (".avtalsgen-staging-build-…/0001/paket.pdf: paketet
kan inte skrivas: disken är full"), LibreOffice's export its temporary PDF, and none said
what to do (found by qa17). Whatever step it was, the case's message is the same, but
where the file that could not be written lies outside the output folder (the converter's
folder, the temporary folder): then it names that file's folder, whose disk is full.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from avtalsgen.build.outcome import CaseOutcome, Status
from avtalsgen.build.workspace import shown
from avtalsgen.errors import os_reason
from avtalsgen.i18n import _

#: The errors of a disk with no room left, which only a write can meet.
NO_ROOM = (errno.ENOSPC, errno.EDQUOT)


def _room_error(outcome: CaseOutcome) -> tuple[int, str | None] | None:
    """The errno of a full disk that failed the case and the file it could not write (if
    told), from its exception (and what caused it) or else the words its message gives
    that error in (the current language's or the C library's), if any."""
    exc: BaseException | None = outcome.exception
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in NO_ROOM:
            return exc.errno, exc.filename if isinstance(exc.filename, str) else None
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    text = outcome.error or ""
    for code in NO_ROOM:
        said = (os.strerror(code), os_reason(OSError(code, os.strerror(code))))
        if any(words in text for words in said):
            return code, None
    return None


def _outside(file: str, root: Path) -> bool:
    """Whether ``file`` lies outside the output folder ``root`` (its staging folders are
    in it): the converter's folder, the temporary folder."""
    return not Path(file).resolve().is_relative_to(root.resolve())


def told_plainly(outcome: CaseOutcome, root: Path) -> None:
    """Give a case that failed for want of room on the disk the one message that says so,
    naming its folder in the output folder ``root`` (or the folder outside it of the file
    that could not be written)."""
    if outcome.status != Status.FAILED or outcome.error is None:
        return
    found = _room_error(outcome)
    if found is None:
        return
    code, file = found
    if file is not None and _outside(file, root):  # another folder's disk is full
        message = (
            _("{folder}/: a file cannot be written there: the disk is full; free some space "
              "and build again")
            if code == errno.ENOSPC
            else _("{folder}/: a file cannot be written there: the disk quota is used up; "
                   "free some space, or ask for a larger quota, and build again")
        )  # fmt: skip
        outcome.error = message.format(folder=shown(Path(file).parent))
        return
    folder = shown(root / outcome.dnr if outcome.dnr else root)
    message = (
        _(
            "{folder}/: the case's documents cannot be written: the disk is full; free some "
            "space and build again"
        )
        if code == errno.ENOSPC
        else _(
            "{folder}/: the case's documents cannot be written: the disk quota is used up; "
            "free some space, or ask for a larger quota, and build again"
        )
    )
    outcome.error = message.format(folder=folder)
