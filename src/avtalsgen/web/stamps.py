"""The stamps of files by which the pages keep what they read from them.

Every list page shows every case, and twenty people may look at one while a batch keeps
both cores busy: so what a page reads of a file is kept by the file's stamp (time of change
in ns, size and inode: a file replaced by an atomic write is a new inode even within the
same nanosecond) and read again only when it changed. :class:`Folders` are the stamps of
the folders every case's key holds (the program, meeting and template files), taken once a
request rather than once a case, and :class:`Seen` those and each output folder's listing,
taken once a request however many kept results ask for them.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from avtalsgen.web.config import WebConfig

#: A file as it is when read: its name, time of change (ns), size and inode.
Stamp = tuple[str, int, int, int]

_V = TypeVar("_V")


class Kept(Generic[_V]):
    """What a page read, kept by a key of the stamps of what it was read from (and the day
    or the language where it says so); started again when ``limit`` keys are kept. The
    web's caches are each one of these (mend18's helper, review18 10)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._found: dict[Hashable, _V] = {}

    def get(self, key: Hashable, make: Callable[[], _V]) -> _V:
        """The value kept by ``key``, made by ``make`` and kept when there is none."""
        if key in self._found:
            return self._found[key]
        found = make()
        self.keep(key, found)
        return found

    def keep(self, key: Hashable, value: _V) -> None:
        """Keep ``value`` by ``key`` (made by the caller: several at once)."""
        if len(self._found) >= self._limit:
            self._found.clear()
        self._found[key] = value

    def __contains__(self, key: Hashable) -> bool:
        return key in self._found

    def __getitem__(self, key: Hashable) -> _V:
        return self._found[key]


def stamp(path: Path) -> tuple[int, int, int] | None:
    """The time of change, size and inode of the file ``path`` (None: not a file)."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def listing(folder: Path, suffixes: tuple[str, ...] = ()) -> tuple[Stamp, ...]:
    """The files directly in ``folder`` (those ending in one of ``suffixes``, all when none
    is given) with their stamps, sorted; empty when there is no such folder."""
    found: list[Stamp] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if suffixes and not entry.name.endswith(suffixes):
                    continue
                try:
                    info = entry.stat()
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    found.append((entry.name, info.st_mtime_ns, info.st_size, info.st_ino))
    except OSError:
        return ()
    found.sort()
    return tuple(found)


def stamps(paths: Sequence[Path]) -> tuple[object, ...]:
    """The stamps of ``paths`` (attachments), each with its path."""
    return tuple((str(path), stamp(path)) for path in paths)


@dataclass(frozen=True)
class Folders:
    """What every case's kept results depend on beside its own files, as it is at one
    request: the program files (a case's facts and problems), the meeting files (its
    decisions), the templates (whether a build would make its documents the same), the
    day (a meeting is held, and its minutes justerade, on a day, whatever the files say)
    and the language of messages (the words kept)."""

    program: tuple[Stamp, ...]
    meetings: tuple[Stamp, ...]
    templates: tuple[Stamp, ...]
    today: dt.date
    language: str

    @classmethod
    def of(cls, config: WebConfig) -> Folders:
        """The folders of the app's settings ``config`` as they are now."""
        from avtalsgen import clock
        from avtalsgen.i18n import current_language

        return cls(
            listing(config.cases / "program", (".yaml",)), listing(config.meetings, (".yaml",)),
            listing(config.templates, (".docx",)), clock.today(), current_language(),
        )  # fmt: skip


class Seen:
    """The stamps one request takes, each once: the :class:`Folders`, and the listing of
    each case's output folder, which its row and its packet's checks are both kept by."""

    def __init__(self, config: WebConfig) -> None:
        self.folders = Folders.of(config)
        self._listings: dict[Path, tuple[Stamp, ...]] = {}

    def listing(self, folder: Path) -> tuple[Stamp, ...]:
        """:func:`listing` of ``folder``, as it was when this request first asked."""
        found = self._listings.get(folder)
        if found is None:
            found = self._listings[folder] = listing(folder)
        return found
