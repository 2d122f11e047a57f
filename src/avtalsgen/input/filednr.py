"""A file's Dnr as its YAML reads it, without importing the models.

Every command that asks which Dnr a file holds asks :func:`file_dnr`: the check for two
case files of one Dnr (input/duplicates.py), the output folders whose case file is gone
(build/leftovers.py), the web's pages, the index of a meeting's cases (through
:func:`avtalsgen.input.kinds.peek`). A rebuild of an unchanged case asks it of every file
in the case's folder, and must stay as quick as its record allows: this module reads the
YAML's events (:mod:`avtalsgen.input.yamlevents`: no values constructed, so no alias is
expanded) and imports nothing of the models or the case file's reader.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Final

from avtalsgen.errors import CaseError
from avtalsgen.input.limits import read_bytes
from avtalsgen.input.yamlevents import TooMany, events, pyyaml, string

#: A top-level ``dnr:`` line of a file that cannot be read as YAML (a tab, a key given
#: twice): its value, quoted or not, a comment after it.
_DNR_LINE: Final = re.compile(
    r"""^dnr[ \t]*:[ \t]*(?P<q>["']?)(?P<dnr>[^"'#\s]+)(?P=q)[ \t]*(?:#.*)?$""", re.M
)


def file_dnr(path: Path) -> tuple[str | None, int | None]:
    """This file's Dnr and the line of its ``dnr`` key, the one answer every command gives:
    its top-level ``dnr`` as YAML reads it, quoted or not, with a comment after it, on the
    line after its key or in flow style alike; for a file that cannot be read as YAML (a
    tab, a key given twice) or holds more values than a case file may, its ``dnr:`` line as
    written, so that a case file broken by a tab still holds its Dnr. ``(None, None)`` for a
    file with neither, one whose ``dnr`` is not text, or one the case file's reader refuses
    to open (not a regular file, larger than 256 kB) or that is not UTF-8 text. Kept per run
    while the file is unchanged (the same path, inode, size and time of change)."""
    try:
        info = path.stat()
    except OSError:
        return None, None
    return _file_dnr(path.resolve(), info.st_ino, info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _file_dnr(path: Path, _inode: int, _size: int, _changed: int) -> tuple[str | None, int | None]:
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except (CaseError, UnicodeDecodeError):
        return None, None
    yaml = pyyaml()[0]
    try:
        return _top_level_dnr(text)
    except (yaml.YAMLError, TooMany):
        return _written(text)


def _top_level_dnr(text: str) -> tuple[str | None, int | None]:
    """The top-level ``dnr`` of a file's YAML (the last, as YAML's values keep), read to
    the end so that a file YAML refuses falls back to its written line."""
    yaml = pyyaml()[0]
    found: tuple[str | None, int | None] = (None, None)
    top_mapping = False
    dnr_key_line: int | None = None
    for event, depth, is_key in events(text):
        if depth == 0:
            if isinstance(event, yaml.DocumentStartEvent) and top_mapping:
                raise yaml.YAMLError("more than one document")  # as the case file's reader
            if isinstance(event, yaml.CollectionStartEvent):
                top_mapping = isinstance(event, yaml.MappingStartEvent)
        elif depth == 1 and top_mapping and isinstance(event, yaml.NodeEvent):
            if is_key:
                mark = event.start_mark
                is_dnr = isinstance(event, yaml.ScalarEvent) and event.value == "dnr"
                dnr_key_line = mark.line + 1 if is_dnr and mark is not None else None
            elif dnr_key_line is not None:
                value = (string(event) or "").strip()
                found = (value, dnr_key_line) if value else (None, None)
    return found


def _written(text: str) -> tuple[str | None, int | None]:
    """The ``dnr:`` line of a file that cannot be read as YAML, as written."""
    match = _DNR_LINE.search(text)
    if match is None:
        return None, None
    return match["dnr"], text.count("\n", 0, match.start()) + 1
